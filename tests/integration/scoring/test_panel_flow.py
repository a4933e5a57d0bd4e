"""The whole panel flow: publish, close, assess, panel, conflicts, scores, moderation, run,
replay, award and assessment summaries — real database, real Redis, real rq worker."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.integration.scoring import payloads
from tests.integration.scoring.scenario import Scenario

STRONG = {"Q1": [5, 5, 5], "Q2": [5, 5, 4], "Q3": [5, 4, 5], "Q4": [4, 4, 2], "Q5": [5, 5, 5],
          "SV": [4, 4, 4]}
OUTPUTS = {"Q1": [2, 2, 2], "Q2": [2, 2, 2], "Q3": [2, 2, 3], "Q4": [4, 4, 4], "Q5": [2, 2, 2],
           "SV": [3, 3, 3]}
CHEAP = {"Q1": [3, 3, 3], "Q2": [3, 3, 3], "Q3": [3, 3, 3], "Q4": [3, 3, 3], "Q5": [3, 3, 3],
         "SV": [3, 3, 3]}


@pytest.fixture
def s(scoring) -> Scenario:
    return Scenario(scoring)


def test_whole_panel_flow(s: Scenario):
    h, t = s.h, s.tender_id
    h.publish(payloads.published(s.doc))
    # The panel can be formed before the deadline, from the published document alone.
    s.set_panel()
    before = h.get(s.owner, f"/tenders/{t}/evaluation").json
    assert before["status"] == "published" and before["bids"] == []
    assert h.post(s.owner, f"/tenders/{t}/scoring-runs").status_code == 409

    h.close(s.closing)
    assert [m["event_type"] for m in h.messages()] == ["PanelSet", "TenderAssessed"]
    assert set(h.commissioning_jobs()) >= {f"result-{m['event_id']}" for m in h.messages()}

    # The owner sees every bid with its automated assessment (including the price checks).
    doc = h.get(s.owner, f"/tenders/{t}/evaluation").json
    assert doc["status"] == "evaluating"
    assert [b["bid_id"] for b in doc["bids"]] == s.bid_ids
    by_bid = {b["bid_id"]: b["assessment"] for b in doc["bids"]}
    strong = by_bid[s.strong]
    assert [c["label"] for c in strong["commitments"]] == ["outcome", "outcome"]
    assert strong["commitments"][0]["statement"] == "Isolated older people feel less lonely"
    assert {c["criterion_key"] for c in by_bid[s.outputs]["caps"]} >= {"Q1"}
    assert [c["label"] for c in by_bid[s.outputs]["commitments"]] == ["output", "engagement"]
    assert "abnormally_low_price" in {f["name"] for f in by_bid[s.cheap]["flags"]}
    assert any("price" in g["name"] for g in strong["gates"])

    # Before declaring conflicts an evaluator sees the bidders' names but no bids.
    e1, e2, e3 = s.evaluators
    first = h.get(e1, f"/tenders/{t}/evaluation").json
    assert first["bids"] == [] and first["conflicts_declared"] is False
    assert {b["organisation_name"] for b in first["bidders"]} == {
        "Together CIC", "Busy Charity", "Cheap Co-op"}
    refused = s.score(e1, s.strong, "Q1", 4)
    assert refused.status_code == 403 and "conflicts" in refused.json["detail"]

    s.declare_none()
    seen = h.get(e1, f"/tenders/{t}/evaluation").json
    assert [b["bid_id"] for b in seen["bids"]] == s.bid_ids
    text = str(seen)
    assert "150000" not in text and "abnormally_low_price" not in text
    assert all("price" not in g["name"] for b in seen["bids"] for g in b["assessment"]["gates"])

    s.score_all({s.strong: STRONG, s.outputs: OUTPUTS, s.cheap: CHEAP})

    # Divergence on the strong bid's Q4 (4, 4, 2) needs moderation.
    doc = h.get(s.owner, f"/tenders/{t}/evaluation").json
    assert doc["divergences"] == [{"bid_id": s.strong, "criterion_key": "Q4",
                                   "scores": [4, 4, 2], "moderated": False,
                                   "moderation": None}]
    assert doc["panel"]["complete"] is True
    no_need = h.post(s.moderator, f"/tenders/{t}/bids/{s.cheap}/moderation",
                     {"criterion_key": "Q1", "score": 3, "rationale": "n/a"})
    assert no_need.status_code == 409
    moderated = h.post(s.moderator, f"/tenders/{t}/bids/{s.strong}/moderation",
                       {"criterion_key": "Q4", "score": 4,
                        "rationale": "The risk register is thorough; the low score missed it."})
    assert moderated.status_code == 201, moderated.json
    assert moderated.json["scores"] == [4, 4, 2] and moderated.json["score"] == 4

    started = h.post(s.owner, f"/tenders/{t}/scoring-runs")
    assert started.status_code == 202, started.json
    run_id = started.json["run_id"]
    assert started.json["status"] == "queued"
    h.work()
    run = h.get(s.owner, f"/scoring-runs/{run_id}").json
    assert run["status"] == "completed", run
    assert len(run["input_sha256"]) == 64 and len(run["output_sha256"]) == 64
    ranking = {r["bid_id"]: r for r in run["ranking"]}
    assert ranking[s.strong]["rank"] == 1 and ranking[s.strong]["passed"] is True
    assert ranking[s.outputs]["passed"] is False and ranking[s.outputs]["rank"] == 3
    q4 = next(c for c in ranking[s.strong]["criteria"] if c["criterion_key"] == "Q4")
    assert q4["raw"] == 4 and any("moderated" in r for r in q4["reasons"])
    assert [m["event_type"] for m in h.messages()][-1] == "ScoringRunCompleted"

    replay = h.post(s.auditor, f"/scoring-runs/{run_id}/replay")
    assert replay.status_code == 200, replay.json
    assert replay.json["matches"] is True
    assert replay.json["output_sha256"] == run["output_sha256"]

    # A bidder cannot read its summary before the award.
    assert h.get(s.strong_org, f"/bids/{s.strong}/assessment-summary").status_code == 403

    # Failed bids can never be awarded; a lower-ranked one needs a justification.
    assert h.post(s.owner, f"/tenders/{t}/award", {"bid_id": s.outputs}).status_code == 409
    lower = h.post(s.owner, f"/tenders/{t}/award", {"bid_id": s.cheap})
    assert lower.status_code == 422 and "justification" in lower.json["errors"]
    awarded = h.post(s.owner, f"/tenders/{t}/award", {"bid_id": s.strong})
    assert awarded.status_code == 200, awarded.json
    assert awarded.json["run_id"] == run_id and awarded.json["justification"] is None
    # Sandbox: no standstill.
    assert awarded.json["standstill_ends_at"] == awarded.json["awarded_at"]
    assert datetime.fromisoformat(awarded.json["awarded_at"].replace("Z", "+00:00"))
    assert h.post(s.owner, f"/tenders/{t}/award", {"bid_id": s.strong}).status_code == 409
    assert h.messages()[-1]["event_type"] == "BidAwarded"
    assert h.messages()[-1]["data"]["bid_id"] == s.strong

    mine = h.get(s.outputs_org, f"/bids/{s.outputs}/assessment-summary")
    assert mine.status_code == 200, mine.json
    summary = mine.json
    assert summary["passed"] is False and summary["rank"] == 3
    assert any("Q1" in f for f in summary["threshold_failures"])
    q1 = next(c for c in summary["criteria"] if c["criterion_key"] == "Q1")
    assert q1["title"] == "Outcomes framework" and q1["weight"] == 20
    assert q1["scale"]["max"] == 5 and q1["score"] == 1
    assert any("40 peer-support sessions delivered" in r for r in q1["reasons"])
    assert any("capped at 1" in r for r in q1["reasons"])
    assert summary["winning_bid"]["bid_id"] == s.strong
    assert {c["criterion_key"] for c in summary["winning_bid"]["criteria"]} == {
        "Q1", "Q2", "Q3", "Q4", "Q5", "SV"}
    # Bidders read only their own summary.
    assert h.get(s.outputs_org, f"/bids/{s.strong}/assessment-summary").status_code == 404

    # Every scoring-relevant step left an entry in the audit log, in order.
    audit = h.get(s.auditor, f"/audit/events?tender_id={t}&limit=200")
    assert audit.status_code == 200, audit.json
    types = [e["event_type"] for e in audit.json["items"]]
    for expected in ("bids_opened", "bid_assessed", "panel_set", "conflict_declared",
                     "score_recorded", "score_moderated", "scoring_run_requested",
                     "scoring_run_completed", "scoring_run_replayed", "bid_awarded"):
        assert expected in types, expected
    assert types.count("score_recorded") == 3 * 3 * 6
