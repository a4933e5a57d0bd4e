"""Identity tables: organisations, users and API tokens (stored hashed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.db import UTCDateTime, make_metadata
from shared.ids import new_id
from shared.time import now

metadata = make_metadata()


class Base(DeclarativeBase):
    """Declarative base bound to this service's metadata."""

    metadata = metadata


class Organisation(Base):
    """A bidder organisation or a commissioning body."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True,
                                    default=lambda: new_id("org"))
    name: Mapped[str] = mapped_column(String(200))
    # Lower-cased, whitespace-collapsed name: unique, so nobody registers into someone else's.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class User(Base):
    """A person who signs in; roles are a subset of shared.identity.ROLES."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(40), primary_key=True,
                                    default=lambda: new_id("usr"))
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored normalised
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    organisation_id: Mapped[str | None] = mapped_column(
        ForeignKey("organisations.id"), index=True, nullable=True)
    lived_experience: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")


class ApiToken(Base):
    """An opaque bearer token, kept only as its SHA-256."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(40), primary_key=True,
                                    default=lambda: new_id("tok"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # SHA-256 of the user's password hash when the token was issued: a password changed by any
    # means (the API, the CLI, an UPDATE in the database) ends every older token.
    password_stamp: Mapped[str | None] = mapped_column(String(64), nullable=True)

    user: Mapped[User] = relationship(lazy="joined")
