"""Paying for outcomes, through the gateway only: the demo tender published with a rate card
(bidders see it before bidding; bad cards refused naming the field), the contract carrying it,
two periods reported, co-assessed, disputed and validated, one result left disputed, and the
published payments checked against an independent calculation made here from the rate card
and docs/scoring.md §18; the auditor replays the run."""

from __future__ import annotations

import pytest

from services.demo.client import Client
from services.demo.contract import RESULTS, ContractStage
from shared.waiting import wait_until
from tests.support.builders import rate_card, tender_body
from tests.support.indigo import project_errors
from tests.support.journeys import awarded_demo, portal_session
from tests.support.ocds import package_errors

pytestmark = pytest.mark.e2e
LEFT_DISPUTED = ("M3", 2)


def independent_payments(card: dict, results: dict, unpaid: set, value: float) -> list[int]:
    """docs/scoring.md §18 recomputed in whole pence: per period, in order, outcomes x price,
    each outcome's cap, then the per-person cap (largest cohort so far) and the total cap
    (the lower of the card's and the share at risk); the card's last outcomes give way."""
    pence = {o["metric_id"]: round(float(o["price"]["amount"]) * 100) for o in card["outcomes"]}
    caps = {o["metric_id"]: round(float(o["cap"]["amount"]) * 100)
            for o in card["outcomes"] if o.get("cap")}
    order = [o["metric_id"] for o in card["outcomes"]]
    total_cap = int(value * float(card["value_at_risk_percent"]))  # pence, rounded down
    per_person = round(float(card["cap_per_person"]["amount"]) * 100)
    paid, by_metric, cohort, out = 0, dict.fromkeys(order, 0), 0, []
    for period in (1, 2):
        lines = {}
        for metric in order:
            if (metric, period) in unpaid:
                continue
            _, engaged, achieved = results[metric][period]
            cohort = max(cohort, engaged)
            amount = achieved * pence[metric]
            if metric in caps:
                amount = min(amount, caps[metric] - by_metric[metric])
            lines[metric] = amount
        for room in (per_person * cohort - paid, total_cap - paid):
            excess = sum(lines.values()) - room
            for metric in reversed(order):
                if excess > 0 and metric in lines:
                    cut = min(excess, lines[metric])
                    lines[metric] -= cut
                    excess -= cut
        for metric, amount in lines.items():
            by_metric[metric] += amount
        paid += sum(lines.values())
        out.append(sum(lines.values()))
    return out


@pytest.fixture(scope="module")
def awarded(platform):
    return awarded_demo(platform, rate_card=rate_card())


