"""Alembic environment of the commissioning service."""

from alembic import context

from services.commissioning import models  # noqa: F401  (registers every table on the metadata)
from services.commissioning.db import metadata
from shared.migrate import run_env

run_env(context, metadata)
