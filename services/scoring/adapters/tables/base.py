"""The scoring service's SQLAlchemy metadata and declarative base."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.db import make_metadata

metadata = make_metadata()


class Base(DeclarativeBase):
    """Declarative base bound to this service's metadata."""

    metadata = metadata
