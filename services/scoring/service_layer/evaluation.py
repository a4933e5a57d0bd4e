"""The evaluation document: progress, automated assessments and divergences, per viewer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.scoring.adapters.tables.panel import ConflictStatement
from services.scoring.adapters.tables.tenders import Assessment, Bid, Tender
from services.scoring.domain.moderation import needs_moderation
from services.scoring.service_layer.access import (
    Panel,
    Viewer,
    bids_of,
    criteria_by_lot,
    get_tender,
    has_declared,
    load_panel,
    not_found,
    viewer,
    visible_bids,
)
from services.scoring.service_layer.scores import (
    current_moderations,
    current_scores,
    moderation_document,
    score_values,
)
from shared.identity import Identity

if TYPE_CHECKING:
    from services.scoring.context import Context


def price_blind(assessment: dict[str, Any]) -> dict[str, Any]:
    """The assessment without anything that reveals price (evaluators never see it)."""
    clean = dict(assessment)
    clean["gates"] = [g for g in assessment.get("gates", []) if "price" not in g.get("name", "")]
    clean["flags"] = [f for f in assessment.get("flags", []) if "price" not in f.get("name", "")]
    clean["indicative_scores"] = {k: v for k, v in assessment.get("indicative_scores", {}).items()
                                  if k.upper() != "PRICE"}
    return clean


def assessments_by_bid(session: Session, tender: Tender) -> dict[str, dict[str, Any]]:
    """Each bid's automated assessment against the tender's snapshot."""
    rows = session.scalars(select(Assessment).where(
        Assessment.tender_id == tender.id, Assessment.snapshot_sha256 == tender.snapshot_sha256))
    return {row.bid_id: row.result for row in rows}


def evaluation_document(ctx: Context, identity: Identity, tender_id: str) -> dict[str, Any]:
    """``GET /tenders/{id}/evaluation`` for the owner, an auditor or a panel member."""
    with ctx.session_factory() as session:
        tender = get_tender(session, tender_id)
        panel = load_panel(session, tender.id)
        who = viewer(identity, tender, panel)
        if not who.any:
            raise not_found()
        bids = visible_bids(session, tender, who)
        assessments = assessments_by_bid(session, tender)
        declared = has_declared(session, tender.id, identity.user_id or "")
        doc: dict[str, Any] = {
            "tender_id": tender.id, "status": tender.status,
            "mode": tender.evaluation["mode"],
            "bids": [_bid_entry(b, assessments.get(b.id), who) for b in bids],
            "panel": _panel_section(session, tender, panel, who),
            "divergences": _divergences(session, tender, {b.id for b in bids}, who),
        }
        if who.panel:
            doc["conflicts_declared"] = declared
            # Bidders are named (never their bids) so members can declare conflicts first.
            doc["bidders"] = [] if declared else _bidders(bids_of(session, tender.id))
            doc["my_scores"] = _my_scores(session, tender, identity.user_id or "")
    return doc


def _bid_entry(bid: Bid, assessment: dict[str, Any] | None, who: Viewer) -> dict[str, Any]:
    entry: dict[str, Any] = {"bid_id": bid.id,
                             "assessment": price_blind(assessment or {}) if who.panel
                             else assessment}
    if bid.lot_key is not None:
        entry["lot_key"] = bid.lot_key
    if not who.panel:
        entry["organisation_id"] = bid.organisation_id
        entry["organisation_name"] = bid.organisation_name
    return entry


def _bidders(bids: list[Bid]) -> list[dict[str, Any]]:
    return [{"organisation_id": b.organisation_id, "organisation_name": b.organisation_name}
            for b in sorted(bids, key=lambda b: (b.organisation_name or "", b.organisation_id))]


def _panel_section(session: Session, tender: Tender, panel: Panel,
                   who: Viewer) -> dict[str, Any]:
    evaluation = tender.evaluation
    declared = set(session.scalars(select(ConflictStatement.user_id).where(
        ConflictStatement.tender_id == tender.id)))
    scores = current_scores(session, tender.id)
    criteria = criteria_by_lot(tender)
    progress = [{"bid_id": b.id, "criterion_key": key,
                 "scored": len(scores.get((b.id, key), {})),
                 "required": int(evaluation["min_evaluators"])}
                for b in visible_bids(session, tender, who)
                for key in criteria.get(b.lot_key, criteria[None])]
    required = int(evaluation["min_evaluators"])
    return {
        "mode": evaluation["mode"],
        "min_evaluators": required,
        "require_lived_experience": bool(evaluation["require_lived_experience"]),
        "evaluators": [{"user_id": u, "lived_experience": lx, "conflicts_declared": u in declared}
                       for u, lx in panel.evaluators.items()],
        "moderator": ({"user_id": panel.moderator,
                       "lived_experience": panel.moderator_lived_experience,
                       "conflicts_declared": panel.moderator in declared}
                      if panel.moderator else None),
        "progress": progress,
        "complete": bool(progress) and all(p["scored"] >= required for p in progress),
    }


def _divergences(session: Session, tender: Tender, visible: set[str],
                 who: Viewer) -> list[dict[str, Any]]:
    """Diverging scores; an evaluator sees a divergence only once it has scored that item."""
    scores = current_scores(session, tender.id)
    moderations = current_moderations(session, tender.id)
    uid = who.identity.user_id
    found = []
    for (bid_id, key), by_evaluator in sorted(scores.items()):
        if bid_id not in visible:
            continue
        values = score_values(by_evaluator)
        if not needs_moderation(values):
            continue
        if who.panel and not who.moderator and uid not in by_evaluator:
            continue  # others' scores stay hidden until this evaluator has submitted its own
        moderation = moderations.get((bid_id, key))
        found.append({"bid_id": bid_id, "criterion_key": key,
                      "scores": sorted(values, reverse=True),  # anonymous: not in evaluator order
                      "moderated": moderation is not None,
                      "moderation": moderation_document(moderation) if moderation else None})
    return found


def _my_scores(session: Session, tender: Tender, user_id: str) -> list[dict[str, Any]]:
    scores = current_scores(session, tender.id)
    mine = []
    for (bid_id, key), by_evaluator in sorted(scores.items()):
        row = by_evaluator.get(user_id)
        if row is not None:
            mine.append({"bid_id": bid_id, "criterion_key": key, "score": row.score,
                         "justification": row.justification, "revision": row.revision,
                         # submitted, so the rest of the panel's scores may now be seen
                         "panel_scores": score_values(by_evaluator)})
    return mine
