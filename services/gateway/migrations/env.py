"""Alembic environment of the gateway service."""

from alembic import context

from services.gateway.adapters import tables as models  # noqa: F401  (registers every table on the metadata)
from services.gateway.adapters.tables import metadata
from shared.migrate import run_env

run_env(context, metadata)
