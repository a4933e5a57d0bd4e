"""Bearer-token authentication and path safety, run before every gateway request."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Flask, g, request

from services.gateway.context import context_from_app
from services.gateway.domain.routes import unsafe_path_reason
from services.gateway.service_layer import tokens, users
from shared.errors import ServiceError
from shared.identity import Identity
from shared.problems import Problem, problem_from_error, problem_response
from shared.web import current_identity, require_roles

API_PREFIX = "/api/v1"
MAX_URI_LENGTH = 8192


def bearer_token() -> str | None:
    """The presented bearer token; raises 401 for a malformed Authorization header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 512:
        raise unauthorized("Use 'Authorization: Bearer <token>'")
    return token


def unauthorized(detail: str) -> Problem:
    """A 401 problem with the Bearer challenge."""
    return Problem(401, "Unauthorized", detail,
                   headers={"WWW-Authenticate": 'Bearer realm="coprocure"'})


def signed_in() -> Identity:
    """The caller; 401 with the Bearer challenge when anonymous."""
    identity = current_identity()
    if identity.anonymous:
        raise unauthorized("Sign in to do this")
    return identity


def admin_only(view: Callable) -> Callable:
    """Check the role before the body is even parsed (no 422 oracle for outsiders)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        signed_in()
        require_roles("admin")
        return view(*args, **kwargs)

    return wrapper


def install_authentication(app: Flask) -> None:
    """Refuse unsafe request lines, then resolve the bearer token to an identity."""

    @app.before_request
    def _authenticate():
        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") \
            or request.full_path
        if len(raw) > MAX_URI_LENGTH:
            return problem_response(Problem(414, "URI too long",
                                            f"The request URI exceeds {MAX_URI_LENGTH} bytes"))
        reason = unsafe_path_reason(raw, request.path)
        if reason:
            return problem_response(Problem(400, "Bad request", reason))
        g.identity = Identity(request_id=g.get("request_id"))
        if not request.path.startswith(API_PREFIX):
            return None
        try:
            token = bearer_token()
            if token is None:
                return None
            user = tokens.user_for_token(context_from_app(app), token)
            if user is None:
                raise unauthorized("The token is invalid, expired or revoked")
        except Problem as problem:
            return problem_response(problem)
        except ServiceError as error:
            return problem_response(problem_from_error(error))
        g.user = user
        g.token = token
        g.identity = users.identity_of(user, g.get("request_id"))
        return None
