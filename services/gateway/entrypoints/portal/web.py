"""Page helpers: sign-in guard, CSRF, form errors, API error pages, template filters."""

from __future__ import annotations

import functools
import hmac
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import structlog
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from services.gateway.entrypoints.portal.api import ApiProblem, ApiUnavailable
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.messages import plain
from shared.time import parse_rfc3339

ROLE_NAMES = {"commissioner": "Commissioner", "bidder": "Bidder", "evaluator": "Evaluator",
              "moderator": "Moderator", "auditor": "Auditor", "admin": "Administrator",
              "reviewer": "Reviewer", "validator": "Validator"}


def user() -> dict[str, Any] | None:
    """The signed-in user (as /me returned it at sign-in), or None."""
    return session.get("user") if session.get("token") else None


def roles() -> set[str]:
    """The signed-in user's roles."""
    who = user()
    return set(who.get("roles") or []) if who else set()


def login_required(*wanted: str) -> Callable:
    """Require a signed-in user (with one of ``wanted`` roles when given)."""
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not user():
                return redirect(url_for("portal.sign_in", next=request.full_path.rstrip("?")))
            if wanted and not roles() & set(wanted):
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def csrf_token() -> str:
    """This session's CSRF token (made on first use)."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


UPLOAD_ENDPOINTS = frozenset({"portal.tender_document_upload", "portal.bid_document_upload"})


@portal.before_request
def _check_csrf() -> None:
    """Every state-changing form must carry the session's CSRF token."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.endpoint in UPLOAD_ENDPOINTS:
            # A document's form may exceed the JSON limit; its file part spools to disk.
            request.max_content_length = current_app.config["MAX_DOCUMENT_BYTES"] + 64 * 1024
        sent = request.form.get("csrf_token", "")
        if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
            abort(400, description="The form expired. Go back, reload the page and try again.")


class FormErrors:
    """Errors of one form, by field path, plus the summary list the layout shows."""

    def __init__(self, errors: dict[str, list[str]] | None = None, known: set[str] | None = None):
        self.by_field: dict[str, str] = {}
        self.general: list[str] = []
        self.anchors: dict[str, str] = {}  # field → the input its summary link focuses
        for path, messages in (errors or {}).items():
            text = "; ".join(dict.fromkeys(plain(path, message) for message in messages))
            if known is None or path in known or _prefix_known(path, known):
                field = path if known is None or path in known else _prefix_known(path, known)
                self.by_field.setdefault(field, text)
            else:
                self.general.append(f"{humanise(path)}: {text}" if path != "_" else text)

    def add(self, field: str, message: str) -> None:
        """Add an error for a field."""
        self.by_field.setdefault(field, message)

    def anchor(self, field: str, target: str) -> FormErrors:
        """Link the summary's error for ``field`` to input ``target`` (e.g. a date's day)."""
        self.anchors[field] = target
        return self

    def __bool__(self) -> bool:
        return bool(self.by_field or self.general)

    def get(self, field: str) -> dict | None:
        """The govuk ``errorMessage`` parameter for a field, or None."""
        text = self.by_field.get(field)
        return {"text": text} if text else None

    def summary(self) -> list[dict[str, str]]:
        """The error summary's list (links go to the field)."""
        out = [{"text": text, "href": "#" + field_id(self.anchors.get(field, field))}
               for field, text in self.by_field.items()]
        out.extend({"text": text} for text in self.general)
        return out


def _prefix_known(path: str, known: set[str]) -> str | None:
    """The closest known field for a deeper path (e.g. ``price.amount`` → ``price.amount``)."""
    parts = path.split(".")
    while len(parts) > 1:
        parts.pop()
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
    # A path naming a container (e.g. "criteria") maps to its first field.
    for field in sorted(known):
        if field.startswith(path + "."):
            return field
    return None


