"""Redis down while bids arrive and tenders close: nothing is lost, everything arrives once."""

from __future__ import annotations

import time

import pytest

from shared.waiting import wait_until
from tests.reliability.helpers import World, count

pytestmark = pytest.mark.reliability

PENDING = "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND job_id LIKE :p"


@pytest.fixture(scope="module")
def plat(start_platform):
    return start_platform(own_redis=True)  # our own Redis, so the test can stop it


def delivered_once(plat, world: World, tender_id: str) -> None:
    """TenderClosed reached scoring once: one assessment per bid, one processed event."""
    assert count(plat, "scoring", "SELECT count(*) FROM assessments WHERE tender_id = :t",
                 t=tender_id) == 3
    assert count(plat, "scoring", "SELECT count(*) FROM processed_events WHERE event_id LIKE :p",
                 p=f"assess-{tender_id}-%") == 1
    assert count(plat, "commissioning", "SELECT count(*) FROM outbox WHERE job_id LIKE :p",
                 p=f"assess-{tender_id}-%") == 1
    events = world.audit_events(tender_id, "bids_opened")
    assert len(events) == 1, events


def test_redis_outage_loses_nothing(plat):
    world = World(plat)
    assessed = world.publish(6)
    world.submit_bids(assessed)
    world.wait_for_assessments(assessed["id"], 3, timeout=60)
    world.wait_for_status(assessed["id"], "evaluating")
    # A tender published while Redis is up (scoring has heard of it) that closes while it is
    # down; its deadline leaves time for the requests below, even on a busy host.
    waiting = world.publish(20)
    wait_until(lambda: count(plat, "scoring", "SELECT count(*) FROM processed_events WHERE "
                             "event_id LIKE :p", p=f"tender-{waiting['id']}-%") == 1 or None,
               timeout=30, what="scoring to hear of the waiting tender")
    plat.stop("redis")

    # Without Redis the API keeps working: bids, a new tender, a scoring run request, reads.
    started = time.monotonic()
    receipts = world.submit_bids(waiting)
    tender = world.publish(6)
    receipts += world.submit_bids(tender)
    assert [r["status"] for r in receipts] == ["submitted"] * 6
    own = world.bidders[0][0].get(f"/bids/{receipts[0]['id']}")
    assert own["id"] == receipts[0]["id"]
    run_id = world.request_run(assessed["id"])
    assert world.run(run_id)["status"] == "queued"
    assert time.monotonic() - started < 60  # no request waited on Redis for long

    # The outboxes hold the events, and the relays keep trying.
    assert count(plat, "commissioning", PENDING, p=f"tender-{tender['id']}-%") == 1
    assert count(plat, "scoring", PENDING, p=f"run-{run_id}") == 1
    for service in ("commissioning", "scoring"):
        wait_until(lambda s=service: count(plat, s, "SELECT count(*) FROM outbox WHERE "
                                           "sent_at IS NULL AND attempts >= 1 AND "
                                           "last_error IS NOT NULL"),
                   timeout=30, what=f"the {service} relay to try and fail")

    # Deadlines don't depend on the queue: a late bid is refused by the server clock.
    world.wait_for_deadline(waiting)
    client, make = world.bidders[0]
    for late_for in (waiting, tender):
        late = client.request("POST", f"/tenders/{late_for['id']}/bids", json=make(),
                              expect=409)
        assert late.headers["content-type"].startswith("application/problem+json")
        assert late.json()["detail"] == "submission deadline has passed"

    # The scheduler sweeps against the database while Redis is down: both tenders close on
    # time, and their TenderClosed events wait in the outbox.
    for closing in (waiting, tender):
        world.wait_for_status(closing["id"], "closed", timeout=60)
        assert count(plat, "commissioning", PENDING, p=f"assess-{closing['id']}-%") == 1

    plat.restart_redis()
    back = time.monotonic()
    for tid in (waiting["id"], tender["id"]):  # assessed once the relay delivers
        world.wait_for_assessments(tid, 3, timeout=150)
    assert world.wait_for_run(run_id, timeout=150)["status"] == "completed"
    print(f"\nafter Redis returned: everything delivered in {time.monotonic() - back:.1f} s")
    for service in ("commissioning", "scoring"):
        wait_until(lambda s=service: count(plat, s, "SELECT count(*) FROM outbox "
                                           "WHERE sent_at IS NULL") == 0 or None, timeout=60,
                   what=f"the {service} outbox to drain")
    for tid in (assessed["id"], waiting["id"], tender["id"]):
        delivered_once(plat, world, tid)
        world.wait_for_status(tid, "evaluating", "scored")
    assert count(plat, "scoring", "SELECT count(*) FROM processed_events WHERE event_id LIKE :p",
                 p=f"tender-{tender['id']}-%") == 1  # TenderPublished, once
    assert count(plat, "scoring", "SELECT count(*) FROM scoring_runs WHERE tender_id = :t",
                 t=assessed["id"]) == 1
    world.wait_for_status(assessed["id"], "scored")
    exited = {name: proc.returncode for name, proc in plat.procs.items() if proc.poll() is not None}
    assert exited == {}, "no process may die of a Redis outage"
