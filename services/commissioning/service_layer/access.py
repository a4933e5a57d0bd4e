"""Who may see and change what: loading tenders for a caller, bid access facts, the one 404."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.commissioning.adapters.tables import Tender
from services.commissioning.domain.bids import TenderFacts, Viewer
from shared.errors import Forbidden, NotFound
from shared.identity import Identity


def viewer_of(identity: Identity) -> Viewer:
    """The domain's view of a caller."""
    return Viewer(user_id=identity.user_id, organisation_id=identity.organisation_id,
                  roles=tuple(identity.roles))


def facts_of(tender: Tender) -> TenderFacts:
    """The facts about a tender that decide bid access."""
    panel = tender.panel or {}
    members = set(panel.get("evaluators") or [])
    if panel.get("moderator"):
        members.add(panel["moderator"])
    # A tender cancelled before its bids were opened keeps them sealed for good.
    never_opened = tender.status == "cancelled" and tender.opened_at is None
    blocked = panel.get("blocked") or {}
    return TenderFacts(organisation_id=tender.organisation_id,
                       submission_deadline=None if never_opened else tender.submission_deadline,
                       panel_user_ids=frozenset(members),
                       panel_blocked={u: frozenset(b) for u, b in blocked.items()})


def can_see_tender(tender: Tender, identity: Identity) -> bool:
    """Drafts are visible only to commissioners of the owning organisation."""
    if tender.status != "draft":
        return True
    return identity.has_role("commissioner") and identity.organisation_id == tender.organisation_id


def is_owner(tender: Tender, identity: Identity) -> bool:
    """The owner: a commissioner of the tender's organisation."""
    return identity.has_role("commissioner") and identity.organisation_id == tender.organisation_id


def not_found(kind: str, id_: str) -> NotFound:
    """The one 404 for absent and invisible objects alike."""
    return NotFound(f"{kind} {id_} not found")


def load_tender(session: Session, tender_id: str, identity: Identity | None,
                lock: bool = False, shared: bool = False) -> Tender:
    """A tender the caller may see (404 otherwise); ``lock`` takes a row lock on PostgreSQL,
    ``shared`` a share lock: holders do not wait for each other, only for (and before) a
    writer of the tender such as the close."""
    stmt = select(Tender).where(Tender.id == tender_id)
    if lock or shared:
        stmt = stmt.with_for_update(read=shared)
    tender = session.scalars(stmt).first()
    if tender is None or (identity is not None and not can_see_tender(tender, identity)):
        raise not_found("tender", tender_id)
    return tender


def load_owned_tender(session: Session, tender_id: str, identity: Identity) -> Tender:
    """A tender the caller owns, locked (404 if invisible, 403 if visible but not theirs)."""
    tender = load_tender(session, tender_id, identity, lock=True)
    if not is_owner(tender, identity):
        raise Forbidden("Only the owner commissioner may do this")
    return tender
