"""The merged /openapi.json as a contract a client can be generated from, and the gateway keeping
it: operationIds, security, error responses, id patterns, 405/OPTIONS, page limits and cursors,
and Swagger UI served offline under the CSP."""

from __future__ import annotations

import re

import pytest

from tests.security.conftest import create_tender

pytestmark = pytest.mark.security

METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture(scope="module")
def spec(gw) -> dict:
    return gw.get("/openapi.json").json()


def _operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item


def test_every_operation_has_a_unique_operation_id(spec):
    ids = [item[m]["operationId"] for m, _, item in _operations(spec)]
    assert len(ids) == len(set(ids)) > 80
    assert spec["paths"]["/api/v1/tenders"]["post"]["operationId"] == "createTender"
    assert spec["paths"]["/api/v1/bids/{bid_id}"]["get"]["operationId"] == "getBid"


def test_security_says_who_needs_a_token(spec):
    paths = spec["paths"]
    assert paths["/api/v1/tenders"]["get"]["security"] == [{}, {"bearerAuth": []}]
    assert paths["/api/v1/tenders"]["post"]["security"] == [{"bearerAuth": []}]
    assert paths["/api/v1/me"]["get"]["security"] == [{"bearerAuth": []}]
    optional = [p for m, p, item in _operations(spec) if {} in item[m]["security"]]
    assert "/api/v1/audit/tree-head" in optional and "/api/v1/audit/export" not in optional


def test_every_operation_declares_its_problem_responses(spec):
    problem = spec["components"]["responses"]["Unauthorized"]["content"]
    assert problem == {"application/problem+json": {
        "schema": {"$ref": "#/components/schemas/Problem"}}}
    for method, path, item in _operations(spec):
        codes = set(item[method]["responses"])
        assert {"400", "401", "429"} <= codes, (method, path)
        if item[method]["security"] == [{"bearerAuth": []}]:
            assert "403" in codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if "requestBody" in item[method]:
            assert {"413", "415", "422"} <= codes, (method, path)


def test_id_path_parameters_carry_the_id_pattern(spec, gw, actors):
    params = spec["paths"]["/api/v1/tenders/{tender_id}"]["parameters"]
    pattern = next(p for p in params if p["name"] == "tender_id")["schema"]["pattern"]
    tender = gw.get("/api/v1/tenders", params={"limit": 1}).json()["items"]
    tender_id = tender[0]["id"] if tender else create_tender(gw, actors["commissioner"])["id"]
    assert re.search(pattern, tender_id)


def test_page_limit_and_cursor_are_refused_as_the_schema_says(spec, gw):
    limit = next(p for p in spec["paths"]["/api/v1/tenders"]["get"]["parameters"]
                 if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 200
    resp = gw.get("/api/v1/tenders", params={"limit": "201"})
    assert resp.status_code == 422 and "limit" in resp.json()["errors"], resp.text
    resp = gw.get("/api/v1/tenders", params={"cursor": "not a cursor"})
    assert resp.status_code == 422 and "cursor" in resp.json()["errors"], resp.text


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("DELETE", "/api/v1/me", "GET, HEAD, OPTIONS"),  # the gateway's own path
    ("PUT", "/api/v1/tenders", "GET, HEAD, POST, OPTIONS"),  # a service's path
    ("GET", "/api/v1/tenders/tnd_0123456789abcdef0123456789abcdef/publish", "POST, OPTIONS"),
])
def test_undeclared_methods_are_405_with_allow(gw, method, path, allow):
    resp = gw.request(method, path)
    assert resp.status_code == 405, resp.text
    assert resp.headers["Allow"] == allow
    assert resp.headers["Content-Type"] == "application/problem+json"


def test_options_answers_the_real_allow_list(gw, spec):
    resp = gw.options("/api/v1/tenders/tnd_0123456789abcdef0123456789abcdef")
    assert resp.status_code == 204
    declared = {m.upper() for m in METHODS if m in spec["paths"]["/api/v1/tenders/{tender_id}"]}
    assert set(resp.headers["Allow"].split(", ")) == declared | {"HEAD", "OPTIONS"}
    assert gw.options("/api/v1/no-such-thing").status_code == 404


def test_docs_work_offline_same_origin_only(gw):
    page = gw.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "cdn" not in csp
    refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(refs) == 4  # the icon, Swagger UI's CSS and script, and ours starting it
    for ref in refs:
        assert ref.startswith("/") and not ref.startswith("//"), ref
        asset = gw.get(ref)
        assert asset.status_code == 200 and len(asset.content) > 100, ref
    assert "<script>" not in page.text  # no inline script: the CSP would block it
