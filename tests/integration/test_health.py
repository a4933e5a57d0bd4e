"""Every service answers /healthz and /readyz against its real database and Redis."""

import pytest

from shared.config import SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_health_and_readiness(make_app, service):
    # No upstream processes here: the gateway's upstream checks are covered by e2e tests.
    client = make_app(service, **({"UPSTREAMS": {}} if service == "gateway" else {})).test_client()
    assert client.get("/healthz").json["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json
    assert ready.json["checks"]["database"] == "ok"
    assert ready.json["checks"]["redis"] == "ok"
    assert ready.headers["X-Request-ID"]


@pytest.mark.parametrize("service", SERVICES)
def test_readiness_fails_when_redis_is_down(make_app, service):
    client = make_app(service, REDIS_URL="redis://127.0.0.1:1/0").test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["checks"]["redis"].startswith("error")


def test_request_id_is_propagated(make_app):
    client = make_app("commissioning").test_client()
    resp = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert resp.headers["X-Request-ID"] == "abc-123"
    resp = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"})
    assert resp.headers["X-Request-ID"] != "bad id <script>"


@pytest.mark.parametrize("service", ["commissioning", "scoring"])
def test_services_refuse_calls_without_assertion(make_app, service):
    resp = make_app(service).test_client().get("/api/v1/anything")
    assert resp.status_code == 401
    assert resp.mimetype == "application/problem+json"
