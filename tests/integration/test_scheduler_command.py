"""`coprocure scheduler` as a real process against a real Redis: it holds rq's scheduler locks
while it runs and hands them back when stopped, so whoever starts next moves due jobs at once
instead of after the locks' 61 s lapse."""

import os
import signal
import subprocess
import sys

from rq.scheduler import RQScheduler

from shared.queue import QUEUES
from shared.waiting import wait_until


def test_a_stopped_scheduler_hands_back_its_locks(redis_conn, redis_url, database_urls, tmp_path):
    env = {**os.environ, "COPROCURE_REDIS_URL": redis_url, "COPROCURE_VAR_DIR": str(tmp_path),
           **{f"COPROCURE_{s.upper()}_DATABASE_URL": url for s, url in database_urls.items()}}
    keys = [RQScheduler.get_locking_key(name) for name in QUEUES]
    proc = subprocess.Popen([sys.executable, "-m", "services.cli", "scheduler"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: all(redis_conn.exists(key) for key in keys), timeout=30,
                   what="the scheduler holding every queue's lock")
        assert all(redis_conn.ttl(key) > 0 for key in keys)  # they would lapse if it died
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    output = proc.stdout.read().decode()
    assert [key for key in keys if redis_conn.exists(key)] == [], output
    assert "scheduler_stopped" in output
