"""Schemathesis, every check, against the merged /openapi.json: anonymously, as an auditor and
as an admin (the other roles are in test_schemathesis_busy_roles.py)."""

from __future__ import annotations

import httpx
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
    assert "/openapi.json" in gw.get("/docs/assets/docs-init.js").text


@pytest.mark.timeout(960)
def test_schemathesis_anonymous(fuzz_platform, tmp_path):
    run_schemathesis(fuzz_platform, {}, tmp_path)


# Commissioner, bidder and evaluator run in test_schemathesis_busy_roles.py, so that two test
# workers can share the six runs (the suite runs a file at a time per worker).
@pytest.mark.timeout(960)  # 1–4 min each when idle; over 10 min seen at load 18
@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_schemathesis_signed_in(fuzz_platform, fuzz_actors, role, tmp_path):
    run_schemathesis(fuzz_platform, fuzz_actors[role].headers, tmp_path, role)


def test_merged_spec_has_every_operation_each_service_serves(platform, gw):
    """Every public operation of every service's own spec is in the merged one (templated
    paths such as /tenders/{tender_id}/panel included); the services' admin endpoints are
    internal (the gateway serves its own)."""
    merged = gw.get("/openapi.json").json()["paths"]
    for service in ("commissioning", "scoring"):
        own = httpx.get(f"http://127.0.0.1:{platform.ports[service]}/openapi.json").json()
        public = {path: item for path, item in own["paths"].items()
                  if path.startswith("/api/v1/") and not path.startswith("/api/v1/admin/")}
        assert public, service
        for path, item in public.items():
            assert set(merged.get(path, {})) == set(item), (service, path)
    assert "put" in merged["/api/v1/tenders/{tender_id}/panel"]
