"""Admin endpoints every queue-consuming service exposes for its failed jobs."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import fields
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy import Table, select

from shared.blueprint import Blueprint
from shared.problems import Problem
from shared.queue import get_queue
from shared.schemas import StrictSchema
from shared.time import now
from shared.web import require_roles, resources


class FailedJob(StrictSchema):
    """A job that exhausted its retries."""

    job_id = fields.String()
    queue = fields.String()
    func_name = fields.String()
    error = fields.String()
    failed_at = fields.DateTime()
    requeued_at = fields.DateTime(allow_none=True)


class FailedJobList(StrictSchema):
    """Failed jobs, newest first."""

    items = fields.List(fields.Nested(FailedJob))
    next_cursor = fields.String(allow_none=True)


def failed_jobs_blueprint(table: Table) -> Blueprint:
    """``GET /admin/failed-jobs`` and ``POST /admin/failed-jobs/{job_id}/requeue`` (admin)."""
    bp = Blueprint("admin_failed_jobs", __name__, url_prefix="/admin/failed-jobs",
                   description="Jobs that exhausted their retries (admin)")

    @bp.route("")
    class FailedJobs(MethodView):
        @bp.response(200, FailedJobList)
        def get(self):
            """List failed jobs recorded in this service's database."""
            require_roles("admin")
            with resources().session_factory() as session:
                rows = session.execute(select(table).order_by(table.c.failed_at.desc())
                                       .limit(200)).mappings().all()
            return {"items": [dict(r) for r in rows], "next_cursor": None}

    @bp.route("/<job_id>/requeue")
    class Requeue(MethodView):
        @bp.response(202, FailedJob)
        def post(self, job_id: str):
            """Requeue a failed job from rq's failed registry."""
            require_roles("admin")
            res = resources()
            with res.session_factory() as session:
                row = session.execute(select(table).where(table.c.job_id == job_id)
                                      ).mappings().first()
                if row is None:
                    raise Problem(404, "Not found", f"no failed job {job_id}")
                try:
                    job = Job.fetch(job_id, connection=res.redis, serializer=JSONSerializer)
                    FailedJobRegistry(queue=get_queue(row["queue"], res.redis)).requeue(job)
                except (NoSuchJobError, InvalidJobOperation, ValueError) as exc:
                    raise Problem(409, "Conflict", f"job {job_id} cannot be requeued: {exc}") \
                        from exc
                session.execute(table.update().where(table.c.job_id == job_id)
                                .values(requeued_at=now()))
                session.commit()
                row = session.execute(select(table).where(table.c.job_id == job_id)
                                      ).mappings().first()
            return dict(row)

    return bp
