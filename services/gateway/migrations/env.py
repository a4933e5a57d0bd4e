"""Alembic environment of the gateway service."""

from alembic import context

from services.gateway.adapters import notification_tables, tables  # noqa: F401  (every table)
from services.gateway.adapters.tables import metadata
from shared.migrate import run_env

run_env(context, metadata)