def field_id(path: str) -> str:
    """A safe HTML id for a field path."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


def humanise(path: str) -> str:
    """'criteria.0.weight' → 'Criteria 1 weight'."""
    words = []
    for part in path.split("."):
        words.append(str(int(part) + 1) if part.isdigit() else part.replace("_", " "))
    return " ".join(words).capitalize()


def problem_errors(exc: ApiProblem, known: set[str]) -> FormErrors:
    """FormErrors from an API problem (field errors, else its detail)."""
    errors = exc.errors or {"_": [exc.message]}
    return FormErrors(errors, known)


def done(message: str, endpoint: str, **values: Any):
    """Flash a success message and redirect (post/redirect/get)."""
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


@portal.errorhandler(ApiUnavailable)
def _unavailable(exc: ApiUnavailable):
    return render_template("portal/error.html", title="Sorry, the service is unavailable",
                           detail="coprocure could not reach one of its services. "
                                  "Try again in a few minutes."), 503


@portal.errorhandler(ApiProblem)
def _problem(exc: ApiProblem):
    if exc.status == 401:
        session.clear()
        flash("Your session has ended. Sign in again.", "info")
        return redirect(url_for("portal.sign_in", next=request.full_path.rstrip("?")))
    titles = {403: "You cannot see this page", 404: "Page not found",
              409: "This cannot be done now", 429: "Too many requests"}
    status = exc.status if exc.status < 500 else 502
    return render_template("portal/error.html",
                           title=titles.get(exc.status, "Something went wrong"),
                           detail=exc.message), status


@portal.errorhandler(403)
def _forbidden(exc):
    return render_template("portal/error.html", title="You cannot see this page",
                           detail="Your account does not have access to this page."), 403


@portal.errorhandler(400)
def _bad_request(exc):
    return render_template("portal/error.html", title="Something was wrong with the request",
                           detail=getattr(exc, "description", "")), 400


@portal.errorhandler(404)
def _not_found(exc):
    return render_template("portal/error.html", title="Page not found",
                           detail="If you typed the web address, check it is correct."), 404


@portal.errorhandler(Exception)
def _unexpected(exc: Exception):
    """A page, not a JSON problem, when a portal page fails unexpectedly (and log it)."""
    if isinstance(exc, HTTPException):
        return render_template("portal/error.html", title=exc.name,
                               detail=exc.description or ""), exc.code or 500
    structlog.get_logger("coprocure.portal").exception("unhandled_exception", error=repr(exc))
    return render_template("portal/error.html", title="Sorry, there is a problem with the service",
                           detail="Try again later. The error has been logged."), 500


def parse_time(value: str | None) -> datetime | None:
    """An API timestamp for display: None if absent, or if malformed, so the page shows the raw
    text instead of failing (the API only ever sends RFC 3339 with an offset)."""
    if not value:
        return None
    try:
        return parse_rfc3339(value)
    except ValueError:
        return None


@portal.app_template_filter("when")
def when(value: str | None) -> str:
    """'2027-01-20T12:00:00Z' → '12:00pm UTC on 20 January 2027' (GOV.UK style)."""
    moment = parse_time(value)
    if not moment:
        return value or "—"
    moment = moment.astimezone(UTC)
    hour = moment.strftime("%I:%M%p").lstrip("0").lower()
    return f"{hour} UTC on {moment.day} {moment.strftime('%B %Y')}"


@portal.app_template_filter("seconds_left")
def seconds_left(value: str | None) -> int | None:
    """Whole seconds until a deadline (negative once past; None if absent or bad)."""
    moment = parse_time(value)
    return None if moment is None else int((moment - datetime.now(UTC)).total_seconds())


@portal.app_template_filter("countdown")
def countdown(value: str | None) -> str:
    """Time left until a deadline, in words (static/portal.js keeps it ticking)."""
    seconds = seconds_left(value)
    if seconds is None:
        return ""
    if seconds <= 0:
        return "closed"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} day{'s' if days != 1 else ''} {hours} hour{'s' if hours != 1 else ''} left"
    if hours:
        return f"{hours} hour{'s' if hours != 1 else ''} {minutes} min left"
    return f"{max(minutes, 1)} min left" if seconds >= 60 else f"{seconds} seconds left"


@portal.app_template_filter("money")
def money(value: Any) -> str:
    """{'amount': '450000.00', 'currency': 'GBP'} → '£450,000.00'."""
    if not isinstance(value, dict) or value.get("amount") in (None, ""):
        return "—"
    try:
        amount = f"{float(value['amount']):,.2f}"
    except (TypeError, ValueError):
        amount = str(value["amount"])
    return ("£" + amount) if value.get("currency", "GBP") == "GBP" else \
        f"{amount} {value.get('currency')}"


@portal.app_template_filter("label")
def label(value: Any) -> str:
    """'adult_social_care' → 'Adult social care'."""
    return str(value or "").replace("_", " ").capitalize()


@portal.app_template_filter("num")
def num(value: Any, places: int = 2) -> str:
    """A number at fixed precision ('—' if absent)."""
    try:
        return f"{float(value):.{places}f}"
    except (TypeError, ValueError):
        return "—"


@portal.app_context_processor
def _globals() -> dict[str, Any]:
    from services.gateway.entrypoints.portal.views.notifications import unread_badge

    return {"current_user": user(), "current_roles": roles(), "csrf_token": csrf_token,
            "unread_notifications": unread_badge,
            "field_id": field_id, "role_names": ROLE_NAMES,
            "csrf_field": lambda: Markup('<input type="hidden" name="csrf_token" value="{}">')
            .format(csrf_token())}
