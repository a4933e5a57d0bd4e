"""Schemathesis against the merged /openapi.json: no server errors, conforming responses."""

from __future__ import annotations

import pytest

from tests.security.schemathesis_run import run_schemathesis

pytestmark = pytest.mark.security


def test_merged_spec_declares_bearer_and_every_service(gw):
    spec = gw.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert "x-coprocure-unavailable" not in spec
    assert "/api/v1/auth/token" in spec["paths"] and "/api/v1/me" in spec["paths"]
    assert not any(p.startswith("/api/v1/admin/failed-jobs") for p in spec["paths"])
    docs = gw.get("/docs")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    assert "/openapi.json" in docs.text


def test_schemathesis_anonymous(platform, tmp_path):
    run_schemathesis(platform, {}, tmp_path)


# Commissioner and bidder run in test_schemathesis_busy_roles.py, so that two test workers
# can share the five runs (the suite runs a file at a time per worker).
@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_schemathesis_signed_in(platform, actors, role, tmp_path):
    run_schemathesis(platform, actors[role].headers, tmp_path)
