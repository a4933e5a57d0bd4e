"""Notifications end to end: a tender run through the gateway with a real SMTP server; every
letter arrives once, at exactly the people concerned, and nothing leaks before the deadline."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections import Counter

import pytest
from sqlalchemy import text

from services.demo import scenario
from services.demo.client import Client
from services.demo.runner import DemoRun
from shared.db import make_engine
from shared.waiting import wait_until
from tests.support.smtp import SmtpSink

pytestmark = pytest.mark.e2e

KINDS = {  # subject prefix → kind (services/gateway/domain/notifications.py, render)
    "New question on": "question_asked", "Clarification answer published:": "answer_published",
    "Tender amended:": "tender_amended", "Deadline in": "deadline_reminder",
    "Your final receipt:": "receipt", "Tender closed:": "tender_closed",
    "You are on the evaluation panel:": "panel_appointed",
    "Bids open for scoring:": "bids_open_for_scoring", "Moderation waiting:": "moderation_waiting",
    "Reminder: scores missing": "scores_missing", "Award decision:": "award_decision"}


# The kinds of letter the platform sends before the deadline (the rest follow the close).
BEFORE_DEADLINE = {"question_asked", "answer_published", "tender_amended", "deadline_reminder",
                   "panel_appointed"}


def kind_of(subject: str) -> str:
    return next((kind for prefix, kind in KINDS.items() if subject.startswith(prefix)),
                f"unexpected: {subject}")


@pytest.fixture(scope="module")
def smtp():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture(scope="module")
def plat(platform_factory, smtp):
    """A platform mailing the test's SMTP server, with reminders a few seconds apart."""
    return platform_factory(COPROCURE_SMTP_URL=smtp.url, COPROCURE_REMINDER_SECONDS="3",
                            # 14.4 s before the deadline; scores missing 0.36 s after opening
                            COPROCURE_DEADLINE_REMINDER_HOURS="0.004",
                            COPROCURE_SCORE_REMINDER_HOURS="0.0001")


def _admin(plat) -> str:
    email = f"admin+{uuid.uuid4().hex[:6]}@example.org"
    subprocess.run([sys.executable, "-m", "services.cli", "users", "create", "--email", email,
                    "--password", scenario.PASSWORD, "--role", "admin"],
                   env=plat.environment(), check=True, capture_output=True)
    return Client(plat.url()).login(email, scenario.PASSWORD).token


def _bidder(plat, demo: DemoRun, name: str) -> tuple[str, Client]:
    email = f"{name}+{demo.suffix}@bidders.example"
    Client(plat.url()).post("/auth/register", {
        "email": email, "password": scenario.PASSWORD,
        "organisation": {"name": f"{name.title()} {demo.suffix}", "kind": "charity"}})
    return email, Client(plat.url()).login(email, scenario.PASSWORD)


