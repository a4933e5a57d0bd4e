"""Drive the scoring service as the gateway and the queue do: real app, DB, Redis, worker."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from services.scoring.adapters import tables as models
from services.scoring.context import Context, context_from_app
from shared.contracts import ASSESS_TENDER, RECORD_TENDER
from shared.identity import (
    DIRECTORY_HEADER,
    HEADER,
    DirectoryUser,
    Identity,
    sign_assertion,
    sign_directory,
)
from shared.outbox import relay_pending
from shared.queue import enqueue_job, get_queue
from tests.support.workers import run_burst


def person(role: str, *, organisation_id: str | None = None, lived_experience: bool = False,
           roles: tuple[str, ...] | None = None) -> Identity:
    """A signed-in user."""
    return Identity(user_id=f"usr_{uuid.uuid4().hex[:10]}",
                    organisation_id=organisation_id or f"org_{uuid.uuid4().hex[:10]}",
                    roles=roles or (role,), lived_experience=lived_experience,
                    email=f"{role}-{uuid.uuid4().hex[:6]}@example.org")


@dataclass
class Harness:
    """Drive the scoring service the way the gateway and the queue do."""

    app: Any
    redis: Any
    directory: dict[str, DirectoryUser] = field(default_factory=dict)

    @property
    def client(self):
        return self.app.test_client()

    @property
    def key(self) -> str:
        return self.app.config["ASSERTION_KEY"]

    @property
    def session_factory(self):
        return self.app.extensions["coprocure"].session_factory

    @property
    def ctx(self) -> Context:
        """The use-case context of the app, as its views build it."""
        return context_from_app(self.app)

    def know(self, *people: Identity) -> None:
        """Register users the gateway would vouch for in a directory header."""
        for p in people:
            self.directory[p.user_id] = DirectoryUser(
                user_id=p.user_id, roles=p.roles, lived_experience=p.lived_experience,
                organisation_id=p.organisation_id, email=p.email)

    def headers(self, who: Identity, names: list[str] | None = None) -> dict[str, str]:
        headers = {HEADER: sign_assertion(self.key, who)}
        if names is not None:
            users = [self.directory[n] for n in names if n in self.directory]
            headers[DIRECTORY_HEADER] = sign_directory(self.key, users)
        return headers

    def get(self, who: Identity, path: str):
        return self.client.get("/api/v1" + path, headers=self.headers(who))

    def post(self, who: Identity, path: str, body: Any = None):
        return self.client.post("/api/v1" + path, json=body if body is not None else {},
                                headers=self.headers(who))

    def put_panel(self, who: Identity, tender_id: str, body: dict[str, Any]):
        names = list(body.get("evaluators") or []) + [body.get("moderator")]
        return self.client.put(f"/api/v1/tenders/{tender_id}/panel", json=body,
                               headers=self.headers(who, [n for n in names if n]))

    def enqueue(self, job: str, payload: dict[str, Any], job_id: str | None = None) -> None:
        enqueue_job(get_queue("scoring", self.redis), job, payload,
                    job_id=job_id or f"t-{uuid.uuid4().hex}")

    def work(self) -> None:
        """Relay the outbox, then run every queued scoring job with a real rq worker."""
        relay_pending(self.session_factory, models.outbox, self.redis)
        queue = get_queue("scoring", self.redis)
        errors: list[str] = []

        def collect(job, exc_type, exc_value, tb):
            errors.append(f"job {job.id} failed: {exc_type.__name__}: {exc_value}")
            return True

        run_burst([queue], self.redis, exception_handlers=[collect])
        relay_pending(self.session_factory, models.outbox, self.redis)
        if errors:  # a failing job is a test failure, not noise
            raise AssertionError("; ".join(errors))

    def publish(self, payload: dict[str, Any]) -> None:
        self.enqueue(RECORD_TENDER, payload)
        self.work()

    def close(self, payload: dict[str, Any]) -> None:
        self.enqueue(ASSESS_TENDER, payload,
                     f"assess-{payload['tender_id']}-{payload['snapshot_sha256'][:32]}")
        self.work()

    def messages(self) -> list[dict[str, Any]]:
        """``ScoringResult`` payloads relayed to commissioning, in the order sent."""
        table = models.outbox
        with self.session_factory() as session:
            rows = session.execute(select(table).where(table.c.queue == "commissioning")
                                   .order_by(table.c.created_at)).mappings().all()
        return [dict(r["payload"]) for r in rows]

    def commissioning_jobs(self) -> list[str]:
        return get_queue("commissioning", self.redis).job_ids
