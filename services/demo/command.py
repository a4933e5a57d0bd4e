"""`coprocure demo`: run the example tender to award on a running platform and show the result."""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
import httpx
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.demo import scenario
from services.demo.client import ApiError, Client
from services.demo.contract import ContractStage
from services.demo.runner import DemoRun


def unreachable(url: str, exc: Exception) -> click.ClickException:
    """One line for a platform that is not (or no longer) answering: no traceback."""
    return click.ClickException(
        f"Cannot reach the platform at {url} ({exc.__class__.__name__}: {exc}). Start it with "
        "`coprocure dev --sandbox` and run the demo again.")


def require_sandbox(url: str) -> None:
    """Refuse unless the platform says it is a sandbox and not production: the demo creates a
    council, staff and bidders, and must never seed (or make an admin on) a real platform."""
    try:
        health = httpx.get(url.rstrip("/") + "/healthz", timeout=10).json()
    except httpx.TransportError as exc:
        raise unreachable(url, exc) from None
    except (httpx.HTTPError, ValueError) as exc:
        raise click.ClickException(f"Cannot read {url}/healthz: {exc}") from None
    if health.get("sandbox") is not True or health.get("environment") == "production":
        raise click.ClickException(
            f"{url} is not a sandbox platform (sandbox={health.get('sandbox')!r}, "
            f"environment={health.get('environment')!r}); the demo runs only on one started "
            "with COPROCURE_SANDBOX=1 outside production. Nothing was created.")


def admin_token(url: str, email: str, password: str | None) -> tuple[str, str | None]:
    """A token of the demo's admin, and the password when the demo made the admin itself.

    With a password: sign in with it. Without one: create the admin with a fresh random
    password (there is no default password to guess)."""
    if password:
        try:
            return Client(url).login(email, password).token or "", None
        except ApiError as exc:
            raise click.ClickException(f"Cannot sign in as {email}: {exc}") from exc
    password = secrets.token_urlsafe(18)
    created = subprocess.run([sys.executable, "-m", "services.cli", "users", "create",
                              "--email", email, "--password", password, "--role", "admin"],
                             capture_output=True, text=True)
    if created.returncode != 0:
        raise click.ClickException(
            f"Could not create the demo admin {email} ({created.stderr.strip()}); if it exists, "
            "give its password with --admin-password or COPROCURE_DEMO_ADMIN_PASSWORD.")
    return Client(url).login(email, password).token or "", password


def print_result(console: Console, demo: DemoRun) -> None:
    """The ranking with each bid's points per criterion and the reasons behind them."""
    table = Table(title="Ranking (scoring run " + demo.run.get("run_id", "?") + ")")
    for col in ("rank", "bidder", "total", "quality", "price", "passed"):
        table.add_column(col)
    for row in sorted(demo.run["ranking"], key=lambda r: r["rank"]):
        table.add_row(str(row["rank"]), demo.bidder_key(row["bid_id"]), f"{row['total']:.2f}",
                      f"{row['quality']:.2f}", f"{row['price_points']:.2f}",
                      "yes" if row["passed"] else "no")
    console.print(table)
    for row in sorted(demo.run["ranking"], key=lambda r: r["rank"]):
        console.print(f"[bold]{demo.bidder_key(row['bid_id'])}[/bold]")
        for crit in row.get("criteria", []):
            reasons = "; ".join(crit.get("reasons", []))
            console.print(f"  {crit['criterion_key']}: {crit.get('capped')} → "
                          f"{crit['points']:.2f} pts  {reasons}")


@click.command()
@click.option("--url", default="http://127.0.0.1:8000", show_default=True,
              help="The gateway of a running platform (`coprocure dev --sandbox`).")
@click.option("--admin-email", default=None,
              help="An existing admin (with --admin-password); by default the demo creates a "
                   "fresh demo-admin-…@example.org.")
@click.option("--admin-password", envvar="COPROCURE_DEMO_ADMIN_PASSWORD", default=None,
              help="The admin's password; without it the demo creates the admin with a random "
                   "password and prints it.")
@click.option("--deadline-seconds", default=20.0, show_default=True,
              help="Seconds from publication to the submission deadline (sandbox).")
def demo(url: str, admin_email: str | None, admin_password: str | None,
         deadline_seconds: float) -> None:
    """Seed a realistic tender with three distinct bids, run it to award, then manage the
    contract through two co-assessed reporting periods and print its performance."""
    try:
        run_demo(url, admin_email, admin_password, deadline_seconds)
    except httpx.TransportError as exc:  # the platform stopped (or was never started)
        raise unreachable(url, exc) from None
    except ApiError as exc:
        raise click.ClickException(f"The platform refused a step of the demo: {exc}") from None
    except TimeoutError as exc:  # shared.waiting: a queue step never finished
        raise click.ClickException(f"The demo gave up waiting: {exc}. Are the platform's "
                                   "workers running? (`coprocure queues`)") from None


