"""Who may see and do what on a tender: object-level authorization.

See docs/architecture.md, "Who may see what".
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.scoring.adapters.tables.panel import (
    EVALUATOR,
    MODERATOR,
    ConflictDeclaration,
    ConflictStatement,
    PanelMember,
)
from services.scoring.adapters.tables.tenders import Bid, Tender
from services.scoring.domain.criteria import quality_criteria
from shared.errors import NotFound
from shared.identity import Identity
from shared.ids import has_id_shape

if TYPE_CHECKING:
    from services.scoring.context import Context


def not_found(what: str = "tender") -> NotFound:
    """The same 404 for absent objects and objects the caller may not know about."""
    return NotFound(f"No such {what}")


@dataclass
class Panel:
    """A tender's panel as stored."""

    evaluators: dict[str, bool] = field(default_factory=dict)  # user id -> lived experience
    moderator: str | None = None
    moderator_lived_experience: bool = False

    @property
    def is_set(self) -> bool:
        """True once the commissioner has named a panel."""
        return bool(self.evaluators) or self.moderator is not None

    def members(self) -> set[str]:
        """Every user on the panel."""
        return set(self.evaluators) | ({self.moderator} if self.moderator else set())


@dataclass
class Viewer:
    """The caller's relationships with one tender."""

    identity: Identity
    owner: bool = False
    auditor: bool = False
    evaluator: bool = False
    moderator: bool = False

    @property
    def panel(self) -> bool:
        """True for panel members who are neither the owner nor an auditor."""
        return (self.evaluator or self.moderator) and not (self.owner or self.auditor)

    @property
    def any(self) -> bool:
        """True if the caller has any business with the tender's evaluation."""
        return self.owner or self.auditor or self.evaluator or self.moderator


def load_panel(session: Session, tender_id: str) -> Panel:
    """The tender's current panel."""
    panel = Panel()
    for member in session.scalars(select(PanelMember).where(PanelMember.tender_id == tender_id)
                                  .order_by(PanelMember.id)):
        if member.role == EVALUATOR:
            panel.evaluators[member.user_id] = member.lived_experience
        elif member.role == MODERATOR:
            panel.moderator = member.user_id
            panel.moderator_lived_experience = member.lived_experience
    return panel


def is_owner(identity: Identity, tender: Tender) -> bool:
    """A commissioner of the organisation that owns the tender."""
    return (identity.has_role("commissioner") and identity.organisation_id is not None
            and identity.organisation_id == tender.organisation_id)


def viewer(identity: Identity, tender: Tender, panel: Panel) -> Viewer:
    """How the caller relates to this tender."""
    uid = identity.user_id
    return Viewer(
        identity=identity,
        owner=is_owner(identity, tender),
        auditor=identity.has_role("auditor"),
        evaluator=identity.has_role("evaluator") and uid in panel.evaluators,
        moderator=identity.has_role("moderator") and uid is not None and uid == panel.moderator,
    )


# At most this many requests per process wait for a tender at once; more answer at once, so
# a burst of calls for tenders scoring will never hear of cannot take every thread.
_WAITERS = threading.BoundedSemaphore(2)


def await_tender(ctx: Context, tender_id: str) -> None:
    """Wait briefly for a just-published tender to arrive from commissioning's outbox.

    Scoring learns of tenders asynchronously (``record_tender``), usually within a few hundred
    milliseconds; a commissioner who sets the panel straight after publishing should not see
    a 404 for that gap. Only an id of the shape commissioning gives tenders is waited for (at
    most ``ctx.tender_wait_seconds``, docs/api-notes.md); any other string is a 404 at once, so
    calls with made-up ids cannot hold the service's threads.
    """
    if not has_id_shape(tender_id, "tnd") or not _WAITERS.acquire(blocking=False):
        return
    try:
        # A wait, not a timestamp: a test clock may stand still.
        deadline = time.monotonic() + ctx.tender_wait_seconds
        while True:
            with ctx.session_factory() as session:
                if session.scalars(select(Tender.id).where(Tender.id == tender_id)).first():
                    return
            if time.monotonic() >= deadline:
                return
            time.sleep(0.1)
    finally:
        _WAITERS.release()


def get_tender(session: Session, tender_id: str, *, for_update: bool = False) -> Tender:
    """The tender or a 404."""
    stmt = select(Tender).where(Tender.id == tender_id)
    if for_update:
        stmt = stmt.with_for_update()
    tender = session.scalars(stmt).first()
    if tender is None:
        raise not_found()
    return tender


def owned_tender(session: Session, identity: Identity, tender_id: str) -> Tender:
    """The tender, locked for update, if the caller is its owner commissioner (else a 404)."""
    tender = get_tender(session, tender_id, for_update=True)
    if not viewer(identity, tender, load_panel(session, tender.id)).owner:
        raise not_found()
    return tender


def get_bid(session: Session, tender: Tender, bid_id: str) -> Bid:
    """A bid of this tender, or a 404 (bids of other tenders are not found here)."""
    bid = session.get(Bid, bid_id)
    if bid is None or bid.tender_id != tender.id:
        raise not_found("bid")
    return bid


def bids_of(session: Session, tender_id: str) -> list[Bid]:
    """The tender's opened bids in the order they were opened."""
    return list(session.scalars(select(Bid).where(Bid.tender_id == tender_id)
                                .order_by(Bid.position, Bid.id)))


def has_declared(session: Session, tender_id: str, user_id: str) -> bool:
    """True once the user has made a conflict-of-interest statement for the tender."""
    return session.scalars(select(ConflictStatement.id).where(
        ConflictStatement.tender_id == tender_id,
        ConflictStatement.user_id == user_id).limit(1)).first() is not None


def blocked_bids(session: Session, tender_id: str, user_id: str, bids: list[Bid]) -> set[str]:
    """Bids the user declared a conflict with, by bid id or by the bidder organisation."""
    rows = session.scalars(select(ConflictDeclaration).where(
        ConflictDeclaration.tender_id == tender_id, ConflictDeclaration.user_id == user_id,
        ConflictDeclaration.has_conflict.is_(True))).all()
    blocked: set[str] = set()
    for row in rows:
        for bid in bids:
            by_bid = bool(row.bid_id) and row.bid_id == bid.id
            if by_bid or (row.organisation and _same_org(row.organisation, bid)):
                blocked.add(bid.id)
    return blocked


def _same_org(named: str, bid: Bid) -> bool:
    wanted = named.strip().casefold()
    return wanted in {bid.organisation_id.casefold(),
                      (bid.organisation_name or "").strip().casefold()} and wanted != ""


def visible_bids(session: Session, tender: Tender, who: Viewer) -> list[Bid]:
    """Bids the caller may see in the evaluation: all for owner/auditor; panel after declaring."""
    bids = bids_of(session, tender.id)
    if who.owner or who.auditor:
        return bids
    uid = who.identity.user_id or ""
    if not has_declared(session, tender.id, uid):
        return []
    blocked = blocked_bids(session, tender.id, uid, bids)
    return [b for b in bids if b.id not in blocked]


def criteria_by_lot(tender: Tender) -> dict[str | None, list[str]]:
    """The quality criterion keys a bid is scored on, by its lot (key None: no lots)."""
    return {lot: [c.key for c in quality_criteria(tender.judged(lot))]
            for lot in [None, *tender.lot_keys]}
