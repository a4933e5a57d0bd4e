"""The public evidence library and its outcome frameworks, from the contracts scoring holds,
their current ratings and the winning bids' assessments (read-only; docs/scoring.md §19)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.scoring.adapters.tables.performance import ContractRecord, PerformanceRating
from services.scoring.adapters.tables.tenders import Assessment, Tender
from services.scoring.domain import library as model
from shared.errors import NotFound

if TYPE_CHECKING:
    from services.scoring.context import Context


def _depth(session: Session, bid_id: str | None) -> dict[str, Any]:
    row = session.scalars(select(Assessment).where(Assessment.bid_id == bid_id)
                          .order_by(Assessment.created_at.desc())).first() if bid_id else None
    return model.depth_of(row.result if row else None)


def _met(session: Session, contract_id: str) -> set[tuple[str, int]]:
    """(metric, period) pairs whose current rating classifies them as met."""
    current: dict[int, PerformanceRating] = {}
    for row in session.scalars(select(PerformanceRating).where(
            PerformanceRating.contract_id == contract_id)
            .order_by(PerformanceRating.period, PerformanceRating.revision.desc())):
        current.setdefault(row.period, row)
    return {(m["metric_id"], p) for p, row in current.items()
            for m in row.output["measures"] if m["measure_classification"] == "met"}


def get_library(ctx: Context) -> dict[str, Any]:
    """Every outcome indicator with completed periods, counts by co-production depth."""
    with ctx.session_factory() as session:
        contracts = [{"doc": r.doc, "depth": _depth(session, r.doc.get("bid_id")),
                      "met": _met(session, r.id)}
                     for r in session.scalars(select(ContractRecord)
                                              .order_by(ContractRecord.created_at))]
    return model.evidence(contracts, ctx.clock().date())


def get_framework(ctx: Context, framework_id: str) -> dict[str, Any]:
    """A contract's outcome framework and the tender body that starts from it (404 unless
    the contract has evidence in the library)."""
    contract_id = framework_id.removeprefix("fw-")
    with ctx.session_factory() as session:
        record = session.get(ContractRecord, contract_id)
        tender = session.get(Tender, record.tender_id) if record else None
        if record is None or tender is None or not framework_id.startswith("fw-"):
            raise NotFound(f"framework {framework_id} not found")
        depth = _depth(session, record.doc.get("bid_id"))
        listed = model.evidence([{"doc": record.doc, "depth": depth,
                                  "met": _met(session, record.id)}], ctx.clock().date())
        if not listed["indicators"]:
            raise NotFound(f"framework {framework_id} has no completed period yet")
        doc = model.framework(record.doc, {**tender.frozen, "id": tender.id}, depth)
    return {**doc, "evidence": listed["indicators"]}
