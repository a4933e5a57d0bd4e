"""Outcome payments from a contract's rate card and its validated results: a pure, versioned
model (docs/scoring.md, "18. Outcome payments"). Decimal arithmetic in the contract currency;
the only rounding is the at-risk cap, rounded down to the penny (the payer never owes more
than the published share).

Inputs: ``{"contract": {"id", "value": {"amount", "currency"}, "metrics": [{"id",
"schedule": [{"period", "start", "end"}]}]}, "rate_card": {...the contract's card, each outcome
bound to a ``metric_id``...}, "results": [{"metric_id", "period", "report_id",
"report_version", "decision", "decided_by", "people_engaged", "people_with_outcome"}]}``.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

PAYMENTS_MODEL_VERSION = "payments-1.0.0"
PENNY = Decimal("0.01")
INDEPENDENT, ANY = "independent", "any"  # which validation counts
COUNTING_ROLES = {INDEPENDENT: ("validator",), ANY: ("validator", "commissioner")}


def money(value: Any) -> Decimal:
    """An amount as an exact decimal (``{"amount": ...}`` or a string)."""
    if isinstance(value, dict):
        value = value.get("amount")
    return Decimal(str(value))


def show(amount: Decimal) -> str:
    """An amount as published: two decimal places."""
    return str(amount.quantize(PENNY))


def at_risk_cap(contract_value: Any, percent: Any) -> Decimal:
    """The share of the contract value at risk on outcomes, rounded down to the penny."""
    return (money(contract_value) * Decimal(str(percent)) / 100).quantize(PENNY, ROUND_DOWN)


def counts(result: dict[str, Any], validation: str) -> str | None:
    """Why a result is not paid, or None when it counts."""
    decision = result.get("decision", "validated")
    if decision != "validated":
        return f"{decision}: never paid while {decision}"
    who = result.get("decided_by", "validator")
    if who not in COUNTING_ROLES.get(validation, ()):
        # A decision recorded without its role said "validated by the None" before.
        by = f"the {who}" if who else "someone whose role was not recorded"
        return f"validated by {by}; this rate card counts only independent validation"
    return None


def planned(card: dict[str, Any], metrics: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """What each outcome would pay if its planned number of outcomes were achieved, spread
    evenly over its metric's periods (whole outcomes; the remainder in the last periods)."""
    out = []
    for o in card["outcomes"]:
        number = int(o.get("planned_outcomes") or 0)
        price = money(o["price"])
        slots = (metrics.get(o.get("metric_id")) or {}).get("schedule") or []
        n = len(slots) or 1
        by_period = []
        for i, slot in enumerate(slots, start=1):
            share = number * i // n - number * (i - 1) // n
            by_period.append({"period": slot["period"], "outcomes": share,
                              "amount": show(price * share)})
        total = price * number
        if o.get("cap"):
            total = min(total, money(o["cap"]))
        out.append({"outcome_key": o["key"], "metric_id": o.get("metric_id"),
                    "outcomes": number, "amount": show(total), "by_period": by_period})
    return out


