"""Rate cards on tenders: published with the tender, refused naming the field when wrong (and
nothing written), changed only by amendment before the deadline, carried into the contract
bound to the agreed metrics; decisions carry the decided results to scoring."""

from __future__ import annotations

from sqlalchemy import select

from services.commissioning.adapters.tables import outbox
from tests.conftest import identity
from tests.support.builders import gbp, rate_card, tender_body

from .conftest import concluded

CARD = rate_card(outcomes=[
    {"key": "lonely", "criterion_key": "Q1", "indicator": "ucla 3-item LONELINESS score",
     "price": gbp("400.00"), "planned_outcomes": 100},
    {"key": "jobs", "criterion_key": "SV", "indicator": "People from the borough employed",
     "price": gbp("1200.00"), "cap": gbp("6000.00")},
    {"key": "unbid", "criterion_key": "Q2", "indicator": "Nobody committed to this",
     "price": gbp("10.00")}])


def test_the_card_is_public_with_the_tender_and_bad_cards_name_the_field(world):
    t = world.published(rate_card=CARD)
    public = world.get(f"/tenders/{t['id']}", who=identity(roles=("bidder",),
                                                          organisation_id="org_other"))
    assert public.get_json()["rate_card"]["outcomes"][1]["cap"] == gbp("6000.00")
    listed = len(world.get("/tenders?limit=100").get_json()["items"])
    bad = {"rate_card.outcomes.0.criterion_key": {"outcomes": [
               {**CARD["outcomes"][0], "criterion_key": "Q9"}]},
           "rate_card.cap_total.currency": {"cap_total": {"amount": "1.00",
                                                          "currency": "EUR"}},
           "rate_card.value_at_risk_percent": {"value_at_risk_percent": "100.5"},
           "rate_card.outcomes.0.price": {"outcomes": [
               {k: v for k, v in CARD["outcomes"][0].items() if k != "price"}]},
           "rate_card.outcomes.1.key": {"outcomes": [CARD["outcomes"][0],
                                                     CARD["outcomes"][0]]}}
    for field, change in bad.items():
        resp = world.post("/tenders", tender_body(world.clock(), rate_card={**CARD, **change}))
        assert resp.status_code == 422, (field, resp.get_json())
        assert resp.mimetype == "application/problem+json"
        assert field in resp.get_json()["errors"], (field, resp.get_json())
    assert len(world.get("/tenders?limit=100").get_json()["items"]) == listed


def test_an_amendment_changes_the_card_before_the_deadline(world):
    t = world.published(rate_card=CARD)
    resp = world.post(f"/tenders/{t['id']}/amendments", {
        "changes": {"rate_card": {**CARD, "value_at_risk_percent": "15"}},
        "reason": "More of the value at risk, as the market engagement suggested."})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["rate_card"]["value_at_risk_percent"] == "15"
    resp = world.post(f"/tenders/{t['id']}/amendments", {
        "changes": {"rate_card": {**CARD, "outcomes": [{**CARD["outcomes"][0],
                                                        "criterion_key": "ZZ"}]}},
        "reason": "A mistake"})
    assert resp.status_code == 422
    assert "changes.rate_card.outcomes.0.criterion_key" in resp.get_json()["errors"]


def test_the_contract_carries_the_card_bound_to_the_agreed_metrics(world):
    t, _ = concluded(world, rate_card=CARD)
    contract = world.get(f"/tenders/{t['id']}/contract", who=identity()).get_json()
    bound = {o["key"]: o["metric_id"] for o in contract["rate_card"]["outcomes"]}
    assert bound == {"lonely": "M1", "jobs": "M2", "unbid": None}
    with world.app.extensions["coprocure"].session_factory() as s:
        created = s.execute(select(outbox.c.payload).where(
            outbox.c.event_type == "ContractCreated")).scalar_one()
    assert created["data"]["rate_card"]["outcomes"][0]["metric_id"] == "M1"
    assert created["data"]["buyer"]["organisation_id"] == contract["buyer"]["organisation_id"]


def test_a_tender_without_a_card_and_its_contract_have_none(world):
    t, _ = concluded(world)
    assert world.get(f"/tenders/{t['id']}").get_json()["rate_card"] is None
    contract = world.get(f"/tenders/{t['id']}/contract", who=identity()).get_json()
    assert contract["rate_card"] is None
