"""Who hears what, muting, reminders and letters: the pure notification rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.gateway.domain import notifications as rules

TENDER = {"title": "Community wellbeing", "organisation_id": "org_council",
          "submission_deadline": "2027-01-10T12:00:00Z"}


def test_a_question_tells_the_buyers_commissioners_and_makes_the_asker_a_follower():
    [audience] = rules.audiences("QuestionAsked", "tnd_1", TENDER,
                                 {"question_id": "q_1", "organisation_id": "org_a"})
    assert (audience.kind, audience.organisations, audience.role) == (
        "question_asked", ("org_council",), "commissioner")
    assert "org_a" not in repr(audience)  # the buyer is not told who asked
    assert rules.follow_effect("QuestionAsked", {"organisation_id": "org_a"}) == \
        rules.FollowEffect("org_a", "question", False)


def test_a_bid_tells_nobody_and_marks_its_organisation_for_reminders():
    assert rules.audiences("BidSubmitted", "tnd_1", TENDER, {"organisation_id": "org_a"}) == []
    assert rules.follow_effect("BidSubmitted", {"organisation_id": "org_a"}).has_bid is True


@pytest.mark.parametrize("event,kind", [("AnswerPublished", "answer_published"),
                                        ("TenderAmended", "tender_amended"),
                                        ("TenderCancelled", "tender_cancelled")])
def test_answers_amendments_and_cancellations_go_to_every_follower(event, kind):
    [audience] = rules.audiences(event, "tnd_1", TENDER, {"question_id": "q_1", "version": 2})
    assert audience.kind == kind and audience.followers and not audience.organisations


def test_each_bidder_gets_only_its_own_receipt_at_close():
    receipts = [{"organisation_id": f"org_{n}", "bid_id": f"bid_{n}", "version": 1,
                 "content_sha256": n * 64, "submitted_at": "2027-01-10T11:00:00Z"}
                for n in "abc"]
    found = rules.audiences("TenderClosed", "tnd_1", TENDER, {"receipts": receipts})
    closed = [a for a in found if a.kind == "tender_closed"]
    assert [a.organisations for a in closed] == [("org_council",)]
    own = {a.organisations[0]: a for a in found if a.kind == "receipt"}
    assert set(own) == {"org_a", "org_b", "org_c"}
    for org, audience in own.items():
        n = org[-1]
        others = [x for x in "abc" if x != n]
        assert audience.facts["bid_id"] == f"bid_{n}" and audience.role == "bidder"
        assert not any(f"bid_{x}" in repr(audience) or x * 64 in repr(audience)
                       for x in others)


def test_award_letters_say_successful_only_to_the_winner():
    found = rules.audiences("AwardDecided", "tnd_1", TENDER, {
        "awarded_bid_id": "bid_a", "standstill_ends_at": "2027-02-01T00:00:00Z",
        "bids": [{"bid_id": "bid_a", "organisation_id": "org_a"},
                 {"bid_id": "bid_b", "organisation_id": "org_b"}]})
    assert {a.organisations[0]: a.facts["successful"] for a in found} == {
        "org_a": True, "org_b": False}
    assert all(a.kind == "award_decision" and a.key.endswith(a.facts["bid_id"]) for a in found)


def test_panel_notices_go_to_the_named_users_once_per_tender():
    [audience] = rules.audiences("PanelAppointed", "tnd_1", TENDER,
                                 {"user_ids": ["u1", "u2", "u1", 7]})
    assert audience.users == ("u1", "u2") and audience.key == "panel-tnd_1"


def test_legally_required_notices_cannot_be_muted():
    assert not rules.KINDS["award_decision"].mutable
    assert not rules.KINDS["tender_amended"].mutable
    assert "award_decision" not in rules.MUTABLE and "answer_published" in rules.MUTABLE


def test_the_most_urgent_reminder_due_is_sent():
    deadline = datetime(2027, 1, 10, 12, tzinfo=UTC)
    offsets = (48.0, 2.0)
    assert rules.due_reminder(deadline, deadline - timedelta(hours=50), offsets) is None
    assert rules.due_reminder(deadline, deadline - timedelta(hours=47), offsets) == 48.0
    assert rules.due_reminder(deadline, deadline - timedelta(hours=1), offsets) == 2.0
    assert rules.due_reminder(deadline, deadline, offsets) is None


def test_a_title_cannot_break_a_header():
    letter = rules.render("answer_published", {}, "tnd_1",
                          "Care\r\nBcc: victim@example.org\nX: y", "http://portal")
    assert "\r" not in letter.subject and "\n" not in letter.subject
    assert letter.subject == "Clarification answer published: Care Bcc: victim@example.org X: y"


def test_text_and_html_come_from_one_letter_and_html_is_escaped():
    letter = rules.render("award_decision", {"bid_id": "bid_a", "successful": False,
                                             "standstill_ends_at": "2027-02-01T00:00:00Z"},
                          "tnd_1", "<script>alert(1)</script>", "http://portal/")
    text, page = letter.text(), letter.html()
    assert "not successful" in text and "http://portal/portal/bids/bid_a/summary" in text
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert '<html lang="en">' in page and "<title>" in page
    assert 'href="http://portal/portal/bids/bid_a/summary"' in page
    for paragraph in letter.paragraphs:
        assert paragraph in text


def test_every_kind_renders():
    for kind in rules.KINDS:
        letter = rules.render(kind, {"bid_id": "b", "missing": 3, "hours": "2"}, "t", "T", "u")
        assert letter.subject and letter.paragraphs


REPORT = {"key": "report-rpt_1", "contract_id": "ctr_1", "metric_id": "M1", "period": 2,
          "due": "2030-06-30", "late_after": "2030-07-14"}


def test_a_submitted_report_goes_only_to_the_reviewers_named_without_its_figures():
    [audience] = rules.audiences("ReportToAssess", "tnd_1", TENDER,
                                 {**REPORT, "user_ids": ["usr_r1", "usr_r2", "usr_r1"],
                                  "value": "6.2", "organisation_id": "org_provider"})
    assert (audience.kind, audience.key, audience.users) == (
        "report_to_assess", "report-rpt_1", ("usr_r1", "usr_r2"))
    assert not audience.organisations and not audience.followers
    assert "6.2" not in repr(audience) and "org_provider" not in repr(audience)
    assert rules.KINDS["report_to_assess"].mutable


@pytest.mark.parametrize("event,kind", [("ReportDue", "report_due"),
                                        ("ReportLate", "report_late")])
def test_reports_due_and_late_go_to_the_providers_bidders_only(event, kind):
    [audience] = rules.audiences(event, "tnd_1", TENDER, {**REPORT, "key": f"k-{kind}",
                                                          "organisation_id": "org_provider"})
    assert (audience.kind, audience.key, audience.organisations, audience.role) == (
        kind, f"k-{kind}", ("org_provider",), "bidder")
    assert not audience.users and not audience.followers
    assert "org_council" not in audience.organisations
    letter = rules.render(kind, audience.facts, "tnd_1", "Wellbeing", "https://cp.example")
    assert "M1" in letter.text() and "period 2" in letter.text()
    assert letter.link == "https://cp.example/portal/contracts/ctr_1"


def test_report_letters_name_the_contract_period_and_dates():
    letter = rules.render("report_to_assess", rules._report_facts(REPORT), "tnd_1",
                          "Wellbeing", "https://cp.example")
    assert letter.subject == "Report to co-assess: Wellbeing"
    late = rules.render("report_late", rules._report_facts(REPORT), "tnd_1", "Wellbeing",
                        "https://cp.example").text()
    assert "2030-06-30" in late and "2030-07-14" in late
