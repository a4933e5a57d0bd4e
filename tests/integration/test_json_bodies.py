"""Strict JSON bodies on every service (issue 14, Low): duplicate keys are a 422 naming the
key (json.loads kept the last one), absurd nesting a 400 (the gateway's own endpoints gave
500)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import auth_headers, identity
from tests.support.builders import tender_body

DEEP = b"[" * 10_000 + b"]" * 10_000
DEEP_OBJECT = b'{"email": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"


def _gateway(make_app):
    return make_app("gateway", UPSTREAMS={"commissioning": "http://127.0.0.1:9",
                                          "scoring": "http://127.0.0.1:9"}).test_client()


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT])
@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/auth/register"])
def test_deep_json_on_the_gateways_own_endpoints_is_400(make_app, path, body):
    resp = _gateway(make_app).post(path, data=body, content_type="application/json")
    assert resp.status_code == 400, resp.data[:300]
    assert resp.mimetype == "application/problem+json"


def test_duplicate_keys_on_the_gateway_are_422_naming_the_key(make_app):
    raw = b'{"email": "a@example.org", "password": "x", "email": "b@example.org"}'
    resp = _gateway(make_app).post("/api/v1/auth/token", data=raw,
                                   content_type="application/json")
    assert resp.status_code == 422, resp.json
    assert resp.mimetype == "application/problem+json"
    assert "email" in resp.json["errors"]


def test_duplicate_keys_in_a_nested_object_are_422_on_commissioning(make_app):
    client = make_app("commissioning").test_client()
    body = json.dumps(tender_body())
    # The same key twice inside the nested evaluation object.
    raw = body.replace('"evaluation": {', '"evaluation": {"mode": "automatic", ', 1)
    assert raw != body and '"mode"' in body
    resp = client.post("/api/v1/tenders", data=raw, content_type="application/json",
                       headers=auth_headers(identity("commissioner")))
    assert resp.status_code == 422, resp.json
    assert "mode" in resp.json["errors"]
