"""Platforms for the fault tests: real processes, short janitor and heartbeat periods."""

from __future__ import annotations

import pytest

from services.platform import Platform, free_port
from tests.conftest import platform_databases, platform_redis_url

# Fast failure detection for the tests: the janitor runs every second and a busy worker
# renews its heartbeat every second (rq adds 60 s, so a dead worker's job is abandoned ~61 s
# after its last heartbeat; the default of 30 s makes that 90 s, see docs/deploy.md).
FAST = {"COPROCURE_JANITOR_SECONDS": "1", "COPROCURE_JOB_MONITORING_INTERVAL": "1",
        "COPROCURE_SWEEP_SECONDS": "1",
        # The fault jobs these tests enqueue on the real workers (a test hook, services/wiring).
        "COPROCURE_TEST_JOB_MODULES": "tests.jobsamples,tests.reliability.faultjobs"}


@pytest.fixture(scope="module")
def start_platform(tmp_path_factory, database_urls):
    """Start platforms for one test module; every one is stopped when the module ends."""
    started: list[Platform] = []

    def start(*, gunicorn_workers: int = 1, own_redis: bool = False, **env: str) -> Platform:
        root = tmp_path_factory.mktemp("reliability")
        ports = {"gateway": free_port(), "commissioning": free_port(), "scoring": free_port()}
        extra = {"COPROCURE_SANDBOX": "1", "COPROCURE_VAR_DIR": str(root),
                 "COPROCURE_FAULT_DIR": str(root / "faults"), **FAST}
        # CI PostgreSQL: fresh databases per platform; SQLite gets fresh files per root.
        for service, url in platform_databases(database_urls).items():
            extra[f"COPROCURE_{service.upper()}_DATABASE_URL"] = url
        if not own_redis and (redis := platform_redis_url()):
            extra["COPROCURE_REDIS_URL"] = redis
        extra.update(env)
        plat = Platform(root=root, ports=ports, extra_env=extra,
                        gunicorn_workers=gunicorn_workers, own_redis=own_redis)
        started.append(plat)
        try:
            plat.start()
        except Exception:
            plat.stop()
            dump_logs(plat)
            raise
        return plat

    yield start
    for plat in started:
        plat.stop()


def dump_logs(plat: Platform, tail: int = 3000) -> None:
    """Print the end of every process log (shown by pytest when a test fails)."""
    for log in sorted((plat.root / "logs").glob("*.log")):
        print(f"==== {log.name}\n{log.read_text(errors='replace')[-tail:]}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can dump logs on failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