def _count(plat, sql: str) -> int:
    engine = make_engine(plat.environment()["COPROCURE_GATEWAY_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def test_each_letter_reaches_exactly_the_right_people_once(plat, smtp):
    demo = DemoRun(plat.url(), _admin(plat), deadline_seconds=30)
    demo.create_staff()
    demo.register_bidders()
    follower_email, follower = _bidder(plat, demo, "follower")
    bystander_email, bystander = _bidder(plat, demo, "bystander")
    tender = demo.publish_tender()
    tid = tender["id"]
    follower.request("PUT", f"/follows/{tid}", expect=200)
    assert [f["tender_id"] for f in follower.get("/follows")["items"]] == [tid]
    bystander.request("PUT", "/follows/tnd_nonexistent", expect=404)

    demo.clarify()  # "outputs" asks (and so follows); the answer goes to the followers so far
    demo.submit_bids()
    demo.clients["commissioner"].post(f"/tenders/{tid}/amendments", {
        "changes": {"description": "A service with and for isolated older people, "
                                   "including carers."},
        "reason": "Carers are in scope"})
    demo.set_panel()
    demo.wait_for_deadline()
    demo.wait_for_assessment()

    email = {key: demo.users[key]["email"] for key in demo.users}
    bidders = [email[b["key"]] for b in scenario.BIDDERS]
    evaluators = [email[f"evaluator{i}"] for i in (1, 2, 3)]
    panel = [*evaluators, email["moderator"]]
    # Evaluators hear of scores still missing before they start.
    wait_until(lambda: all(any(kind_of(x.subject) == "scores_missing" for x in smtp.to(e))
                           for e in evaluators), timeout=180, what="missing-score reminders")
    demo.declare_conflicts()
    demo.score()
    demo.moderate()
    demo.run_scoring()
    smtp.fail_next(2)  # the relay is busy: two award letters are retried with backoff
    demo.award()

    expected = Counter()
    for who, kind in [(email["commissioner"], "question_asked"),
                      (email["outputs"], "answer_published"), (follower_email, "answer_published"),
                      (email["commissioner"], "tender_closed"), *[(p, "panel_appointed")
                                                                 for p in panel],
                      *[(p, "bids_open_for_scoring") for p in panel],
                      *[(e, "scores_missing") for e in evaluators],
                      (email["moderator"], "moderation_waiting")]:
        expected[(who, kind)] += 1
    for who in [*bidders, follower_email]:
        expected[(who, "tender_amended")] += 1
        expected[(who, "deadline_reminder")] += 1
    for who in bidders:
        expected[(who, "receipt")] += 1
        expected[(who, "award_decision")] += 1

    def received() -> Counter:
        return Counter({(r, kind_of(s)): n for (r, s), n in smtp.by_recipient().items()})

    try:
        wait_until(lambda: received() == expected or None, timeout=180, what="the letters")
    finally:
        print("expected - received:", expected - received())
        print("received - expected:", received() - expected)
    assert smtp.refused == 2
    assert not smtp.to(bystander_email) and not smtp.to(email["auditor"])
    assert all(len(letter.recipients) == 1 for letter in smtp.letters)  # one per recipient
    # Each delivery recorded as sent; the two refusals are failed attempts, then sent. The
    # worker marks a delivery sent after the SMTP server has taken the letter: wait for it.
    wait_until(lambda: _count(plat, "SELECT count(*) FROM deliveries WHERE status = 'sent'")
               == sum(expected.values()) or None, timeout=30, what="every delivery marked sent")
    assert _count(plat, "SELECT count(*) FROM delivery_attempts WHERE outcome = 'failed'") == 2
    assert _count(plat, "SELECT count(*) FROM deliveries WHERE status <> 'sent'") == 0

    # Nothing sent before the deadline names another bidder or a bid. Chosen by kind, not by
    # arrival: a receipt can reach the server within a moment of the deadline.
    secrets = [b["id"] for b in demo.bids.values()] + [
        demo.users[b["key"]]["organisation"]["name"] for b in scenario.BIDDERS]
    before_deadline = [x for x in smtp.letters if kind_of(x.subject) in BEFORE_DEADLINE]
    assert {kind_of(x.subject) for x in before_deadline} == BEFORE_DEADLINE
    for letter in before_deadline:
        assert not any(s in letter.text or s in letter.html for s in secrets), letter.subject

    # Receipts and award letters carry only the recipient's own bid.
    for b in scenario.BIDDERS:
        mine = demo.bids[b["key"]]
        others = [x for k, x in demo.bids.items() if k != b["key"]]
        [receipt] = [x for x in smtp.to(email[b["key"]]) if kind_of(x.subject) == "receipt"]
        assert mine["receipt"]["content_sha256"] in receipt.text
        [award] = [x for x in smtp.to(email[b["key"]])
                   if kind_of(x.subject) == "award_decision"]
        assert f"/portal/bids/{mine['id']}/summary" in award.text
        assert ("was successful" in award.text) == (b["key"] == demo.bidder_key(
            demo.clients["commissioner"].get(f"/tenders/{tid}")["award"]["bid_id"]))
        for other in others:
            assert other["id"] not in receipt.text + award.text
            assert other["receipt"]["content_sha256"] not in receipt.text + award.text
        assert award.message.get_body(preferencelist=("html",)) is not None

    # The portal list shows the same notices, unread until read.
    notices = demo.clients["strong"].get("/notifications")
    assert notices["unread"] == len(notices["items"]) == sum(
        n for (who, _), n in expected.items() if who == email["strong"])
    demo.clients["strong"].post("/notifications/read-all")
    assert demo.clients["strong"].get("/notifications/unread-count") == {"unread": 0}
    admin = Client(plat.url()).as_user(demo.admin_token)
    assert admin.get("/admin/deliveries")["items"] == []
    assert len(admin.get("/admin/deliveries?status=sent")["items"]) == sum(expected.values())
