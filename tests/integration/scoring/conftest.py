"""Fixtures of the scoring integration tests."""

from __future__ import annotations

import pytest

from services.scoring import context as runtime
from tests.integration.scoring.harness import Harness


@pytest.fixture
def scoring(make_app, database_urls, redis_url, redis_conn, monkeypatch) -> Harness:
    """The scoring app plus the worker's runtime pointed at the same database and Redis."""
    app = make_app("scoring")
    monkeypatch.setenv("COPROCURE_SCORING_DATABASE_URL", database_urls["scoring"])
    monkeypatch.setenv("COPROCURE_REDIS_URL", redis_url)
    monkeypatch.setenv("COPROCURE_ASSERTION_KEY", app.config["ASSERTION_KEY"])
    runtime.reset()
    yield Harness(app=app, redis=redis_conn)
    runtime.reset()
