"""Bad input: clear 422 problem documents naming the field, never a 500 or a partial write."""

from __future__ import annotations

import pytest

from tests.integration.scoring import payloads
from tests.integration.scoring.harness import person
from tests.integration.scoring.scenario import Scenario


@pytest.fixture
def s(scoring) -> Scenario:
    scenario = Scenario(scoring)
    scenario.publish_and_close()
    scenario.set_panel()
    scenario.declare_none()
    return scenario


def _errors(resp) -> dict:
    assert resp.status_code == 422, (resp.status_code, resp.json)
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    return resp.json["errors"]


@pytest.mark.parametrize("body, field", [
    ({"criterion_key": "Q1", "score": 6, "justification": "j"}, "score"),
    ({"criterion_key": "Q1", "score": -1, "justification": "j"}, "score"),
    ({"criterion_key": "Q1", "score": "3", "justification": "j"}, "score"),
    ({"criterion_key": "Q1", "score": 3.5, "justification": "j"}, "score"),
    ({"criterion_key": "Q1", "score": True, "justification": "j"}, "score"),
    ({"criterion_key": "Q1", "score": 10 ** 40, "justification": "j"}, "score"),
    ({"criterion_key": "Q1", "score": 3}, "justification"),
    ({"criterion_key": "Q1", "score": 3, "justification": "   "}, "justification"),
    ({"criterion_key": "Q1", "score": 3, "justification": "x" * 5001}, "justification"),
    ({"criterion_key": "Q1", "score": 3, "justification": None}, "justification"),
    ({"score": 3, "justification": "j"}, "criterion_key"),
    ({"criterion_key": "PRICE", "score": 3, "justification": "j"}, "criterion_key"),
    ({"criterion_key": "Q9", "score": 3, "justification": "j"}, "criterion_key"),
    ({"criterion_key": "Q1", "score": 3, "justification": "j", "evaluator_id": "x"},
     "evaluator_id"),
])
def test_bad_scores_name_the_field(s: Scenario, body, field):
    resp = s.h.post(s.evaluators[0], f"/tenders/{s.tender_id}/bids/{s.strong}/scores", body)
    assert field in _errors(resp)


def test_non_object_body_is_422(s: Scenario):
    resp = s.h.client.post(f"/api/v1/tenders/{s.tender_id}/bids/{s.strong}/scores",
                           data="[1, 2]", content_type="application/json",
                           headers=s.h.headers(s.evaluators[0]))
    assert resp.status_code == 422


def test_changed_score_has_a_reason_and_is_a_new_revision(s: Scenario):
    e1 = s.evaluators[0]
    first = s.score(e1, s.strong, "Q1", 3)
    assert first.status_code == 201 and first.json["revision"] == 1
    second = s.score(e1, s.strong, "Q1", 4, reason="Re-read the baseline evidence.")
    assert second.status_code == 201, second.json
    assert second.json["revision"] == 2 and second.json["supersedes"] == first.json["id"]
    assert second.json["reason"] == "Re-read the baseline evidence."
    # Without a `reason` (docs/api.md's body has none) the new justification is the reason.
    third = s.score(e1, s.strong, "Q1", 3)
    assert third.status_code == 201, third.json
    assert third.json["revision"] == 3 and third.json["reason"] == third.json["justification"]
    s.score(e1, s.strong, "Q1", 4, reason="Back to 4 after the panel discussion.")
    view = s.h.get(e1, f"/tenders/{s.tender_id}/evaluation").json
    assert [m["score"] for m in view["my_scores"]] == [4]
    progress = {(p["bid_id"], p["criterion_key"]): p["scored"]
                for p in view["panel"]["progress"]}
    assert progress[(s.strong, "Q1")] == 1  # the change replaced nothing, and counts once


@pytest.mark.parametrize("body, field", [
    ({"evaluators": "usr_x", "moderator": "m"}, "evaluators"),
    ({"evaluators": [], "moderator": "m"}, "evaluators"),
    ({"evaluators": ["a", "b", "c"]}, "moderator"),
    ({"evaluators": ["a", "b", "c"], "moderator": "m", "owner": "me"}, "owner"),
    ({"evaluators": [1, 2, 3], "moderator": "m"}, "evaluators.0"),
])
def test_bad_panel_bodies(scoring, body, field):
    s = Scenario(scoring)
    s.h.publish(payloads.published(s.doc))
    assert field in _errors(s.h.put_panel(s.owner, s.tender_id, body))


