"""Notifications in the gateway against its real database and Redis: events in, notices and
letters out (to a maildir, or a refusing SMTP port), mutes, follows, failed deliveries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from services.gateway.adapters import mail
from services.gateway.adapters import notification_tables as nt  # noqa: F401  (wiped tables)
from services.gateway.context import context_from_app
from services.gateway.service_layer import notifications
from services.platform import free_port


@pytest.fixture
def maildir(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def gateway(make_app, clock, maildir):
    """The gateway writing its letters to a maildir of the test's own."""
    return make_app("gateway", CLOCK=clock, MAIL=mail.parse_mail_url(f"maildir://{maildir}"),
                    UPSTREAMS={"commissioning": "http://127.0.0.1:9",
                               "scoring": "http://127.0.0.1:9"})


def event(event_type: str, data: dict, key: str = "1", org: str | None = None,
          title: str = "Community wellbeing") -> dict:
    return {"schema_version": 1, "event_id": f"{event_type}-{key}", "event_type": event_type,
            "tender_id": "tnd_1", "tender": {"title": title, "organisation_id": org,
                                             "submission_deadline": "2030-01-10T12:00:00Z"},
            "data": data}


def _send_all(ctx) -> list[str]:
    with ctx.session_factory() as session:
        ids = list(session.scalars(select(nt.Delivery.id).where(nt.Delivery.status == "pending")))
    return [notifications.send_delivery(ctx, i, last_attempt=True) for i in ids]


def test_followers_hear_answers_once_and_a_mute_silences_only_optional_notices(
        gateway, client, make_user, login, maildir):
    ctx = context_from_app(gateway)
    asker, muted, stranger = (make_user("bidder") for _ in range(3))
    for who in (asker, muted):
        notifications.record_event(ctx, event("BidSubmitted", {
            "organisation_id": who["organisation"]["id"]}, key=who["id"]))
    resp = client.put("/api/v1/notifications/preferences", headers=login(muted),
                      json={"muted": ["answer_published"]})
    assert resp.status_code == 200 and resp.json["muted"] == ["answer_published"]

    answered = event("AnswerPublished", {"question_id": "q_1"})
    assert notifications.record_event(ctx, answered) == "1 letters"
    assert notifications.record_event(ctx, answered) == "duplicate"
    notifications.record_event(ctx, event("TenderAmended", {"version": 2}))
    assert _send_all(ctx) == ["sent"] * 3
    letters = mail.read_maildir(str(maildir))
    assert sorted((x["to"], x["subject"].split(":")[0]) for x in letters) == sorted([
        (asker["email"], "Clarification answer published"),
        (asker["email"], "Tender amended"), (muted["email"], "Tender amended")])
    assert not any(x["to"] == stranger["email"] for x in letters)

    listed = client.get("/api/v1/notifications", headers=login(muted)).json
    assert listed["unread"] == 1 and [n["kind"] for n in listed["items"]] == ["tender_amended"]
    one = listed["items"][0]["id"]
    assert client.post(f"/api/v1/notifications/{one}/read", headers=login(muted)).json[
        "unread"] is False
    assert client.get("/api/v1/notifications/unread-count", headers=login(muted)).json == {
        "unread": 0}
    # Someone else's notice is a 404, like one that does not exist.
    other = client.post(f"/api/v1/notifications/{one}/read", headers=login(asker))
    assert other.status_code == 404 and other.mimetype == "application/problem+json"


@pytest.mark.parametrize("muted,says", [(["award_decision"], "cannot be muted"),
                                        (["nonsense"], "Unknown kind"),
                                        ("answer_published", "Not a valid list")])
def test_required_or_unknown_kinds_cannot_be_muted(client, make_user, login, muted, says):
    resp = client.put("/api/v1/notifications/preferences", headers=login(make_user("bidder")),
                      json={"muted": muted})
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    assert says in str(resp.json) and "muted" in str(resp.json)


