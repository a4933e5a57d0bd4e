"""`coprocure demo`: run the example tender to award on a running platform and show the result."""

from __future__ import annotations

import subprocess
import sys

import click
from rich.console import Console
from rich.table import Table

from services.demo.client import ApiError, Client
from services.demo.runner import DemoRun


def _admin_token(url: str, email: str, password: str) -> str:
    try:
        return Client(url).login(email, password).token or ""
    except ApiError:
        # First run on a fresh platform: create the admin the documented way.
        subprocess.run([sys.executable, "-m", "services.cli", "users", "create", "--email", email,
                        "--password", password, "--role", "admin"], check=True)
        return Client(url).login(email, password).token or ""


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
@click.option("--admin-email", default="admin@example.org", show_default=True)
@click.option("--admin-password", envvar="COPROCURE_DEMO_ADMIN_PASSWORD",
              default="change-me-demo-admin", show_default=True)
@click.option("--deadline-seconds", default=20.0, show_default=True,
              help="Seconds from publication to the submission deadline (sandbox).")
def demo(url: str, admin_email: str, admin_password: str, deadline_seconds: float) -> None:
    """Seed a realistic tender with three distinct bids and run it through to award."""
    console = Console()
    run = DemoRun(url, _admin_token(url, admin_email, admin_password),
                  deadline_seconds=deadline_seconds)
    run.run_all(say=console.print)
    print_result(console, run)
