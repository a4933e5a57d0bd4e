"""Alembic helpers: one migration history per service, run programmatically."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, engine_from_config, pool

from shared.db import is_sqlite, normalise_url


def alembic_config(script_location: Path, url: str) -> Config:
    """An Alembic config for one service's migrations folder and database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(script_location: Path, url: str, revision: str = "head") -> None:
    """Upgrade one service's database to ``revision``."""
    from shared.db import make_engine

    make_engine(url).dispose()  # creates the SQLite folder if needed
    command.upgrade(alembic_config(script_location, url), revision)


def make_revision(script_location: Path, url: str, message: str) -> None:
    """Autogenerate a new revision against the service's metadata."""
    command.revision(alembic_config(script_location, url), message=message, autogenerate=True)


def run_env(context, metadata: MetaData) -> None:
    """The body of every service's ``migrations/env.py``."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    batch = is_sqlite(url)
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True,
                          render_as_batch=batch)
        with context.begin_transaction():
            context.run_migrations()
        return
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=batch, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    connectable.dispose()
