"""`coprocure dev`'s process set comes up healthy and answers through real HTTP."""

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_every_service_is_ready(platform):
    for service in ("gateway", "commissioning", "scoring"):
        resp = httpx.get(platform.url(service) + "/readyz", timeout=5)
        assert resp.status_code == 200, resp.text
        assert resp.json()["checks"]["database"] == "ok"


def test_workers_scheduler_and_relays_are_running(platform):
    for name in ("worker-commissioning", "worker-scoring", "worker-gateway", "scheduler",
                 "relay-commissioning", "relay-scoring", "relay-gateway"):
        assert platform.procs[name].poll() is None, name


def test_direct_service_call_without_assertion_is_401(platform):
    resp = httpx.get(platform.url("commissioning") + "/api/v1/tenders", timeout=5)
    assert resp.status_code == 401
    assert resp.headers["content-type"].startswith("application/problem+json")
