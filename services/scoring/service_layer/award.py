"""Award of a tender from its latest completed scoring run, and the standstill clock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.scoring.adapters import audit_events as events
from services.scoring.adapters.outbox import emit_result
from services.scoring.adapters.tables.runs import COMPLETED, QUEUED, RUNNING, Award, ScoringRun
from services.scoring.adapters.tables.tenders import AWARDED, SCORED, Tender
from services.scoring.domain.standstill import add_working_days
from services.scoring.service_layer.access import get_tender, load_panel, not_found, viewer
from services.scoring.service_layer.uow import unit_of_work
from shared.errors import Conflict, Invalid
from shared.identity import Identity
from shared.time import rfc3339

if TYPE_CHECKING:
    from services.scoring.context import Context


def latest_completed_run(session: Session, tender_id: str) -> ScoringRun | None:
    """The tender's most recent completed run (the one an award rests on)."""
    return session.scalars(select(ScoringRun).where(
        ScoringRun.tender_id == tender_id, ScoringRun.status == COMPLETED)
        .order_by(ScoringRun.completed_at.desc(), ScoringRun.created_at.desc())).first()


def award_document(award: Award) -> dict[str, Any]:
    """The API shape of an award."""
    return {"tender_id": award.tender_id, "bid_id": award.bid_id, "run_id": award.run_id,
            "awarded_at": rfc3339(award.awarded_at),
            "standstill_ends_at": rfc3339(award.standstill_ends_at),
            "justification": award.justification}


def standstill_days(tender: Tender, sandbox: bool) -> int:
    """Working days of standstill for this tender (0 in the sandbox)."""
    return 0 if sandbox else int(tender.evaluation.get("standstill_working_days") or 0)


def award(ctx: Context, identity: Identity, tender_id: str,
          body: dict[str, Any]) -> dict[str, Any]:
    """Award a passing bid of the latest completed run (owner commissioner)."""
    try:
        with unit_of_work(ctx) as session:
            tender = get_tender(session, tender_id, for_update=True)
            if not viewer(identity, tender, load_panel(session, tender.id)).owner:
                raise not_found()
            if tender.status == AWARDED or session.get(Award, tender.id) is not None:
                raise Conflict("This tender has already been awarded.")
            run = latest_completed_run(session, tender.id)
            if tender.status != SCORED or run is None:
                raise Conflict(f"The tender is {tender.status}; it needs a "
                               "completed scoring run before award.")
            pending = session.scalars(select(ScoringRun.id).where(
                ScoringRun.tender_id == tender.id, ScoringRun.status.in_((QUEUED, RUNNING)),
                ScoringRun.created_at > run.created_at).limit(1)).first()
            if pending:  # the commissioner asked for a newer result: award on that, not this
                raise Conflict(f"Scoring run {pending} is still in progress; "
                               "award once it completes.")
            ranking = run.output["ranking"]
            entry = next((r for r in ranking if r["bid_id"] == body["bid_id"]), None)
            if entry is None:
                raise Invalid({"bid_id": [
                    f"Not a bid ranked in the latest scoring run {run.id}."]})
            if not entry["passed"]:
                raise Conflict("This bid failed the tender's thresholds and can "
                               "never be awarded: " + "; ".join(entry.get("failures") or []))
            justification = (body.get("justification") or "").strip() or None
            top = next((r for r in ranking if r["passed"]), None)
            if top is not None and top["bid_id"] != entry["bid_id"] and not justification:
                raise Invalid({"justification": [
                    f"Required to award a bid ranked {entry['rank']} rather than the "
                    f"top-ranked bid {top['bid_id']}."]})
            now = ctx.clock()
            row = Award(tender_id=tender.id, bid_id=entry["bid_id"], run_id=run.id,
                        justification=justification, awarded_by=identity.user_id,
                        awarded_at=now, standstill_ends_at=add_working_days(
                            now, standstill_days(tender, ctx.sandbox)))
            session.add(row)
            tender.status = AWARDED
            session.flush()
            doc = award_document(row)
            events.record(session, event_type=events.BID_AWARDED, tender_id=tender.id,
                          object_type="bid", object_id=row.bid_id,
                          **events.actor_of(identity, "commissioner"),
                          payload={**doc, "rank": entry["rank"],
                                   "run_output_sha256": run.output_sha256},
                          occurred_at=now, model_version=run.model_version,
                          inputs_sha256=run.input_sha256, score=entry["total"])
            emit_result(session, event_type="BidAwarded", tender_id=tender.id,
                        event_id=f"BidAwarded-{run.id}",
                        data={k: doc[k] for k in ("bid_id", "run_id", "justification",
                                                  "awarded_at", "standstill_ends_at")})
    except IntegrityError as exc:
        raise Conflict("This tender has already been awarded.") from exc
    return doc
