"""Errors a use case raises: plain exceptions, mapped to problem+json only by the entrypoints.

A service layer never builds an HTTP answer. It raises one of these with a human detail, and
for ``Invalid`` the offending fields; ``shared.problems`` gives each class its status code.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base class; ``title`` defaults per subclass, ``detail`` says what went wrong."""

    title = "Error"

    def __init__(self, detail: str | None = None, *, title: str | None = None,
                 errors: dict[str, Any] | None = None, type_: str | None = None,
                 headers: dict[str, str] | None = None, **extra: Any):
        self.title = title or self.title
        self.detail = detail or self.title
        super().__init__(self.detail)
        self.errors = errors
        self.type = type_
        self.headers = headers or {}
        self.extra = extra


class BadRequest(ServiceError):
    """The request cannot be understood as it stands."""

    title = "Bad request"


class Unauthorized(ServiceError):
    """The caller must sign in (or its credentials are wrong)."""

    title = "Unauthorized"


class Forbidden(ServiceError):
    """The caller is known but may not do this."""

    title = "Forbidden"


class NotFound(ServiceError):
    """Absent, or invisible to this caller (the two are never told apart)."""

    title = "Not found"


class Conflict(ServiceError):
    """The request is valid but the object's state forbids it now."""

    title = "Conflict"


class Gone(ServiceError):
    """The object existed and no longer does (an expired token, say)."""

    title = "Gone"


class TooLarge(ServiceError):
    """A body or file over its limit."""

    title = "Payload too large"


class Invalid(ServiceError):
    """Input that breaks a rule; ``errors`` maps each field path to its messages."""

    title = "Validation error"

    def __init__(self, errors: dict[str, Any] | None = None, detail: str | None = None,
                 **kwargs: Any):
        errors = errors or {}
        names = ", ".join(sorted(errors)) or "request"
        super().__init__(detail or f"Invalid fields: {names}", errors=errors, **kwargs)


class TooManyRequests(ServiceError):
    """The caller must slow down."""

    title = "Too many requests"


class Unavailable(ServiceError):
    """A dependency (database, Redis, an upstream) cannot be reached; try again shortly."""

    title = "Service unavailable"
