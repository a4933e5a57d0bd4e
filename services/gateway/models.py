"""ORM models of the gateway service (import every model module here)."""

from services.gateway.db import Base, metadata
from services.gateway.orm import ApiToken, Organisation, User

__all__ = ["ApiToken", "Base", "Organisation", "User", "metadata"]
