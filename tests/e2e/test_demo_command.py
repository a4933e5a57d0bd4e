"""`coprocure demo` runs the example tender to award on a running platform and shows why."""

import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def test_demo_prints_the_ranking_with_reasons(platform):
    env = platform.environment()
    env["COPROCURE_DEMO_ADMIN_PASSWORD"] = "demo-admin-password-for-tests"
    env["COLUMNS"] = "400"  # rich wraps at 80 columns off a terminal; keep one line per criterion
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "demo", "--url", platform.url(),
         "--deadline-seconds", "12"],
        env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "Awarded to strong" in out
    ranking = out[out.index("Ranking"):]
    # The table lists the strong bid first; the breakdown then follows rank order.
    assert ranking.index("strong") < ranking.index("outputs")
    sections = re.split(r"^(strong|outputs|lowprice)\s*$", ranking, flags=re.M)
    breakdown = dict(zip(sections[1::2], sections[2::2], strict=True))
    assert set(breakdown) == {"strong", "outputs", "lowprice"}
    for bidder, lines in breakdown.items():
        for key in ("Q1", "Q2", "Q3", "Q4", "Q5", "SV"):
            assert re.search(rf"^\s+{key}: .+ pts", lines, flags=re.M), (bidder, key, lines)
    # The outputs-only bid's Q1 carries its cap (no commitment of it is an outcome), and the
    # panel's median already sits at it.
    q1 = re.search(r"^\s+Q1: .*$", breakdown["outputs"], flags=re.M).group(0)
    assert re.search(r"cap(ped)? at 1\b.*no commitment is an outcome", q1), q1
    assert q1.split()[1] == "1", q1
