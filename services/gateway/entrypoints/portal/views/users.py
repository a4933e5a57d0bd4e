"""Users, for admins: deactivate, reactivate, sign out everywhere, and create a staff user
(issue 14)."""

from __future__ import annotations

from flask import abort, render_template, request, url_for

from services.gateway.domain.identity import MIN_PASSWORD_LENGTH
from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.api import ApiProblem
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.web import (
    ROLE_NAMES,
    FormErrors,
    done,
    login_required,
    problem_errors,
    user,
)

PAGE = 50
# Bidders register their own organisation; an admin creates the council's staff.
STAFF_ROLES = ("commissioner", "evaluator", "moderator", "auditor", "reviewer", "validator",
               "admin")
CREATE_FIELDS = {"email", "roles", "organisation_id", "password", "lived_experience"}
NO_ORGANISATION = "none"
ACTIONS = {
    "deactivate": "{email} is deactivated: they cannot sign in, and every session of theirs "
                  "has ended.",
    "activate": "{email} is reactivated: they can sign in again.",
    "revoke-tokens": "{email} is signed out everywhere ({count} session{s} ended).",
}


def _organisations(users: list[dict]) -> list[tuple[str, str]]:
    """The organisations a new user may join: those of the listed users and your own."""
    known = {u["organisation"]["id"]: u["organisation"]["name"]
             for u in [*users, user() or {}] if u.get("organisation")}
    return sorted(known.items(), key=lambda item: item[1].lower())


def _check(form, organisations: list[tuple[str, str]]) -> tuple[dict, FormErrors]:
    """The new user's body for the API, and what the form itself finds wrong."""
    errors = FormErrors()
    org = form.get("organisation_id", "")
    body = {"email": form.get("email", "").strip(), "roles": [form.get("roles", "")],
            "organisation_id": None if org == NO_ORGANISATION else org,
            "password": form.get("password", ""),
            "lived_experience": form.get("lived_experience") == "yes"}
    if not body["email"] or "@" not in body["email"]:
        errors.add("email", "Enter an email address in the correct format, like "
                            "name@example.org")
    if body["roles"][0] not in STAFF_ROLES:
        errors.add("roles", "Select the user's role")
    if org != NO_ORGANISATION and org not in dict(organisations):
        errors.add("organisation_id", "Select the user's organisation")
    if len(body["password"]) < MIN_PASSWORD_LENGTH:
        errors.add("password", f"Enter a password of at least {MIN_PASSWORD_LENGTH} characters")
    return body, errors


def _listing() -> dict:
    return api.get("/users", params={"limit": PAGE, "cursor": request.args.get("cursor")})


def _page(listing: dict, errors: FormErrors | None = None, values: dict | None = None):
    cursor = request.args.get("cursor")
    return render_template(
        "portal/users.html", title="Users", users=listing["items"], me=user(),
        next_page=url_for("portal.users", cursor=listing["next_cursor"])
        if listing.get("next_cursor") else None,
        first_page=url_for("portal.users") if cursor else None,
        organisations=_organisations(listing["items"]),
        staff_roles=[(r, ROLE_NAMES[r]) for r in STAFF_ROLES], no_organisation=NO_ORGANISATION,
        values=values or {}, errors=errors or FormErrors()), (422 if errors else 200)


@portal.route("/users", methods=["GET", "POST"])
@login_required("admin")
def users():
    """Every user, with buttons to deactivate, reactivate or sign out everywhere; and a form
    to create a staff user."""
    listing = _listing()
    if request.method == "GET":
        return _page(listing)
    body, errors = _check(request.form, _organisations(listing["items"]))
    values = {**body, "organisation_id": request.form.get("organisation_id", "")}
    if not errors:
        try:
            made = api.post("/users", body)
        except ApiProblem as exc:
            if exc.status == 409:
                errors.add("email", "A user with this email address already exists")
            elif exc.status == 422:
                errors = problem_errors(exc, CREATE_FIELDS)
            else:
                raise
        else:
            return done(f"{made['email']} is created as {ROLE_NAMES[body['roles'][0]]}. Give "
                        "them their password safely: they can change it under Your account.",
                        "portal.users")
    return _page(listing, errors, values)


@portal.route("/users/<user_id>/<any(deactivate, activate, 'revoke-tokens'):action>",
              methods=["POST"])
@login_required("admin")
def user_action(user_id: str, action: str):
    """Deactivate, reactivate, or sign a user out everywhere (not yourself: that would end
    this session; change your password instead)."""
    if user_id == (user() or {}).get("id"):
        abort(400, description="You cannot do this to your own account here. To sign out "
                               "everywhere else, change your password under Your account.")
    answer = api.post(f"/users/{user_id}/{action}") or {}
    email = answer.get("email") or request.form.get("email") or "The user"
    count = answer.get("revoked_tokens", 0)
    return done(ACTIONS[action].format(email=email, count=count, s="" if count == 1 else "s"),
                "portal.users")
