"""A database that is unreachable answers 503 problem+json quickly, never a hang or a 500."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from services.platform import free_port, wait_for_port
from tests.reliability.helpers import World

pytestmark = pytest.mark.reliability

QUICK = 20.0  # seconds; well under gunicorn's 60 s worker timeout and any client's patience


@pytest.fixture(scope="module")
def plat(start_platform):
    return start_platform()


@pytest.fixture(scope="module")
def world(plat):
    return World(plat)


@pytest.fixture(scope="module")
def silent_server():
    """A TCP port that accepts connections and never answers (a hung database host)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield sock.getsockname()[1]
    sock.close()


def broken_urls(plat, silent_port: int) -> dict[str, str]:
    unopenable = plat.root / "unopenable.db"
    unopenable.mkdir(exist_ok=True)  # a directory: SQLite cannot open it, even as root
    return {"sqlite_unopenable": f"sqlite:///{unopenable}",
            "postgresql_closed_port": f"postgresql://postgres@127.0.0.1:{free_port()}/gone",
            "postgresql_hung": f"postgresql://postgres@127.0.0.1:{silent_port}/gone"}


def assert_503(resp: httpx.Response, started: float) -> None:
    assert time.monotonic() - started < QUICK
    assert resp.status_code == 503, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert resp.json()["status"] == 503


@pytest.mark.parametrize("kind", ["sqlite_unopenable", "postgresql_closed_port",
                                  "postgresql_hung"])
def test_commissioning_database_down(plat, world, silent_server, kind):
    url = broken_urls(plat, silent_server)[kind]
    plat.start_service("commissioning", {"COPROCURE_COMMISSIONING_DATABASE_URL": url})
    wait_for_port(plat.ports["commissioning"], timeout=30)
    anything = tuple(range(200, 600))
    for method, path, body in (("GET", "/tenders", None),
                               ("POST", "/tenders", {"title": "No database"})):
        started = time.monotonic()
        resp = world.commissioner.request(method, path, json=body, expect=anything)
        assert_503(resp, started)
    started = time.monotonic()
    ready = httpx.get(plat.url("commissioning") + "/readyz", timeout=QUICK + 5)
    assert time.monotonic() - started < QUICK
    assert ready.status_code == 503 and ready.json()["checks"]["database"] != "ok"
    # The gateway itself stays healthy and says which service is not ready.
    assert httpx.get(plat.url() + "/healthz", timeout=10).status_code == 200

    plat.start_service("commissioning")  # the database is back
    wait_for_port(plat.ports["commissioning"], timeout=30)
    assert world.commissioner.request("GET", "/tenders").status_code == 200


def test_gateway_database_down(plat, world, silent_server):
    url = broken_urls(plat, silent_server)["sqlite_unopenable"]
    plat.start_service("gateway", {"COPROCURE_GATEWAY_DATABASE_URL": url})
    wait_for_port(plat.ports["gateway"], timeout=30)
    started = time.monotonic()
    resp = httpx.post(plat.url() + "/api/v1/auth/token",
                      json={"email": "someone@example.org", "password": "whatever-long-1"},
                      timeout=QUICK + 5)
    assert_503(resp, started)
    started = time.monotonic()
    resp = world.commissioner.request("GET", "/me", expect=tuple(range(200, 600)))
    assert_503(resp, started)
    plat.start_service("gateway")
    wait_for_port(plat.ports["gateway"], timeout=30)
    assert world.commissioner.get("/me")["roles"] == ["commissioner"]
