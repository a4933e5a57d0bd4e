"""Schemas of the identity endpoints: organisations, users, credentials and tokens."""

from __future__ import annotations

from marshmallow import fields, validate

from services.gateway.domain.identity import (
    BIDDER_KINDS,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    ORG_KINDS,
)
from shared.fields import Text
from shared.identity import ROLES
from shared.schemas import PageQuerySchema, StrictSchema

_password = {"required": True, "load_only": True,
             "validate": validate.Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)}
# The server's rule (domain.identity.email_is_valid) is local@domain.tld: say so in the schema.
_email = {"required": True, "validate": validate.Length(min=3, max=320),
          "metadata": {"format": "email"}}
_name = {"required": True, "validate": validate.Length(min=1, max=200)}


class Organisation(StrictSchema):
    """An organisation."""

    id = Text(dump_only=True)
    name = Text(**_name)
    kind = Text(required=True, validate=validate.OneOf(ORG_KINDS))


class OrganisationCreate(StrictSchema):
    """An admin creates an organisation of any kind."""

    name = Text(**_name)
    kind = Text(required=True, validate=validate.OneOf(ORG_KINDS))


class BidderOrganisation(StrictSchema):
    """The organisation a bidder registers (commissioning bodies are created by admins)."""

    name = Text(**_name)
    kind = Text(required=True, validate=validate.OneOf(BIDDER_KINDS))


class User(StrictSchema):
    """A user as others see it (``GET /me``)."""

    id = Text()
    email = Text()
    roles = fields.List(Text(validate=validate.OneOf(ROLES)))
    organisation = fields.Nested(Organisation, allow_none=True)
    lived_experience = fields.Boolean()


class Register(StrictSchema):
    """Self-service bidder registration."""

    email = Text(**_email)
    password = Text(**_password)
    organisation = fields.Nested(BidderOrganisation, required=True)


class UserCreate(StrictSchema):
    """An admin creates a user."""

    email = Text(**_email)
    password = Text(**_password)
    roles = fields.List(Text(validate=validate.OneOf(ROLES)), required=True,
                        validate=validate.Length(min=1, max=len(ROLES)))
    organisation_id = Text(required=True, allow_none=True,
                                    validate=validate.Length(max=40))
    lived_experience = fields.Boolean(load_default=False)


class Credentials(StrictSchema):
    """Email and password."""

    email = Text(required=True, validate=validate.Length(max=320))
    password = Text(required=True, load_only=True,
                             validate=validate.Length(max=MAX_PASSWORD_LENGTH))


class Token(StrictSchema):
    """A bearer token (shown once)."""

    access_token = Text()
    token_type = Text()
    expires_in = fields.Integer()
    expires_at = Text()  # RFC 3339 UTC with a Z, as every timestamp
    user = fields.Nested(User)


class PasswordChange(StrictSchema):
    """The caller's current password and the new one."""

    current_password = Text(required=True, load_only=True,
                                     validate=validate.Length(max=MAX_PASSWORD_LENGTH))
    new_password = Text(**_password)


class Revoked(StrictSchema):
    """How many tokens a password change or an admin's revoke-all revoked."""

    user_id = Text()
    revoked_tokens = fields.Integer()


class UserStatus(User):
    """A user with its active flag (admin)."""

    active = fields.Boolean()


class UserList(StrictSchema):
    """A page of users, by e-mail address (admin)."""

    items = fields.List(fields.Nested(UserStatus))
    next_cursor = Text(allow_none=True)


class UserQuery(PageQuerySchema):
    """``?limit=&cursor=`` of the user list."""
