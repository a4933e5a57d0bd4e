"""Platforms for the fault tests: real processes, short janitor and heartbeat periods."""

from __future__ import annotations

import pytest

from tests.support.platforms import Platforms

# Fast failure detection for the tests: the janitor runs every second, a busy worker renews
# its heartbeat every second, and a job that missed 10 s of heartbeats is abandoned (the
# defaults, 30 s and 90 s, are in docs/deploy.md).
FAST = {"COPROCURE_JANITOR_SECONDS": "1", "COPROCURE_JOB_MONITORING_INTERVAL": "1",
        "COPROCURE_ABANDON_AFTER_SECONDS": "10",
        "COPROCURE_SWEEP_SECONDS": "1",
        # The fault jobs these tests enqueue on the real workers (a test hook, services/wiring).
        "COPROCURE_TEST_JOB_MODULES": "tests.jobsamples,tests.reliability.faultjobs"}


@pytest.fixture(scope="module")
def start_platform(tmp_path_factory, database_urls):
    """Start platforms for one test module (FAST settings, fault folder under the root); every
    one is stopped when the module ends."""
    platforms = Platforms(lambda: tmp_path_factory.mktemp("reliability"), database_urls,
                          env=lambda root: {"COPROCURE_FAULT_DIR": str(root / "faults"), **FAST})
    yield platforms
    platforms.stop_all()


@pytest.fixture(autouse=True)
def logs_on_failure(request, start_platform):
    """When a test fails, print the logs of the module's platforms."""
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        start_platform.dump_logs()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can dump logs on failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
