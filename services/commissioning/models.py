"""ORM models of the commissioning service (import every model module here)."""

from services.commissioning.db import Base, metadata

__all__ = ["Base", "metadata"]
