"""Sealed-bid rules: the deadline by the server clock and who may read which bid when."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

SUBMITTED = "submitted"
WITHDRAWN = "withdrawn"

@dataclass(frozen=True)
class Viewer:
    """Who is looking, as far as bid access is concerned."""

    user_id: str | None
    organisation_id: str | None
    roles: tuple[str, ...]


@dataclass(frozen=True)
class TenderFacts:
    """The facts about a tender that decide bid access."""

    organisation_id: str
    submission_deadline: datetime | None
    panel_user_ids: frozenset[str]
    # Per member, the bids a declared conflict blocks: a declared conflict with a bidder
    # blocks that bid (docs/architecture.md, "Conflicts of interest").
    panel_blocked: Mapping[str, frozenset[str]] = field(default_factory=dict)


def is_open_for_bids(deadline: datetime | None, now: datetime) -> bool:
    """Bids are accepted only while ``now < submission_deadline``."""
    return deadline is not None and now < deadline


def is_sealed(tender: TenderFacts, now: datetime) -> bool:
    """True until the submission deadline has passed by the server clock."""
    return tender.submission_deadline is None or now < tender.submission_deadline


def is_owner(viewer: Viewer, tender: TenderFacts) -> bool:
    """The owner: a commissioner of the tender's organisation."""
    return "commissioner" in viewer.roles and viewer.organisation_id == tender.organisation_id


def opened_access(viewer: Viewer, tender: TenderFacts, now: datetime) -> str | None:
    """After the deadline: "full" (owner, auditor, admin), "no_price" (panel), else None."""
    if is_sealed(tender, now):
        return None
    if is_owner(viewer, tender) or "auditor" in viewer.roles or "admin" in viewer.roles:
        return "full"
    if viewer.user_id is not None and viewer.user_id in tender.panel_user_ids:
        return "no_price"
    return None


def panel_may_read(viewer: Viewer, tender: TenderFacts, bid_id: str) -> bool:
    """A panel member reads an opened bid, unless a declared conflict blocks it (docs/api.md).

    Declaring before scoring is enforced by scoring; here docs/api.md's "panel after the deadline"
    holds, so a member who has not declared yet still reads bids (without price).
    """
    return bid_id not in tender.panel_blocked.get(viewer.user_id or "", frozenset())


def bid_access(viewer: Viewer, tender: TenderFacts, bid_id: str, bid_org: str,
               bid_status: str, now: datetime) -> str | None:
    """How much of one bid the viewer may see: "full", "no_price" or None (looks absent)."""
    if viewer.organisation_id is not None and viewer.organisation_id == bid_org:
        return "full"
    if bid_status != SUBMITTED:
        return None  # withdrawn bids were never opened
    access = opened_access(viewer, tender, now)
    if access == "no_price" and not panel_may_read(viewer, tender, bid_id):
        return None
    return access


def needs_confirmation(bid_tender_version: int, tender_version: int, bid_status: str) -> bool:
    """A live bid made against an older tender version must be confirmed or amended."""
    return bid_status == SUBMITTED and bid_tender_version < tender_version
