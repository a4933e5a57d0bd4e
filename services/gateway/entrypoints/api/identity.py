"""Identity endpoints: registration, tokens, the caller, organisations and users."""

from __future__ import annotations

from flask import current_app, g
from flask.views import MethodView

from services.gateway.context import Context, context_from_app
from services.gateway.entrypoints.api.schemas import identity as s
from services.gateway.entrypoints.authn import admin_only, bearer_token, signed_in, unauthorized
from services.gateway.service_layer import accounts, organisations, tokens, users
from shared.blueprint import Blueprint

blp = Blueprint("identity", __name__, description="Identity: accounts, tokens, organisations")


def ctx() -> Context:
    """The use-case context of the current app."""
    return context_from_app(current_app)


@blp.route("/auth/register")
class Register(MethodView):
    @blp.arguments(s.Register)
    @blp.response(201, s.User)
    def post(self, body):
        """Register a bidder organisation and its first user."""
        org = body["organisation"]
        return users.register_bidder(ctx(), body["email"], body["password"], org["name"],
                                     org["kind"])


@blp.route("/auth/token")
class Token(MethodView):
    @blp.arguments(s.Credentials)
    @blp.response(200, s.Token)
    def post(self, body):
        """Exchange email and password for a bearer token."""
        return tokens.issue_token(ctx(), body["email"], body["password"])

    @blp.response(204)
    def delete(self):
        """Revoke the presented token."""
        return _revoke()


def _revoke():
    signed_in()
    token = bearer_token()
    if token is None:
        raise unauthorized("Sign in to do this")
    tokens.revoke_token(ctx(), token)
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
        signed_in()
        return users.user_document(g.user)


@blp.route("/me/password")
class MyPassword(MethodView):
    @blp.arguments(s.PasswordChange)
    @blp.response(200, s.Revoked)
    def post(self, body):
        """Change your password; every other token of yours is revoked (this one keeps working)."""
        who = signed_in()
        token = bearer_token()
        if token is None:
            raise unauthorized("Sign in to do this")
        return {"user_id": who.user_id, **accounts.change_password(
            ctx(), who.user_id, token, body["current_password"], body["new_password"])}


@blp.route("/users/<user_id>/deactivate")
class DeactivateUser(MethodView):
    @admin_only
    @blp.response(200, s.UserStatus)
    def post(self, user_id: str):
        """Deactivate a user (admin): it cannot sign in and all its tokens are revoked."""
        return accounts.set_active(ctx(), user_id, False)


@blp.route("/users/<user_id>/activate")
class ActivateUser(MethodView):
    @admin_only
    @blp.response(200, s.UserStatus)
    def post(self, user_id: str):
        """Reactivate a user (admin); its old tokens stay revoked."""
        return accounts.set_active(ctx(), user_id, True)


@blp.route("/users/<user_id>/revoke-tokens")
class RevokeUserTokens(MethodView):
    @admin_only
    @blp.response(200, s.Revoked)
    def post(self, user_id: str):
        """Revoke every token of a user (admin)."""
        return accounts.revoke_user_tokens(ctx(), user_id)


@blp.route("/organisations")
class Organisations(MethodView):
    @admin_only
    @blp.arguments(s.OrganisationCreate)
    @blp.response(201, s.Organisation)
    def post(self, body):
        """Create an organisation (admin)."""
        return organisations.create_organisation(ctx(), body["name"], body["kind"])


@blp.route("/organisations/<org_id>")
class OrganisationById(MethodView):
    @blp.response(200, s.Organisation)
    def get(self, org_id: str):
        """One organisation (admins, and members of it)."""
        return organisations.get_organisation(ctx(), signed_in(), org_id)


@blp.route("/users")
class Users(MethodView):
    @admin_only
    @blp.arguments(s.UserQuery, location="query")
    @blp.response(200, s.UserList)
    def get(self, query):
        """Every user, by e-mail address, with whether it may sign in (admin); paginated."""
        return accounts.list_users(ctx(), query["limit"], query["cursor"])

    @admin_only
    @blp.arguments(s.UserCreate)
    @blp.response(201, s.User)
    def post(self, body):
        """Create a user with roles in an organisation (admin)."""
        return users.create_user(ctx(), body["email"], body["password"], body["roles"],
                                 body["organisation_id"], body.get("lived_experience", False))
