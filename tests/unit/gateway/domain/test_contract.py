"""What the merged OpenAPI document adds to the services' specs: operationIds, security from the
route table, error responses and id patterns (pure functions over plain dicts)."""

from __future__ import annotations

import re

from services.gateway.domain.contract import (
    BEARER,
    OPTIONAL_BEARER,
    annotate,
    error_codes,
    id_pattern,
    operation_id,
    security_for,
)
from services.gateway.domain.routes import ROUTES
from shared.ids import new_id


def test_operation_ids_read_like_the_operation():
    assert operation_id("get", "/api/v1/tenders") == "listTenders"
    assert operation_id("post", "/api/v1/tenders") == "createTender"
    assert operation_id("get", "/api/v1/bids/{bid_id}") == "getBid"
    assert operation_id("patch", "/api/v1/tenders/{tender_id}") == "updateTender"
    assert operation_id("post", "/api/v1/tenders/{tender_id}/publish") == "publishTender"
    assert operation_id("post", "/api/v1/reports/{report_id}/replies") == "createReportReply"
    assert operation_id("get", "/api/v1/bids/{bid_id}/documents/{doc_id}/content") == \
        "getBidDocumentContent"
    assert operation_id("post", "/api/v1/auth/token") == "createToken"  # named by hand


def test_every_route_table_operation_gets_a_distinct_id():
    paths = {route.method + " " + re.sub(r"\{[a-z_]+\}", "{p}", route.pattern)
             for route in ROUTES}
    names = {operation_id(key.split()[0].lower(), "/api/v1" + key.split()[1]) for key in paths}
    assert len(names) == len(paths)


def test_id_patterns_follow_the_collection_and_match_real_ids():
    pattern = id_pattern("/api/v1/tenders/{tender_id}/bids/{bid_id}/scores", "bid_id")
    assert re.fullmatch(pattern.strip("^$"), new_id("bid"))
    assert not re.fullmatch(pattern.strip("^$"), new_id("tnd"))
    assert id_pattern("/api/v1/payment-runs/{run_id}/replay", "run_id") == "^pay_[0-9a-f]{32}$"
    assert id_pattern("/api/v1/library/frameworks/{framework_id}", "framework_id") == \
        "^[A-Za-z0-9_-]{1,128}$"


def test_security_is_optional_only_where_anonymous_callers_are_served():
    assert security_for("get", "/api/v1/tenders") == OPTIONAL_BEARER
    assert security_for("post", "/api/v1/tenders") == [BEARER]
    assert security_for("get", "/api/v1/tenders/{tender_id}/ocds") == OPTIONAL_BEARER
    assert security_for("get", "/api/v1/tenders/{tender_id}/evaluation") == [BEARER]
    assert security_for("post", "/api/v1/auth/token") == OPTIONAL_BEARER
    assert security_for("get", "/api/v1/me") == [BEARER]


def test_error_codes_follow_what_the_operation_takes():
    anon_read = error_codes("get", "/api/v1/tenders/{tender_id}", {}, OPTIONAL_BEARER)
    assert anon_read == ["400", "401", "404", "429"]
    write = error_codes("post", "/api/v1/tenders", {"requestBody": {}}, [BEARER])
    assert write == ["400", "401", "403", "409", "413", "415", "422", "429"]


def test_annotate_fills_in_place_and_keeps_what_a_service_declared():
    doc = {"paths": {"/api/v1/tenders/{tender_id}": {
        "parameters": [{"in": "path", "name": "tender_id", "schema": {"type": "string"}}],
        "get": {"responses": {"200": {"description": "ok"}}},
        "patch": {"requestBody": {}, "responses": {"422": {"description": "theirs"}}}}}}
    annotate(doc)
    item = doc["paths"]["/api/v1/tenders/{tender_id}"]
    assert item["get"]["operationId"] == "getTender"
    assert item["get"]["security"] == OPTIONAL_BEARER
    assert item["patch"]["security"] == [BEARER]
    assert item["patch"]["responses"]["422"] == {"description": "theirs"}
    assert item["patch"]["responses"]["403"] == {"$ref": "#/components/responses/Forbidden"}
    assert item["parameters"][0]["schema"]["pattern"] == "^tnd_[0-9a-f]{32}$"
    assert "Forbidden" in doc["components"]["responses"]
