"""Individual panel scores and moderation: append-only, independent, price-blind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.scoring.adapters import audit_events as events
from services.scoring.adapters.outbox import emit_notification
from services.scoring.adapters.tables.panel import Moderation, PanelMember, Score
from services.scoring.adapters.tables.tenders import EVALUATING, SCORED, Tender
from services.scoring.domain.criteria import quality_criteria
from services.scoring.domain.moderation import needs_moderation
from services.scoring.service_layer.access import (
    Viewer,
    bids_of,
    blocked_bids,
    get_bid,
    get_tender,
    has_declared,
    load_panel,
    not_found,
    viewer,
    visible_bids,
)
from services.scoring.service_layer.uow import unit_of_work
from shared.errors import Conflict, Forbidden, Invalid
from shared.identity import Identity
from shared.ids import new_id
from shared.time import rfc3339

if TYPE_CHECKING:
    from services.scoring.context import Context

Key = tuple[str, str]  # (bid_id, criterion_key)


def current_scores(session: Session, tender_id: str) -> dict[Key, dict[str, Score]]:
    """Each evaluator's latest score per bid and criterion (earlier revisions stay stored)."""
    latest: dict[Key, dict[str, Score]] = {}
    for row in session.scalars(select(Score).where(Score.tender_id == tender_id)
                               .order_by(Score.revision)):
        latest.setdefault((row.bid_id, row.criterion_key), {})[row.evaluator_id] = row
    return latest


def current_moderations(session: Session, tender_id: str) -> dict[Key, Moderation]:
    """The latest consensus per bid and criterion."""
    latest: dict[Key, Moderation] = {}
    for row in session.scalars(select(Moderation).where(Moderation.tender_id == tender_id)
                               .order_by(Moderation.revision)):
        latest[(row.bid_id, row.criterion_key)] = row
    return latest


def score_values(by_evaluator: dict[str, Score]) -> list[int]:
    """Scores ordered by evaluator id, so the same state always gives the same list."""
    return [by_evaluator[e].score for e in sorted(by_evaluator)]


def score_document(row: Score) -> dict[str, Any]:
    """The API shape of one individual score."""
    return {"id": row.id, "tender_id": row.tender_id, "bid_id": row.bid_id,
            "criterion_key": row.criterion_key, "evaluator_id": row.evaluator_id,
            "score": row.score, "justification": row.justification, "reason": row.reason,
            "revision": row.revision, "supersedes": row.supersedes_id,
            "created_at": rfc3339(row.created_at)}


def moderation_document(row: Moderation) -> dict[str, Any]:
    """The API shape of one moderation."""
    return {"id": row.id, "tender_id": row.tender_id, "bid_id": row.bid_id,
            "criterion_key": row.criterion_key, "moderator_id": row.moderator_id,
            "score": row.score, "rationale": row.rationale, "scores": row.individual_scores,
            "revision": row.revision, "supersedes": row.supersedes_id,
            "created_at": rfc3339(row.created_at)}


def _scoring_context(session: Session, identity: Identity, tender_id: str, bid_id: str,
                     criterion_key: str, *, moderating: bool) -> tuple[Tender, Viewer]:
    """Checks shared by scoring and moderation, most private first."""
    tender = get_tender(session, tender_id)
    panel = load_panel(session, tender.id)
    who = viewer(identity, tender, panel)
    if not (who.moderator if moderating else who.evaluator):
        raise not_found()
    bid = get_bid(session, tender, bid_id)
    if tender.evaluation["mode"] == "automatic":
        raise Conflict("This tender is scored automatically; the indicative scores are final.")
    if not has_declared(session, tender.id, identity.user_id):
        raise Forbidden("Declare your conflicts of interest for this tender before scoring.")
    if bid_id in blocked_bids(session, tender.id, identity.user_id, bids_of(session, tender.id)):
        raise Forbidden("You declared a conflict of interest with this bid.")
    if tender.status not in (EVALUATING, SCORED):
        raise Conflict(f"The tender is {tender.status}; scores are accepted "
                       "only while it is being evaluated.")
    keys = [c.key for c in quality_criteria(tender.judged(bid.lot_key))]
    if criterion_key not in keys:
        raise Invalid({"criterion_key": [
            f"Must be a quality criterion of this tender: {', '.join(keys)}."]})
    return tender, who


