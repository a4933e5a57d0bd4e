"""Every lifecycle transition and its illegal twins (HTTP, service layer and rq jobs)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.commissioning.context import context_from_app
from services.commissioning.domain.lifecycle import IllegalTransition
from services.commissioning.service_layer.closing import close_due, record_scoring_result

from .conftest import rfc


def _event(world, tender_id, event_type, data=None, event_id=None):
    payload = {"schema_version": 1, "event_id": event_id or f"{event_type}-{tender_id}",
               "event_type": event_type, "tender_id": tender_id, "data": data or {}}
    return record_scoring_result(context_from_app(world.app), payload, world.clock())


def _status(world, tender_id):
    return world.get(f"/tenders/{tender_id}").get_json()["status"]


def _closed(world):
    t = world.published()
    world.bid(t["id"])
    world.pass_deadline(t)
    assert close_due(context_from_app(world.app), world.clock())["closed"] >= 1
    assert _status(world, t["id"]) == "closed"
    return t


def _conflict(resp, state):
    assert resp.status_code == 409, resp.get_json()
    body = resp.get_json()
    assert state in body["detail"] and body["current_status"] == state
    assert resp.headers["Content-Type"].startswith("application/problem+json")


def test_the_whole_happy_path(world):
    t = world.draft()
    assert t["status"] == "draft"
    assert world.post(f"/tenders/{t['id']}/publish").get_json()["status"] == "published"
    bid = world.bid(t["id"]).get_json()
    world.pass_deadline(t)
    assert close_due(context_from_app(world.app), world.clock())["closed"] == 1
    doc = world.get(f"/tenders/{t['id']}").get_json()
    assert doc["status"] == "closed" and doc["opened_at"] == doc["closed_at"] == rfc(world.clock())
    assert _event(world, t["id"], "TenderAssessed") == "moved to evaluating"
    assert _event(world, t["id"], "ScoringRunCompleted",
                  {"run_id": "run_1", "output_sha256": "ab" * 32, "ranking": []}) == \
        "moved to scored"
    ends = world.clock() + timedelta(days=12)
    assert _event(world, t["id"], "BidAwarded", {
        "bid_id": bid["id"], "run_id": "run_1", "justification": None,
        "awarded_at": rfc(world.clock()), "standstill_ends_at": rfc(ends)}) == "moved to awarded"
    doc = world.get(f"/tenders/{t['id']}", who="bidder").get_json()
    assert doc["status"] == "awarded" and doc["award"]["bid_id"] == bid["id"]
    assert doc["standstill_ends_at"] == rfc(ends)
    world.clock.now = ends - timedelta(microseconds=1)
    assert close_due(context_from_app(world.app), world.clock())["concluded"] == 0
    world.clock.now = ends
    assert close_due(context_from_app(world.app), world.clock())["concluded"] == 1
    assert _status(world, t["id"]) == "concluded"


def test_illegal_http_transitions_name_the_current_state(world):
    t = world.published()
    _conflict(world.post(f"/tenders/{t['id']}/publish"), "published")
    _conflict(world.patch(f"/tenders/{t['id']}", {"title": "x"}), "published")
    c = world.draft()
    world.post(f"/tenders/{c['id']}/cancel", {"reason": "r"})
    _conflict(world.post(f"/tenders/{c['id']}/publish"), "cancelled")
    _conflict(world.post(f"/tenders/{c['id']}/cancel", {"reason": "again"}), "cancelled")
    _conflict(world.patch(f"/tenders/{c['id']}", {"title": "x"}), "cancelled")
    _conflict(world.post(f"/tenders/{c['id']}/amendments",
                         {"changes": {"title": "x"}, "reason": "r"}), "cancelled")
    closed = _closed(world)
    _conflict(world.post(f"/tenders/{closed['id']}/publish"), "closed")
    _conflict(world.patch(f"/tenders/{closed['id']}", {"title": "x"}), "closed")
    _conflict(world.post(f"/tenders/{closed['id']}/amendments",
                         {"changes": {"title": "x"}, "reason": "r"}), "closed")


@pytest.mark.parametrize("state", ["draft", "published", "closed", "evaluating", "scored"])
def test_cancel_from_every_state_before_award(world, state):
    if state == "draft":
        t = world.draft()
    elif state == "published":
        t = world.published()
    else:
        t = _closed(world)
        if state in ("evaluating", "scored"):
            _event(world, t["id"], "TenderAssessed")
        if state == "scored":
            _event(world, t["id"], "ScoringRunCompleted", {"run_id": "r1"})
    assert _status(world, t["id"]) == state
    assert world.post(f"/tenders/{t['id']}/cancel", {}).status_code == 422  # reason required
    assert world.post(f"/tenders/{t['id']}/cancel", {"reason": "r"},
                      who="other_commissioner").status_code in (403, 404)
    resp = world.post(f"/tenders/{t['id']}/cancel", {"reason": "Budget withdrawn"})
    assert resp.status_code == 200
    assert resp.get_json()["status"] == "cancelled"
    assert resp.get_json()["cancel_reason"] == "Budget withdrawn"
    # Events arriving for a cancelled tender are ignored, not retried forever.
    assert _event(world, t["id"], "TenderAssessed", event_id="late").startswith("ignored")


@pytest.mark.parametrize("state", ["awarded", "concluded"])
def test_no_cancel_after_award(world, state):
    t = _closed(world)
    _event(world, t["id"], "TenderAssessed")
    _event(world, t["id"], "ScoringRunCompleted", {"run_id": "r1"})
    _event(world, t["id"], "BidAwarded", {"bid_id": "b", "standstill_ends_at": rfc(world.clock())})
    if state == "concluded":
        close_due(context_from_app(world.app), world.clock())
    _conflict(world.post(f"/tenders/{t['id']}/cancel", {"reason": "r"}), state)


def test_scoring_events_out_of_order_are_refused_for_retry(world):
    t = world.published()
    with pytest.raises(IllegalTransition, match="published"):
        _event(world, t["id"], "TenderAssessed")
    with pytest.raises(IllegalTransition, match="published"):
        _event(world, t["id"], "ScoringRunCompleted")
    closed = _closed(world)
    with pytest.raises(IllegalTransition, match="closed"):
        _event(world, closed["id"], "BidAwarded", {"bid_id": "b"})
    assert _status(world, closed["id"]) == "closed"
    # A re-run after scoring keeps the tender scored; a repeated assessment is a no-op.
    _event(world, closed["id"], "TenderAssessed")
    _event(world, closed["id"], "ScoringRunCompleted", {"run_id": "r1"})
    assert _event(world, closed["id"], "TenderAssessed", event_id="again").startswith("ignored")
    assert _event(world, closed["id"], "ScoringRunCompleted", {"run_id": "r2"},
                  event_id="rerun") == "moved to scored"
    with pytest.raises(ValueError, match="unknown tender"):
        _event(world, "tnd_missing", "TenderAssessed")
    with pytest.raises(ValueError, match="invalid ScoringResult"):
        record_scoring_result(context_from_app(world.app), {"event_type": "Nope"}, world.clock())


def test_each_event_is_applied_once(world):
    t = _closed(world)
    assert _event(world, t["id"], "TenderAssessed", event_id="e1") == "moved to evaluating"
    assert _event(world, t["id"], "TenderAssessed", event_id="e1") == "duplicate"
    assert _event(world, t["id"], "ScoringRunCompleted", {"run_id": "r1"}, "e2") == \
        "moved to scored"
    assert _event(world, t["id"], "ScoringRunCompleted", {"run_id": "r1"}, "e2") == "duplicate"


def test_closing_before_the_deadline_does_nothing(world):
    t = world.published()
    world.clock.now = world.clock.now + timedelta(days=20) - timedelta(microseconds=1)
    assert close_due(context_from_app(world.app), world.clock()) == {"closed": 0, "concluded": 0}
    assert _status(world, t["id"]) == "published"
