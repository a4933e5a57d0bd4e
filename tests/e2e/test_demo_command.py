"""`coprocure demo` runs the example tender to award on a running platform and shows why."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def test_demo_prints_the_ranking_with_reasons(platform):
    env = platform.environment()
    env["COPROCURE_DEMO_ADMIN_PASSWORD"] = "demo-admin-password-for-tests"
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "demo", "--url", platform.url(),
         "--deadline-seconds", "12"],
        env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "Awarded to strong" in out
    assert "Ranking" in out
    # Each bid's per-criterion reasons are printed, including the cap on the outputs-only bid.
    assert "capped" in out.lower() or "cap" in out.lower()
    assert out.index("strong") < out.index("outputs")
