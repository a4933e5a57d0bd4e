"""Queue operations for admins: counts, failed jobs (ours and rq's), requeue."""

from __future__ import annotations

import re

import httpx
from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint
from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

from services.gateway.entrypoints.api.identity import admin_only
from services.gateway.entrypoints.api.schemas import identity as s
from services.gateway.entrypoints.proxy import http_client, upstream_url
from shared.errors import ServiceError
from shared.identity import HEADER, sign_assertion
from shared.problems import Problem
from shared.queue import QUEUES, get_queue, queue_stats
from shared.web import resources

blp = Blueprint("admin", __name__, url_prefix="/admin", description="Queue operations (admin)")
_JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
MAX_RQ_FAILED = 200


def _service_call(service: str, method: str, path: str) -> httpx.Response:
    cfg = current_app.config
    headers = {HEADER: sign_assertion(cfg["ASSERTION_KEY"], g.identity,
                                      cfg["ASSERTION_TTL_SECONDS"]),
               "X-Request-ID": g.request_id}
    client = http_client(current_app._get_current_object())  # type: ignore[attr-defined]
    return client.request(method, f"{upstream_url(service)}/api/v1{path}", headers=headers)


def _summary(exc_info: str | None) -> str | None:
    """The last line of a traceback: the exception and its message."""
    if not exc_info:
        return None
    lines = [line for line in exc_info.strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else None


def _rq_failed(redis) -> list[dict]:
    out: list[dict] = []
    for name in QUEUES:
        registry = FailedJobRegistry(queue=get_queue(name, redis))
        ids = registry.get_job_ids(0, MAX_RQ_FAILED - 1)
        for job in Job.fetch_many(ids, connection=redis, serializer=JSONSerializer):
            if job is None:
                continue
            ended = job.ended_at.isoformat() if job.ended_at else None
            out.append({"job_id": job.id, "queue": name, "func_name": job.func_name,
                        "error": _summary(job.exc_info), "failed_at": ended,
                        "requeued_at": None, "service": name})
    return out


@blp.route("/queues")
class Queues(MethodView):
    @admin_only
    @blp.response(200, s.Queues)
    def get(self):
        """Counts per queue and registry, failed jobs with their errors."""
        unavailable: list[str] = []
        failed: list[dict] = []
        for service in ("commissioning", "scoring"):
            try:
                resp = _service_call(service, "GET", "/admin/failed-jobs")
                resp.raise_for_status()
                for item in resp.json().get("items", []):
                    failed.append({**{k: item.get(k) for k in (
                        "job_id", "queue", "func_name", "error", "failed_at", "requeued_at")},
                        "service": service})
            except (httpx.HTTPError, ValueError, Problem, ServiceError):
                unavailable.append(service)
        redis = resources().redis
        try:
            stats, rq_failed = queue_stats(redis), _rq_failed(redis)
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
        errors = []
        for service in ("commissioning", "scoring"):
            try:
                resp = _service_call(service, "POST", f"/admin/failed-jobs/{job_id}/requeue")
            except (httpx.HTTPError, Problem, ServiceError):
                errors.append(service)
                continue
            if resp.status_code == 404:
                continue
            if resp.is_success:
                item = resp.json()
                return {**{k: item.get(k) for k in (
                    "job_id", "queue", "func_name", "error", "failed_at", "requeued_at")},
                    "service": service}
            detail = resp.json().get("detail") if resp.headers.get(
                "content-type", "").endswith("json") else None
            raise Problem(resp.status_code if resp.status_code < 500 else 502,
                          "Requeue failed", detail or f"{service} refused the requeue")
        if errors:
            raise Problem(502, "Bad gateway", f"Could not ask: {', '.join(errors)}")
        raise Problem(404, "Not found", "No such failed job")
