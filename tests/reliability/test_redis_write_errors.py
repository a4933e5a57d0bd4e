"""Redis answering MISCONF (it cannot write its AOF: the disk under it is full) must not stop
tenders closing, nor kill the scheduler or the workers (issue 14, item 4).

The platform's own Redis keeps its AOF on a small tmpfs this test mounts (root only) and fills.
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from redis.exceptions import ResponseError

from shared.queue import redis_from_url
from tests.reliability.helpers import World
from tests.support.platforms import Platforms

pytestmark = [pytest.mark.reliability, pytest.mark.timeout(600),
              pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")]
FAST = {"COPROCURE_JANITOR_SECONDS": "1", "COPROCURE_SWEEP_SECONDS": "1"}


@pytest.fixture(scope="module")
def plat(tmp_path_factory, database_urls):
    root = tmp_path_factory.mktemp("misconf")
    redis_dir = root / "redis"
    redis_dir.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(redis_dir)],
                   check=True)
    platforms = Platforms(lambda: root, database_urls)
    try:
        yield platforms.start(own_redis=True, **FAST)
    finally:
        platforms.stop_all()
        subprocess.run(["umount", "-l", str(redis_dir)], check=False)


def _fill(folder) -> None:
    # Unbuffered: a buffered file would flush again on close and raise ENOSPC out of here.
    with open(folder / "filler", "wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * (1 << 16))
        except OSError:
            pass


def test_tenders_close_on_time_while_redis_answers_misconf(plat):
    world = World(plat)
    tender = world.publish(12)
    world.submit_bids(tender)
    conn = redis_from_url(plat.redis_url)
    _fill(plat.root / "redis")
    # Redis refuses writes once its AOF write fails (appendfsync everysec: within a second).
    deadline = time.monotonic() + 20
    refused = None
    while time.monotonic() < deadline and refused is None:
        try:
            conn.set("probe", "x" * 200_000)
            time.sleep(0.2)
        except ResponseError as exc:
            refused = str(exc)
    assert refused and refused.startswith("Errors writing to the AOF file") or \
        "MISCONF" in (refused or ""), refused
    world.wait_for_deadline(tender)
    # The scheduler sweeps in-process: the tender closes though Redis refuses every write.
    world.wait_for_status(tender["id"], "closed", "evaluating", timeout=30)
    for name in ("scheduler", "worker-commissioning", "worker-scoring"):
        assert plat.procs[name].poll() is None, f"{name} died"
    time.sleep(3)  # and they stay up
    for name in ("scheduler", "worker-commissioning", "worker-scoring"):
        assert plat.procs[name].poll() is None, f"{name} died"
    (plat.root / "redis" / "filler").unlink()
    conn.close()
