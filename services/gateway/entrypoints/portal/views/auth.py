"""Sign in, sign out and bidder self-registration."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import redirect, render_template, request, session, url_for

from services.gateway.domain.identity import MIN_PASSWORD_LENGTH
from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.api import ApiProblem, ApiUnavailable
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.defaults import ORG_KINDS
from services.gateway.entrypoints.portal.web import FormErrors, done, problem_errors


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths under /portal (no open redirects); no control characters,
    which would split the Location header (a 500 before)."""
    if target and target.startswith("/portal") and not target.startswith("//") \
            and target.isprintable() and not urlsplit(target).netloc:
        return target
    return url_for("portal.home")


def start_session(token: str, fallback_user: dict | None = None) -> None:
    me = api.get("/me", token=token) if fallback_user is None else fallback_user
    session.clear()
    session.permanent = True
    session["token"] = token
    session["user"] = {"id": me.get("id"), "email": me.get("email"),
                       "roles": me.get("roles") or [],
                       "organisation": me.get("organisation"),
                       "lived_experience": me.get("lived_experience", False)}
    # A fresh CSRF token at sign-in: one planted or seen before sign-in is worth nothing after.
    session["csrf"] = secrets.token_urlsafe(32)


@portal.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """The sign-in form."""
    values = {"email": "", "next": request.values.get("next", "")}
    errors = FormErrors()
    if request.method == "POST":
        values["email"] = request.form.get("email", "").strip()
        password = request.form.get("password", "")
        if not values["email"]:
            errors.add("email", "Enter your email address")
        if not password:
            errors.add("password", "Enter your password")
        if not errors:
            try:
                body = api.post("/auth/token", {"email": values["email"], "password": password},
                                anonymous=True)
                start_session(body["access_token"])
                return redirect(_safe_next(values["next"]))
            except ApiProblem as exc:
                if exc.status in (400, 401, 403, 422):
                    errors.add("email", "Enter a correct email address and password")
                else:
                    raise
    return render_template("portal/sign_in.html", title="Sign in", values=values,
                           errors=errors), (200 if not errors else 422)


@portal.route("/sign-out", methods=["GET", "POST"])
def sign_out():
    """Revoke the API token, then forget it: a copied cookie is worthless after sign-out.

    A GET (a typed or bookmarked address) asks to confirm with a button: signing out changes
    state, so it needs the form's CSRF token; signed out already, it goes to the sign-in page."""
    if request.method == "GET":
        if not session.get("token"):
            return redirect(url_for("portal.sign_in"))
        return render_template("portal/sign_out.html", title="Sign out")
    if session.get("token"):
        try:
            api.call("DELETE", "/auth/token")
        except (ApiProblem, ApiUnavailable):
            pass  # already revoked or expired (401), or the gateway's database is down
    session.clear()
    return done("You have signed out.", "portal.sign_in")


@portal.route("/register", methods=["GET", "POST"])
def register():
    """A social enterprise registers itself and its first user (a bidder)."""
    fields = {"organisation.name", "organisation.kind", "email", "password"}
    values = {"email": "", "organisation": {"name": "", "kind": ""}}
    errors = FormErrors()
    if request.method == "POST":
        form = request.form
        values = {"email": form.get("email", "").strip(),
                  "organisation": {"name": form.get("organisation.name", "").strip(),
                                   "kind": form.get("organisation.kind", "")}}
        password = form.get("password", "")
        if not values["organisation"]["name"]:
            errors.add("organisation.name", "Enter your organisation's name")
        if values["organisation"]["kind"] not in dict(ORG_KINDS):
            errors.add("organisation.kind", "Select what kind of organisation it is")
        if not values["email"] or "@" not in values["email"]:
            errors.add("email", "Enter an email address in the correct format, "
                                "like name@example.org")
        if len(password) < MIN_PASSWORD_LENGTH:
            errors.add("password", f"Enter a password of at least {MIN_PASSWORD_LENGTH} "
                                   "characters")
        elif password != form.get("password_confirm", ""):
            errors.add("password", "The passwords do not match")
        if not errors:
            try:
                api.post("/auth/register", {**values, "password": password}, anonymous=True)
                body = api.post("/auth/token", {"email": values["email"], "password": password},
                                anonymous=True)
                start_session(body["access_token"])
                return done("Your organisation is registered. You can now bid for tenders.",
                            "portal.home")
            except ApiProblem as exc:
                if exc.status >= 500:
                    raise
                errors = problem_errors(exc, fields)
    return render_template("portal/register.html", title="Register your organisation",
                           values=values, errors=errors, kinds=ORG_KINDS), \
        (200 if not errors else 422)
