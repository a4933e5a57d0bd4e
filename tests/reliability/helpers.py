"""A small world for the fault tests: a council, a commissioner, an auditor, three bidders."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from services.demo import scenario
from services.demo.client import Client
from services.platform import Platform
from shared.db import make_engine
from shared.waiting import wait_until

__all__ = ["World", "count", "wait_for_marker", "owner_of"]


def count(platform: Platform, service: str, sql: str, **params: Any) -> int:
    """One integer from a service's database (read directly, as an operator would)."""
    engine = make_engine(platform.environment()[f"COPROCURE_{service.upper()}_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()


def wait_for_marker(platform: Platform, name: str, job_prefix: str,
                    timeout: float = 60.0) -> tuple[str, int]:
    """Wait until a job whose id starts with the prefix pauses at ``name``.

    Returns the job id and the pausing process (the rq work horse, or a no-fork worker).
    """
    folder = Path(platform.environment()["COPROCURE_FAULT_DIR"])

    def found():
        for path in folder.glob(f"{name}-{job_prefix}*.pid"):
            pid = path.read_text().strip()
            if pid:
                return path.name[len(name) + 1:-len(".pid")], int(pid)
        return None

    return wait_until(found, timeout=timeout, interval=0.1, what=f"{name} to pause")


def owner_of(platform: Platform, pid: int) -> str:
    """The platform process running ``pid``'s job: the worker of a work horse, or the worker
    itself on a queue that runs jobs without a fork (shared.queue.NO_FORK_QUEUES)."""
    parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    return next(name for name, proc in platform.procs.items() if proc.pid in (pid, parent))


def _create_admin(platform: Platform, password: str) -> str:
    email = f"admin+{uuid.uuid4().hex[:6]}@example.org"
    subprocess.run([sys.executable, "-m", "services.cli", "users", "create", "--email", email,
                    "--password", password, "--role", "admin"],
                   env=platform.environment(), check=True, capture_output=True)
    return email


class World:
    """Users and helpers to drive tenders through the gateway in automatic evaluation mode."""

    def __init__(self, platform: Platform):
        self.platform = platform
        self.api = Client(platform.url(), timeout=30)
        self.suffix = uuid.uuid4().hex[:6]
        password = scenario.PASSWORD
        self.admin = self.api.login(_create_admin(platform, password), password)
        council = self.admin.post("/organisations", {
            "name": f"Riverside {self.suffix}", "kind": "commissioning_body"})
        self.staff: dict[str, Client] = {}
        for role in ("commissioner", "auditor"):
            email = f"{role}+{self.suffix}@riverside.example"
            self.admin.post("/users", {"email": email, "password": password, "roles": [role],
                                       "organisation_id": council["id"]})
            self.staff[role] = self.api.login(email, password)
        self.commissioner, self.auditor = self.staff["commissioner"], self.staff["auditor"]
        self.bidders: list[tuple[Client, Callable[[], dict]]] = []
        for bidder in scenario.BIDDERS:
            email = f"{bidder['key']}+{self.suffix}@bidders.example"
            org = dict(bidder["organisation"], name=f"{bidder['organisation']['name']} "
                                                    f"{self.suffix}")
            self.api.post("/auth/register", {"email": email, "password": password,
                                             "organisation": org})
            self.bidders.append((self.api.login(email, password), bidder["bid"]))

    def publish(self, deadline_in: float) -> dict[str, Any]:
        """A published tender (default criteria, automatic evaluation) closing in N seconds."""
        body = scenario.tender_body(deadline_in * 0.5, deadline_in)
        body["evaluation"] = {"mode": "automatic", "min_quality_share": 0.6,
                              "standstill_working_days": 0}
        draft = self.commissioner.post("/tenders", body)
        return self.commissioner.post(f"/tenders/{draft['id']}/publish")

    def submit_bids(self, tender: dict[str, Any]) -> list[dict[str, Any]]:
        """Each bidder submits its bid; returns the receipts."""
        return [client.post(f"/tenders/{tender['id']}/bids", make(),
                            headers={"Idempotency-Key": str(uuid.uuid4())})
                for client, make in self.bidders]

    def wait_for_deadline(self, tender: dict[str, Any]) -> None:
        """Sleep until the tender's submission deadline has passed."""
        deadline = datetime.fromisoformat(tender["submission_deadline"].replace("Z", "+00:00"))
        remaining = (deadline - datetime.now(UTC)) / timedelta(seconds=1)
        if remaining > 0:
            time.sleep(remaining + 0.2)

    def status(self, tender_id: str) -> str:
        """The tender's state as commissioning reports it."""
        return self.commissioner.get(f"/tenders/{tender_id}")["status"]

    def wait_for_status(self, tender_id: str, *statuses: str, timeout: float = 120.0) -> str:
        """Poll the tender until it reaches one of the states."""
        return wait_until(lambda: (s := self.status(tender_id)) in statuses and s,
                          timeout=timeout, what=f"tender {tender_id} in {statuses}")

    def assessments(self, tender_id: str) -> int:
        """How many automated assessments the evaluation document shows (0 if not yet)."""
        resp = self.commissioner.request("GET", f"/tenders/{tender_id}/evaluation",
                                         expect=(200, 404, 409))
        if resp.status_code != 200:
            return 0
        return sum(1 for b in resp.json().get("bids") or [] if b.get("assessment"))

    def wait_for_assessments(self, tender_id: str, n: int, timeout: float = 120.0) -> None:
        """Poll until every one of the n bids has its automated assessment."""
        wait_until(lambda: self.assessments(tender_id) >= n, timeout=timeout,
                   what=f"{n} assessments of {tender_id}")

    def request_run(self, tender_id: str) -> str:
        """The commissioner asks for a scoring run; returns its id."""
        return self.commissioner.post(f"/tenders/{tender_id}/scoring-runs")["run_id"]

    def run(self, run_id: str) -> dict[str, Any]:
        """The scoring run document."""
        return self.commissioner.get(f"/scoring-runs/{run_id}")

    def wait_for_run(self, run_id: str, timeout: float = 120.0) -> dict[str, Any]:
        """Poll the run until it completed or failed."""
        return wait_until(lambda: (r := self.run(run_id))["status"] in ("completed", "failed")
                          and r, timeout=timeout, what=f"scoring run {run_id}")

    def audit_events(self, tender_id: str, event_type: str) -> list[dict[str, Any]]:
        """The auditor's view of one kind of event for a tender, every page of it (an error
        answer raises: the audit log is part of the platform, never optional)."""
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"tender_id": tender_id, "type": event_type, "limit": 200}
        while True:
            page = self.auditor.get("/audit/events", params=params)
            items += page["items"]
            if not page.get("next_cursor"):
                return items
            params["cursor"] = page["next_cursor"]
