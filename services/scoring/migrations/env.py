"""Alembic environment of the scoring service."""

from alembic import context

from services.scoring import models  # noqa: F401  (registers every table on the metadata)
from services.scoring.db import metadata
from shared.migrate import run_env

run_env(context, metadata)
