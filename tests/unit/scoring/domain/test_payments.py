"""The outcome payments model (docs/scoring.md §18): prices times validated outcomes, in period
order, within the outcome, per-person and total caps; never for disputed or rejected results."""

from __future__ import annotations

from decimal import Decimal

from services.scoring.domain import payments as model

SCHEDULE = [{"period": p, "start": None, "end": f"2030-0{3 * p}-28"} for p in (1, 2, 3)]


def inputs(results, **card):
    rate_card = {"currency": "GBP", "value_at_risk_percent": "10", "validation": "independent",
                 "outcomes": [
                     {"key": "lonely", "criterion_key": "Q1", "indicator": "UCLA",
                      "price": {"amount": "400.00", "currency": "GBP"}, "metric_id": "M1",
                      "planned_outcomes": 100},
                     {"key": "peer", "criterion_key": "Q5", "indicator": "Peer roles",
                      "price": {"amount": "2500.00", "currency": "GBP"}, "metric_id": "M3",
                      "cap": {"amount": "6000.00", "currency": "GBP"}}]}
    rate_card.update(card)
    return {"contract": {"id": "ctr_1", "value": {"amount": "398000.00", "currency": "GBP"},
                         "metrics": [{"id": m, "schedule": SCHEDULE} for m in ("M1", "M2", "M3")]},
            "rate_card": rate_card, "results": results}


def result(metric, period, with_outcome, engaged=50, decision="validated", by="validator"):
    return {"metric_id": metric, "period": period, "report_id": f"rpt_{metric}{period}",
            "report_version": 1, "decision": decision, "decided_by": by,
            "people_engaged": engaged, "people_with_outcome": with_outcome}


def test_validated_outcomes_times_the_price_per_period_with_the_outcome_cap():
    out = model.calculate(inputs([result("M1", 1, 25), result("M3", 1, 1),
                                  result("M1", 2, 12), result("M3", 2, 3)]))
    p1, p2 = out["periods"]
    assert [(line["metric_id"], line["amount"]) for line in p1["lines"]] == [
        ("M1", "10000.00"), ("M3", "2500.00")]
    # M3's cap of 6000 leaves 3500 of period 2's 7500
    assert p2["lines"][1]["gross"] == "7500.00" and p2["lines"][1]["amount"] == "3500.00"
    assert p2["lines"][1]["capped_by"] == ["outcome cap"]
    assert (p1["amount"], p2["amount"], p2["cumulative"]) == ("12500.00", "8300.00",
                                                              "20800.00")
    assert out["total"] == "20800.00"


def test_disputed_rejected_and_buyer_validated_results_are_never_paid_under_independent():
    out = model.calculate(inputs([result("M1", 1, 25, decision="disputed"),
                                  result("M3", 1, 1, decision="rejected"),
                                  result("M1", 2, 5, by="commissioner"),
                                  result("M2", 2, 9)]))
    assert out["total"] == "0.00"
    reasons = {(e["metric_id"], e["period"]): e["reason"] for e in out["excluded"]}
    assert reasons[("M1", 1)].startswith("disputed")
    assert reasons[("M3", 1)].startswith("rejected")
    assert "independent" in reasons[("M1", 2)]
    assert "no outcome" in reasons[("M2", 2)]
    anyone = model.calculate(inputs([result("M1", 2, 5, by="commissioner")], validation="any"))
    assert anyone["total"] == "2000.00"


def test_the_total_cap_is_the_lower_of_the_card_cap_and_the_share_at_risk_rounded_down():
    assert model.at_risk_cap({"amount": "333.33"}, "33.33") == Decimal("111.09")  # 111.0988..
    out = model.calculate(inputs([result("M1", 1, 25), result("M1", 2, 80)],
                                 value_at_risk_percent="5"))  # 19900.00
    assert out["caps"]["at_risk"] == "19900.00"
    assert [p["amount"] for p in out["periods"]] == ["10000.00", "9900.00"]
    assert out["periods"][1]["lines"][0]["capped_by"] == ["total cap"]
    lower = model.calculate(inputs([result("M1", 1, 25)],
                                   cap_total={"amount": "1200.00", "currency": "GBP"}))
    assert lower["total"] == "1200.00"


def test_the_per_person_cap_limits_the_cumulative_total_by_the_largest_cohort():
    out = model.calculate(inputs([result("M1", 1, 10, engaged=10), result("M3", 1, 1, 10)],
                                 cap_per_person={"amount": "500.00", "currency": "GBP"}))
    (period,) = out["periods"]
    # 10 people x 500 = 5000 of the 4000 + 2500 due; the card's last outcome gives way
    assert period["amount"] == "5000.00"
    assert [line["amount"] for line in period["lines"]] == ["4000.00", "1000.00"]
    assert period["lines"][1]["capped_by"] == ["cap per person"]


def test_planned_outcomes_are_spread_over_the_metric_periods():
    planned = model.calculate(inputs([]))["planned"]
    assert planned[0]["amount"] == "40000.00"
    assert [p["outcomes"] for p in planned[0]["by_period"]] == [33, 33, 34]
    assert planned[1]["outcomes"] == 0 and planned[1]["amount"] == "0.00"


def test_the_same_inputs_give_the_same_output():
    data = inputs([result("M1", 1, 25), result("M3", 2, 3)])
    assert model.calculate(data) == model.calculate(data)
