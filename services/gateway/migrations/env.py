"""Alembic environment of the gateway service."""

from alembic import context

from services.gateway import models  # noqa: F401  (registers every table on the metadata)
from services.gateway.db import metadata
from shared.migrate import run_env

run_env(context, metadata)
