"""The common shape of every service's Flask app: config, db, errors, ids, identity, health."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, g, jsonify, request
from flask_smorest import Api, Blueprint
from redis import Redis
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared import openapi_fields
from shared.config import load_settings
from shared.db import make_engine, make_session_factory, ping
from shared.errors import Unavailable
from shared.heartbeats import process_report
from shared.identity import (
    DIRECTORY_HEADER,
    HEADER,
    AssertionInvalid,
    Identity,
    verify_assertion,
    verify_directory,
)
from shared.jsonbody import install_json_guard
from shared.observability import configure_logging, install_request_id
from shared.problems import Problem, problem_response, register_problem_handlers
from shared.queue import redis_from_url

OPEN_PATHS = ("/healthz", "/readyz", "/openapi.json")
API_PREFIX = "/api/v1"


@dataclass
class Resources:
    """Connections one app (or one worker) holds; built by the factory, never at import."""

    engine: Engine
    session_factory: sessionmaker[Session]
    redis_url: str | None
    _redis: Redis | None = field(default=None, repr=False)

    @property
    def redis(self) -> Redis:
        """The Redis client (created on first use)."""
        if self._redis is None:
            if not self.redis_url:
                raise Unavailable("Redis is not configured")
            self._redis = redis_from_url(self.redis_url)
        return self._redis

    def dispose(self) -> None:
        """Close pools."""
        self.engine.dispose()
        if self._redis is not None:
            self._redis.close()


def build_resources(settings: dict[str, Any]) -> Resources:
    """Engine, session factory and Redis settings from a config dict."""
    engine = make_engine(settings["DATABASE_URL"])
    return Resources(engine=engine, session_factory=make_session_factory(engine),
                     redis_url=settings.get("REDIS_URL"))


class ProcessResources:
    """One process's settings and connections (jobs, relays, commands), built on first use.

    ``reset()`` forgets both, for tests that change the environment.
    """

    def __init__(self, load: Callable[[], dict[str, Any]]):
        self._load = load
        self._settings: dict[str, Any] | None = None
        self._resources: Resources | None = None

    def settings(self) -> dict[str, Any]:
        """This process's settings (read from the environment once)."""
        if self._settings is None:
            self._settings = self._load()
        return self._settings

    def resources(self) -> Resources:
        """This process's engine, session factory and Redis (connected on first use)."""
        if self._resources is None:
            self._resources = build_resources(self.settings())
        return self._resources

    def reset(self) -> None:
        """Close the connections and forget the settings."""
        if self._resources is not None:
            self._resources.dispose()
        self._resources = self._settings = None


def resources() -> Resources:
    """The current app's resources."""
    return current_app.extensions["coprocure"]


def current_identity() -> Identity:
    """The caller's identity, verified from the gateway's assertion."""
    return g.get("identity") or Identity()


def signed_directory() -> dict:
    """The gateway's signed lookup of the users the request names (empty if absent)."""
    header = request.headers.get(DIRECTORY_HEADER)
    if not header:
        return {}
    try:
        return verify_directory(current_app.config["ASSERTION_KEY"], header)
    except AssertionInvalid as exc:
        raise Problem(401, "Unauthorized", str(exc)) from exc


def require_roles(*roles: str) -> Identity:
    """The caller, if it holds one of the roles; otherwise 401/403."""
    identity = current_identity()
    if identity.anonymous:
        raise Problem(401, "Unauthorized", "Sign in to do this")
    if not identity.has_role(*roles):
        raise Problem(403, "Forbidden", f"Requires role: {' or '.join(roles)}")
    return identity


def _install_identity(app: Flask) -> None:
    @app.before_request
    def _verify_assertion():
        if request.path in OPEN_PATHS:
            return None
        try:
            g.identity = verify_assertion(app.config["ASSERTION_KEY"], request.headers.get(HEADER))
        except AssertionInvalid as exc:
            return problem_response(Problem(401, "Unauthorized", str(exc)))
        return None


def readiness_checks(app: Flask) -> dict[str, Any]:
    """Run the database and Redis checks; map each to 'ok' or an error."""
    res: Resources = app.extensions["coprocure"]
    checks: dict[str, Any] = {}
    try:
        ping(res.engine)
        checks["database"] = "ok"
    except Exception as exc:  # a readiness probe reports, never raises
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        res.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {exc.__class__.__name__}"
    queue = app.config.get("SERVICE_NAME")
    if queue in ("commissioning", "scoring", "gateway"):  # services whose work runs on a queue
        try:
            checks["processes"] = process_report(res.redis, queue)  # reported, not gating
        except Exception as exc:
            checks["processes"] = {"error": exc.__class__.__name__}
    for name, check in app.extensions.get("coprocure_ready", {}).items():
        try:
            checks[name] = check()
        except Exception as exc:
            checks[name] = f"error: {exc.__class__.__name__}"
    return checks


def _install_health(app: Flask) -> None:
    @app.get("/healthz")
    def healthz():
        # sandbox and environment let a client (`coprocure demo`) refuse to seed a real platform.
        return jsonify(status="ok", service=app.config["SERVICE_NAME"],
                       sandbox=bool(app.config.get("SANDBOX")),
                       environment=app.config.get("ENV", "dev"))

    @app.get("/readyz")
    def readyz():
        checks = readiness_checks(app)
        ready = all(v == "ok" or isinstance(v, dict) for v in checks.values())
        body = {"status": "ready" if ready else "unavailable",
                "service": app.config["SERVICE_NAME"], "checks": checks}
        return jsonify(body), 200 if ready else 503


def create_service_app(service: str, config: dict[str, Any] | None,
                       blueprints: Iterable[Blueprint] = (), title: str | None = None,
                       require_assertion: bool = True,
                       extra_ready: dict[str, Callable[[], str]] | None = None) -> Flask:
    """Build a service app: settings, resources, problem handlers, ids, identity, health."""
    app = Flask(f"coprocure.{service}")
    app.config.update(load_settings(service, config))
    app.config.update(
        API_TITLE=title or f"coprocure {service}",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        PROPAGATE_EXCEPTIONS=False,
    )
    app.json.sort_keys = False
    configure_logging(app.config["LOG_LEVEL"])
    app.extensions["coprocure"] = app.config.get("RESOURCES") or build_resources(app.config)
    app.extensions["coprocure_ready"] = dict(extra_ready or {})
    register_problem_handlers(app)
    install_request_id(app)
    install_json_guard(app)
    if require_assertion:
        _install_identity(app)
    _install_health(app)
    api = Api(app, spec_kwargs={"marshmallow_plugin": openapi_fields.Plugin()})
    for bp in blueprints:
        api.register_blueprint(bp, url_prefix=API_PREFIX + (bp.url_prefix or ""))
    app.extensions["coprocure_api"] = api
    register_problem_handlers(app)  # after Api(), which installs its own error handler
    return app
