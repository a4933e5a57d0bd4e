"""Reminders to the panel: scores still missing some hours after the bids opened for scoring
(sent as notification events to the gateway; moderation waiting is told by ``scores``)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.scoring.adapters.outbox import emit_notification
from services.scoring.adapters.tables.panel import PanelMember
from services.scoring.adapters.tables.tenders import EVALUATING, SCORED, Tender
from services.scoring.service_layer.access import bids_of, blocked_bids, criteria_by_lot
from services.scoring.service_layer.scores import current_scores
from services.scoring.service_layer.uow import unit_of_work
from shared.outbox import send_now

if TYPE_CHECKING:
    from services.scoring.context import Context


def missing_by_evaluator(session: Session, tender: Tender) -> dict[str, int]:
    """Per evaluator, how many (bid, criterion) items it may score and has not."""
    bids = bids_of(session, tender.id)
    keys = criteria_by_lot(tender)
    scores = current_scores(session, tender.id)
    evaluators = session.scalars(select(PanelMember.user_id).where(
        PanelMember.tender_id == tender.id, PanelMember.role == "evaluator")).all()
    missing = {}
    for user in sorted(set(evaluators)):
        blocked = blocked_bids(session, tender.id, user, bids)
        count = sum(1 for b in bids if b.id not in blocked for k in keys.get(b.lot_key, keys[None])
                    if user not in scores.get((b.id, k), {}))
        if count:
            missing[user] = count
    return missing


def remind_missing_scores(ctx: Context) -> int:
    """Each reminder offset once per evaluator with scores missing; how many were written."""
    from services.scoring.adapters import tables as models

    now = ctx.clock()
    jobs = []
    with unit_of_work(ctx) as session:
        tenders = session.scalars(select(Tender).where(
            Tender.status.in_((EVALUATING, SCORED)), Tender.assessed_at.is_not(None))).all()
        for tender in tenders:
            if tender.evaluation["mode"] != "panel":
                continue
            due = [h for h in ctx.score_reminder_hours
                   if tender.assessed_at + timedelta(hours=h) <= now]
            if not due:
                continue
            hours = max(due)  # the latest offset reached; earlier ones are superseded
            for user, count in missing_by_evaluator(session, tender).items():
                key = f"scores-missing-{tender.id}-{user}-{hours:g}h".replace(".", "_")
                jobs.append(emit_notification(session, tender, "ScoresMissing", key,
                                              {"user_ids": [user], "missing": count}))
    if jobs:
        send_now(ctx.session_factory, models.outbox, ctx.redis, jobs)
    return len(jobs)