def test_panel_rules_name_the_offending_members(scoring):
    s = Scenario(scoring)
    s.publish_and_close()
    h, t = s.h, s.tender_id
    e1, e2, e3 = s.evaluators
    stranger = "usr_not_known"
    errors = _errors(h.put_panel(s.owner, t, {
        "evaluators": [e1.user_id, stranger, e3.user_id], "moderator": s.moderator.user_id}))
    assert "evaluators.1" in errors and "Unknown" in errors["evaluators.1"][0]
    errors = _errors(h.put_panel(s.owner, t, {
        "evaluators": [e1.user_id, e2.user_id], "moderator": s.moderator.user_id}))
    assert "evaluators" in errors and "3" in errors["evaluators"][0]
    errors = _errors(h.put_panel(s.owner, t, {
        "evaluators": [e2.user_id, e3.user_id, s.outsider.user_id],
        "moderator": s.moderator.user_id}))
    assert "lived experience" in errors["evaluators"][0]
    errors = _errors(h.put_panel(s.owner, t, {
        "evaluators": [e1.user_id, e2.user_id, e3.user_id], "moderator": e1.user_id}))
    assert "moderator" in errors
    auditor = person("auditor")
    h.know(auditor)
    errors = _errors(h.put_panel(s.owner, t, {
        "evaluators": [e1.user_id, e2.user_id, auditor.user_id],
        "moderator": s.moderator.user_id}))
    assert "evaluators.2" in errors
    errors = _errors(h.put_panel(s.owner, t, {
        "evaluators": [e1.user_id, e1.user_id, e3.user_id], "moderator": s.moderator.user_id}))
    assert "evaluators.1" in errors
    # Without the gateway's directory nobody can be vouched for; a forged one is refused.
    bare = h.client.put(f"/api/v1/tenders/{t}/panel", headers=h.headers(s.owner), json={
        "evaluators": [e1.user_id, e2.user_id, e3.user_id], "moderator": s.moderator.user_id})
    assert bare.status_code == 422
    forged = h.client.put(f"/api/v1/tenders/{t}/panel", json={
        "evaluators": [e1.user_id, e2.user_id, e3.user_id], "moderator": s.moderator.user_id},
        headers={**h.headers(s.owner), "X-Coprocure-Directory": "not-a-jwt"})
    assert forged.status_code == 401
    # None of the refused attempts wrote a panel.
    assert h.get(s.owner, f"/tenders/{t}/evaluation").json["panel"]["evaluators"] == []


@pytest.mark.parametrize("declaration, field", [
    ({"has_conflict": False, "detail": ""}, "declarations.0.bid_id"),
    ({"bid_id": "b", "organisation": "o", "has_conflict": False}, "declarations.0.bid_id"),
    ({"organisation": "Cheap Co-op", "detail": "x"}, "declarations.0.has_conflict"),
    ({"organisation": "Cheap Co-op", "has_conflict": True, "detail": ""},
     "declarations.0.detail"),
    ({"organisation": "Cheap Co-op", "has_conflict": "maybe", "detail": "x"},
     "declarations.0.has_conflict"),
    ({"bid_id": "bid_of_nobody", "has_conflict": True, "detail": "x"}, "declarations.0.bid_id"),
])
def test_bad_conflict_declarations(scoring, declaration, field):
    s = Scenario(scoring)
    s.publish_and_close()
    s.set_panel()
    resp = s.h.post(s.evaluators[0], f"/tenders/{s.tender_id}/conflicts",
                    {"declarations": [declaration]})
    assert field in _errors(resp)
    # Refused statements do not count as declared: bids stay hidden.
    assert s.h.get(s.evaluators[0], f"/tenders/{s.tender_id}/evaluation").json["bids"] == []


def test_bad_moderation_and_award_bodies(s: Scenario):
    h, t = s.h, s.tender_id
    for body, field in (({"criterion_key": "Q1", "score": 3}, "rationale"),
                        ({"criterion_key": "Q1", "score": 9, "rationale": "r"}, "score"),
                        ({"criterion_key": "ZZ", "score": 3, "rationale": "r"}, "criterion_key")):
        assert field in _errors(h.post(s.moderator, f"/tenders/{t}/bids/{s.strong}/moderation",
                                       body))
    for body, field in (({}, "bid_id"), ({"bid_id": 42}, "bid_id"),
                        ({"bid_id": "b", "justification": "x" * 6000}, "justification"),
                        ({"bid_id": "b", "awarded_at": "2020-01-01"}, "awarded_at")):
        assert field in _errors(h.post(s.owner, f"/tenders/{t}/award", body))


@pytest.mark.parametrize("tender_id", ["no-such-tender", "tnd_xyz", "TND_" + "a" * 32])
def test_panel_for_a_made_up_tender_id_is_404_without_waiting(scoring, tender_id):
    """Only an id of the shape commissioning gives tenders is worth waiting for; anything else
    never reaches the database poll (which would hold a thread for up to 15 s)."""
    from services.scoring.service_layer.access import await_tender

    class NoDatabase:
        session_factory = None  # calling it would raise: the wait must not poll

    await_tender(NoDatabase(), tender_id)
    s = Scenario(scoring)
    resp = s.h.put_panel(s.owner, tender_id, {
        "evaluators": [e.user_id for e in s.evaluators], "moderator": s.moderator.user_id})
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("application/problem+json")
