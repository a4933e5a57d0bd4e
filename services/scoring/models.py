"""ORM models of the scoring service (import every model module here)."""

from services.scoring.db import Base, metadata

__all__ = ["Base", "metadata"]
