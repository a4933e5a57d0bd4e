"""Document uploads and downloads through the gateway: streamed past the JSON body limit up to
the document limit, refused above it before anything is forwarded; downloads keep their
attachment and no-sniff headers."""

from __future__ import annotations

import os

import pytest

from tests.integration.gateway.recorder import Recorder


@pytest.fixture
def upstreams():
    c, s = Recorder(), Recorder()
    yield {"commissioning": c, "scoring": s}
    c.close()
    s.close()


@pytest.fixture
def gw(make_app, upstreams, clock):
    return make_app("gateway", CLOCK=clock, MAX_CONTENT_LENGTH=1000, MAX_DOCUMENT_BYTES=300_000,
                    UPSTREAMS={k: v.url for k, v in upstreams.items()})


def test_an_upload_larger_than_the_json_limit_is_forwarded_whole(gw, upstreams, make_user,
                                                                 login):
    headers = login(make_user("bidder", org="Brightside CIC"))
    data = os.urandom(200_000)
    upstreams["commissioning"].respond(201, {"document": {}})
    resp = gw.test_client().post("/api/v1/bids/bid_1/documents?filename=a.pdf", data=data,
                                 headers={**headers, "Content-Type": "application/octet-stream"})
    assert resp.status_code == 201
    (seen,) = upstreams["commissioning"].requests
    assert seen["body"] == data and seen["headers"]["Content-Length"] == str(len(data))
    assert seen["path"] == "/api/v1/bids/bid_1/documents?filename=a.pdf"


def test_an_upload_over_the_document_limit_is_413_naming_the_file_and_not_forwarded(
        gw, upstreams, make_user, login):
    headers = login(make_user("bidder", org="Brightside CIC"))
    resp = gw.test_client().post("/api/v1/bids/bid_1/documents?filename=a.pdf",
                                 data=b"x" * 300_001,
                                 headers={**headers, "Content-Type": "application/octet-stream"})
    assert resp.status_code == 413
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    assert "file" in resp.get_json()["errors"]
    assert upstreams["commissioning"].requests == []


def test_other_routes_keep_the_json_body_limit(gw, upstreams, make_user, login):
    headers = login(make_user("bidder", org="Brightside CIC"))
    resp = gw.test_client().put("/api/v1/bids/bid_1", data=b"{" + b" " * 2000 + b"}",
                                headers={**headers, "Content-Type": "application/json"})
    assert resp.status_code == 413 and upstreams["commissioning"].requests == []


def test_downloads_pass_attachment_and_no_sniff_headers(gw, upstreams):
    body = os.urandom(300_000)  # above the size the gateway reads whole: streamed
    upstreams["commissioning"].respond(200, body, **{
        "Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": 'attachment; filename="spec.pdf"'})
    resp = gw.test_client().get("/api/v1/tenders/tnd_1/documents/doc_1/content")
    assert resp.status_code == 200 and resp.data == body
    assert resp.headers["Content-Disposition"] == 'attachment; filename="spec.pdf"'
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Length"] == str(len(body))