def submit_score(ctx: Context, identity: Identity, tender_id: str, bid_id: str,
                 body: dict[str, Any]) -> dict[str, Any]:
    """Record an evaluator's score; a change is a new revision with a reason."""
    try:
        with unit_of_work(ctx) as session:
            tender, _ = _scoring_context(session, identity, tender_id, bid_id,
                                         body["criterion_key"], moderating=False)
            previous = session.scalars(select(Score).where(
                Score.bid_id == bid_id, Score.criterion_key == body["criterion_key"],
                Score.evaluator_id == identity.user_id).order_by(Score.revision.desc())
            ).first()
            reason = (body.get("reason") or "").strip() or None
            if previous is not None and reason is None:
                # The public body (docs/api.md) has no `reason`: the new justification says why.
                reason = body["justification"].strip()
            row = Score(id=new_id("scr"), tender_id=tender.id, bid_id=bid_id,
                        criterion_key=body["criterion_key"], evaluator_id=identity.user_id,
                        score=body["score"], justification=body["justification"].strip(),
                        reason=reason, revision=(previous.revision + 1) if previous else 1,
                        supersedes_id=previous.id if previous else None,
                        created_at=ctx.clock())
            session.add(row)
            session.flush()
            result = score_document(row)
            latest = current_scores(session, tender.id).get((bid_id, body["criterion_key"]), {})
            if needs_moderation(score_values(latest)):
                _moderation_waiting(session, tender)
            events.record(session, event_type=events.SCORE_RECORDED, tender_id=tender.id,
                          object_type="score", object_id=row.id,
                          **events.actor_of(identity, "evaluator"),
                          payload={k: result[k] for k in ("bid_id", "criterion_key", "score",
                                                          "justification", "reason",
                                                          "revision", "supersedes")},
                          score=row.score, evaluator_id=identity.user_id,
                          occurred_at=row.created_at)
    except IntegrityError as exc:
        raise Conflict("This score changed concurrently; reload and retry.") from exc
    return result


def _moderation_waiting(session: Session, tender: Tender) -> None:
    """Tell the moderator, once per tender, that scores diverge and wait for it."""
    moderators = session.scalars(select(PanelMember.user_id).where(
        PanelMember.tender_id == tender.id, PanelMember.role == "moderator")).all()
    if moderators:
        emit_notification(session, tender, "ModerationWaiting", f"moderation-{tender.id}",
                          {"user_ids": list(moderators)})


def moderate(ctx: Context, identity: Identity, tender_id: str, bid_id: str,
             body: dict[str, Any]) -> dict[str, Any]:
    """Record the moderator's consensus where individual scores diverge by 2 or more."""
    key = body["criterion_key"]
    try:
        with unit_of_work(ctx) as session:
            tender, _ = _scoring_context(session, identity, tender_id, bid_id, key,
                                         moderating=True)
            scores = score_values(current_scores(session, tender.id).get((bid_id, key), {}))
            if not needs_moderation(scores):
                raise Conflict(f"Scores for {key} on this bid do not diverge by "
                               f"2 or more ({scores}); no moderation needed.")
            previous = current_moderations(session, tender.id).get((bid_id, key))
            row = Moderation(id=new_id("mod"), tender_id=tender.id, bid_id=bid_id,
                             criterion_key=key, moderator_id=identity.user_id,
                             score=body["score"], rationale=body["rationale"].strip(),
                             individual_scores=sorted(scores, reverse=True),
                             revision=(previous.revision + 1) if previous else 1,
                             supersedes_id=previous.id if previous else None,
                             created_at=ctx.clock())
            session.add(row)
            session.flush()
            result = moderation_document(row)
            events.record(session, event_type=events.SCORE_MODERATED, tender_id=tender.id,
                          object_type="moderation", object_id=row.id,
                          **events.actor_of(identity, "moderator"),
                          payload={k: result[k] for k in ("bid_id", "criterion_key", "score",
                                                          "rationale", "scores", "revision",
                                                          "supersedes")},
                          score=row.score, occurred_at=row.created_at)
    except IntegrityError as exc:
        raise Conflict("This moderation changed concurrently; retry.") from exc
    return result


def list_scores(ctx: Context, identity: Identity, tender_id: str,
                bid_id: str) -> dict[str, Any]:
    """Every score revision and moderation of a bid, as far as the caller may see them.

    Owner and auditors see all; a panel member sees its own scores, and others' only on the
    criteria it has already scored itself (independent scoring).
    """
    with ctx.session_factory() as session:
        tender = get_tender(session, tender_id)
        who = viewer(identity, tender, load_panel(session, tender.id))
        bid = get_bid(session, tender, bid_id) if who.any else None
        if bid is None or bid not in visible_bids(session, tender, who):
            raise not_found("bid")
        rows = list(session.scalars(select(Score).where(
            Score.tender_id == tender.id, Score.bid_id == bid.id)
            .order_by(Score.criterion_key, Score.evaluator_id, Score.revision)))
        mods = list(session.scalars(select(Moderation).where(
            Moderation.tender_id == tender.id, Moderation.bid_id == bid.id)
            .order_by(Moderation.criterion_key, Moderation.revision)))
        if who.panel:
            mine = {r.criterion_key for r in rows if r.evaluator_id == identity.user_id}
            rows = [r for r in rows if r.evaluator_id == identity.user_id
                    or r.criterion_key in mine]
            mods = [m for m in mods if m.criterion_key in mine or who.moderator]
        return {"items": [score_document(r) for r in rows],
                "moderation": [moderation_document(m) for m in mods]}
