"""Object-level authorization: panel membership, conflicts, ownership, bidders, other ids."""

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
    return scenario


def test_non_panel_evaluator_sees_and_does_nothing(s: Scenario):
    h, t = s.h, s.tender_id
    assert h.get(s.outsider, f"/tenders/{t}/evaluation").status_code == 404
    assert h.post(s.outsider, f"/tenders/{t}/conflicts", {"declarations": []}).status_code == 404
    assert s.score(s.outsider, s.strong, "Q1", 3).status_code == 404


def test_declared_conflict_hides_and_blocks_that_bid_only(s: Scenario):
    h, t = s.h, s.tender_id
    e1 = s.evaluators[0]
    resp = h.post(e1, f"/tenders/{t}/conflicts", {"declarations": [
        {"organisation": "cheap co-op", "has_conflict": True,
         "detail": "I am a trustee of Cheap Co-op."},
        {"organisation": "Busy Charity", "has_conflict": False, "detail": ""}]})
    assert resp.status_code == 201, resp.json
    assert resp.json["conflicted_bids"] == 1
    seen = h.get(e1, f"/tenders/{t}/evaluation").json
    assert [b["bid_id"] for b in seen["bids"]] == [s.strong, s.outputs]
    assert all(p["bid_id"] != s.cheap for p in seen["panel"]["progress"])
    blocked = s.score(e1, s.cheap, "Q1", 3)
    assert blocked.status_code == 403 and "conflict" in blocked.json["detail"]
    assert s.score(e1, s.strong, "Q1", 4).status_code == 201
    # Commissioning learns who has declared and which bids are blocked for whom.
    panel_set = [m for m in h.messages() if m["event_type"] == "PanelSet"][-1]
    assert panel_set["data"]["blocked"][e1.user_id] == [s.cheap]
    assert e1.user_id in panel_set["data"]["declared"]


def test_conflict_by_bid_id_and_after_scoring(s: Scenario):
    h, t = s.h, s.tender_id
    e2 = s.evaluators[1]
    s.declare_none(e2)
    assert s.score(e2, s.strong, "Q1", 4).status_code == 201
    late = h.post(e2, f"/tenders/{t}/conflicts", {"declarations": [
        {"bid_id": s.strong, "has_conflict": True, "detail": "Former employee."}]})
    assert late.status_code == 409  # scored already: the commissioner must replace them
    ok = h.post(e2, f"/tenders/{t}/conflicts", {"declarations": [
        {"bid_id": s.outputs, "has_conflict": True, "detail": "My sister runs it."}]})
    assert ok.status_code == 201
    assert s.score(e2, s.outputs, "Q1", 2).status_code == 403


def test_other_commissioner_and_bidders_get_404_or_403(s: Scenario):
    h, t = s.h, s.tender_id
    other = s.other_commissioner
    assert h.get(other, f"/tenders/{t}/evaluation").status_code == 404
    assert h.put_panel(other, t, {"evaluators": [e.user_id for e in s.evaluators],
                                  "moderator": s.moderator.user_id}).status_code == 404
    assert h.post(other, f"/tenders/{t}/scoring-runs").status_code == 404
    assert h.post(other, f"/tenders/{t}/award", {"bid_id": s.strong}).status_code == 404
    assert h.get(other, f"/bids/{s.strong}/assessment-summary").status_code == 404
    # A colleague in the owning council may act for it.
    assert h.get(s.colleague, f"/tenders/{t}/evaluation").status_code == 200
    # Bidders: not their role here; their own summary waits for the award; others' are 404.
    assert h.get(s.strong_org, f"/tenders/{t}/evaluation").status_code == 403
    assert h.get(s.strong_org, f"/bids/{s.strong}/assessment-summary").status_code in (403, 409)
    assert h.get(s.cheap_org, f"/bids/{s.strong}/assessment-summary").status_code == 404
    assert h.get(s.strong_org, "/bids/bid_nope/assessment-summary").status_code == 404
    # Unknown and walked ids.
    assert h.get(s.owner, "/tenders/tnd_nope/evaluation").status_code == 404
    assert h.get(s.owner, "/scoring-runs/run_nope").status_code == 404
    assert h.get(s.auditor, "/scoring-runs/run_nope").status_code == 404
    # Anonymous calls without the gateway's assertion are refused outright.
    assert h.client.get(f"/api/v1/tenders/{t}/evaluation").status_code == 401


