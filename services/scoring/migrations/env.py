"""Alembic environment of the scoring service."""

from alembic import context

from services.scoring.adapters import tables as models  # noqa: F401  (registers every table on the metadata)
from services.scoring.adapters.tables.base import metadata
from shared.migrate import run_env

run_env(context, metadata)
