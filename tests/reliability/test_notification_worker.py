"""The notification worker killed mid-send, on real processes with a real SMTP server: the
letter is neither lost nor sent twice (docs/architecture.md, "Notifications")."""

from __future__ import annotations

import pytest

from services.platform import Platform
from shared.waiting import wait_until
from tests.reliability.helpers import World, count, owner_of, wait_for_marker
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.reliability

WORKER_BOUND = 1 + 60 + 1 + 2 + 30  # heartbeat TTL, janitor, first retry, slack (test_workers)


@pytest.fixture(scope="module")
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def plat(start_platform, smtp) -> Platform:
    """A platform whose notification sends pause once before talking to the SMTP server."""
    platform = start_platform(COPROCURE_SMTP_URL=smtp.url,
                              COPROCURE_DEADLINE_REMINDER_HOURS="0.00001")
    platform.stop("worker-gateway")
    platform.start_worker("gateway", "worker-gateway-paused",
                          {"COPROCURE_FAULT_PAUSE": "send_notification:300"})
    return platform


def test_the_whole_worker_killed_mid_send_loses_and_duplicates_nothing(plat, smtp):
    world = World(plat)
    tender = world.publish(600)
    asker, _ = world.bidders[0]
    asker.post(f"/tenders/{tender['id']}/questions", {"question": "Is co-design funded?"})
    job_id, horse = wait_for_marker(plat, "send_notification", "mail-")
    worker = owner_of(plat, horse)
    plat.kill(worker)  # the worker and its work horse, as a node dying would
    assert smtp.letters == []
    plat.start_worker("gateway", "worker-gateway-2")  # a replacement, without the pause

    commissioner = world.commissioner.get("/me")["email"]
    wait_until(lambda: smtp.to(commissioner), timeout=WORKER_BOUND,
               what="the question letter after the worker died")
    delivery = job_id.removeprefix("mail-")
    wait_until(lambda: count(plat, "gateway", "SELECT count(*) FROM deliveries WHERE id = :d "
                             "AND status = 'sent'", d=delivery) == 1, timeout=30,
               what="the delivery recorded as sent")
    assert [x.subject.split(":")[0] for x in smtp.to(commissioner)] == [
        f"New question on {tender['title']}".split(":")[0]]
    assert len(smtp.letters) == 1
    outcomes = count(plat, "gateway", "SELECT count(*) FROM delivery_attempts WHERE "
                     "delivery_id = :d AND outcome = 'interrupted'", d=delivery)
    assert outcomes == 1  # the killed attempt is on record, the retry sent it
    assert count(plat, "gateway", "SELECT count(*) FROM delivery_attempts WHERE "
                 "delivery_id = :d AND outcome = 'sent'", d=delivery) == 1
