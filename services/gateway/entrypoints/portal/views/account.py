"""Your account: who you are, and changing your password (issue 14)."""

from __future__ import annotations

from flask import render_template, request, session

from services.gateway.domain.identity import MIN_PASSWORD_LENGTH
from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.api import ApiProblem
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.views.auth import start_session
from services.gateway.entrypoints.portal.web import (
    FormErrors,
    done,
    login_required,
    problem_errors,
    user,
)

PASSWORD_FIELDS = {"current_password", "new_password", "new_password_confirm"}


def _check(form) -> FormErrors:
    """The form's own checks, before the API judges the passwords."""
    errors = FormErrors()
    new = form.get("new_password", "")
    if not form.get("current_password"):
        errors.add("current_password", "Enter your current password")
    if not new:
        errors.add("new_password", "Enter a new password")
    elif len(new) < MIN_PASSWORD_LENGTH:
        errors.add("new_password",
                   f"Enter a new password of at least {MIN_PASSWORD_LENGTH} characters")
    if new and new != form.get("new_password_confirm", ""):
        errors.add("new_password_confirm", "The new passwords do not match")
    return errors


def _keep_signed_in(email: str, new_password: str) -> None:
    """The API keeps the token that changed the password; should it ever revoke that one too,
    sign in again with the new password so this session carries on."""
    try:
        api.get("/me")
    except ApiProblem as exc:
        if exc.status != 401:
            raise
        body = api.post("/auth/token", {"email": email, "password": new_password},
                        anonymous=True)
        start_session(body["access_token"])


@portal.route("/account", methods=["GET", "POST"])
@login_required()
def account():
    """Who you are, and a form to change your password (every other session is signed out)."""
    errors = FormErrors()
    if request.method == "POST":
        form = request.form
        errors = _check(form)
        if not errors:
            try:
                answer = api.post("/me/password", {"current_password": form["current_password"],
                                                   "new_password": form["new_password"]})
            except ApiProblem as exc:
                if exc.status != 422:
                    raise
                errors = problem_errors(exc, PASSWORD_FIELDS)
            else:
                _keep_signed_in(user()["email"], form["new_password"])
                others = (answer or {}).get("revoked_tokens") or 0
                return done("Your password is changed. " + (
                    f"You were signed out everywhere else ({others} other "
                    f"session{'s' if others != 1 else ''})." if others else
                    "You were not signed in anywhere else.") +
                    " You are still signed in here.", "portal.account")
    me = api.get("/me")
    session["user"] = {**session.get("user", {}), "roles": me.get("roles") or [],
                       "organisation": me.get("organisation")}
    return render_template("portal/account.html", title="Your account", me=me,
                           errors=errors), (200 if not errors else 422)