def test_bids_of_another_tender_are_not_found_here(s: Scenario, scoring):
    second = Scenario(scoring)
    second.publish_and_close()
    e1 = s.evaluators[0]
    s.declare_none(e1)
    wrong = s.h.post(e1, f"/tenders/{s.tender_id}/bids/{second.strong}/scores",
                     {"criterion_key": "Q1", "score": 3, "justification": "x"})
    assert wrong.status_code == 404


def test_scores_stay_hidden_until_the_evaluator_has_submitted(s: Scenario):
    h, t = s.h, s.tender_id
    e1, e2, e3 = s.evaluators
    s.declare_none()
    assert s.score(e1, s.strong, "Q4", 5).status_code == 201
    assert s.score(e2, s.strong, "Q4", 2).status_code == 201
    # e3 has not scored Q4: the divergence (and the others' scores) are hidden from it.
    view = h.get(e3, f"/tenders/{t}/evaluation").json
    assert view["divergences"] == [] and view["my_scores"] == []
    progress = {(p["bid_id"], p["criterion_key"]): p["scored"] for p in view["panel"]["progress"]}
    assert progress[(s.strong, "Q4")] == 2
    # e1 has scored: it sees the divergence and the panel's scores for that item.
    view = h.get(e1, f"/tenders/{t}/evaluation").json
    assert view["divergences"][0]["scores"] == [5, 2]
    assert view["my_scores"][0]["panel_scores"] in ([5, 2], [2, 5])
    # The moderator sees the divergence too.
    s.declare_none(s.moderator)
    assert h.get(s.moderator, f"/tenders/{t}/evaluation").json["divergences"][0]["scores"] == [
        5, 2]


def test_moderation_only_by_the_panels_moderator(s: Scenario):
    h, t = s.h, s.tender_id
    s.declare_none()
    for evaluator, value in zip(s.evaluators, (5, 3, 1), strict=True):
        assert s.score(evaluator, s.strong, "Q2", value).status_code == 201
    body = {"criterion_key": "Q2", "score": 3, "rationale": "Agreed at the moderation meeting."}
    assert h.post(s.evaluators[0], f"/tenders/{t}/bids/{s.strong}/moderation",
                  body).status_code == 403  # not a moderator
    another = person("moderator")
    assert h.post(another, f"/tenders/{t}/bids/{s.strong}/moderation", body).status_code == 404
    assert h.post(s.moderator, f"/tenders/{t}/bids/{s.strong}/moderation",
                  body).status_code == 201


def test_runs_and_replays_are_for_owner_and_auditor(s: Scenario):
    h, t = s.h, s.tender_id
    s.declare_none()
    s.score_all({b: {k: [3, 3, 3] for k in payloads.KEYS} for b in s.bid_ids})
    run_id = h.post(s.owner, f"/tenders/{t}/scoring-runs").json["run_id"]
    h.work()
    assert h.get(s.evaluators[0], f"/scoring-runs/{run_id}").status_code == 403
    assert h.get(s.other_commissioner, f"/scoring-runs/{run_id}").status_code == 404
    assert h.get(s.auditor, f"/scoring-runs/{run_id}").status_code == 200
    assert h.post(s.owner, f"/scoring-runs/{run_id}/replay").status_code == 403
    assert h.get(s.auditor, f"/bids/{s.cheap}/assessment-summary").status_code == 200
