"""Contract performance: every step of a contract logged, each period rated from its validated
results (frozen inputs, hashes, replay), and the public performance document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.scoring.adapters import audit_events as events
from services.scoring.adapters.outbox import send_now
from services.scoring.adapters.tables.performance import ContractRecord, PerformanceRating
from services.scoring.adapters.tables.tenders import ProcessedEvent
from services.scoring.domain import performance as model
from services.scoring.service_layer.payments import note_decisions
from services.scoring.service_layer.replays import Replayable, replay
from services.scoring.service_layer.uow import unit_of_work
from shared.canonical import canonical_sha256
from shared.contracts import ContractEvent, load_payload
from shared.errors import NotFound
from shared.identity import Identity
from shared.ids import has_id_shape, new_id
from shared.time import as_utc, parse_rfc3339, rfc3339

if TYPE_CHECKING:
    from services.scoring.context import Context

RATING_PUBLISHED = "rating_published"
RATING_REPLAYED = "rating_replayed"
# Audit event type of each contract step (ResultDecided by its decision).
STEP_EVENTS = {"ContractCreated": "contract_created", "ContractChanged": "contract_changed",
               "ReportSubmitted": "report_submitted",
               "ReportReviewed": "report_reviewed", "DisputeReplied": "dispute_replied"}
DECISION_EVENTS = {"validated": "result_validated", "disputed": "result_disputed",
                   "rejected": "result_rejected"}
# Steps that change what scoring keeps of the contract, so the contract must be known first.
NEEDS_CONTRACT = ("ContractChanged", "ResultDecided")


class ContractNotYetRecorded(Exception):
    """A step of a contract whose ContractCreated has not arrived yet (it was relayed later
    than the step, e.g. a tender concluded by the sweeper and acted on at once): the job
    fails and rq retries it after the contract has been recorded, so no decision is lost."""


def rating_doc(row: PerformanceRating, current: bool) -> dict[str, Any]:
    """A published rating with its measures, reasons and hashes."""
    return {"id": row.id, "contract_id": row.contract_id, "period": row.period,
            "revision": row.revision, "current": current, "rating": row.rating,
            "measures": row.output["measures"], "reasons": row.output["reasons"],
            "model_version": row.model_version, "input_sha256": row.input_sha256,
            "output_sha256": row.output_sha256, "inputs": row.inputs,
            "rated_at": rfc3339(row.created_at)}


def _latest(session, contract_id: str, period: int) -> PerformanceRating | None:
    return session.scalars(select(PerformanceRating).where(
        PerformanceRating.contract_id == contract_id, PerformanceRating.period == period)
        .order_by(PerformanceRating.revision.desc())).first()


def _rate(session, event: dict[str, Any], when) -> PerformanceRating | None:
    """Rate the event's period from its validated results, unless nothing changed."""
    results = [{"metric_id": r.get("metric_id"), "value": str(r.get("value"))}
               for r in event["validated"]]
    inputs = {"contract": event["contract"], "period": event["period"], "results": results}
    inputs_sha = canonical_sha256(inputs)
    previous = _latest(session, event["contract_id"], event["period"])
    if (previous is None and not results) or (previous and previous.input_sha256 == inputs_sha):
        return None
    if previous is not None and as_utc(previous.created_at) > when:
        return None  # an older step delivered late (a retry): the newer rating stands
    output = model.rate_period(inputs)
    row = PerformanceRating(
        id=new_id("prt"), contract_id=event["contract_id"], tender_id=event["tender_id"],
        period=event["period"], revision=(previous.revision + 1) if previous else 1,
        model_version=model.PERFORMANCE_MODEL_VERSION, inputs=inputs, input_sha256=inputs_sha,
        output=output, output_sha256=canonical_sha256(output), rating=output["rating"],
        created_at=when)
    session.add(row)
    events.record(session, event_type=RATING_PUBLISHED, tender_id=row.tender_id,
                  object_type="performance_rating", object_id=row.id,
                  **events.system_actor(event.get("request_id")),
                  payload={"contract_id": row.contract_id, "period": row.period,
                           "revision": row.revision, "rating": row.rating,
                           "output": output, "output_sha256": row.output_sha256},
                  occurred_at=when, model_version=row.model_version, inputs_sha256=inputs_sha)
    return row


