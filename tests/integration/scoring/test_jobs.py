"""Jobs are idempotent: running one twice records its effect once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.scoring.adapters.tables.runs import ScoringRun
from services.scoring.adapters.tables.tenders import Assessment, Bid, Tender
from shared.contracts import ASSESS_TENDER, RECORD_TENDER, RUN_SCORING, snapshot_pages
from tests.integration.scoring import payloads
from tests.integration.scoring.scenario import Scenario


def _count(h, model) -> int:
    with h.session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_assess_tender_twice_records_once(scoring):
    s = Scenario(scoring)
    h = s.h
    h.publish(payloads.published(s.doc))
    # The same message delivered twice under different job ids (e.g. a relay re-send).
    h.enqueue(ASSESS_TENDER, s.closing, "assess-a")
    h.enqueue(ASSESS_TENDER, s.closing, "assess-b")
    # And the same snapshot under a fresh event id.
    h.enqueue(ASSESS_TENDER, {**s.closing, "event_id": "evt-again"}, "assess-c")
    h.work()
    assert _count(h, Bid) == 3 and _count(h, Assessment) == 3
    assert [m["event_type"] for m in h.messages()] == ["TenderAssessed"]
    with h.session_factory() as session:
        tender = session.get(Tender, s.tender_id)
        assert tender.status == "evaluating"
        assert tender.snapshot_sha256 == s.closing["snapshot_sha256"]


def test_a_different_snapshot_for_a_closed_tender_is_refused(scoring):
    s = Scenario(scoring)
    s.publish_and_close()
    forged = payloads.closed(s.doc, s.bids[:1])
    s.h.enqueue(ASSESS_TENDER, forged, "assess-forged")
    try:
        s.h.work()
    except AssertionError as exc:
        assert "already closed with snapshot" in str(exc)
    else:
        raise AssertionError("a second snapshot must not be accepted")
    assert _count(s.h, Bid) == 3


def test_record_tender_is_idempotent_and_keeps_the_newest_version(scoring):
    s = Scenario(scoring)
    h = s.h
    v1 = payloads.published(s.doc)
    v2 = payloads.published({**s.doc, "version": 2, "title": "Amended title"}, "TenderAmended")
    h.enqueue(RECORD_TENDER, v2)
    h.enqueue(RECORD_TENDER, v1)  # out of order: must not overwrite version 2
    h.enqueue(RECORD_TENDER, v1)
    h.work()
    with h.session_factory() as session:
        tender = session.get(Tender, s.tender_id)
        assert tender.version == 2 and tender.document["title"] == "Amended title"
        assert tender.organisation_id == s.council


def test_run_scoring_twice_records_once(scoring):
    s = Scenario(scoring)
    h, t = s.h, s.tender_id
    s.publish_and_close()
    s.set_panel()
    s.declare_none()
    s.score_all({b: {k: [4, 4, 4] for k in payloads.KEYS} for b in s.bid_ids})
    started = h.post(s.owner, f"/tenders/{t}/scoring-runs")
    assert started.status_code == 202
    run_id = started.json["run_id"]
    # A double click with unchanged inputs returns the same pending run.
    again = h.post(s.owner, f"/tenders/{t}/scoring-runs")
    assert again.status_code == 202 and again.json["run_id"] == run_id
    h.work()
    first = h.get(s.owner, f"/scoring-runs/{run_id}").json
    assert first["status"] == "completed"
    payload = {"schema_version": 1, "event_id": f"run-{run_id}", "run_id": run_id,
               "tender_id": t}
    h.enqueue(RUN_SCORING, payload, f"run-{run_id}-redelivered")
    h.work()
    second = h.get(s.owner, f"/scoring-runs/{run_id}").json
    assert second == first
    assert [m["event_type"] for m in h.messages()].count("ScoringRunCompleted") == 1
    assert _count(h, ScoringRun) == 1
    # A new request after completion is a new run over the same frozen inputs.
    rerun = h.post(s.owner, f"/tenders/{t}/scoring-runs").json
    assert rerun["run_id"] != run_id and rerun["input_sha256"] == first["input_sha256"]
    h.work()
    assert h.get(s.owner, f"/scoring-runs/{rerun['run_id']}").json["output_sha256"] == \
        first["output_sha256"]


def test_scoring_run_waits_for_a_complete_panel(scoring):
    s = Scenario(scoring)
    h, t = s.h, s.tender_id
    s.publish_and_close()
    s.set_panel()
    s.declare_none()
    s.score_all({b: {k: [4, 4, 4] for k in payloads.KEYS} for b in s.bid_ids[:2]})
    for key in payloads.KEYS[:-1]:
        s.score_all({s.cheap: {key: [3, 3, 3]}})
    refused = h.post(s.owner, f"/tenders/{t}/scoring-runs")
    assert refused.status_code == 409
    assert refused.json["missing"] == [{"bid_id": s.cheap, "criterion_key": "SV", "scored": 0,
                                        "required": 3}]
    assert s.cheap in refused.json["detail"] and "SV" in refused.json["detail"]
    assert _count(h, ScoringRun) == 0


def test_a_run_that_cannot_be_computed_is_failed_not_retried(scoring):
    s = Scenario(scoring, mode="automatic")
    s.doc["price"]["formula"] = "lowest_wins_everything"  # commissioning would have refused it
    s.closing = payloads.closed(s.doc, s.bids)
    s.publish_and_close()
    started = s.h.post(s.owner, f"/tenders/{s.tender_id}/scoring-runs")
    assert started.status_code == 202
    s.h.work()  # raises if the job itself failed or was scheduled for a retry
    run = s.h.get(s.owner, f"/scoring-runs/{started.json['run_id']}").json
    assert run["status"] == "failed" and "lowest_wins_everything" in run["error"]
    assert run["output_sha256"] is None and run["ranking"] == []
    assert "ScoringRunCompleted" not in [m["event_type"] for m in s.h.messages()]
    assert s.h.post(s.owner, f"/tenders/{s.tender_id}/award",
                    {"bid_id": s.strong}).status_code == 409


def test_a_tender_closing_with_no_bids_is_assessed_with_none(scoring):
    s = Scenario(scoring)
    s.h.publish(payloads.published(s.doc))
    s.h.close(payloads.closed(s.doc, []))  # nobody bid: the close still completes
    assert _count(s.h, Bid) == 0 and _count(s.h, Assessment) == 0
    assessed = [m for m in s.h.messages() if m["event_type"] == "TenderAssessed"]
    assert [m["data"]["bids_assessed"] for m in assessed] == [0]
    with s.h.session_factory() as session:
        assert session.get(Tender, s.tender_id).status == "evaluating"


def test_a_closing_that_arrives_before_the_publication_still_assesses(scoring):
    s = Scenario(scoring)
    s.h.close(s.closing)  # no TenderPublished seen (e.g. scoring was down when it was sent)
    s.h.publish(payloads.published(s.doc))  # arriving late, it must not reopen the tender
    doc = s.h.get(s.owner, f"/tenders/{s.tender_id}/evaluation").json
    assert doc["status"] == "evaluating" and len(doc["bids"]) == 3


def test_a_large_close_assessed_in_forked_processes_stores_what_one_process_would(
        scoring, monkeypatch):
    """Above ``ASSESS_FORK_FROM`` bids the close assesses in forked processes; each bid's stored
    assessment is exactly the one :func:`assess_bids` gives in this process."""
    from services.scoring import context as runtime
    from services.scoring.domain import assess_bids

    monkeypatch.setenv("COPROCURE_ASSESS_FORK_FROM", "2")
    monkeypatch.setenv("COPROCURE_ASSESS_PROCESSES", "2")
    runtime.reset()
    assert runtime.process_context().assess_fork_from == 2
    s = Scenario(scoring)
    s.publish_and_close()
    expected = {bid_id: a.to_dict() for bid_id, a in assess_bids(
        {b["bid_id"]: b["content"] for b in s.closing["bids"]}, s.closing["tender"]).items()}
    with s.h.session_factory() as session:
        stored = {a.bid_id: a.result for a in session.scalars(select(Assessment))}
    assert len(expected) == 3 and stored == expected



def _by_reference(closing: dict, page_bids: int) -> tuple[dict, dict[str, bytes]]:
    """The same close with its bids in pages (as commissioning sends a large one)."""
    ref, blobs = snapshot_pages(closing["snapshot_sha256"], closing["bids"], page_bids)
    return {k: v for k, v in closing.items() if k != "bids"} | {"bids_ref": ref}, blobs


def test_a_close_sent_by_reference_stores_and_assesses_what_inline_would(scoring):
    from services.scoring.domain import assess_bids

    s = Scenario(scoring)
    s.h.publish(payloads.published(s.doc))
    closing, blobs = _by_reference(s.closing, page_bids=2)  # pages of 2 and 1 bids
    assert [p["bids"] for p in closing["bids_ref"]["pages"]] == [2, 1]
    s.h.redis.mset(blobs)  # what commissioning's relay stages before it enqueues the job
    s.h.close(closing)
    with s.h.session_factory() as session:
        stored = [(b.id, b.content) for b in session.scalars(select(Bid).order_by(Bid.position))]
        assessed = {a.bid_id: a.result for a in session.scalars(select(Assessment))}
        assert session.get(Tender, s.tender_id).snapshot_sha256 == s.closing["snapshot_sha256"]
    assert stored == [(b["bid_id"], b["content"]) for b in s.closing["bids"]]
    assert assessed == {bid_id: a.to_dict() for bid_id, a in assess_bids(
        {b["bid_id"]: b["content"] for b in s.closing["bids"]}, s.closing["tender"]).items()}
    audit = s.h.get(s.auditor, f"/audit/events?tender_id={s.tender_id}&limit=200")
    assert [e["payload"]["snapshot_verified"] for e in audit.json["items"]
            if e["event_type"] == "bids_opened"] == [True]
    assert [m["data"]["bids_assessed"] for m in s.h.messages()
            if m["event_type"] == "TenderAssessed"] == [3]


@pytest.mark.parametrize(("harm", "said"), [("missing", "is not in Redis"),
                                             ("altered", "does not match its sha256")])
def test_a_missing_or_altered_page_fails_the_job_and_stores_nothing(scoring, harm, said):
    s = Scenario(scoring)
    s.h.publish(payloads.published(s.doc))
    closing, blobs = _by_reference(s.closing, page_bids=2)
    first, second = list(blobs)
    s.h.redis.set(first, blobs[first])
    if harm == "altered":  # one price changed after the snapshot was hashed
        s.h.redis.set(second, blobs[second].replace(b'"amount"', b'"amount" ', 1))
    with pytest.raises(AssertionError, match=f"snapshot page {second} {said}"):
        s.h.close(closing)
    assert _count(s.h, Bid) == 0 and _count(s.h, Assessment) == 0
    assert [m for m in s.h.messages() if m["event_type"] == "TenderAssessed"] == []
