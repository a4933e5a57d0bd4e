"""ORM models of the gateway service (import every model module here)."""

from services.gateway.db import Base, metadata

__all__ = ["Base", "metadata"]
