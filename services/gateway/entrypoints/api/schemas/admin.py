"""Schemas of the admin queue endpoints: queue counts, failed jobs and queues."""

from __future__ import annotations

from marshmallow import fields

from shared.schemas import StrictSchema


class QueueCounts(StrictSchema):
    """Job counts of one rq queue by registry."""

    queued = fields.Integer()
    started = fields.Integer()
    deferred = fields.Integer()
    scheduled = fields.Integer()
    failed = fields.Integer()
    finished = fields.Integer()


class FailedJob(StrictSchema):
    """A job that exhausted its retries, as a service recorded it (or rq holds it)."""

    job_id = fields.String()
    queue = fields.String(allow_none=True)
    func_name = fields.String(allow_none=True)
    error = fields.String(allow_none=True)
    failed_at = fields.String(allow_none=True)
    requeued_at = fields.String(allow_none=True)
    service = fields.String()


class Queues(StrictSchema):
    """Queue counts, failed jobs and any service that could not be asked."""

    queues = fields.Dict(keys=fields.String(), values=fields.Nested(QueueCounts))
    failed_jobs = fields.List(fields.Nested(FailedJob))
    rq_failed = fields.List(fields.Nested(FailedJob))
    unavailable = fields.List(fields.String())
