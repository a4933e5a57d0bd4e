"""Request ids and structured JSON logging."""

from __future__ import annotations

import logging
import re
import sys
import uuid

import structlog
from flask import Flask, g, request

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class BestEffortPrintLogger(structlog.PrintLogger):
    """A PrintLogger whose failures are dropped: a full or read-only disk under the log file
    (ENOSPC, EROFS, EIO) must never fail the request or job that was logging (issue 14)."""

    dropped = 0  # lines lost since start, for anyone who wants to know

    def msg(self, message: str) -> None:
        """Print the message; if the sink fails, drop it and carry on."""
        try:
            super().msg(message)
        except (OSError, ValueError):  # ValueError: the stream was closed
            type(self).dropped += 1

    log = debug = info = warn = warning = msg
    fatal = failure = err = error = critical = exception = msg


class BestEffortPrintLoggerFactory:
    """structlog logger factory for BestEffortPrintLogger on stderr."""

    def __call__(self, *args: object) -> BestEffortPrintLogger:
        return BestEffortPrintLogger(sys.stderr)


class _CurrentStderr(logging.StreamHandler):
    """A stream handler writing to whatever ``sys.stderr`` is now (as PrintLogger's lines do
    through the factory), not the stream that was current when logging was configured."""

    @property
    def stream(self):  # noqa: D102 - logging's attribute
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


# The same processors for structlog's own lines and for stdlib records (rq, gunicorn,
# alembic, werkzeug): one JSON shape from every process.
_SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]
# Libraries that narrate every call at INFO: the demo's story drowned in their lines.
QUIET_LOGGERS = ("httpx", "httpcore")


def json_formatter() -> logging.Formatter:
    """A stdlib formatter rendering records as the same JSON lines structlog writes."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_SHARED_PROCESSORS, structlog.stdlib.add_logger_name],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer()])


def configure_logging(level: str = "INFO") -> None:
    """Log JSON lines to stderr, with context variables merged in; never fail because of it."""
    numeric = getattr(logging, level.upper(), logging.INFO)
    logging.raiseExceptions = False  # stdlib handlers: a failing stream drops the record quietly
    root = logging.getLogger()
    if not any(isinstance(h, _CurrentStderr) for h in root.handlers):  # once per process
        handler = _CurrentStderr()
        handler.setFormatter(json_formatter())
        root.addHandler(handler)
    root.setLevel(numeric)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(numeric, logging.WARNING))
    structlog.configure(
        processors=[*_SHARED_PROCESSORS, structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=BestEffortPrintLoggerFactory(),
        cache_logger_on_first_use=True,
    )


def bound_request_id() -> str | None:
    """The request id bound to this request's or job's log lines, if any."""
    return structlog.contextvars.get_contextvars().get("request_id")


def bind_job_context(job_id: str, queue: str, request_id: str | None) -> None:
    """Bind a dequeued job's id, queue and originating request id to every line logged
    while the worker runs it (the work horse inherits them when it forks)."""
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(job_id=job_id, queue=queue)
    if request_id:
        structlog.contextvars.bind_contextvars(request_id=request_id)


def clear_job_context() -> None:
    """Forget the finished job's ids."""
    structlog.contextvars.clear_contextvars()


def new_request_id() -> str:
    """A fresh request id."""
    return uuid.uuid4().hex


def incoming_request_id(value: str | None) -> str:
    """Keep a well-formed incoming id; replace anything else."""
    if value and _VALID_REQUEST_ID.match(value):
        return value
    return new_request_id()


def current_request_id() -> str | None:
    """The request id of the current request, if any."""
    try:
        return g.get("request_id")
    except RuntimeError:
        return None


def install_request_id(app: Flask) -> None:
    """Stamp every request and response with X-Request-ID and bind it to the logs."""
    log = structlog.get_logger("coprocure.http")

    @app.before_request
    def _bind_request_id() -> None:
        g.request_id = incoming_request_id(request.headers.get(REQUEST_ID_HEADER))
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            request_id=g.request_id, service=app.config.get("SERVICE_NAME"))

    @app.after_request
    def _stamp(response):
        rid = g.get("request_id")
        if rid:
            response.headers[REQUEST_ID_HEADER] = rid
        if not request.path.endswith("z"):  # keep health probes out of the logs
            log.info("request", method=request.method, path=request.path,
                     status=response.status_code)
        return response

    @app.teardown_request
    def _unbind_request_id(_exc) -> None:
        # The thread serves other requests next (and tests call use cases directly): nothing
        # it logs or enqueues outside this request may carry this request's id.
        structlog.contextvars.clear_contextvars()