def record_contract_event(ctx: Context, payload: Any) -> bool:
    """Log one contract step once; a decision re-rates its period and, on a rate-carded
    contract, queues a payment run (``False``: duplicate)."""
    event = load_payload(ContractEvent, payload)
    when = parse_rfc3339(event["occurred_at"])
    payments_job = None
    try:
        with unit_of_work(ctx) as session:
            if session.get(ProcessedEvent, event["event_id"]) is not None:
                return False
            # Before anything is written: a step that must wait appends nothing to the log.
            record = session.get(ContractRecord, event["contract_id"])
            if record is None and event["event_type"] in NEEDS_CONTRACT:
                raise ContractNotYetRecorded(event["contract_id"])
            data = event["data"]
            event_type = (DECISION_EVENTS[data.get("verdict")]
                          if event["event_type"] == "ResultDecided"
                          else STEP_EVENTS[event["event_type"]])
            is_contract = event["event_type"] in ("ContractCreated", "ContractChanged")
            events.record(session, event_type=event_type, tender_id=event["tender_id"],
                          object_type="contract" if is_contract else "report",
                          object_id=event["contract_id"] if is_contract else data["report_id"],
                          actor_id=event["actor_id"], actor_role=event["actor_role"],
                          request_id=event.get("request_id"),
                          payload={"contract_id": event["contract_id"], **data},
                          occurred_at=when)
            if event["event_type"] == "ContractCreated" and record is None:
                session.add(ContractRecord(id=event["contract_id"], tender_id=event["tender_id"],
                                           doc={"id": event["contract_id"], **data},
                                           created_at=when))
            elif event["event_type"] == "ContractChanged":
                record.doc = {**record.doc, "metrics": data["metrics"],
                              "version": data["version"]}
            if event["event_type"] == "ResultDecided" and event["period"] is not None:
                _rate(session, event, when)
                payments_job = note_decisions(session, record, event)
            session.add(ProcessedEvent(event_id=event["event_id"], job="record_contract_event",
                                       processed_at=when))
    except IntegrityError:
        return False  # a concurrent delivery recorded it first
    if payments_job:
        send_now(ctx.session_factory, ctx.redis, payments_job)  # else the relay sends it
    return True


def get_performance(ctx: Context, contract_id: str) -> dict[str, Any]:
    """Every rating of a contract (the current one per period first), with the bands; 404 for
    what is not a contract id at all (a well-formed one not yet rated has no periods)."""
    if not has_id_shape(contract_id, "ctr"):
        raise NotFound("No such contract")
    with ctx.session_factory() as session:
        rows = list(session.scalars(select(PerformanceRating).where(
            PerformanceRating.contract_id == contract_id)
            .order_by(PerformanceRating.period, PerformanceRating.revision.desc())))
    current = {}
    for row in rows:
        current.setdefault(row.period, row.id)
    return {"contract_id": contract_id, "model_version": model.PERFORMANCE_MODEL_VERSION,
            "bands": {label: str(bound) for bound, label in model.BANDS},
            "periods": [rating_doc(r, True) for r in rows if current[r.period] == r.id],
            "history": [rating_doc(r, current[r.period] == r.id) for r in rows]}


def replay_rating(ctx: Context, identity: Identity, rating_id: str) -> dict[str, Any]:
    """Recompute a rating from its stored inputs; compare both hashes with the audit log."""
    return replay(ctx, identity, Replayable(
        table=PerformanceRating, name="rating", id_key="rating_id",
        object_type="performance_rating",
        logged=RATING_PUBLISHED, replayed=RATING_REPLAYED, compute=model.rate_period,
        model_version=model.PERFORMANCE_MODEL_VERSION), rating_id)

