"""Lots through commissioning's API: the tender's lots, one live bid per lot per organisation,
reserved lots, and bad input naming the field. A tender without lots is unchanged."""

from __future__ import annotations

import dataclasses

from services.commissioning.context import context_from_app
from services.commissioning.service_layer.closing import close_due
from tests.support.builders import bid_body, criteria, gbp, lot, reserved


def _errors(resp):
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    return resp.get_json().get("errors") or {}


def _kinds(world):
    # The gateway asserts each organisation's kind; reservations are decided on it.
    world.actors["bidder"] = dataclasses.replace(world.actors["bidder"],
                                                 organisation_kind="other")
    world.actors["bidder2"] = dataclasses.replace(world.actors["bidder2"],
                                                  organisation_kind="cic")


def test_a_tender_with_two_lots_one_reserved(world):
    _kinds(world)
    t = world.published(lots=[lot("L1"), lot("L2", reservation=reserved())])
    assert [x["key"] for x in t["lots"]] == ["L1", "L2"]
    first = world.bid(t["id"], body=bid_body(lot_key="L1"))
    assert first.status_code == 201, first.get_json()
    again = world.bid(t["id"], body=bid_body(lot_key="L1"))
    assert again.status_code == 409 and again.get_json()["bid_id"] == first.get_json()["id"]
    refused = world.bid(t["id"], body=bid_body(lot_key="L2"))
    assert refused.status_code == 403 and "lot_key" in _errors(refused)
    assert "reserved" in refused.get_json()["detail"]
    other = world.bid(t["id"], who="bidder2", body=bid_body(lot_key="L2"))
    assert other.status_code == 201
    both = world.bid(t["id"], who="bidder2", body=bid_body(lot_key="L1"))
    assert both.status_code == 201  # a bidder may bid for several lots
    bid = world.get(f"/bids/{first.get_json()['id']}", who="bidder").get_json()
    assert bid["lot_key"] == "L1"
    # A bid stays on its lot.
    moved = world.put(f"/bids/{bid['id']}", bid_body(lot_key="L2"))
    assert moved.status_code in (403, 422) and "lot_key" in _errors(moved)
    # Withdrawn, the lot is free again for the organisation.
    world.post(f"/bids/{bid['id']}/withdraw", who="bidder")
    assert world.bid(t["id"], body=bid_body(lot_key="L1")).status_code == 201
    world.pass_deadline(t)
    close_due(context_from_app(world.app), world.clock())
    opened = world.get(f"/tenders/{t['id']}/bids", who="commissioner").get_json()["items"]
    assert sorted(b["lot_key"] for b in opened) == ["L1", "L1", "L2"]


def test_bids_naming_no_lot_or_a_lot_the_tender_lacks_are_refused_naming_lot_key(world):
    _kinds(world)
    with_lots = world.published(lots=[lot("L1"), lot("L2")])
    without = world.published()
    for tender, body in ((with_lots, bid_body()), (with_lots, bid_body(lot_key="L9")),
                         (without, bid_body(lot_key="L1"))):
        resp = world.bid(tender["id"], body=body)
        assert resp.status_code == 422 and "lot_key" in _errors(resp), resp.get_json()
    assert "lots" not in without  # a tender without lots looks as before


def test_lot_rules_on_the_tender(world):
    dup = world.post("/tenders", {"title": "Two lots", "lots": [lot("L1"), lot("L1")]})
    assert dup.status_code == 422 and "lots.1.key" in _errors(dup)
    own = criteria()
    own[0]["weight"] += 5
    draft = world.draft(lots=[lot("L1"), lot("L2", criteria=own)])
    resp = world.post(f"/tenders/{draft['id']}/publish")
    assert resp.status_code == 422 and "lots.1.criteria" in _errors(resp)
    bad_kind = world.post("/tenders", {"title": "T", "lots": [
        lot("L1", reservation={"kinds": ["plc"]})]})
    assert bad_kind.status_code == 422 and "lots.0.reservation.kinds.0" in _errors(bad_kind)


def test_a_lots_own_criteria_and_currency_apply_to_its_bids(world):
    _kinds(world)
    own = [{**c, "weight": w} for c, w in zip(criteria()[:2], (40, 30), strict=True)]
    t = world.published(lots=[lot("L1", criteria=own)])
    resp = world.bid(t["id"], body=bid_body(lot_key="L1"))  # responds to Q3..SV too
    assert resp.status_code == 422 and "responses.2.criterion_key" in _errors(resp)
    euro = world.bid(t["id"], body=bid_body(lot_key="L1", price=gbp("1.00") | {
        "currency": "EUR"}))
    assert euro.status_code == 422 and "price.currency" in _errors(euro)


def test_lots_are_fixed_once_bids_are_in_and_an_awarded_lot_blocks_cancelling(world):
    from sqlalchemy import update

    from services.commissioning.adapters.tables import Tender

    _kinds(world)
    t = world.published(lots=[lot("L1"), lot("L2")])
    path = f"/tenders/{t['id']}/amendments"
    renamed = {"reason": "Areas redrawn", "changes": {"lots": [lot("L1"), lot("L3")]}}
    assert world.post(path, renamed).status_code == 201  # no bid yet: the lots may change
    assert world.bid(t["id"], body=bid_body(lot_key="L1")).status_code == 201
    resp = world.post(path, {"reason": "Again", "changes": {"lots": [lot("L1")]}})
    assert resp.status_code == 422 and "changes.lots" in _errors(resp)
    retitled = [lot("L1", title="Lot L1: the north"), lot("L3")]
    assert world.post(path, {"reason": "Titles", "changes": {"lots": retitled}}).status_code \
        == 201  # the same keys: bids stay on their lots
    # A lot awarded (as scoring's BidAwarded records it): the tender can no longer be cancelled.
    with context_from_app(world.app).session_factory.begin() as session:
        session.execute(update(Tender).where(Tender.id == t["id"]).values(
            award={"lots": {"L1": {"status": "awarded", "bid_id": "bid_x"}}}))
    refused = world.post(f"/tenders/{t['id']}/cancel", {"reason": "Budget withdrawn"})
    assert refused.status_code == 409 and "L1" in refused.get_json()["detail"]


def test_a_drafts_lots_are_not_told_by_the_public_contract_endpoint(world):
    draft = world.draft(lots=[lot("L1"), lot("L2")])
    resp = world.get(f"/tenders/{draft['id']}/contract", who="bidder")
    assert resp.status_code == 404 and "L1" not in resp.get_data(as_text=True)
