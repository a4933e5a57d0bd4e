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


def test_413_says_connection_close_and_closes(platform):
    body = b'{"email": "' + b"x" * 3_000_000 + b'"}'
    url = urlsplit(platform.url())
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
        try:
            sock.sendall(body)
        except OSError:
            pass  # the server may close before taking it all: that is the point
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
        except TimeoutError:  # kept open: the answer said keep-alive
            answer += b"<still open>"
    head = answer.partition(b"\r\n\r\n")[0].lower()
    assert head.startswith(b"http/1.1 413"), head[:200]
    assert b"connection: close" in head and b"keep-alive" not in head, head
    assert b"content-type: application/problem+json" in head
    assert not answer.endswith(b"<still open>")
