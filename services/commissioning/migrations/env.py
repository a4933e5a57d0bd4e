"""Alembic environment of the commissioning service."""

from alembic import context

from services.commissioning.adapters import tables as models  # noqa: F401  (registers every table on the metadata)
from services.commissioning.adapters.tables import metadata
from shared.migrate import run_env

run_env(context, metadata)
