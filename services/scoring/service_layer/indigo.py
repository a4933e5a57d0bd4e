"""A contract as an INDIGO project, from the contract scoring holds and its current payment
run (read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.scoring.adapters.tables.performance import ContractRecord
from services.scoring.domain import indigo
from services.scoring.service_layer.payments import current_run
from shared.errors import NotFound

if TYPE_CHECKING:
    from services.scoring.context import Context


def indigo_project(ctx: Context, contract_id: str, base_url: str) -> dict[str, Any]:
    """The INDIGO project document of a contract (404 for an unknown contract)."""
    with ctx.session_factory() as session:
        record = session.get(ContractRecord, contract_id)
        if record is None:
            raise NotFound(f"contract {contract_id} not found")
        run = current_run(session, contract_id)
        output = None if run is None else {**run.output, "revision": run.revision}
        doc = {**record.doc, "tender_id": record.tender_id}
    return indigo.project(doc, output, base_url=base_url,
                          today=ctx.clock().date().isoformat())
