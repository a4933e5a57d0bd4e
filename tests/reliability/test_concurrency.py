"""Two gunicorn workers per service and two rq workers per queue on one SQLite file each.

Under concurrent load (50 bid submissions, reads, closes, assessments and scoring runs at
once) nothing may answer 5xx and no process may log "database is locked".
"""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.demo import scenario
from tests.reliability.helpers import World

pytestmark = pytest.mark.reliability

TENDERS, BIDDERS = 5, 10  # 50 concurrent bid submissions


@pytest.fixture(scope="module")
def plat(start_platform):
    platform = start_platform(gunicorn_workers=2)
    platform.start_worker("commissioning")
    platform.start_worker("scoring")
    return platform


def access_log(plat) -> tuple[int, list[str]]:
    """How many requests the services logged (one JSON object each), and the 5xx ones."""
    seen, bad = 0, []
    for service in ("gateway", "commissioning", "scoring"):
        for line in plat.log_path(service).read_text(errors="replace").splitlines():
            if line.startswith("{") and '"status"' in line:
                try:
                    status = int(json.loads(line).get("status", 0))
                except (ValueError, TypeError):
                    continue
                seen += 1
                if status >= 500:
                    bad.append(f"{service}: {line[:300]}")
    return seen, bad


def test_concurrent_load_on_sqlite_has_no_lock_errors(plat):
    world = World(plat)
    with ThreadPoolExecutor(max_workers=32) as pool:
        def register(i: int):
            email = f"bidder{i}+{uuid.uuid4().hex[:6]}@bidders.example"
            world.api.post("/auth/register", {"email": email, "password": scenario.PASSWORD,
                                              "organisation": {"name": f"Co-op {i} {email}",
                                                               "kind": "cooperative"}})
            return world.api.login(email, scenario.PASSWORD)

        bidders = list(pool.map(register, range(BIDDERS)))
        tenders = list(pool.map(lambda _: world.publish(12), range(TENDERS)))
        makers = [b["bid"] for b in scenario.BIDDERS]

        def submit(job: tuple[int, int]):
            t, b = job
            tender_id = tenders[t]["id"]
            receipt = bidders[b].post(f"/tenders/{tender_id}/bids", makers[b % 3](),
                                      headers={"Idempotency-Key": str(uuid.uuid4())})
            # reads interleaved with the writes
            bidders[b].get(f"/bids/{receipt['id']}")
            world.api.get(f"/tenders/{tender_id}")
            world.api.get("/tenders?limit=50")
            return receipt

        receipts = list(pool.map(submit, [(t, b) for t in range(TENDERS)
                                          for b in range(BIDDERS)]))
        assert len(receipts) == TENDERS * BIDDERS
        assert all(r["status"] == "submitted" for r in receipts)

        world.wait_for_deadline(tenders[-1])
        list(pool.map(lambda t: world.wait_for_assessments(t["id"], BIDDERS, timeout=120),
                      tenders))
        list(pool.map(lambda t: world.wait_for_status(t["id"], "evaluating"), tenders))
        runs = list(pool.map(lambda t: world.request_run(t["id"]), tenders))
        done = list(pool.map(world.wait_for_run, runs))
        assert [r["status"] for r in done] == ["completed"] * TENDERS
        assert all(len(r["ranking"]) == BIDDERS for r in done)

    locked = [f"{log.name}: {line[:300]}" for log in (plat.root / "logs").glob("*.log")
              for line in log.read_text(errors="replace").splitlines()
              if "database is locked" in line]
    assert locked == []
    seen, bad = access_log(plat)
    assert seen > TENDERS * BIDDERS * 4  # the access logs were really read
    assert bad == []