def calculate(inputs: dict[str, Any]) -> dict[str, Any]:
    """Payments due per period, in period order, within every cap (docs/scoring.md §18)."""
    contract, card = inputs["contract"], inputs["rate_card"]
    metrics = {m["id"]: m for m in contract["metrics"]}
    validation = card.get("validation") or INDEPENDENT
    by_metric = {o.get("metric_id"): o for o in card["outcomes"] if o.get("metric_id")}
    caps: dict[str, Decimal] = {}
    if card.get("cap_total"):
        caps["total"] = money(card["cap_total"])
    if card.get("value_at_risk_percent") is not None and contract.get("value"):
        caps["at_risk"] = at_risk_cap(contract["value"], card["value_at_risk_percent"])
    overall = min(caps.values()) if caps else None
    per_person = money(card["cap_per_person"]) if card.get("cap_per_person") else None
    order = {o["key"]: i for i, o in enumerate(card["outcomes"])}
    results = sorted(inputs["results"], key=lambda r: (int(r["period"]), r["metric_id"]))
    paid_by_outcome = {o["key"]: Decimal(0) for o in card["outcomes"]}
    paid, cohort = Decimal(0), 0
    periods: dict[int, dict[str, Any]] = {}
    excluded = []
    for r in results:
        period = periods.setdefault(int(r["period"]), {"period": int(r["period"]), "lines": [],
                                                        "reasons": []})
        outcome = by_metric.get(r["metric_id"])
        why = "no outcome of the rate card is tied to this metric" if outcome is None \
            else counts(r, validation)
        if why:
            excluded.append({"metric_id": r["metric_id"], "period": period["period"],
                             "report_id": r.get("report_id"), "reason": why})
            period["reasons"].append(f"{r['metric_id']}: not paid ({why})")
            continue
        number = int(r["people_with_outcome"])
        price = money(outcome["price"])
        period["lines"].append({"outcome_key": outcome["key"], "metric_id": r["metric_id"],
                                "report_id": r.get("report_id"),
                                "report_version": r.get("report_version"),
                                "outcomes": number, "price": show(price),
                                "gross": price * number, "capped_by": []})
        cohort = max(cohort, int(r["people_engaged"]))
        period["cohort"] = cohort
    for number in sorted(periods):
        period = periods[number]
        period["lines"].sort(key=lambda line: order[line["outcome_key"]])
        for line in period["lines"]:  # each outcome's own cap over the contract
            outcome = card["outcomes"][order[line["outcome_key"]]]
            line["amount"] = line["gross"]
            if outcome.get("cap"):
                room = max(Decimal(0), money(outcome["cap"]) - paid_by_outcome[outcome["key"]])
                if line["amount"] > room:
                    line["amount"] = room
                    line["capped_by"].append("outcome cap")
            paid_by_outcome[outcome["key"]] += line["amount"]
        rooms = []
        if per_person is not None:
            rooms.append(("cap per person", per_person * period.get("cohort", cohort) - paid))
        if overall is not None:
            rooms.append(("total cap", overall - paid))
        subtotal = sum((line["amount"] for line in period["lines"]), Decimal(0))
        for name, room in rooms:  # the last outcomes of the card give way first
            excess = subtotal - max(Decimal(0), room)
            for line in reversed(period["lines"]):
                if excess <= 0:
                    break
                cut = min(excess, line["amount"])
                if cut > 0:
                    line["amount"] -= cut
                    paid_by_outcome[line["outcome_key"]] -= cut
                    line["capped_by"].append(name)
                    excess -= cut
            subtotal = sum((line["amount"] for line in period["lines"]), Decimal(0))
        paid += subtotal
        for line in period["lines"]:
            period["reasons"].append(
                f"{line['metric_id']}: {line['outcomes']} outcomes x {line['price']} = "
                f"{show(line['gross'])}" + (f", paid {show(line['amount'])} within the "
                                            f"{' and '.join(line['capped_by'])}"
                                            if line["capped_by"] else ""))
            line["gross"], line["amount"] = show(line["gross"]), show(line["amount"])
        period["amount"], period["cumulative"] = show(subtotal), show(paid)
        period.setdefault("cohort", cohort)
    return {"model_version": PAYMENTS_MODEL_VERSION, "contract_id": contract["id"],
            "currency": card.get("currency") or (contract.get("value") or {}).get("currency"),
            "validation": validation,
            "caps": {"total": show(caps["total"]) if "total" in caps else None,
                     "at_risk": show(caps["at_risk"]) if "at_risk" in caps else None,
                     "per_person": show(per_person) if per_person is not None else None},
            "periods": [periods[p] for p in sorted(periods)], "total": show(paid),
            "planned": planned(card, metrics), "excluded": excluded}
