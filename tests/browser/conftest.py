"""Browser tests: Playwright's Python client driving Debian's Chromium (no browser download)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("COPROCURE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = (Path(__file__).parent / "axe.min.js").read_text()
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "img" / "portal"


def _chromium_present() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (skipped only where Chromium is absent)."""
    if not _chromium_present():
        pytest.skip("Chromium is not installed: run tests/browser/install_chromium.sh "
                    "(Debian's chromium package) to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request):
    """A fresh browser context and page per test (CSP bypassed only so axe can be injected)."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15000)
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:  # show where the browser was when it failed
        try:
            text = tab.locator("body").inner_text(timeout=2000)[:3000]
            print(f"\n==== browser at {tab.url}\n{text}")
        except Exception as exc:  # noqa: BLE001 - diagnostics only
            print(f"(no page text: {exc})")
    context.close()


@pytest.fixture
def axe_check():
    """The accessibility check, as a fixture."""
    return run_axe


@pytest.fixture
def screenshot():
    """The screenshot helper, as a fixture."""
    return save_screenshot


def run_axe(page, name: str = "") -> None:
    """Run axe-core (WCAG 2.0–2.2 A/AA rules) and fail on serious or critical violations."""
    page.evaluate(AXE)
    result = page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})""")
    bad = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
    details = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"][:3]])
               for v in bad]
    assert not bad, f"axe violations on {name or page.url}: {details}"


def save_screenshot(page, name: str) -> None:
    """Save a full-page screenshot for docs/portal.md (only with COPROCURE_SCREENSHOTS=1)."""
    if os.environ.get("COPROCURE_SCREENSHOTS") != "1":
        return  # a test run must not rewrite tracked files
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


_apps: list = []


def sign_in_as(page, base_url: str, roles: list[str]) -> None:
    """Put a signed portal session in the browser (pages that need no API call)."""
    app = _apps[-1]
    serializer = app.session_interface.get_signing_serializer(app)
    value = serializer.dumps({"token": "test-token", "csrf": "t" * 32, "user": {
        "id": "u1", "email": "commissioner@riverside.example", "roles": roles,
        "organisation": {"id": "o1", "name": "Riverside Borough Council"}}})
    page.context.add_cookies([{"name": "coprocure_portal", "value": value, "url": base_url}])


@pytest.fixture
def signed_in():
    """The helper that signs a browser in with given roles (no API call)."""
    return sign_in_as


@pytest.fixture(scope="module")
def gateway_server(tmp_path_factory) -> Iterator[str]:
    """The gateway app (with the portal) served by werkzeug on a free port, in-process."""
    from werkzeug.serving import make_server

    from services.gateway.app import create_app

    var = tmp_path_factory.mktemp("portal-var")
    os.environ.setdefault("COPROCURE_VAR_DIR", str(var))
    app = create_app({"TESTING": True})
    _apps.append(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.portal_app = app  # type: ignore[attr-defined]
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()


# --- The real platform: journeys walk pages served by real gunicorn processes. ---------------


class World:
    """The running platform plus a demo cast (staff, bidders) made through the API."""

    def __init__(self, platform, admin_token: str, admin_email: str = ""):
        from services.demo.runner import DemoRun

        self.platform = platform
        self.url = platform.url()
        self.admin_token = admin_token
        self.admin_email = admin_email
        self.cast = DemoRun(self.url, admin_token)
        self.cast.create_staff()
        self.cast.register_bidders()

    def demo(self, deadline_seconds: float = 12.0):
        """A fresh DemoRun sharing the cast (users, clients) for a new tender."""
        from services.demo.runner import DemoRun

        run = DemoRun(self.url, self.admin_token, deadline_seconds=deadline_seconds)
        run.users, run.clients = self.cast.users, self.cast.clients
        return run

    def email(self, who: str) -> str:
        """A cast member's email address."""
        return self.cast.users[who]["email"]


@pytest.fixture(scope="session")
def world(platform_factory) -> World:
    """A platform (sandbox: deadlines may be seconds away) with an admin and a cast."""
    import subprocess
    import sys
    import uuid

    from services.demo import scenario
    from services.demo.client import Client

    # The shared factory gives each platform its own Redis database (tests/support/platforms.py).
    platform = platform_factory()
    email = f"admin+{uuid.uuid4().hex[:6]}@example.org"
    subprocess.run([sys.executable, "-m", "services.cli", "users", "create", "--email", email,
                    "--password", scenario.PASSWORD, "--role", "admin"],
                   env=platform.environment(), check=True, capture_output=True)
    return World(platform, Client(platform.url()).login(email, scenario.PASSWORD).token, email)


@pytest.fixture(scope="session")
def paid_stage(world):
    """The example tender with a rate card, awarded, two periods decided (through the API),
    and its payments calculated; shared by the modules that only read it (outcome pages, the
    phone layout), so it is built once a session."""
    from services.demo.contract import ContractStage
    from shared.waiting import wait_until
    from tests.support.builders import rate_card

    demo = world.demo(deadline_seconds=12)
    demo.rate_card = rate_card()
    demo.through_award()
    stage = ContractStage(demo)
    stage.create_assessors()
    stage.wait_for_contract()
    stage.invite()
    for period in (1, 2):
        stage.report(period)
        stage.co_assess(period)
        stage.decide(period)
    path = f"/contracts/{stage.contract['id']}/payments"

    def both_periods_paid() -> bool:
        # 404 until scoring has recorded the contract (its event travels by the outbox).
        resp = demo.api.request("GET", path, expect=(200, 404))
        doc = resp.json() if resp.status_code == 200 else {}
        return bool(doc.get("current") and len(doc["current"]["periods"]) == 2
                    and not doc["current"]["excluded"])

    wait_until(both_periods_paid, timeout=90, what="the payments of both periods")
    return stage


def portal_sign_in(page, world: World, who: str, check=None) -> None:
    """Sign in through the real sign-in form as a cast member."""
    from services.demo import scenario

    page.goto(world.url + "/portal/sign-in")
    page.fill("#f-email", world.email(who))
    page.fill("#f-password", scenario.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(world.url + "/portal/")
    if check:
        check(page, f"home of {who}")


@pytest.fixture
def sign_in():
    """The helper that signs a cast member in through the sign-in form."""
    return portal_sign_in
