"""Who hears what, and what the letter says: pure rules (docs/architecture.md, "Notifications").

An event becomes audiences — selectors the service layer expands into users — each with a
kind (mutable or not), a key unique per recipient (so a replayed event or a second sweep
makes one letter) and the facts its letter may quote: public facts about the tender, or the
recipient's own (its receipt, its bid). Nothing here ever puts one bidder's facts in front of
another.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class Kind:
    """A kind of notice; ``mutable`` False for the legally required ones."""

    name: str
    label: str
    mutable: bool = True


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("question_asked", "A bidder asked a question on your tender"),
    Kind("answer_published", "A clarification answer was published on a tender you follow"),
    # Equal treatment: every interested bidder learns of an amendment, always.
    Kind("tender_amended", "A tender you follow was amended", mutable=False),
    Kind("tender_cancelled", "A tender you follow was cancelled", mutable=False),
    Kind("deadline_reminder", "The submission deadline of a tender you follow is near"),
    Kind("receipt", "Your final receipt when a tender closes", mutable=False),
    Kind("tender_closed", "Your tender closed"),
    Kind("panel_appointed", "You were appointed to an evaluation panel"),
    Kind("bids_open_for_scoring", "Bids are open for scoring"),
    Kind("moderation_waiting", "Moderation is waiting for you"),
    Kind("scores_missing", "Reminder: scores you have not given yet"),
    # The award decision starts the standstill: every bidder must have it.
    Kind("award_decision", "The award decision on your bid", mutable=False),
    Kind("report_to_assess", "A provider submitted a report for you to co-assess"),
    Kind("report_due", "A report your organisation owes on a contract is due soon"),
    Kind("report_late", "A report your organisation owes on a contract is late"),
)}
MUTABLE = tuple(k for k, v in KINDS.items() if v.mutable)


@dataclass(frozen=True)
class Audience:
    """One notice for a set of users: users of ``organisations`` holding ``role``, bidders of
    the organisations following the tender (``followers``), or the ``users`` named."""

    kind: str
    key: str
    organisations: tuple[str, ...] = ()
    role: str | None = None
    followers: bool = False
    users: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FollowEffect:
    """An organisation starts following a tender because it asked or bid."""

    organisation_id: str
    reason: str
    has_bid: bool


def follow_effect(event_type: str, data: dict[str, Any]) -> FollowEffect | None:
    """Asking a question or bidding makes the organisation a follower (a bid also marks it
    for deadline reminders)."""
    org = data.get("organisation_id")
    if not org:
        return None
    if event_type == "QuestionAsked":
        return FollowEffect(org, "question", False)
    if event_type == "BidSubmitted":
        return FollowEffect(org, "bid", True)
    return None


def interested(data: dict[str, Any]) -> tuple[str, ...]:
    """Organisations the producer says asked or bid (they follow whatever the order of
    events)."""
    return _ids(data.get("organisation_ids"))


def _ids(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in (values or []) if isinstance(v, str) and v))


def audiences(event_type: str, tender_id: str, tender: dict[str, Any],
              data: dict[str, Any]) -> list[Audience]:
    """Who hears of this event, with the facts each letter may quote."""
    owner = tender.get("organisation_id")
    owners = (owner,) if owner else ()
    if event_type == "QuestionAsked":
        return [Audience("question_asked", f"question-{data['question_id']}", owners,
                         "commissioner")]
    if event_type == "AnswerPublished":
        return [Audience("answer_published", f"answer-{data['question_id']}", followers=True)]
    if event_type == "TenderAmended":
        version = data.get("version")
        return [Audience("tender_amended", f"amended-{tender_id}-v{version}", followers=True,
                         facts={"version": version})]
    if event_type == "TenderCancelled":
        return [Audience("tender_cancelled", f"cancelled-{tender_id}", followers=True)]
    if event_type == "TenderClosed":
        found = [Audience("tender_closed", f"closed-{tender_id}", owners, "commissioner",
                          facts={"bids": len(data.get("receipts") or [])})]
        for receipt in data.get("receipts") or []:
            own = {k: receipt.get(k) for k in ("bid_id", "version", "content_sha256",
                                                "submitted_at")}
            found.append(Audience("receipt", f"receipt-{tender_id}-{receipt['organisation_id']}",
                                  (receipt["organisation_id"],), "bidder", facts=own))
        return found
    if event_type == "AwardDecided":
        return [Audience("award_decision", f"award-{tender_id}-{bid['bid_id']}",
                         (bid["organisation_id"],), "bidder",
                         facts={"bid_id": bid["bid_id"],
                                "successful": bid["bid_id"] == data.get("awarded_bid_id"),
                                "standstill_ends_at": data.get("standstill_ends_at"),
                                "lot_key": data.get("lot_key")})
                for bid in data.get("bids") or []]
    if event_type in ("ReportDue", "ReportLate"):
        # The provider's own obligation: only its bidders hear, and only of this period.
        org = data.get("organisation_id")
        kind = "report_due" if event_type == "ReportDue" else "report_late"
        return [Audience(kind, data.get("key") or f"{kind}-{tender_id}",
                         (org,) if org else (), "bidder", facts=_report_facts(data))]
    if event_type == "ReportToAssess":
        # No figures in the letter: the reviewer reads them in the portal, where access is
        # checked again.
        return [Audience("report_to_assess", data.get("key") or f"report-{tender_id}",
                         users=_ids(data.get("user_ids")), facts=_report_facts(data))]
    simple = {"PanelAppointed": ("panel_appointed", f"panel-{tender_id}"),
              "BidsOpenForScoring": ("bids_open_for_scoring", f"scoring-open-{tender_id}"),
              "ModerationWaiting": ("moderation_waiting", data.get("key")),
              "ScoresMissing": ("scores_missing", data.get("key"))}
    if event_type in simple:
        kind, key = simple[event_type]
        return [Audience(kind, key or f"{kind}-{tender_id}", users=_ids(data.get("user_ids")),
                         facts={"missing": data.get("missing")})]
    return []  # BidSubmitted: only its follow effect, nobody is told


def _report_facts(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data.get(k) for k in ("contract_id", "metric_id", "period", "due", "late_after")}


def due_reminder(deadline: datetime, now: datetime, offsets_hours: tuple[float, ...]
                 ) -> float | None:
    """The reminder due now (the most urgent offset already reached), None before the first
    or after the deadline."""
    if now >= deadline:
        return None
    due = [h for h in offsets_hours if deadline - timedelta(hours=h) <= now]
    return min(due) if due else None


def offset_label(hours: float) -> str:
    """``48h`` or ``0.5h`` for keys and letters."""
    return f"{hours:g}h"


# Letters ------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
MAX_SUBJECT = 200


def one_line(value: Any, limit: int = MAX_SUBJECT) -> str:
    """Text safe for a header: control characters (CR, LF among them) become spaces."""
    text = " ".join(_CONTROL.sub(" ", str(value or "")).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass(frozen=True)
class Letter:
    """A rendered notice: the subject, paragraphs of plain text and an optional link."""

    subject: str
    paragraphs: tuple[str, ...]
    link: str | None = None
    link_text: str = "Open in coprocure"

    def text(self) -> str:
        """The plain-text body."""
        parts = list(self.paragraphs)
        if self.link:
            parts.append(f"{self.link_text}: {self.link}")
        return "\n\n".join(parts) + "\n"

    def html(self) -> str:
        """The same letter as simple, accessible HTML (language, title, real link text)."""
        body = "".join(f"<p>{html.escape(p)}</p>" for p in self.paragraphs)
        if self.link:
            body += (f'<p><a href="{html.escape(self.link, quote=True)}">'
                     f"{html.escape(self.link_text)}</a></p>")
        return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                f"<title>{html.escape(self.subject)}</title></head><body>"
                f"<h1>{html.escape(self.subject)}</h1>{body}</body></html>")


def _when(value: Any) -> str:
    return str(value or "").replace("T", " ").replace("Z", " UTC") or "not set"


def render(kind: str, facts: dict[str, Any], tender_id: str | None, title: str | None,
           base_url: str) -> Letter:
    """The letter for one notice; the title is the tender's public title."""
    name = one_line(title or tender_id or "a tender", 120)
    base = base_url.rstrip("/")
    tender_link = f"{base}/portal/tenders/{tender_id}" if tender_id else f"{base}/portal/"
    if kind == "question_asked":
        return Letter(f"New question on {name}", (
            f"A bidder asked a clarification question on your tender {name}.",
            "Answers you publish are sent to every bidder following the tender at once."),
            tender_link, "Read and answer the question")
    if kind == "answer_published":
        return Letter(f"Clarification answer published: {name}", (
            f"An answer to a clarification question on {name} has been published.",
            "Every bidder following the tender receives it at the same time."),
            tender_link, "Read the answer")
    if kind == "tender_amended":
        return Letter(f"Tender amended: {name}", (
            f"The tender {name} was amended (version {facts.get('version')}).",
            "Check whether your bid needs to change before the deadline."),
            tender_link, "Read the amendment")
    if kind == "tender_cancelled":
        return Letter(f"Tender cancelled: {name}", (
            f"The tender {name} was cancelled. Bids made to it will not be opened.",),
            tender_link, "Open the tender")
    if kind == "deadline_reminder":
        return Letter(f"Deadline in {facts.get('hours')} hours: {name}", (
            f"The submission deadline of {name} is {_when(facts.get('deadline'))}.",
            "Bids are accepted only before the deadline, by the platform's clock."),
            tender_link, "Open the tender")
    if kind == "receipt":
        return Letter(f"Your final receipt: {name}", (
            f"The tender {name} has closed. This is the receipt of your final bid.",
            f"Bid {facts.get('bid_id')}, version {facts.get('version')}, submitted "
            f"{_when(facts.get('submitted_at'))}.",
            f"SHA-256 of your bid: {facts.get('content_sha256')}",
            "Keep it: it proves what you submitted."),
            f"{base}/portal/bids/{facts.get('bid_id')}", "Open your bid")
    if kind == "tender_closed":
        return Letter(f"Tender closed: {name}", (
            f"The submission deadline of {name} has passed and the bids were opened "
            f"({facts.get('bids')} received).", "Automated assessment starts now."),
            tender_link, "Open the tender")
    if kind == "panel_appointed":
        return Letter(f"You are on the evaluation panel: {name}", (
            f"You were appointed to the evaluation panel of {name}.",
            "Declare any conflict of interest before you score."),
            f"{base}/portal/tenders/{tender_id}/evaluation", "Open the evaluation")
    if kind == "bids_open_for_scoring":
        return Letter(f"Bids open for scoring: {name}", (
            f"The bids of {name} have been assessed and are open for your scores.",),
            f"{base}/portal/tenders/{tender_id}/evaluation", "Start scoring")
    if kind == "moderation_waiting":
        return Letter(f"Moderation waiting: {name}", (
            f"Evaluators' scores on {name} diverge and wait for your moderation.",),
            f"{base}/portal/tenders/{tender_id}/evaluation", "Moderate")
    if kind == "scores_missing":
        return Letter(f"Reminder: scores missing on {name}", (
            f"You have {facts.get('missing')} scores still to give on {name}.",),
            f"{base}/portal/tenders/{tender_id}/evaluation", "Score now")
    if kind == "award_decision":
        outcome = ("Your bid was successful: the contract is to be awarded to you."
                   if facts.get("successful") else
                   "Your bid was not successful.")
        return Letter(f"Award decision: {name}", (
            f"The award decision on {name} has been made. {outcome}",
            f"The standstill period ends {_when(facts.get('standstill_ends_at'))}; the "
            "contract is not concluded before then.",
            "Your assessment summary gives your scores, the reasons for them and the "
            "winning bid's scores."),
            f"{base}/portal/bids/{facts.get('bid_id')}/summary", "Read your assessment summary")
    if kind in ("report_to_assess", "report_due", "report_late"):
        return _report_letter(kind, facts, name, base)
    raise ValueError(f"unknown notification kind {kind!r}")


def _report_letter(kind: str, facts: dict[str, Any], name: str, base: str) -> Letter:
    link = f"{base}/portal/contracts/{facts.get('contract_id')}"
    what = f"the report on {one_line(facts.get('metric_id'), 80)} for period {facts.get('period')}"
    if kind == "report_to_assess":
        return Letter(f"Report to co-assess: {name}", (
            f"The provider submitted {what} of the contract {name}.",
            "You were invited to co-assess it: read it and give your view."),
            link, "Co-assess the report")
    if kind == "report_due":
        return Letter(f"Report due soon: {name}", (
            f"Your organisation's {what} of the contract {name} is due on "
            f"{_when(facts.get('due'))}.",), link, "Submit the report")
    return Letter(f"Report late: {name}", (
        f"Your organisation's {what} of the contract {name} was due on "
        f"{_when(facts.get('due'))} and has not been submitted.",
        f"Submit it as soon as you can: reports after {_when(facts.get('late_after'))} are "
        "marked late."), link, "Submit the report")
