"""The gateway-signed identity assertion: signed in the gateway, verified in every service."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field

import jwt

HEADER = "X-Coprocure-Assertion"
ALGORITHM = "HS256"
ISSUER = "coprocure-gateway"
# ``reviewer``: a person using the service who co-assesses a contract's results (invited per
# contract); ``validator``: an independent validator of those results (invited per contract).
ROLES = ("admin", "commissioner", "bidder", "evaluator", "moderator", "auditor", "reviewer",
         "validator")


class AssertionInvalid(Exception):
    """The assertion is missing, expired, unsigned or tampered with."""


@dataclass(frozen=True)
class Identity:
    """Who is calling, as asserted by the gateway."""

    user_id: str | None = None
    organisation_id: str | None = None
    roles: tuple[str, ...] = field(default_factory=tuple)
    lived_experience: bool = False
    email: str | None = None
    request_id: str | None = None
    organisation_name: str | None = None
    organisation_kind: str | None = None  # decides reserved lots (social_enterprise, ...)

    @property
    def anonymous(self) -> bool:
        """True when nobody is signed in."""
        return self.user_id is None

    def has_role(self, *roles: str) -> bool:
        """True if the identity holds any of the roles."""
        return any(role in self.roles for role in roles)


def _key_bytes(key: str) -> bytes:
    try:
        return base64.b64decode(key, validate=True)
    except ValueError:
        return key.encode()


def sign_assertion(key: str, identity: Identity, ttl_seconds: int = 60,
                   now: float | None = None) -> str:
    """Sign a short-lived assertion for the identity."""
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": ISSUER,
        "iat": issued,
        "exp": issued + ttl_seconds,
        "sub": identity.user_id,
        "org": identity.organisation_id,
        "roles": list(identity.roles),
        "lx": identity.lived_experience,
        "email": identity.email,
        "rid": identity.request_id,
        "orgn": identity.organisation_name,
        "orgk": identity.organisation_kind,
    }
    if identity.user_id is None:
        # Anonymous: PyJWT rejects a non-string "sub", so leave the claim out altogether.
        del claims["sub"]
    return jwt.encode(claims, _key_bytes(key), algorithm=ALGORITHM)


def verify_assertion(key: str, token: str | None, leeway: int = 5) -> Identity:
    """Verify an assertion and return its identity, or raise AssertionInvalid."""
    if not token:
        raise AssertionInvalid("missing identity assertion")
    try:
        claims = jwt.decode(
            token, _key_bytes(key), algorithms=[ALGORITHM], issuer=ISSUER, leeway=leeway,
            options={"require": ["exp", "iat", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AssertionInvalid("identity assertion expired") from exc
    except jwt.PyJWTError as exc:
        raise AssertionInvalid(f"invalid identity assertion: {exc}") from exc
    roles = claims.get("roles") or []
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise AssertionInvalid("invalid identity assertion: roles")
    return Identity(
        user_id=claims.get("sub"),
        organisation_id=claims.get("org"),
        roles=tuple(roles),
        lived_experience=bool(claims.get("lx")),
        email=claims.get("email"),
        request_id=claims.get("rid"),
        organisation_name=claims.get("orgn"),
        organisation_kind=claims.get("orgk"),
    )


DIRECTORY_HEADER = "X-Coprocure-Directory"


@dataclass(frozen=True)
class DirectoryUser:
    """A user the gateway vouches for when a request names other users (e.g. a panel)."""

    user_id: str
    roles: tuple[str, ...]
    lived_experience: bool
    organisation_id: str | None = None
    email: str | None = None


def sign_directory(key: str, users: list[DirectoryUser], ttl_seconds: int = 60) -> str:
    """Sign the gateway's lookup of the users a request refers to."""
    issued = int(time.time())
    claims = {"iss": ISSUER, "typ": "directory", "iat": issued, "exp": issued + ttl_seconds,
              "users": [{"id": u.user_id, "roles": list(u.roles), "lx": u.lived_experience,
                         "org": u.organisation_id, "email": u.email} for u in users]}
    return jwt.encode(claims, _key_bytes(key), algorithm=ALGORITHM)


def verify_directory(key: str, token: str | None) -> dict[str, DirectoryUser]:
    """Verify a directory assertion; map user id to what the gateway knows of them."""
    if not token:
        raise AssertionInvalid("missing directory assertion")
    try:
        claims = jwt.decode(token, _key_bytes(key), algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "iat", "iss"]})
    except jwt.PyJWTError as exc:
        raise AssertionInvalid(f"invalid directory assertion: {exc}") from exc
    if claims.get("typ") != "directory":
        raise AssertionInvalid("not a directory assertion")
    return {u["id"]: DirectoryUser(user_id=u["id"], roles=tuple(u.get("roles") or ()),
                                   lived_experience=bool(u.get("lx")),
                                   organisation_id=u.get("org"), email=u.get("email"))
            for u in claims.get("users", [])}
