"""Outcome payments: each decision on a rate-carded contract queues a payment run; a run
recomputes the contract's payments from frozen inputs (hashes, revisions, the audit log,
replay), and the public payments document (docs/scoring.md, "18. Outcome payments")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.scoring.adapters import audit_events as events
from services.scoring.adapters.outbox import queue_payments
from services.scoring.adapters.tables.payments import PaymentRun
from services.scoring.adapters.tables.performance import ContractRecord
from services.scoring.domain import payments as model
from services.scoring.service_layer.replays import Replayable, replay
from services.scoring.service_layer.uow import unit_of_work
from shared.canonical import canonical_sha256
from shared.contracts import RunPaymentsRequested, load_payload
from shared.errors import NotFound
from shared.faults import pause_point
from shared.identity import Identity
from shared.ids import new_id
from shared.time import parse_rfc3339, rfc3339

if TYPE_CHECKING:
    from services.scoring.context import Context

PAYMENTS_CALCULATED = "payments_calculated"
PAYMENTS_REPLAYED = "payments_replayed"


def note_decisions(session: Session, record: ContractRecord | None,
                   event: dict[str, Any]) -> str | None:
    """Keep the period's decided reports on the contract; queue a payment run when the
    contract has a rate card (its job id, to send after the commit)."""
    if record is None or event["period"] is None or event["decisions"] is None:
        return None
    period = str(event["period"])
    as_of = dict(record.doc.get("decisions_as_of") or {})
    if period in as_of and parse_rfc3339(as_of[period]) > parse_rfc3339(event["occurred_at"]):
        return None  # an older step delivered late (a retry): the newer decisions stand
    decided = dict(record.doc.get("decisions") or {})
    decided[period] = [
        {k: d.get(k) for k in ("metric_id", "report_id", "report_version", "decision",
                               "decided_by", "people_engaged", "people_with_outcome")}
        for d in event["decisions"]]
    as_of[period] = event["occurred_at"]
    # new values, so the change is saved
    record.doc = {**record.doc, "decisions": decided, "decisions_as_of": as_of}
    if not record.doc.get("rate_card"):
        return None
    return queue_payments(session, record.id, event["event_id"])


def inputs_of(doc: dict[str, Any]) -> dict[str, Any]:
    """A payment run's frozen inputs from the contract scoring holds."""
    results = [{**d, "period": int(p)}
               for p, decided in sorted((doc.get("decisions") or {}).items(),
                                        key=lambda kv: int(kv[0]))
               for d in decided]
    return {"contract": {"id": doc["id"], "value": doc.get("value"),
                         "metrics": [{"id": m["id"],
                                      "schedule": [{"period": s["period"],
                                                    "start": s.get("start"), "end": s["end"]}
                                                   for s in m.get("schedule") or []]}
                                     for m in doc.get("metrics") or []]},
            "rate_card": doc["rate_card"], "results": results}


def _latest(session: Session, contract_id: str) -> PaymentRun | None:
    return session.scalars(select(PaymentRun).where(PaymentRun.contract_id == contract_id)
                           .order_by(PaymentRun.revision.desc())).first()


def run_payments(ctx: Context, payload: Any) -> bool:
    """Record a new payment run if the contract's inputs changed (``False``: nothing new)."""
    event = load_payload(RunPaymentsRequested, payload)
    now = ctx.clock()
    try:
        with unit_of_work(ctx) as session:
            record = session.get(ContractRecord, event["contract_id"])
            if record is None or not record.doc.get("rate_card"):
                return False
            inputs = inputs_of(record.doc)
            inputs_sha = canonical_sha256(inputs)
            previous = _latest(session, record.id)
            if previous is not None and previous.input_sha256 == inputs_sha:
                return False  # a repeat, or a retry after the run was recorded
            output = model.calculate(inputs)
            row = PaymentRun(id=new_id("pay"), contract_id=record.id, tender_id=record.tender_id,
                             revision=(previous.revision + 1) if previous else 1,
                             model_version=model.PAYMENTS_MODEL_VERSION, inputs=inputs,
                             input_sha256=inputs_sha, output=output,
                             output_sha256=canonical_sha256(output), total=output["total"],
                             created_at=now)
            session.add(row)
            session.flush()
            events.record(session, event_type=PAYMENTS_CALCULATED, tender_id=row.tender_id,
                          object_type="payment_run", object_id=row.id,
                          **events.system_actor(None),
                          payload={"contract_id": row.contract_id, "revision": row.revision,
                                   "total": row.total, "output": output,
                                   "output_sha256": row.output_sha256},
                          occurred_at=now, model_version=row.model_version,
                          inputs_sha256=inputs_sha)
            pause_point("run_payments")  # test hook: a worker killed here commits nothing
    except IntegrityError:
        return False  # a concurrent job recorded these inputs first
    return True


def run_doc(row: PaymentRun, current: bool) -> dict[str, Any]:
    """A payment run: its output with hashes (inputs only in the full document)."""
    return {"id": row.id, "contract_id": row.contract_id, "revision": row.revision,
            "current": current, "total": row.total, "currency": row.output.get("currency"),
            "model_version": row.model_version, "input_sha256": row.input_sha256,
            "output_sha256": row.output_sha256, "calculated_at": rfc3339(row.created_at)}


def current_run(session: Session, contract_id: str) -> PaymentRun | None:
    """The contract's latest payment run."""
    return _latest(session, contract_id)


def get_payments(ctx: Context, contract_id: str) -> dict[str, Any]:
    """The rate card, the current run (payments per period, planned vs actual) and history."""
    with ctx.session_factory() as session:
        record = session.get(ContractRecord, contract_id)
        if record is None:
            raise NotFound(f"contract {contract_id} not found")
        rows = list(session.scalars(select(PaymentRun).where(
            PaymentRun.contract_id == contract_id).order_by(PaymentRun.revision.desc())))
    current = rows[0] if rows else None
    doc: dict[str, Any] = {"contract_id": contract_id, "rate_card": record.doc.get("rate_card"),
                           "model_version": model.PAYMENTS_MODEL_VERSION, "current": None,
                           "history": [run_doc(r, r is current) for r in rows]}
    if current is not None:
        doc["current"] = {**run_doc(current, True), **{k: current.output[k] for k in (
            "periods", "planned", "excluded", "caps", "validation")}, "inputs": current.inputs}
    return doc


def replay_payments(ctx: Context, identity: Identity, run_id: str) -> dict[str, Any]:
    """Recompute a payment run from its stored inputs; compare both hashes with the log."""
    return replay(ctx, identity, Replayable(
        table=PaymentRun, name="payment run", id_key="payment_run_id", object_type="payment_run",
        logged=PAYMENTS_CALCULATED, replayed=PAYMENTS_REPLAYED, compute=model.calculate,
        model_version=model.PAYMENTS_MODEL_VERSION), run_id)