def test_a_delivery_is_sent_once_and_each_attempt_is_recorded(gateway, make_user, maildir):
    ctx = context_from_app(gateway)
    bidder = make_user("bidder")
    notifications.record_event(ctx, event("AwardDecided", {
        "awarded_bid_id": "bid_1", "standstill_ends_at": "2030-02-01T00:00:00Z",
        "bids": [{"bid_id": "bid_1", "organisation_id": bidder["organisation"]["id"]}]}))
    with ctx.session_factory() as session:
        delivery = session.scalars(select(nt.Delivery)).one()
    assert notifications.send_delivery(ctx, delivery.id, last_attempt=False) == "sent"
    assert notifications.send_delivery(ctx, delivery.id, last_attempt=False) == "already sent"
    [letter] = mail.read_maildir(str(maildir))
    assert "Your bid was successful" in letter["text"]
    assert letter["message_id"] == f"<{delivery.id}@coprocure>"
    with ctx.session_factory() as session:
        attempts = session.scalars(select(nt.DeliveryAttempt)).all()
    assert [(a.number, a.outcome) for a in attempts] == [(1, "sent")]


def test_smtp_failures_are_retried_then_shown_to_admins_who_can_retry(
        make_app, clock, client, make_user, login):
    refusing = mail.parse_mail_url(f"smtp://127.0.0.1:{free_port()}?timeout=2")
    app = make_app("gateway", CLOCK=clock, MAIL=refusing)
    ctx = context_from_app(app)
    client = app.test_client()
    bidder = make_user("bidder")
    notifications.record_event(ctx, event("TenderCancelled", {
        "organisation_ids": [bidder["organisation"]["id"]]}))
    with ctx.session_factory() as session:
        delivery_id = session.scalars(select(nt.Delivery.id)).one()
    for last in (False, True):
        with pytest.raises(OSError):
            notifications.send_delivery(ctx, delivery_id, last_attempt=last)
    admin = login(make_user("admin"))
    failed = client.get("/api/v1/admin/deliveries", headers=admin).json["items"]
    assert [(d["id"], d["attempts"], d["status"]) for d in failed] == [(delivery_id, 2, "failed")]
    assert "ConnectionRefusedError" in failed[0]["last_error"]
    assert client.get("/api/v1/admin/deliveries", headers=login(bidder)).status_code == 403
    retried = client.post(f"/api/v1/admin/deliveries/{delivery_id}/retry", headers=admin)
    assert retried.status_code == 202 and retried.json["status"] == "pending"
    again = client.post(f"/api/v1/admin/deliveries/{delivery_id}/retry", headers=admin)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    assert client.post("/api/v1/admin/deliveries/dlv_nope/retry",
                       headers=admin).status_code == 404


def test_a_title_with_line_breaks_cannot_inject_headers(gateway, make_user, maildir):
    ctx = context_from_app(gateway)
    bidder = make_user("bidder")
    evil = "Care\r\nBcc: victim@example.org\r\n\r\nInjected body"
    notifications.record_event(ctx, event("TenderAmended", {
        "version": 2, "organisation_ids": [bidder["organisation"]["id"]]}, title=evil))
    assert _send_all(ctx) == ["sent"]
    [letter] = mail.read_maildir(str(maildir))
    raw = next((maildir / "new").iterdir()).read_bytes()
    assert b"\nBcc:" not in raw and letter["subject"].startswith("Tender amended: Care Bcc:")


def test_follows_are_for_bidders_and_unknown_ones_are_404(client, make_user, login):
    commissioner = login(make_user("commissioner"))
    assert client.put("/api/v1/follows/tnd_1", headers=commissioner).status_code == 403
    assert client.get("/api/v1/follows", headers=commissioner).status_code == 403
    bidder = login(make_user("bidder"))
    assert client.get("/api/v1/follows", headers=bidder).json["items"] == []
    gone = client.delete("/api/v1/follows/tnd_1", headers=bidder)
    assert gone.status_code == 404 and gone.mimetype == "application/problem+json"
    assert client.get("/api/v1/notifications").status_code == 401


