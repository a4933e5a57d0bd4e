"""The portal blueprint and its app-wide setup (session cookie, templates, error pages)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Flask, make_response, redirect, render_template, request
from flask.sessions import SecureCookieSessionInterface
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import HTTPException, SecurityError

from shared.config import secret
from shared.problems import http_exception_problem

HERE = Path(__file__).parent
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


class PortalBlueprint(Blueprint):
    """A blueprint whose templates also see the govuk-frontend-jinja macros."""

    @property
    def jinja_loader(self):  # type: ignore[override]
        """Our templates first, then ``govuk_frontend_jinja/...``."""
        return ChoiceLoader([
            FileSystemLoader(str(HERE / "templates")),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ])


class PortalSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, Secure unless the portal is served on localhost."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure cookie on every host but localhost (configurable with PORTAL_COOKIE_SECURE)."""
        configured = app.config.get("PORTAL_COOKIE_SECURE")
        if configured is not None:
            return bool(configured)
        try:
            host = (request.host or "").rsplit(":", 1)[0] if request else ""
        except SecurityError:  # an untrusted Host: the request is refused anyway
            return True
        return host not in LOCAL_HOSTS


portal = PortalBlueprint("portal", __name__, url_prefix="/portal",
                         static_folder="static", static_url_path="/static")


@portal.record_once
def _setup(state) -> None:
    """Configure the host app once: secret key, cookie flags, `/` redirect."""
    app: Flask = state.app
    if not app.secret_key:
        app.secret_key = app.config.get("PORTAL_SECRET") or secret("PORTAL_SECRET")
    app.config.setdefault("SESSION_COOKIE_NAME", "coprocure_portal")
    app.config["SESSION_COOKIE_NAME"] = "coprocure_portal"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # Flask always defines PERMANENT_SESSION_LIFETIME (31 days), so setdefault never applied:
    # the portal session lasts PORTAL_SESSION_SECONDS (8 h, the API token's lifetime).
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        seconds=int(app.config.get("PORTAL_SESSION_SECONDS") or 8 * 3600))
    if "PORTAL_API_URL" not in app.config and os.environ.get("COPROCURE_PORTAL_API_URL"):
        app.config["PORTAL_API_URL"] = os.environ["COPROCURE_PORTAL_API_URL"]
    app.session_interface = PortalSessionInterface()
    for code in ROUTING_ERRORS:
        app.register_error_handler(code, _page_or_problem)
    if not any(rule.rule == "/" for rule in app.url_map.iter_rules()):
        app.add_url_rule("/", "portal_root", lambda: redirect("/portal/"))


# An address under /portal that matches no route (404), or not with this method (405), never
# reaches the blueprint's own error pages: Flask only knows the blueprint of a matched route.
ROUTING_ERRORS = (404, 405)
ROUTING_TITLES = {404: ("Page not found", "If you typed the web address, check it is correct."),
                  405: ("Page not found", "This page cannot be opened that way. Go back and use "
                                          "the page's links and buttons.")}


def in_portal(path: str) -> bool:
    """Whether a request path is the portal's (and so answers HTML, not problem JSON)."""
    return path == portal.url_prefix or path.startswith(portal.url_prefix + "/")


def _page_or_problem(exc: HTTPException):
    """An HTML error page under /portal; elsewhere the API's problem document, as before."""
    if not in_portal(request.path):
        return http_exception_problem(exc)
    title, detail = ROUTING_TITLES.get(exc.code or 404, ROUTING_TITLES[404])
    headers = {}
    if exc.code == 405 and exc.get_response().headers.get("Allow"):
        headers["Allow"] = exc.get_response().headers["Allow"]
    page = render_template("portal/error.html", title=title, detail=detail)
    return _headers(make_response(page, exc.code or 404, headers))


@portal.after_request
def _headers(response):
    """Pages are private and must not be framed or cached."""
    if request.endpoint != "portal.static":
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'")
    return response
