"""`coprocure demo` runs the example tender to award on a running platform and shows why."""

import base64
import re
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from services.platform import free_port
from tests.support.journeys import portal_session

pytestmark = pytest.mark.e2e


def test_demo_prints_the_ranking_with_reasons(platform):
    env = platform.environment()
    env.pop("COPROCURE_DEMO_ADMIN_PASSWORD", None)
    env["COLUMNS"] = "400"  # rich wraps at 80 columns off a terminal; keep one line per criterion
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "demo", "--url", platform.url(),
         "--deadline-seconds", "12"],
        env=env, capture_output=True, text=True, timeout=420)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    # No default password: the demo made its admin with a random one, printed, that works.
    made = re.search(r"Created the demo admin (\S+) with password (\S+)", out)
    assert made, out[:2000]
    resp = httpx.post(platform.url() + "/api/v1/auth/token",
                      json={"email": made.group(1), "password": made.group(2)})
    assert resp.status_code == 200, resp.text
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
    # It prints the letters that went out: one award decision per bidder among them.
    letters = out[out.index("Letters sent for the tender"):out.index("Contract ctr_")]
    assert letters.count("award_decision") == 3 and "receipt" in letters, letters
    assert "pending" not in letters and "failed" not in letters, letters
    # ...then continues into the contract and prints its performance per period.
    assert re.search(r"Contract ctr_\S+: 3 agreed metrics", out), out[-2000:]
    performance = out[out.index("Performance (contract"):]
    rows = re.findall(r"^\W*([12])\W+(.+)$", performance, flags=re.M)
    assert [r[0] for r in rows[:2]] == ["1", "2"], performance
    for _, row in rows[:2]:
        assert re.search(r"\((met|slightlyBelow|below|significantlyBelow)\)", row), row
        assert re.search(r"Good|Approaching target|Requires improvement|Inadequate", row), row
    # ...and the outcome payments due from the rate card (docs/scoring.md §18, worked example).
    assert "Outcome payments (run" in out
    assert "Total due: 39800.00 GBP (at most 39800.00 at risk)" in out, out[-2000:]
    # Quiet: its story and progress, not a line per HTTP call (httpx logs at INFO).
    assert "HTTP Request" not in out + result.stderr, result.stderr[-2000:]
    assert result.stderr == "", result.stderr[-2000:]
    for waited in ("the submission deadline (in", "the bids to be opened and assessed",
                   "the scoring run", "the performance ratings"):
        assert f"Waiting for {waited}" in out, waited
    # It ends with how to sign in as each of its users, and where the tender is in the portal.
    sign_in = out[out.index("Sign in as any of the demo's users"):]
    password = re.search(r"Demo users' password \(this run\): (\S+)", out).group(1)
    users = dict(re.findall(r"^  (\w+) +(\S+@\S+)$", sign_in, flags=re.M))
    assert {"commissioner", "evaluator1", "moderator", "auditor", "strong", "outputs",
            "lowprice", "reviewer", "validator"} <= set(users), sign_in
    assert f"/portal/sign-in, with the password {password}:" in sign_in, sign_in
    tender_url = re.search(r"open the tender at (\S+/portal/tenders/tnd_\w+) ", sign_in).group(1)
    portal, _ = portal_session(platform, users["commissioner"], password)
    page = portal.get(tender_url.removeprefix(platform.url()))
    assert page.status_code == 200 and "Community wellbeing" in page.text, page.text[:500]
    bidder = httpx.post(platform.url() + "/api/v1/auth/token",
                        json={"email": users["strong"], "password": password})
    assert bidder.status_code == 200, bidder.text


def test_demo_against_a_stopped_platform_says_so_in_one_line():
    result = subprocess.run([sys.executable, "-m", "services.cli", "demo", "--url",
                             f"http://127.0.0.1:{free_port()}"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: Cannot reach the platform at http://127.0.0.1:")
    assert len(result.stderr.splitlines()) == 1 and "coprocure dev --sandbox" in result.stderr
    assert result.stdout == ""


@pytest.fixture(scope="module")
def production_platform(platform_factory):
    """A platform in production mode (its own secrets, real argon2 parameters, no sandbox)."""
    return platform_factory(
        COPROCURE_ENV="production", COPROCURE_SANDBOX="0",
        COPROCURE_PASSWORD_HASH_PROFILE="default",
        COPROCURE_ASSERTION_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        COPROCURE_PORTAL_SECRET=base64.b64encode(secrets.token_bytes(32)).decode(),
        # Required in production; nothing is ever sent there in this test.
        COPROCURE_SMTP_URL="smtp://127.0.0.1:25")


def test_demo_refuses_a_production_platform_and_creates_nothing(production_platform):
    env = production_platform.environment()
    own_admin = f"ops-{uuid.uuid4().hex[:8]}@council.example"
    subprocess.run([sys.executable, "-m", "services.cli", "users", "create", "--email", own_admin,
                    "--password", secrets.token_urlsafe(18), "--role", "admin"],
                   env=env, check=True, capture_output=True)
    url = production_platform.url()
    result = subprocess.run([sys.executable, "-m", "services.cli", "demo", "--url", url],
                            env=env, capture_output=True, text=True, timeout=120)
    users = subprocess.run([sys.executable, "-c", LIST_USERS], env=env, capture_output=True,
                           text=True, check=True).stdout.split()
    # No admin (default password or not), no staff, no bidders were made.
    assert users == [own_admin]
    resp = httpx.post(url + "/api/v1/auth/token",
                      json={"email": "admin@example.org", "password": "change-me-demo-admin"})
    assert resp.status_code == 401, resp.text
    assert result.returncode != 0
    assert "not a sandbox platform" in result.stderr, result.stderr
    health = httpx.get(url + "/healthz").json()
    assert health["sandbox"] is False and health["environment"] == "production"


# Every user's email in the platform's gateway database (the demo must have added none).
LIST_USERS = """
from sqlalchemy import select
from services.gateway.adapters.tables import User
from services.gateway.context import process_context
with process_context().session_factory() as s:
    print(*sorted(s.scalars(select(User.email))))
"""


def test_no_default_password_in_the_code():
    from services.demo import command

    source = Path(command.__file__).read_text()
    assert "change-me" not in source
