"""Redis down while bids arrive and tenders close: nothing is lost, everything arrives once."""

from __future__ import annotations

import time

import pytest

from tests.reliability.conftest import dump_logs
from tests.reliability.helpers import World, count, wait_until

pytestmark = pytest.mark.reliability

PENDING = "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND job_id LIKE :p"


@pytest.fixture(scope="module")
def plat(start_platform):
    return start_platform(own_redis=True)  # our own Redis, so the test can stop it


@pytest.fixture(autouse=True)
def logs_on_failure(request, plat):
    yield
    if getattr(request.node, "rep_call", None) and request.node.rep_call.failed:
        dump_logs(plat)


def delivered_once(plat, world: World, tender_id: str) -> None:
    """TenderClosed reached scoring once: one assessment per bid, one processed event."""
    assert count(plat, "scoring", "SELECT count(*) FROM assessments WHERE tender_id = :t",
                 t=tender_id) == 3
    assert count(plat, "scoring", "SELECT count(*) FROM processed_events WHERE event_id LIKE :p",
                 p=f"assess-{tender_id}-%") == 1
    assert count(plat, "commissioning", "SELECT count(*) FROM outbox WHERE job_id LIKE :p",
                 p=f"assess-{tender_id}-%") == 1
    events = world.audit_events(tender_id, "bids_opened")
    assert events is None or len(events) == 1, events


def test_redis_outage_loses_nothing(plat):
    world = World(plat)
    closing = world.publish(6)
    world.submit_bids(closing)
    wait_until(lambda: count(plat, "commissioning", "SELECT count(*) FROM outbox "
                             "WHERE sent_at IS NULL") == 0 or None, timeout=30,
               what="TenderPublished to be relayed")
    # The relay is down when the tender closes, so TenderClosed is still in the outbox when
    # Redis goes down too.
    plat.stop("relay-commissioning")
    world.wait_for_status(closing["id"], "closed")
    assert count(plat, "commissioning", PENDING, p=f"assess-{closing['id']}-%") == 1
    plat.stop("redis")
    plat.start_relay("commissioning")

    # Without Redis the API keeps working: publish a tender, submit and read bids.
    started = time.monotonic()
    tender = world.publish(6)
    receipts = world.submit_bids(tender)
    assert [r["status"] for r in receipts] == ["submitted"] * 3
    own = world.bidders[0][0].get(f"/bids/{receipts[0]['id']}")
    assert own["id"] == receipts[0]["id"]
    assert world.status(tender["id"]) == "published"
    assert time.monotonic() - started < 60  # no request waited on Redis for long

    # The outbox holds the events and the relay keeps trying.
    assert count(plat, "commissioning", PENDING, p=f"tender-{tender['id']}-%") == 1
    # (the relay sends in order and stops at the first failure, so the oldest row counts up)
    wait_until(lambda: count(plat, "commissioning", "SELECT count(*) FROM outbox WHERE "
                             "sent_at IS NULL AND attempts >= 1 AND last_error IS NOT NULL "
                             "AND job_id LIKE :p", p=f"assess-{closing['id']}-%"),
               timeout=30, what="the relay to try and fail")
    pending = count(plat, "commissioning", "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
    assert pending >= 2

    # Deadlines don't depend on the queue: a late bid is refused by the server clock.
    world.wait_for_deadline(tender)
    client, make = world.bidders[0]
    late = client.request("POST", f"/tenders/{tender['id']}/bids", json=make(),
                          expect=(409, 422))
    assert late.headers["content-type"].startswith("application/problem+json")

    plat.restart_redis()
    back = time.monotonic()
    world.wait_for_assessments(closing["id"], 3, timeout=120)
    world.wait_for_assessments(tender["id"], 3, timeout=120)  # closed by the sweeper
    print(f"\nafter Redis returned: both tenders assessed in {time.monotonic() - back:.1f} s")
    wait_until(lambda: count(plat, "commissioning", "SELECT count(*) FROM outbox "
                             "WHERE sent_at IS NULL") == 0 or None, timeout=60,
               what="the commissioning outbox to drain")
    for tid in (closing["id"], tender["id"]):
        delivered_once(plat, world, tid)
        world.wait_for_status(tid, "evaluating")
    assert count(plat, "scoring", "SELECT count(*) FROM processed_events WHERE event_id LIKE :p",
                 p=f"tender-{tender['id']}-%") == 1  # TenderPublished, once
