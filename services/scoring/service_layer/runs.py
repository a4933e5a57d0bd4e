"""Scoring runs: frozen inputs at request time, computed by the worker, replayed by auditors."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.scoring.adapters import audit_events as events
from services.scoring.adapters.outbox import emit_result, queue_run, send_now
from services.scoring.adapters.tables.runs import (
    COMPLETED,
    FAILED,
    QUEUED,
    RUNNING,
    Replay,
    ScoringRun,
)
from services.scoring.adapters.tables.tenders import (
    AWARDED,
    CANCELLED,
    EVALUATING,
    SCORED,
    Bid,
    Tender,
)
from services.scoring.domain import (
    MODEL_VERSION,
    ScoringInputError,
    canonical_sha256,
    compute_scoring_run,
    needs_moderation,
    normalise_inputs,
    quality_criteria,
)
from services.scoring.service_layer.access import (
    bids_of,
    get_tender,
    load_panel,
    not_found,
    owned_tender,
    viewer,
)
from services.scoring.service_layer.audit_queries import recorded
from services.scoring.service_layer.award import is_decided
from services.scoring.service_layer.evaluation import assessments_by_bid
from services.scoring.service_layer.scores import current_moderations, current_scores
from services.scoring.service_layer.uow import unit_of_work
from shared.contracts import RunScoringRequested, load_payload
from shared.errors import Conflict, Forbidden, Invalid
from shared.identity import Identity
from shared.ids import new_id
from shared.time import rfc3339

if TYPE_CHECKING:
    from services.scoring.context import Context


def lot_bids(session: Session, tender: Tender, lot_key: str | None) -> list[Bid]:
    """The bids a run of this lot ranks (every bid on a tender without lots)."""
    return [b for b in bids_of(session, tender.id) if b.lot_key == lot_key]


def freeze_inputs(session: Session, tender: Tender, lot_key: str | None = None) -> dict[str, Any]:
    """Everything a run depends on, as it stands now (the scoring run's frozen inputs). A run of
    a lot ranks that lot's bids only, against the lot's criteria and price bounds."""
    bids = lot_bids(session, tender, lot_key)
    ids = {b.id for b in bids}
    panel_mode = tender.evaluation["mode"] == "panel"
    panel_scores: dict[str, dict[str, list[dict[str, Any]]]] = {}
    moderation: dict[str, dict[str, int]] = {}
    if panel_mode:
        for (bid_id, key), by_evaluator in current_scores(session, tender.id).items():
            if bid_id not in ids:
                continue
            panel_scores.setdefault(bid_id, {})[key] = [
                {"evaluator_id": e, "score": by_evaluator[e].score} for e in sorted(by_evaluator)]
        for (bid_id, key), row in current_moderations(session, tender.id).items():
            if bid_id not in ids:
                continue
            scores = [s["score"] for s in panel_scores.get(bid_id, {}).get(key, [])]
            # A consensus settles a divergence; if the scores since changed and no longer
            # diverge, the median of the current scores applies instead.
            if needs_moderation(scores):
                moderation.setdefault(bid_id, {})[key] = row.score
    assessments = assessments_by_bid(session, tender)
    return {
        # a tender without lots keeps its inputs exactly as before (replays match bit for bit)
        "tender": tender.snapshot if lot_key is None else tender.judged(lot_key),
        "bids": [{"bid_id": b.id, "organisation_id": b.organisation_id,
                  "content_sha256": b.content_sha256, "price": b.content.get("price")}
                 for b in bids],
        "assessments": {k: v for k, v in assessments.items() if k in ids},
        "panel_scores": panel_scores,
        "moderation": moderation,
    }


def _missing_scores(session: Session, tender: Tender,
                    lot_key: str | None) -> list[dict[str, Any]]:
    required = int(tender.evaluation["min_evaluators"])
    scores = current_scores(session, tender.id)
    keys = [c.key for c in quality_criteria(tender.judged(lot_key))]
    return [{"bid_id": b.id, "criterion_key": key,
             "scored": len(scores.get((b.id, key), {})), "required": required}
            for b in lot_bids(session, tender, lot_key) for key in keys
            if len(scores.get((b.id, key), {})) < required]


def _check_lot(tender: Tender, lot_key: str | None) -> None:
    """A run names a lot of the tender exactly when the tender has lots (422 naming lot_key)."""
    lots = tender.lot_keys
    if lots and lot_key is None:
        raise Invalid({"lot_key": ["This tender has lots: name the lot to score (one of "
                                   + ", ".join(lots) + ")."]})
    if lot_key is not None and lot_key not in lots:
        raise Invalid({"lot_key": ["This tender has no lots." if not lots else
                                   "Not a lot of this tender (one of " + ", ".join(lots) + ")."]})


def request_run(ctx: Context, identity: Identity, tender_id: str,
                lot_key: str | None = None) -> dict[str, Any]:
    """Freeze inputs and queue a run of the tender or of one lot (owner commissioner); the job
    is sent after the commit."""
    doc, job_id = _queue_run(ctx, identity, tender_id, lot_key)
    if job_id:
        send_now(ctx.session_factory, ctx.redis, job_id)  # Redis trouble: the relay sends it
    return doc


def _queue_run(ctx: Context, identity: Identity, tender_id: str,
               lot_key: str | None) -> tuple[dict[str, Any], str | None]:
    with unit_of_work(ctx) as session:
        tender = owned_tender(session, identity, tender_id)
        if tender.status not in (EVALUATING, SCORED):
            detail = ("bids have not been opened and assessed yet"
                      if tender.status not in (AWARDED, CANCELLED) else f"it is {tender.status}")
            raise Conflict(f"The tender cannot be scored: {detail}.")
        _check_lot(tender, lot_key)
        if is_decided(session, tender.id, lot_key):
            raise Conflict(f"Lot {lot_key} has already been decided." if lot_key
                           else "This tender has already been awarded.")
        if tender.evaluation["mode"] == "panel":
            missing = _missing_scores(session, tender, lot_key)
            if missing:
                names = ", ".join(f"{m['bid_id']}/{m['criterion_key']} "
                                  f"({m['scored']} of {m['required']})" for m in missing[:10])
                raise Conflict(f"Panel scoring is incomplete: {names}"
                               + (" …" if len(missing) > 10 else ""), missing=missing)
        inputs = freeze_inputs(session, tender, lot_key)
        try:
            input_sha = canonical_sha256(normalise_inputs(inputs))
        except ScoringInputError as exc:
            raise Conflict(f"The tender cannot be scored: {exc}") from exc
        in_flight = session.scalars(select(ScoringRun).where(
            ScoringRun.tender_id == tender.id, ScoringRun.lot_key == lot_key,
            ScoringRun.input_sha256 == input_sha,
            ScoringRun.status.in_((QUEUED, RUNNING)))).first()
        if in_flight is not None:  # a double click: same inputs, same pending run
            return run_document(in_flight), None
        run = ScoringRun(id=new_id("run"), tender_id=tender.id, lot_key=lot_key, status=QUEUED,
                         mode=tender.evaluation["mode"], model_version=MODEL_VERSION,
                         inputs=inputs, input_sha256=input_sha, requested_by=identity.user_id,
                         request_id=identity.request_id, created_at=ctx.clock())
        session.add(run)
        session.flush()
        job_id = queue_run(session, run.id, tender.id)
        events.record(session, event_type=events.SCORING_RUN_REQUESTED, tender_id=tender.id,
                      object_type="scoring_run", object_id=run.id,
                      **events.actor_of(identity, "commissioner"),
                      payload={"run_id": run.id, "mode": run.mode,
                               **({"lot_key": lot_key} if lot_key else {})},
                      occurred_at=run.created_at,
                      model_version=MODEL_VERSION, inputs_sha256=input_sha)
        doc = run_document(run)
    return doc, job_id


def execute_run(ctx: Context, payload: dict[str, Any]) -> bool:
    """The ``run_scoring`` job: compute a queued run; False if it already finished."""
    data = load_payload(RunScoringRequested, payload)
    with unit_of_work(ctx) as session:
        run = _locked_run(session, data["run_id"])
        if run.status in (COMPLETED, FAILED):
            return False
        run.status, run.started_at = RUNNING, run.started_at or ctx.clock()
    with unit_of_work(ctx) as session:
        run = _locked_run(session, data["run_id"])
        if run.status in (COMPLETED, FAILED):
            return False
        try:
            # The version the run was requested under (and logged with) stamps its output.
            result = compute_scoring_run(run.inputs, run.model_version)
        except Exception as exc:  # a pure function of stored inputs: retrying cannot help
            error = str(exc) if isinstance(exc, ScoringInputError) else repr(exc)
            run.status, run.error, run.completed_at = FAILED, error[:2000], ctx.clock()
            events.record(session, event_type=events.SCORING_RUN_FAILED, tender_id=run.tender_id,
                          object_type="scoring_run", object_id=run.id, **events.system_actor(),
                          payload={"run_id": run.id, "error": run.error},
                          occurred_at=run.completed_at,
                          model_version=run.model_version, inputs_sha256=run.input_sha256)
            return True
        _complete(session, run, result, ctx.clock())
    return True


def _locked_run(session: Session, run_id: str) -> ScoringRun:
    run = session.scalars(select(ScoringRun).where(ScoringRun.id == run_id)
                          .with_for_update()).first()
    if run is None:
        raise ValueError(f"no scoring run {run_id}")
    return run


def _complete(session: Session, run: ScoringRun, result: dict[str, Any],
              now: datetime) -> None:
    run.output, run.output_sha256 = result, result["output_sha256"]
    run.model_version = result["model_version"]
    run.status, run.completed_at = COMPLETED, now
    tender = session.get(Tender, run.tender_id)
    if tender is not None and tender.status == EVALUATING:
        tender.status = SCORED
    compact = [{k: r[k] for k in ("bid_id", "rank", "total", "quality", "price_points", "passed")}
               for r in result["ranking"]]
    lot = {"lot_key": run.lot_key} if run.lot_key else {}
    events.record(session, event_type=events.SCORING_RUN_COMPLETED, tender_id=run.tender_id,
                  object_type="scoring_run", object_id=run.id, **events.system_actor(),
                  payload={"run_id": run.id, "output_sha256": run.output_sha256,
                           "ranking": compact, **lot}, occurred_at=now,
                  model_version=run.model_version, inputs_sha256=run.input_sha256)
    emit_result(session, event_type="ScoringRunCompleted", tender_id=run.tender_id,
                event_id=f"ScoringRunCompleted-{run.id}",
                data={"run_id": run.id, "output_sha256": run.output_sha256, "ranking": compact,
                      **lot})


def run_document(run: ScoringRun) -> dict[str, Any]:
    """``GET /scoring-runs/{id}``."""
    output = run.output or {}
    return {"run_id": run.id, "tender_id": run.tender_id, "lot_key": run.lot_key,
            "status": run.status,
            "mode": run.mode, "model_version": run.model_version,
            "input_sha256": run.input_sha256, "output_sha256": run.output_sha256,
            "created_at": rfc3339(run.created_at), "started_at": rfc3339(run.started_at),
            "completed_at": rfc3339(run.completed_at), "error": run.error,
            "price_formula": output.get("price_formula"),
            "lowest_compliant_price": output.get("lowest_compliant_price"),
            "tie_break_order": output.get("tie_break_order"),
            "ranking": output.get("ranking", [])}


def _visible_run(session: Session, identity: Identity, run_id: str) -> ScoringRun:
    run = session.get(ScoringRun, run_id)
    if run is None:
        raise not_found("scoring run")
    tender = get_tender(session, run.tender_id)
    who = viewer(identity, tender, load_panel(session, tender.id))
    if not (who.owner or who.auditor):
        raise not_found("scoring run")
    return run


def get_run(ctx: Context, identity: Identity, run_id: str) -> dict[str, Any]:
    """A run for its tender's owner or an auditor."""
    with ctx.session_factory() as session:
        return run_document(_visible_run(session, identity, run_id))


def _logged_hashes(session: Session, run: ScoringRun) -> tuple[str | None, str | None]:
    """The run's input hash (``scoring_run_requested``) and output hash
    (``scoring_run_completed``) as the audit log recorded them."""
    requested = recorded(session, events.SCORING_RUN_REQUESTED, run.id)
    completed = recorded(session, events.SCORING_RUN_COMPLETED, run.id)
    if requested is None or completed is None:
        raise Conflict("The audit log holds no complete record of this run.")
    return requested[0].get("inputs_sha256"), (completed[1] or {}).get("output_sha256")


def replay(ctx: Context, identity: Identity, run_id: str) -> dict[str, Any]:
    """Recompute a completed run from its stored inputs and compare output hashes (auditor)."""
    with unit_of_work(ctx) as session:
        run = _visible_run(session, identity, run_id)
        if not identity.has_role("auditor"):
            raise Forbidden("Requires role: auditor")
        if run.status != COMPLETED:
            raise Conflict(f"The run is {run.status}; only completed runs can be replayed.")
        logged_inputs, logged_output = _logged_hashes(session, run)
        # Replay scores the assessments stored in the run's inputs under the run's own model
        # version: nothing is re-classified, so a run from an older model replays bit for bit.
        try:
            result = compute_scoring_run(run.inputs, run.model_version)
        except ScoringInputError as exc:
            raise Conflict(f"The run cannot be replayed: {exc}") from exc
        # The tamper-evident log, not the mutable runs table, says what the run was: the
        # stored inputs must hash to the logged input hash, the output to the logged output.
        row = Replay(id=new_id("rpl"), run_id=run.id, model_version=result["model_version"],
                     output_sha256=result["output_sha256"],
                     matches=(result["output_sha256"] == logged_output
                              and result["input_sha256"] == logged_inputs),
                     actor_id=identity.user_id, created_at=ctx.clock())
        session.add(row)
        doc = {"run_id": run.id, "matches": row.matches, "output_sha256": row.output_sha256,
               "original_output_sha256": logged_output,
               "input_sha256": result["input_sha256"],
               "original_input_sha256": logged_inputs,
               "model_version": row.model_version, "original_model_version": run.model_version,
               "compared_with": "audit log", "replayed_at": rfc3339(row.created_at)}
        events.record(session, event_type=events.SCORING_RUN_REPLAYED, tender_id=run.tender_id,
                      object_type="scoring_run", object_id=run.id,
                      **events.actor_of(identity, "auditor"), payload=doc,
                      occurred_at=row.created_at, model_version=row.model_version,
                      inputs_sha256=run.input_sha256)
    return doc
