"""RFC 9457 problem+json errors and the Flask handlers every service registers."""

from __future__ import annotations

import errno
from typing import Any

import structlog
from flask import Flask, Response, json, request
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from werkzeug.exceptions import HTTPException

from shared import errors

PROBLEM_MIME = "application/problem+json"
TYPE_BASE = "https://coprocure.org/problems/"
log = structlog.get_logger("coprocure.problems")


class Problem(Exception):
    """An error that renders as application/problem+json."""

    def __init__(self, status: int, title: str, detail: str | None = None,
                 errors: dict[str, Any] | None = None, type_: str | None = None,
                 headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail or title
        self.errors = errors
        self.type = type_ or TYPE_BASE + title.lower().replace(" ", "-")
        self.headers = headers or {}
        self.extra = extra

    def to_dict(self) -> dict[str, Any]:
        """The problem document."""
        body: dict[str, Any] = {"type": self.type, "title": self.title,
                                "status": self.status, "detail": self.detail}
        try:
            body["instance"] = request.path
        except RuntimeError:
            pass
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


def problem_response(problem: Problem) -> Response:
    """Render a Problem as a Flask response."""
    resp = Response(json.dumps(problem.to_dict()), status=problem.status, mimetype=PROBLEM_MIME)
    for key, value in problem.headers.items():
        resp.headers[key] = value
    return resp


# The one mapping from the service layers' errors to HTTP statuses.
STATUS_OF = {
    errors.BadRequest: 400,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.Gone: 410,
    errors.TooLarge: 413,
    errors.Invalid: 422,
    errors.TooManyRequests: 429,
    errors.Unavailable: 503,
}


def problem_from_error(error: errors.ServiceError) -> Problem:
    """The problem document for a service error (its class decides the status)."""
    status = next((code for cls, code in STATUS_OF.items() if isinstance(error, cls)), 400)
    # Without an explicit type, Problem derives one from the title ("validation-error").
    return Problem(status, error.title, error.detail, errors=error.errors, type_=error.type,
                   headers=error.headers, **error.extra)


def validation_problem(errors: dict[str, Any], detail: str | None = None) -> Problem:
    """A 422 naming every offending field path."""
    names = ", ".join(sorted(errors)) or "request"
    return Problem(422, "Validation error", detail or f"Invalid fields: {names}", errors=errors,
                   type_=TYPE_BASE + "validation-error")


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into ``{"a.0.b": ["msg"]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                path = prefix or "_schema"
            out.update(_merge(out, flatten_messages(value, path)))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for item in messages:
            out.update(_merge(out, flatten_messages(item, prefix)))
    else:
        out[prefix or "_schema"] = [str(messages)]
    return out


def _merge(base: dict[str, list[str]], new: dict[str, list[str]]) -> dict[str, list[str]]:
    merged = {}
    for key, value in new.items():
        merged[key] = base.get(key, []) + value
    return merged


_LOCATIONS = {"json", "query", "querystring", "headers", "form", "files", "view_args", "path"}


def _webargs_errors(messages: dict[str, Any]) -> dict[str, list[str]]:
    """Drop webargs' location level (json/query) from the field paths."""
    errors: dict[str, list[str]] = {}
    for location, inner in messages.items():
        if location in _LOCATIONS:
            errors.update(flatten_messages(inner))
        else:
            errors.update(flatten_messages({location: inner}))
    return errors


def http_exception_problem(exc: HTTPException) -> Response:
    """The problem document for a werkzeug HTTP error (validation errors by field)."""
    status = exc.code or 500
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if status in (400, 422) and messages:
        errors = _webargs_errors(messages)
        return problem_response(validation_problem(errors))
    title = exc.name or "Error"
    detail = exc.description if isinstance(exc.description, str) else title
    if status == 413:
        detail = "Request body too large"
    headers = {}
    if status == 405 and exc.get_response().headers.get("Allow"):
        headers["Allow"] = exc.get_response().headers["Allow"]
    return problem_response(Problem(status, title, detail, headers=headers))


def _database_unavailable(exc: Exception) -> Response:
    log.error("database_unavailable", error=repr(exc)[:500])
    return problem_response(Problem(503, "Service unavailable",
                                    "The database is unavailable; try again shortly.",
                                    headers={"Retry-After": "5"}))


def _redis_unavailable(exc: Exception) -> Response:
    log.error("redis_unavailable", error=repr(exc)[:500])
    return problem_response(Problem(503, "Service unavailable",
                                    "The queue is unavailable; try again shortly.",
                                    headers={"Retry-After": "5"}))


def _unstorable_value(exc: Exception) -> Response:
    # e.g. a NUL character PostgreSQL cannot store, or a number out of the column's range
    log.warning("unstorable_value", error=repr(exc)[:500])
    return problem_response(Problem(422, "Validation error",
                                    "A value in the request cannot be stored (for example it "
                                    "contains a NUL character or is out of range).",
                                    type_=TYPE_BASE + "validation-error"))


DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EIO})


def _os_error(exc: OSError) -> Response:
    # A full or read-only disk is an outage to wait out, not a bug (docs/api-notes.md).
    if exc.errno in DISK_ERRNOS:
        log.error("storage_unavailable", error=repr(exc)[:500])
        return problem_response(Problem(503, "Service unavailable",
                                        "Storage is unavailable; try again shortly.",
                                        headers={"Retry-After": "30"}))
    return _unexpected(exc)


def _unexpected(exc: Exception) -> Response:
    log.exception("unhandled_exception", error=repr(exc))
    return problem_response(Problem(500, "Internal server error",
                                    "An unexpected error occurred; it has been logged."))


def register_problem_handlers(app: Flask) -> None:
    """Make every error in the app an RFC 9457 problem document."""
    app.register_error_handler(Problem, problem_response)
    app.register_error_handler(errors.ServiceError,
                               lambda exc: problem_response(problem_from_error(exc)))
    app.register_error_handler(HTTPException, http_exception_problem)
    app.register_error_handler(DataError, _unstorable_value)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    app.register_error_handler(SATimeoutError, _database_unavailable)
    app.register_error_handler(RedisConnectionError, _redis_unavailable)
    app.register_error_handler(RedisTimeoutError, _redis_unavailable)
    app.register_error_handler(OSError, _os_error)
    app.register_error_handler(Exception, _unexpected)