def test_rate_card_to_two_periods_of_payments_with_a_dispute(awarded, platform):
    demo = awarded
    anyone = Client(platform.url())
    published = anyone.get(f"/tenders/{demo.tender['id']}")
    assert published["rate_card"]["outcomes"][0]["price"] == {"amount": "400.00",
                                                               "currency": "GBP"}

    # A bad rate card is refused naming the field, and nothing is written.
    commissioner = demo.clients["commissioner"]
    before = len(commissioner.get("/tenders?limit=100")["items"])
    bad_cards = (({"value_at_risk_percent": "140"}, "rate_card.value_at_risk_percent"),
                 ({"validation": "self"}, "rate_card.validation"),
                 ({"outcomes": [{**rate_card()["outcomes"][0], "criterion_key": "Q9"}]},
                  "rate_card.outcomes.0.criterion_key"),
                 ({"outcomes": [{**rate_card()["outcomes"][0], "price": {
                     "amount": "1.005", "currency": "GBP"}}]}, "rate_card.outcomes.0.price.amount"))
    for change, field in bad_cards:
        resp = commissioner.request("POST", "/tenders",
                                    json=tender_body(rate_card=rate_card(**change)), expect=422)
        assert resp.headers["content-type"].startswith("application/problem+json")
        assert field in resp.json()["errors"], resp.json()
    assert len(commissioner.get("/tenders?limit=100")["items"]) == before

    stage = ContractStage(demo)
    stage.create_assessors()
    contract = stage.wait_for_contract()
    card = contract["rate_card"]
    assert [o["metric_id"] for o in card["outcomes"]] == ["M1", "M2", "M3"]
    stage.invite()
    for period in (1, 2):
        stage.report(period)
        stage.co_assess(period)
        stage.decide(period)
    left = stage.reports[LEFT_DISPUTED]
    commissioner.post(f"/reports/{left['id']}/decisions",
                      {"decision": "disputed", "reason": "Two of the three roles started late."})

    cid = contract["id"]
    expected = independent_payments(card, RESULTS, {LEFT_DISPUTED}, 398000.00)
    seen: list = []

    def settled():
        # 404 until scoring has recorded the contract (its event travels by the outbox relay,
        # and may arrive after the decisions, which then wait for it: rq retries them, so a run
        # may first cover both periods without a decision still waiting).
        resp = anyone.request("GET", f"/contracts/{cid}/payments", expect=(200, 404))
        doc = resp.json() if resp.status_code == 200 else {"current": None}
        current = doc["current"]
        done = current and len(current["periods"]) == 2 and any(
            (e["metric_id"], e["period"]) == LEFT_DISPUTED for e in current["excluded"])
        if done:
            seen[:] = [round(float(p["amount"]) * 100) for p in current["periods"]]
        return doc if done and seen == expected else None

    payments = wait_until(settled, timeout=90,
                          what=f"the payment run after every decision, paying {expected}")
    current = payments["current"]
    assert [round(float(p["amount"]) * 100) for p in current["periods"]] == expected
    assert round(float(current["total"]) * 100) == sum(expected)
    assert current["caps"]["at_risk"] == "39800.00"
    assert any("total cap" in line["capped_by"] for line in current["periods"][1]["lines"])
    assert {(e["metric_id"], e["period"]) for e in current["excluded"]} == {LEFT_DISPUTED}
    assert "usr_" not in str(payments)
    assert current["planned"][0]["amount"] == "48000.00"  # 120 planned x 400

    auditor = demo.clients["auditor"]
    events = auditor.get(f"/audit/events?tender_id={demo.tender['id']}&limit=200")["items"]
    assert "payments_calculated" in {e["event_type"] for e in events}
    replay = auditor.post(f"/payment-runs/{current['id']}/replay")
    assert replay["matches"] is True

    # The payments are OCDS implementation transactions, and the contract an INDIGO project.
    ocds = anyone.get(f"/tenders/{demo.tender['id']}/ocds")
    assert package_errors(ocds) == []
    transactions = ocds["releases"][-1]["contracts"][0]["implementation"]["transactions"]
    assert [round(t["value"]["amount"] * 100) for t in transactions] == expected
    project = anyone.get(f"/contracts/{cid}/indigo")
    assert project_errors(project) == []
    data = project["data"]
    assert {p["outcome_metric_id"]["value"] for p in data["outcome_pricings"]} == {
        "M1", "M2", "M3"}
    actual = [p for p in data["outcome_payments"] if p["type"]["value"] == "Actual"]
    assert round(sum(p["money"]["amount"]["value"] for p in actual) * 100) == sum(expected)
    m3_p2_end = contract["metrics"][2]["schedule"][1]["end"]
    assert not [r for r in data["results"] if r["outcome_metric_id"]["value"] == "M3"
                and r["period"]["end_date"]["value"] == m3_p2_end]  # disputed: no result

    # The evidence library shows the validated outcomes by co-production depth, and the
    # commissioner starts a new tender from the contract's framework.
    shelf = anyone.get("/library")  # every contract on the platform, so: ours is listed
    ucla = next(i for i in shelf["indicators"] if i["name"] == "UCLA 3-item loneliness score")
    assert f"fw-{cid}" in ucla["frameworks"] and ucla["by_depth"][0]["stages"] == 4
    assert "usr_" not in str(shelf)
    framework = anyone.get(f"/library/frameworks/fw-{cid}")  # this contract's evidence alone
    evidence = {i["name"]: i["by_depth"] for i in framework["evidence"]}
    (row,) = evidence["UCLA 3-item loneliness score"]
    assert row["stages"] == 4 and (row["targeted"], row["validated"]) == (2, 2)
    assert row["people_with_outcome"] == sum(RESULTS["M1"][p][2] for p in (1, 2))
    (peer,) = evidence["Peer roles sustained 12 months"]
    assert (peer["targeted"], peer["validated"]) == (2, 1)  # period 2 disputed: not counted
    template = framework["tender_template"]
    started = commissioner.post("/tenders", {**template, **{
        k: tender_body()[k] for k in ("clarification_deadline", "submission_deadline")}})
    assert started["source"] == {"framework_id": f"fw-{cid}", "contract_id": cid,
                                 "title": contract["title"]}
    assert started["rate_card"]["outcomes"][0]["indicator"] == "UCLA 3-item loneliness score"
    assert any("UCLA 3-item loneliness score" in s
               for c in started["criteria"] for s in c["outcomes_sought"])
    # The portal pages show the same: the library and frameworks to anyone, the contract's
    # payments to its commissioner, who starts a tender from the framework there too.
    for path, text in (("/portal/library", "UCLA 3-item loneliness score"),
                       (f"/portal/library/frameworks/fw-{cid}", "Evidence from this contract"),
                       (f"/portal/tenders/{demo.tender['id']}", "Paying for outcomes")):
        page = anyone.request("GET", platform.url() + path, expect=200)
        assert text in page.text, path
    email = demo.users["commissioner"]["email"]
    browser, csrf = portal_session(platform, email)
    page = browser.get(f"/portal/contracts/{cid}")
    assert page.status_code == 200 and "Outcome payments" in page.text
    assert f"Total due: <strong>{current['total']} GBP</strong>" in page.text
    framework_page = browser.get(f"/portal/library/frameworks/fw-{cid}").text
    assert "Start a tender from this framework" in framework_page
    made = browser.post(f"/portal/library/frameworks/fw-{cid}/start",
                        data={"csrf_token": csrf(framework_page)}, follow_redirects=True)
    assert made.status_code == 200 and "Started from the evidence library" in made.text
    assert "Paying for outcomes" in made.text
    draft_id = str(made.url).rstrip("/").rsplit("/", 1)[-1]
    form = browser.get(f"/portal/tenders/{draft_id}/edit")
    assert form.status_code == 200 and "Paying for outcomes (optional)" in form.text
    assert 'name="rate_card.outcomes.0.price.amount"' in form.text and '"400.00"' in form.text
    browser.close()
    missing = anyone.request("GET", "/library/frameworks/fw-ctr_none", expect=404)
    assert missing.headers["content-type"].startswith("application/problem+json")
