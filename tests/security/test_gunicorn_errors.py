"""Errors gunicorn answers before Flask sees the request are problem+json too (issue 14,
Low: a 431 for oversized header fields was an HTML page)."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.security


def _raw(platform, request: bytes) -> bytes:
    url = urlsplit(platform.url())
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /api/v1/tenders HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 20_000 +
     b"\r\n\r\n", 431),
    (b"GET /api/v1/tenders HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
     b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\n", 431),
    (b"GET /api/v1/tenders HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 400),
])
def test_gunicorns_own_answers_are_problem_json(platform, request_bytes, status):
    answer = _raw(platform, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status), head[:200]
    assert b"content-type: application/problem+json" in head.lower(), head
    assert b"connection: close" in head.lower()
    import json

    problem = json.loads(body)
    assert problem["status"] == status and problem["title"] and problem["detail"]