def test_report_notices_reach_the_reviewers_and_the_providers_bidders_once_each(
        gateway, client, make_user, login, maildir):
    ctx = context_from_app(gateway)
    reviewers = [make_user("reviewer") for _ in range(2)]
    uninvited = make_user("reviewer")
    provider = [make_user("bidder", org="Provider Ltd") for _ in range(2)]
    other = make_user("bidder")
    org = provider[0]["organisation"]["id"]
    assert provider[1]["organisation"]["id"] == org != other["organisation"]["id"]
    facts = {"contract_id": "ctr_1", "metric_id": "M1", "period": 2, "due": "2030-06-30",
             "late_after": "2030-07-14"}
    sent = [event("ReportToAssess", {**facts, "key": "report-rpt_1",
                                     "user_ids": [r["id"] for r in reviewers]}, key="rpt_1"),
            event("ReportDue", {**facts, "key": "due-1", "organisation_id": org}, key="due"),
            event("ReportLate", {**facts, "key": "late-1", "organisation_id": org},
                  key="late")]
    assert [notifications.record_event(ctx, e) for e in sent] == ["2 letters"] * 3
    assert [notifications.record_event(ctx, e) for e in sent] == ["duplicate"] * 3
    # The next sweep's event for the same period and kind (a new event id) adds nothing.
    again = event("ReportLate", {**facts, "key": "late-1", "organisation_id": org}, key="x")
    assert notifications.record_event(ctx, again) == "0 letters"
    assert _send_all(ctx) == ["sent"] * 6
    letters = sorted((x["to"], x["subject"].split(":")[0])
                     for x in mail.read_maildir(str(maildir)))
    assert letters == sorted(
        [(r["email"], "Report to co-assess") for r in reviewers]
        + [(p["email"], s) for p in provider for s in ("Report due soon", "Report late")])
    assert not {uninvited["email"], other["email"]} & {to for to, _ in letters}
    kinds = [n["kind"] for n in client.get("/api/v1/notifications",
                                           headers=login(provider[0])).json["items"]]
    assert sorted(kinds) == ["report_due", "report_late"]


def test_every_follow_takes_the_latest_facts_and_a_cancellation_ends_reminders(gateway,
                                                                               make_user):
    """One UPDATE brings every follower's title and deadline up to the latest event (the
    reminders read them), and a cancellation clears the deadlines of all of them."""
    ctx = context_from_app(gateway)
    bidders = [make_user("bidder") for _ in range(3)]
    for who in bidders:
        notifications.record_event(ctx, event("BidSubmitted", {
            "organisation_id": who["organisation"]["id"]}, key=who["id"]))

    def follows():
        with ctx.session_factory() as session:
            return sorted((f.tender_title, f.submission_deadline and f.submission_deadline
                           .isoformat()) for f in session.scalars(select(nt.Follow)))

    assert follows() == [("Community wellbeing", "2030-01-10T12:00:00+00:00")] * 3
    amended = event("TenderAmended", {"version": 2}, title="Community wellbeing (amended)")
    amended["tender"]["submission_deadline"] = "2030-01-17T12:00:00Z"
    notifications.record_event(ctx, amended)
    assert follows() == [("Community wellbeing (amended)", "2030-01-17T12:00:00+00:00")] * 3
    notifications.record_event(ctx, event("TenderCancelled", {}, title="Community wellbeing"))
    assert follows() == [("Community wellbeing", None)] * 3


def test_each_deadline_reminder_goes_once_and_a_reminded_follow_costs_nothing_more(
        gateway, clock, make_user):
    """Offsets 48 h and 2 h (the default): each follower's users hear of each once; a tick
    after both went reads no follow at all (it used to ask about every user's notice again,
    every tick: half a core in a deadline rush)."""
    from datetime import timedelta

    from sqlalchemy import event as sa_event

    ctx = context_from_app(gateway)
    assert tuple(ctx.mail["DEADLINE_REMINDER_HOURS"]) == (48.0, 2.0)
    for who in (make_user("bidder"), make_user("bidder")):
        notifications.record_event(ctx, event("BidSubmitted", {
            "organisation_id": who["organisation"]["id"]}, key=who["id"]))
    deadline = datetime(2030, 1, 10, 12, 0, tzinfo=UTC)
    assert notifications.send_reminders(ctx) == 0  # nine days ahead
    clock.now = deadline - timedelta(hours=47)
    assert notifications.send_reminders(ctx) == 2
    assert notifications.send_reminders(ctx) == 0
    clock.now = deadline - timedelta(hours=1)
    assert notifications.send_reminders(ctx) == 2
    with ctx.session_factory() as session:
        engine = session.get_bind()
        kinds = sorted(n.key for n in session.scalars(select(nt.Notification)))
    assert kinds == ["reminder-tnd_1-2h"] * 2 + ["reminder-tnd_1-48h"] * 2

    statements: list[str] = []

    def note(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()).lower())

    clock.now += timedelta(minutes=1)
    sa_event.listen(engine, "after_cursor_execute", note)
    try:
        assert notifications.send_reminders(ctx) == 0
    finally:
        sa_event.remove(engine, "after_cursor_execute", note)
    selects = [s for s in statements if s.startswith("select")]
    assert len(selects) == 1 and "from follows" in selects[0]  # no user or notice looked up
