"""Fixtures of the audit integration tests (the scoring harness, reused)."""

from tests.integration.scoring.conftest import scoring  # noqa: F401  (fixture)
