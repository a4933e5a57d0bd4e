"""Close job via rq (SimpleWorker), the outbox in the state change's transaction, relaying."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
import rfc8785
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from services.commissioning import context as runtime
from services.commissioning.adapters import tables as models
from services.commissioning.context import context_from_app
from services.commissioning.service_layer import closing, tenders
from shared.contracts import (
    ASSESS_TENDER,
    CLOSE_DUE_TENDERS,
    RECORD_SCORING_RESULT,
    RECORD_TENDER,
    TenderClosed,
    load_payload,
    opened_bids_page,
)
from shared.outbox import BLOB_TTL_SECONDS, relay_pending
from shared.queue import enqueue_job, get_queue
from tests.support.builders import bid_body
from tests.support.workers import run_burst

from .conftest import Clock, World, cast, concluded, rfc


def _outbox(world, queue: str = "scoring"):
    """The outbox rows for one queue (scoring by default; ``gateway`` holds notifications)."""
    with world.app.extensions["coprocure"].session_factory() as session:
        return [dict(r) for r in session.execute(
            select(models.outbox).where(models.outbox.c.queue == queue)
            .order_by(models.outbox.c.created_at)).mappings()]


@pytest.fixture
def job_world(make_app, database_urls, redis_url, monkeypatch):
    """An app whose clock runs a day behind, so its deadlines have passed for real workers."""
    monkeypatch.setenv("COPROCURE_COMMISSIONING_DATABASE_URL", database_urls["commissioning"])
    monkeypatch.setenv("COPROCURE_REDIS_URL", redis_url)
    runtime.reset()
    clock = Clock(datetime.now(UTC) - timedelta(days=1))
    app = make_app("commissioning", CLOCK=clock)
    yield World(app=app, client=app.test_client(), clock=clock, actors=cast())
    runtime.reset()


def test_close_job_closes_once_and_assess_is_enqueued_once(job_world, redis_conn):
    w = job_world
    t = w.published(clarification_deadline=rfc(w.clock() + timedelta(minutes=30)),
                    submission_deadline=rfc(w.clock() + timedelta(hours=1)))
    bid = w.bid(t["id"]).get_json()
    w.clock.advance(microseconds=1)  # opened bids come in submission order
    w.bid(t["id"], who="bidder2")
    # Publishing scheduled a targeted close at the deadline (best effort).
    queue = get_queue("commissioning", redis_conn)
    assert f"close-{t['id']}-v1" in ScheduledJobRegistry(queue=queue).get_job_ids()
    for slot in (1, 2):  # the sweeper runs twice
        enqueue_job(queue, CLOSE_DUE_TENDERS, {"schema_version": 1, "slot": slot},
                    job_id=f"sweep-{slot}")
    run_burst([queue], redis_conn)
    assert queue.failed_job_registry.count == 0
    doc = w.get(f"/tenders/{t['id']}").get_json()
    assert doc["status"] == "closed" and doc["opened_at"]
    closed_rows = [r for r in _outbox(w) if r["event_type"] == "TenderClosed"]
    assert len(closed_rows) == 1
    payload = load_payload(TenderClosed, closed_rows[0]["payload"])
    assert closed_rows[0]["job_id"] == \
        f"assess-{t['id']}-{payload['snapshot_sha256'][:32]}"
    assert payload["snapshot_sha256"] == hashlib.sha256(rfc8785.dumps(
        {"tender": closed_rows[0]["payload"]["tender"],
         "bids": closed_rows[0]["payload"]["bids"]})).hexdigest()
    assert payload["tender"]["status"] == "closed" and payload["tender"]["criteria"]
    assert [b["bid_id"] for b in payload["bids"]][0] == bid["id"] and len(payload["bids"]) == 2
    opened = payload["bids"][0]
    assert opened["content"] == bid_body()
    assert opened["content_sha256"] == bid["receipt"]["content_sha256"]
    assert opened["organisation_id"] == "org_enterprise_1" and opened["tender_version"] == 1
    # Relay twice (a crash between enqueue and mark-sent re-sends): one assess job.
    factory = w.app.extensions["coprocure"].session_factory
    relay_pending(factory, models.outbox, redis_conn)
    with factory() as session:
        session.execute(models.outbox.update().values(sent_at=None))
        session.commit()
    relay_pending(factory, models.outbox, redis_conn)
    scoring = get_queue("scoring", redis_conn)
    jobs = [scoring.fetch_job(j) for j in scoring.job_ids]
    assert [j.func_name for j in jobs].count(ASSESS_TENDER) == 1
    assert [j.func_name for j in jobs].count(RECORD_TENDER) == 1  # TenderPublished


def test_a_close_over_the_inline_limit_sends_its_bids_by_reference(job_world, redis_conn,
                                                                  monkeypatch):
    monkeypatch.setenv("COPROCURE_SNAPSHOT_INLINE_BIDS", "1")
    runtime.reset()
    w = job_world
    t = w.published(clarification_deadline=rfc(w.clock() + timedelta(minutes=30)),
                    submission_deadline=rfc(w.clock() + timedelta(hours=1)))
    first = w.bid(t["id"]).get_json()
    w.clock.advance(microseconds=1)
    w.bid(t["id"], who="bidder2")
    closing.close_due(runtime.process_context(), datetime.now(UTC))  # and sends at once
    row = next(r for r in _outbox(w) if r["event_type"] == "TenderClosed")
    payload = load_payload(TenderClosed, row["payload"])
    assert "bids" not in row["payload"] and payload["bids_ref"]["count"] == 2
    pages = payload["bids_ref"]["pages"]
    assert [p["bids"] for p in pages] == [2]
    # The relay staged each page in Redis before the job, with an expiry; the bytes match.
    body = redis_conn.get(pages[0]["key"])
    assert 0 < redis_conn.ttl(pages[0]["key"]) <= BLOB_TTL_SECONDS
    sent, bids = opened_bids_page(pages[0], body)
    assert [b["bid_id"] for b in bids][0] == first["id"] and bids[0]["content"] == bid_body()
    assert payload["snapshot_sha256"] == hashlib.sha256(rfc8785.dumps(
        {"tender": row["payload"]["tender"], "bids": sent})).hexdigest()
    # A re-send after Redis lost everything stages the pages again from the outbox.
    redis_conn.flushdb()
    factory = w.app.extensions["coprocure"].session_factory
    with factory() as session:
        session.execute(models.outbox.update().values(sent_at=None))
        session.commit()
    relay_pending(factory, models.outbox, redis_conn)
    assert redis_conn.get(pages[0]["key"]) == body
    assert get_queue("scoring", redis_conn).fetch_job(row["job_id"]) is not None
    runtime.reset()


def test_record_scoring_result_job_moves_the_tender_once(job_world, redis_conn):
    w = job_world
    t = w.published(clarification_deadline=rfc(w.clock() + timedelta(minutes=30)),
                    submission_deadline=rfc(w.clock() + timedelta(hours=1)))
    closing.close_due(runtime.process_context(), datetime.now(UTC))
    queue = get_queue("commissioning", redis_conn)
    events = [("e-assessed", "TenderAssessed", {}),
              ("e-run", "ScoringRunCompleted", {"run_id": "run_1", "output_sha256": "0" * 64}),
              ("e-award", "BidAwarded", {"bid_id": "bid_x", "run_id": "run_1",
                                         "awarded_at": rfc(datetime.now(UTC)),
                                         "standstill_ends_at": rfc(datetime.now(UTC))})]
    for event_id, event_type, data in events:
        payload = {"schema_version": 1, "event_id": event_id, "event_type": event_type,
                   "tender_id": t["id"], "data": data}
        enqueue_job(queue, RECORD_SCORING_RESULT, payload, job_id=f"result-{event_id}")
    # The same event delivered again under another job id is recorded once.
    enqueue_job(queue, RECORD_SCORING_RESULT, {
        "schema_version": 1, "event_id": "e-assessed", "event_type": "TenderAssessed",
        "tender_id": t["id"]}, job_id="result-e-assessed-redelivered")
    run_burst([queue], redis_conn)
    assert queue.failed_job_registry.count == 0
    assert w.get(f"/tenders/{t['id']}").get_json()["status"] == "awarded"
    # The standstill has ended: the scheduler sees work for the sweeper (services/cli.py).
    assert closing.anything_due(runtime.process_context(), datetime.now(UTC))
    enqueue_job(queue, CLOSE_DUE_TENDERS, {"schema_version": 1, "tender_id": t["id"]},
                job_id="sweep-conclude")
    run_burst([queue], redis_conn)
    assert w.get(f"/tenders/{t['id']}").get_json()["status"] == "concluded"


def test_publish_amend_cancel_write_outbox_rows(world):
    t = world.published()
    world.post(f"/tenders/{t['id']}/amendments", {"changes": {"title": "v2"}, "reason": "r"})
    world.post(f"/tenders/{t['id']}/cancel", {"reason": "r"})
    draft = world.draft()
    world.post(f"/tenders/{draft['id']}/cancel", {"reason": "never published"})
    rows = _outbox(world)
    assert [(r["event_type"], r["job_id"], r["job_name"], r["queue"]) for r in rows] == [
        ("TenderPublished", f"tender-{t['id']}-v1-published", RECORD_TENDER, "scoring"),
        ("TenderAmended", f"tender-{t['id']}-v2-amended", RECORD_TENDER, "scoring"),
        ("TenderCancelled", f"tender-{t['id']}-v2-cancelled", RECORD_TENDER, "scoring")]
    assert rows[1]["payload"]["tender"]["title"] == "v2"
    assert rows[2]["payload"]["tender"]["status"] == "cancelled"
    # Followers hear of the amendment and the cancellation (never of the unpublished draft).
    notices = _outbox(world, "gateway")
    assert [(r["job_id"], r["payload"]["tender_id"]) for r in notices] == [
        (f"notify-TenderAmended-{t['id']}-v2", t["id"]),
        (f"notify-TenderCancelled-{t['id']}", t["id"])]
    assert notices[0]["payload"]["tender"]["title"] == "v2"


def test_outbox_row_and_state_change_roll_back_together(world, monkeypatch):
    t = world.draft()
    real = tenders.emit_tender_event

    def emit_then_fail(session, tender, event_type):
        real(session, tender, event_type)
        assert session.execute(select(models.outbox)).first() is not None  # written...
        raise RuntimeError("crash after the outbox write")

    monkeypatch.setattr(tenders, "emit_tender_event", emit_then_fail)
    resp = world.post(f"/tenders/{t['id']}/publish")
    assert resp.status_code == 500
    assert world.get(f"/tenders/{t['id']}").get_json()["status"] == "draft"
    assert _outbox(world) == []  # ...and rolled back with the state change
    monkeypatch.undo()
    published = world.published()
    world.bid(published["id"])
    world.pass_deadline(published)
    real_closed = closing.emit_tender_closed

    def closed_then_fail(session, payload, blobs=None):
        real_closed(session, payload, blobs)
        raise RuntimeError("crash after the TenderClosed write")

    monkeypatch.setattr(closing, "emit_tender_closed", closed_then_fail)
    with pytest.raises(RuntimeError):
        closing.close_due(context_from_app(world.app), world.clock())
    assert world.get(f"/tenders/{published['id']}").get_json()["status"] == "published"
    assert [r["event_type"] for r in _outbox(world)] == ["TenderPublished"]
    # The receipts' notification rolled back with the close too.
    assert "TenderClosed" not in [r["event_type"] for r in _outbox(world, "gateway")]
    monkeypatch.undo()
    assert closing.close_due(context_from_app(world.app), world.clock())["closed"] == 1
    assert "TenderClosed" in [r["event_type"] for r in _outbox(world, "gateway")]
    assert [r["event_type"] for r in _outbox(world)] == ["TenderPublished", "TenderClosed"]


def test_publish_succeeds_when_redis_is_down(make_app):
    clock = Clock()
    app = make_app("commissioning", CLOCK=clock, REDIS_URL="redis://127.0.0.1:1/0")
    w = World(app=app, client=app.test_client(), clock=clock, actors=cast())
    t = w.published()
    assert t["status"] == "published"
    assert [r["event_type"] for r in _outbox(w)] == ["TenderPublished"]


def test_anything_due_tells_the_scheduler_when_the_sweeper_has_work(job_world):
    """The scheduler queues the close sweeper only when this says so (services/cli.py)."""
    w = job_world
    ctx = runtime.process_context()
    deadline = w.clock() + timedelta(hours=1)
    w.published(clarification_deadline=rfc(w.clock() + timedelta(minutes=30)),
                submission_deadline=rfc(deadline))
    assert not closing.anything_due(ctx, deadline - timedelta(seconds=1))
    assert closing.anything_due(ctx, deadline)  # past its deadline: a close is due
    closing.close_due(ctx, deadline)
    assert not closing.anything_due(ctx, deadline + timedelta(days=30))  # closed: nothing


def test_the_sweep_that_makes_a_contract_sends_its_contract_created_at_once(world, redis_conn):
    t, _ = concluded(world)  # close_due concluded it: the contract is made in the sweep
    row = next(r for r in _outbox(world) if r["event_type"] == "ContractCreated")
    assert row["sent_at"] is not None  # not left for the relay's next poll
    assert get_queue("scoring", redis_conn).fetch_job(row["job_id"]) is not None
    assert row["payload"]["tender_id"] == t["id"]