def run_demo(url: str, admin_email: str | None, admin_password: str | None,
             deadline_seconds: float) -> None:
    """The demo's steps, narrated on stdout (see ``demo``)."""
    console = Console()
    require_sandbox(url)
    admin_email = admin_email or (f"demo-admin-{secrets.token_hex(3)}@example.org"
                                  if not admin_password else "admin@example.org")
    token, made = admin_token(url, admin_email, admin_password)
    if made:
        console.print(f"Created the demo admin {admin_email} with password {made}")
    console.print(f"Demo users' password (this run): {scenario.PASSWORD}")
    run = DemoRun(url, token, deadline_seconds=deadline_seconds,
                  rate_card=scenario.example_rate_card())
    wait = progress(console)
    run.run_all(say=console.print, wait=wait)
    print_result(console, run)
    with wait("the letters to be sent"):
        letters = letters_of(run)
    print_letters(console, letters)
    stage = ContractStage(run)
    stage.run_all(say=console.print, wait=wait)
    print_performance(console, stage)
    with wait("the outcome payments"):
        stage.wait_for_payments()
    print_payments(console, stage)
    print_sign_in(console, run, admin_email, made)


def progress(console: Console):
    """``wait(what)`` for the runners: a spinner with the seconds waited on a terminal, one
    "Waiting for …" line otherwise (a log or a pipe)."""

    @contextmanager
    def wait(what: str) -> Iterator[None]:
        if not console.is_terminal:
            console.print(f"Waiting for {what}…")
            yield
            return
        columns = (SpinnerColumn(), TextColumn(f"Waiting for {what}…"), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            bar.add_task(what, total=None)
            yield

    return wait


def print_sign_in(console: Console, demo: DemoRun, admin_email: str,
                  admin_password: str | None) -> None:
    """How to sign in as each of the demo's users and see the tender it ran in the portal.

    Plain lines, never a table: a narrow terminal must not cut an email or a password short."""
    base = demo.base_url.rstrip("/")
    tender = f"{base}/portal/tenders/{demo.tender['id']}"
    lines = [f"Sign in as any of the demo's users at {base}/portal/sign-in, "
             f"with the password {scenario.PASSWORD}:"]
    width = max(len(name) for name in demo.emails)
    lines += [f"  {name.ljust(width)}  {email}" for name, email in demo.emails.items()]
    lines.append(f"  {'admin'.ljust(width)}  {admin_email}" + (
        f" (password {admin_password})" if admin_password else " (your own password)"))
    lines.append(f"Then open the tender at {tender} (its contract: {tender}/contract).")
    for line in lines:
        console.print(line, soft_wrap=True, highlight=False, markup=False)


def letters_of(demo: DemoRun, timeout: float = 60.0) -> list[dict]:
    """The tender's letters once none is still waiting to be sent (or after ``timeout``)."""
    import time

    admin = demo.api.as_user(demo.admin_token)
    tender_id = demo.tender["id"]

    def of(status: str) -> list[dict]:
        items = admin.get("/admin/deliveries", params={"status": status})["items"]
        return [d for d in items if d["tender_id"] == tender_id]

    def settled() -> bool:  # every award letter written (they follow the award) and sent
        sent = [d for d in of("sent") + of("failed") if d["kind"] == "award_decision"]
        return len(sent) >= len(demo.bids) and not of("pending")

    deadline = time.monotonic() + timeout
    while not settled() and time.monotonic() < deadline:
        time.sleep(0.5)
    return sorted(of("sent") + of("failed") + of("pending"), key=lambda d: d["created_at"])


def print_letters(console: Console, letters: list[dict]) -> None:
    """Which letters went out for the tender, to whom (docs/architecture.md, "Notifications")."""
    table = Table(title=f"Letters sent for the tender ({len(letters)})")
    for col in ("notice", "to", "status"):
        table.add_column(col)
    for d in letters:
        table.add_row(d["kind"], d["address"], d["status"])
    console.print(table)
    console.print("Without COPROCURE_SMTP_URL they are kept under var/mail: an admin reads them "
                  "at /portal/dev/mail.")


def print_performance(console: Console, stage: ContractStage) -> None:
    """Each period's validated result and measure classification per metric, and its rating."""
    metrics = [m["id"] for m in stage.contract["metrics"]]
    table = Table(title=f"Performance (contract {stage.contract['id']}, "
                        f"{stage.performance['model_version']})")
    for col in ("period", *metrics, "rating"):
        table.add_column(col)
    for period in sorted(stage.performance["periods"], key=lambda p: p["period"]):
        cells = {m["metric_id"]: f"{m['value']} ({m['measure_classification']})"
                 for m in period["measures"]}
        table.add_row(str(period["period"]), *(cells.get(m, "-") for m in metrics),
                      period["rating"] or "-")
    console.print(table)
    for m in stage.contract["metrics"]:
        console.print(f"  {m['id']}: {m['statement']} ({m['indicator']['name']})")


def print_payments(console: Console, stage: ContractStage) -> None:
    """The outcome payments due per period, per rate-card outcome, within the caps."""
    run = (stage.payments or {}).get("current")
    if not run:
        return
    keys = [o["key"] for o in stage.contract["rate_card"]["outcomes"]]
    table = Table(title=f"Outcome payments (run {run['revision']}, {run['model_version']}, "
                        f"{run['currency']})")
    for col in ("period", *keys, "due", "cumulative"):
        table.add_column(col)
    for period in run["periods"]:
        lines = {line["outcome_key"]: f"{line['outcomes']} x {line['price']} = "
                 f"{line['amount']}" + (" (capped)" if line["capped_by"] else "")
                 for line in period["lines"]}
        table.add_row(str(period["period"]), *(lines.get(k, "-") for k in keys),
                      period["amount"], period["cumulative"])
    console.print(table)
    console.print(f"Total due: {run['total']} {run['currency']} "
                  f"(at most {run['caps']['at_risk']} at risk)")
