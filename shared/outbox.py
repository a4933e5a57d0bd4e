"""Transactional outbox: events written with the state change, relayed to rq afterwards."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import structlog
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import (
    JSON,
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from shared.db import UTCDateTime
from shared.observability import bound_request_id
from shared.queue import enqueue_job, get_queue
from shared.time import now

log = structlog.get_logger("coprocure.outbox")
BLOBS = "outbox_blobs"
# A staged blob outlives the longest retry schedule of the job that reads it (docs/architecture.md,
# "Events by reference"); Redis forgets it after that, the outbox keeps it.
BLOB_TTL_SECONDS = 7 * 24 * 3600


def outbox_table(metadata: MetaData) -> Table:
    """The outbox table of one service (add it to that service's metadata and migration)."""
    return Table(
        "outbox",
        metadata,
        Column("id", String(36), primary_key=True),
        Column("event_type", String(80), nullable=False),
        Column("queue", String(40), nullable=False),
        Column("job_name", String(200), nullable=False),
        Column("job_id", String(200), nullable=False, unique=True),
        Column("payload", JSON, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("sent_at", UTCDateTime, nullable=True, index=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
        # The X-Request-ID of the API call (or job) that wrote the event, handed on to the job.
        Column("request_id", String(128), nullable=True),
    )


def outbox_blobs_table(metadata: MetaData) -> Table:
    """Large parts of an outbox event, kept beside it (add it next to ``outbox_table``): the
    relay stages each in Redis under its key just before it enqueues the job, so the job itself
    carries only the keys (a national tender's opened bids are tens of megabytes)."""
    return Table(
        BLOBS,
        metadata,
        Column("job_id", String(200), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("body", LargeBinary, nullable=False),
    )


def add_event(session: Session, table: Table, *, event_type: str, queue: str, job_name: str,
              job_id: str, payload: dict[str, Any],
              blobs: dict[str, bytes] | None = None) -> str:
    """Write an event row (and its blobs, by key) in the caller's transaction (commit is the
    caller's)."""
    existing = session.execute(select(table.c.id).where(table.c.job_id == job_id)).scalar()
    if existing:
        return existing
    event_id = str(uuid.uuid4())
    session.execute(table.insert().values(
        id=event_id, event_type=event_type, queue=queue, job_name=job_name, job_id=job_id,
        payload=payload, created_at=now(), sent_at=None, attempts=0,
        request_id=bound_request_id()))
    if blobs:
        session.execute(insert(table.metadata.tables[BLOBS]),
                        [{"job_id": job_id, "key": k, "body": v} for k, v in blobs.items()])
    return event_id


def _with_blobs(session_factory: Callable[[], Session], table: Table,
                job_ids: list[str]) -> set[str]:
    """Which of these events have blobs (one read of keys only, for the whole batch)."""
    blobs = table.metadata.tables.get(BLOBS)
    if blobs is None or not job_ids:
        return set()
    with session_factory() as session:
        return set(session.scalars(select(blobs.c.job_id).where(blobs.c.job_id.in_(job_ids))))


def _stage_blobs(session_factory: Callable[[], Session], table: Table, job_id: str,
                 redis: Redis) -> None:
    """Put an event's blobs in Redis under their keys (again, on a re-send: the same bytes)."""
    blobs = table.metadata.tables[BLOBS]
    with session_factory() as session:
        rows = session.execute(select(blobs.c.key, blobs.c.body)
                               .where(blobs.c.job_id == job_id)).all()
    pipe = redis.pipeline(transaction=False)
    for key, body in rows:
        pipe.set(key, bytes(body), ex=BLOB_TTL_SECONDS)
    pipe.execute()


def relay_pending(session_factory: Callable[[], Session], table: Table, redis: Redis,
                  batch: int = 100, job_ids: list[str] | None = None) -> int:
    """Enqueue unsent events (unique job ids make a re-send a no-op); return how many sent."""
    sent = 0
    stmt = select(table).where(table.c.sent_at.is_(None))
    if job_ids is not None:
        stmt = stmt.where(table.c.job_id.in_(job_ids))
    with session_factory() as session:
        rows = session.execute(stmt.order_by(table.c.created_at).limit(batch)).mappings().all()
    staged = _with_blobs(session_factory, table, [row["job_id"] for row in rows])
    for row in rows:
        try:
            if row["job_id"] in staged:  # the blobs first: the job may start at once
                _stage_blobs(session_factory, table, row["job_id"], redis)
            enqueue_job(get_queue(row["queue"], redis), row["job_name"], row["payload"],
                        job_id=row["job_id"], request_id=row["request_id"])
        except RedisError as exc:
            with session_factory() as session:
                session.execute(update(table).where(table.c.id == row["id"]).values(
                    attempts=table.c.attempts + 1, last_error=repr(exc)[:2000]))
                session.commit()
            log.warning("outbox_relay_redis_down", error=repr(exc))
            break
        with session_factory() as session:
            session.execute(update(table).where(table.c.id == row["id"]).values(
                sent_at=now(), attempts=table.c.attempts + 1, last_error=None))
            session.commit()
        sent += 1
    return sent


def send_now(session_factory: Callable[[], Session], table: Table,
             redis: Callable[[], Redis], job_ids: list[str] | None = None) -> int:
    """After a commit, try to enqueue its events at once (the relay retries whatever fails)."""
    try:
        return relay_pending(session_factory, table, redis(), job_ids=job_ids)
    except Exception as exc:  # Redis unconfigured or down: the relay process catches up
        log.warning("outbox_send_deferred", error=repr(exc))
        return 0


def pending_count(session_factory: Callable[[], Session], table: Table) -> int:
    """How many events wait to be relayed."""
    from sqlalchemy import func

    with session_factory() as session:
        return session.execute(
            select(func.count()).select_from(table).where(table.c.sent_at.is_(None))).scalar_one()


def run_relay(session_factory: Callable[[], Session], table: Table, redis: Redis,
              interval: float = 0.5, stop: Callable[[], bool] = lambda: False) -> None:
    """Relay forever (until ``stop()``), retrying while Redis is down."""
    while not stop():
        try:
            sent = relay_pending(session_factory, table, redis)
        except Exception as exc:  # keep relaying through transient DB errors
            log.warning("outbox_relay_error", error=repr(exc))
            sent = 0
        if not sent:
            time.sleep(interval)
