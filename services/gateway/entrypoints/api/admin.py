"""Queue operations for admins: counts, failed jobs (ours and rq's), requeue."""

from __future__ import annotations

import re

import httpx
from flask import current_app, g
from flask.views import MethodView

from services.gateway.adapters.rq_registry import rq_failed_jobs
from services.gateway.context import context_from_app
from services.gateway.entrypoints.api.schemas import admin as s
from services.gateway.entrypoints.authn import admin_only
from services.gateway.entrypoints.proxy import http_client, upstream_url
from shared.blueprint import Blueprint
from shared.errors import ServiceError
from shared.identity import HEADER, sign_assertion
from shared.problems import Problem
from shared.queue import queue_stats

blp = Blueprint("admin", __name__, url_prefix="/admin", description="Queue operations (admin)")
_JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
# The services that record failed jobs; each is asked over HTTP as the calling admin.
SERVICES = ("commissioning", "scoring")
_FAILED_JOB_FIELDS = ("job_id", "queue", "func_name", "error", "failed_at", "requeued_at")


def _service_call(service: str, method: str, path: str) -> httpx.Response:
    cfg = current_app.config
    headers = {HEADER: sign_assertion(cfg["ASSERTION_KEY"], g.identity,
                                      cfg["ASSERTION_TTL_SECONDS"]),
               "X-Request-ID": g.request_id}
    client = http_client(current_app._get_current_object())  # type: ignore[attr-defined]
    return client.request(method, f"{upstream_url(service)}/api/v1{path}", headers=headers)


def _failed_job(item: dict, service: str) -> dict:
    """A service's failed job, labelled with the service (nothing else it sent passes)."""
    return {**{k: item.get(k) for k in _FAILED_JOB_FIELDS}, "service": service}


def _local_failed() -> list[dict]:
    """The gateway's own failed jobs (its notification queue)."""
    from sqlalchemy import select

    from services.gateway.adapters.notification_tables import failed_jobs

    with context_from_app(current_app).session_factory() as session:
        rows = session.execute(select(failed_jobs).order_by(failed_jobs.c.failed_at.desc())
                               .limit(200)).mappings().all()
    return [{**dict(r), "failed_at": _iso(r["failed_at"]), "requeued_at": _iso(r["requeued_at"])}
            for r in rows]


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _requeue_local(job_id: str) -> dict | None:
    """Requeue one of the gateway's own failed jobs; None if it has no such job."""
    from rq.exceptions import InvalidJobOperation, NoSuchJobError
    from rq.job import Job
    from rq.registry import FailedJobRegistry
    from rq.serializers import JSONSerializer
    from sqlalchemy import select

    from services.gateway.adapters.notification_tables import failed_jobs
    from shared.queue import get_queue
    from shared.time import now

    ctx = context_from_app(current_app)
    with ctx.session_factory() as session:
        row = session.execute(select(failed_jobs).where(failed_jobs.c.job_id == job_id)
                              ).mappings().first()
        if row is None:
            return None
        redis = ctx.redis()
        try:
            job = Job.fetch(job_id, connection=redis, serializer=JSONSerializer)
            FailedJobRegistry(queue=get_queue(row["queue"], redis)).requeue(job)
        except (NoSuchJobError, InvalidJobOperation, ValueError) as exc:
            raise Problem(409, "Conflict", f"job {job_id} cannot be requeued: {exc}") from exc
        session.execute(failed_jobs.update().where(failed_jobs.c.job_id == job_id)
                        .values(requeued_at=now()))
        session.commit()
        row = session.execute(select(failed_jobs).where(failed_jobs.c.job_id == job_id)
                              ).mappings().first()
    return _failed_job({**dict(row), "failed_at": _iso(row["failed_at"]),
                        "requeued_at": _iso(row["requeued_at"])}, "gateway")


@blp.route("/queues")
class Queues(MethodView):
    @admin_only
    @blp.response(200, s.Queues)
    def get(self):
        """Counts per queue and registry, failed jobs with their errors."""
        unavailable: list[str] = []
        failed: list[dict] = []
        for service in SERVICES:
            try:
                resp = _service_call(service, "GET", "/admin/failed-jobs")
                resp.raise_for_status()
                failed.extend(_failed_job(item, service) for item in resp.json().get("items", []))
            except (httpx.HTTPError, ValueError, Problem, ServiceError):
                unavailable.append(service)
        failed.extend(_failed_job(item, "gateway") for item in _local_failed())
        redis = context_from_app(current_app).redis()
        try:
            stats, rq_failed = queue_stats(redis), rq_failed_jobs(redis)
        except Exception as exc:  # Redis down: report what we have rather than fail
            raise Problem(503, "Service unavailable", "Redis is unavailable") from exc
        return {"queues": stats, "failed_jobs": failed, "rq_failed": rq_failed,
                "unavailable": unavailable}


@blp.route("/queues/failed/<job_id>/requeue")
class Requeue(MethodView):
    @admin_only
    @blp.response(202, s.FailedJob)
    def post(self, job_id: str):
        """Requeue a failed job through the service that recorded it."""
        if not _JOB_ID.match(job_id):
            raise Problem(404, "Not found", "No such failed job")
        local = _requeue_local(job_id)
        if local is not None:
            return local
        errors = []
        for service in SERVICES:
            try:
                resp = _service_call(service, "POST", f"/admin/failed-jobs/{job_id}/requeue")
            except (httpx.HTTPError, Problem, ServiceError):
                errors.append(service)
                continue
            if resp.status_code == 404:
                continue
            if resp.is_success:
                return _failed_job(resp.json(), service)
            detail = resp.json().get("detail") if resp.headers.get(
                "content-type", "").endswith("json") else None
            raise Problem(resp.status_code if resp.status_code < 500 else 502,
                          "Requeue failed", detail or f"{service} refused the requeue")
        if errors:
            raise Problem(502, "Bad gateway", f"Could not ask: {', '.join(errors)}")
        raise Problem(404, "Not found", "No such failed job")
