"""Identity endpoints: registration, tokens, the caller, organisations and users."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC

from flask import current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint

from services.gateway.entrypoints.api.schemas import identity as s
from services.gateway.entrypoints.authn import bearer_token, now, unauthorized
from services.gateway.service_layer import accounts
from shared.problems import Problem
from shared.web import current_identity, require_roles, resources

blp = Blueprint("identity", __name__, description="Identity: accounts, tokens, organisations")


def signed_in_user_id() -> str:
    """The caller's user id; 401 when anonymous."""
    identity = current_identity()
    if identity.anonymous:
        raise unauthorized("Sign in to do this")
    return identity.user_id  # type: ignore[return-value]


def admin_only(view: Callable) -> Callable:
    """Check the role before the body is even parsed (no 422 oracle for outsiders)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        identity = current_identity()
        if identity.anonymous:
            raise unauthorized("Sign in to do this")
        require_roles("admin")
        return view(*args, **kwargs)

    return wrapper


@blp.route("/auth/register")
class Register(MethodView):
    @blp.arguments(s.Register)
    @blp.response(201, s.User)
    def post(self, body):
        """Register a bidder organisation and its first user."""
        org = body["organisation"]
        return accounts.register_bidder(resources().session_factory, body["email"],
                                        body["password"], org["name"], org["kind"])


@blp.route("/auth/token")
class Token(MethodView):
    @blp.arguments(s.Credentials)
    @blp.response(200, s.Token)
    def post(self, body):
        """Exchange email and password for a bearer token."""
        ttl = int(current_app.config["TOKEN_TTL_SECONDS"])
        issued = accounts.issue_token(resources().session_factory, body["email"],
                                      body["password"], ttl, now())
        return {"access_token": issued.access_token, "token_type": "Bearer",
                "expires_in": issued.expires_in,
                "expires_at": issued.expires_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                "user": issued.user}

    @blp.response(204)
    def delete(self):
        """Revoke the presented token."""
        return _revoke()


def _revoke():
    signed_in_user_id()
    token = bearer_token()
    if token is None:
        raise unauthorized("Sign in to do this")
    accounts.revoke_token(resources().session_factory, token, now())
    return None


@blp.route("/auth/revoke")
class Revoke(MethodView):
    @blp.response(204)
    def post(self):
        """Revoke the presented token."""
        return _revoke()


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, s.User)
    def get(self):
        """The signed-in user, their roles and organisation."""
        signed_in_user_id()
        return accounts.user_document(g.user)


@blp.route("/organisations")
class Organisations(MethodView):
    @admin_only
    @blp.arguments(s.OrganisationCreate)
    @blp.response(201, s.Organisation)
    def post(self, body):
        """Create an organisation (admin)."""
        return accounts.create_organisation(resources().session_factory, body["name"],
                                            body["kind"])


@blp.route("/organisations/<org_id>")
class OrganisationById(MethodView):
    @blp.response(200, s.Organisation)
    def get(self, org_id: str):
        """One organisation (admins, and members of it)."""
        identity = current_identity()
        if identity.anonymous:
            raise unauthorized("Sign in to do this")
        org = None
        if identity.has_role("admin") or identity.organisation_id == org_id:
            org = accounts.get_organisation(resources().session_factory, org_id)
        if org is None:  # same answer for "not yours" and "does not exist"
            raise Problem(404, "Not found", "No such organisation")
        return org


@blp.route("/users")
class Users(MethodView):
    @admin_only
    @blp.arguments(s.UserCreate)
    @blp.response(201, s.User)
    def post(self, body):
        """Create a user with roles in an organisation (admin)."""
        return accounts.create_user(resources().session_factory, body["email"],
                                    body["password"], body["roles"], body["organisation_id"],
                                    body.get("lived_experience", False))
