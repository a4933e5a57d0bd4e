"""Changes to a contract's agreed metrics: one party proposes with a reason, the other
confirms; before the start it is a change, after it a variation; each agreed one is a version."""

from __future__ import annotations

from typing import Any

from services.commissioning.adapters.outbox import send_events_now
from services.commissioning.adapters.tables import Contract
from services.commissioning.context import Context
from services.commissioning.domain import contracts as rules
from services.commissioning.service_layer import contract_events as events
from services.commissioning.service_layer.contracts import (
    contract_doc,
    is_buyer,
    is_supplier,
    load_contract,
)
from shared.db import transaction
from shared.errors import Conflict, Forbidden, Invalid, NotFound
from shared.identity import Identity
from shared.time import rfc3339


def _side(contract: Contract, identity: Identity) -> str:
    if is_buyer(contract, identity):
        return "buyer"
    if is_supplier(contract, identity):
        return "supplier"
    raise Forbidden("Only the buyer's commissioners and the supplier's people change a contract.")


def propose_change(ctx: Context, identity: Identity, contract_id: str,
                   body: dict[str, Any]) -> dict[str, Any]:
    """Propose new values for some agreed metrics, with a reason (either party)."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        contract = load_contract(session, contract_id)
        side = _side(contract, identity)
        known = {m["id"] for m in contract.metrics}
        unknown = sorted(set(body["metrics"]) - known)
        if unknown:
            raise Invalid({f"metrics.{k}": ["Not an agreed metric of this contract."]
                           for k in unknown})
        if any(c["status"] == "proposed" for c in contract.changes):
            raise Conflict("A proposed change is waiting for the other party; confirm or "
                           "withdraw it first.")
        change = {"number": len(contract.changes) + 1,
                  "kind": rules.change_kind(now.date(), contract.start_date),
                  "reason": body["reason"], "metrics": body["metrics"], "proposed_by": side,
                  "proposed_at": rfc3339(now), "status": "proposed"}
        contract.changes = [*contract.changes, change]
        contract.updated_at = now
        return contract_doc(session, contract, now.date())


def decide_change(ctx: Context, identity: Identity, contract_id: str, number: int,
                  confirm: bool) -> dict[str, Any]:
    """The other party confirms (a new version) or either party withdraws a proposal."""
    now = ctx.clock()
    job = None
    with transaction(ctx.session_factory) as session:
        contract = load_contract(session, contract_id)
        side = _side(contract, identity)
        change = next((c for c in contract.changes if c["number"] == number), None)
        if change is None:
            raise NotFound(f"change {number} not found")
        if change["status"] != "proposed":
            raise Conflict(f"Change {number} is already {change['status']}.")
        if confirm and side == change["proposed_by"]:
            raise Forbidden("The other party confirms a change, not the one who proposed it.")
        decided = {**change, "status": "agreed" if confirm else "withdrawn",
                   f"{'confirmed' if confirm else 'withdrawn'}_by": side,
                   f"{'confirmed' if confirm else 'withdrawn'}_at": rfc3339(now)}
        if confirm:
            contract.version += 1
            decided["version"] = contract.version
            contract.metrics = rules.apply_change(
                contract.metrics, change["metrics"], contract.start_date, contract.end_date)
        contract.changes = [decided if c["number"] == number else c for c in contract.changes]
        contract.updated_at = now
        if confirm:
            job = events.emit(session, contract, "ContractChanged", f"{contract.id}-v"
                              f"{contract.version}", events.actor(identity, side), now,
                              {"number": number, "kind": change["kind"],
                               "version": contract.version, "metrics": contract.metrics,
                               "reason_sha256": events.comment_hash(change["reason"])})
        doc = contract_doc(session, contract, now.date())
    if job:
        send_events_now(ctx, [job])
    return doc
