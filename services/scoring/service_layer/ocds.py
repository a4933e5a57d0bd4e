"""Loading what the OCDS package needs from the scoring records (read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from services.scoring.adapters.tables.payments import PaymentRun
from services.scoring.adapters.tables.performance import ContractRecord, PerformanceRating
from services.scoring.adapters.tables.runs import WHOLE_TENDER, Award, ScoringRun
from services.scoring.adapters.tables.tenders import CANCELLED, Bid, Tender
from services.scoring.domain.ocds import Publication, release_package
from shared.errors import NotFound
from shared.time import rfc3339

if TYPE_CHECKING:
    from services.scoring.context import Context


def _not_found() -> NotFound:
    return NotFound("No published tender with this id.", title="Not Found")


def ocds_package(ctx: Context, tender_id: str, publication: Publication) -> dict[str, Any]:
    """The OCDS release package of a published tender: its ``tender`` release while open,
    more releases as it is opened, awarded and contracted; 404 for a tender scoring has not
    heard of (drafts never leave commissioning)."""
    now = ctx.clock()
    with ctx.session_factory() as session:
        tender = session.get(Tender, tender_id)
        if tender is None:
            raise _not_found()
        award = session.get(Award, (tender_id, WHOLE_TENDER))  # lots: see _lot_awards
        doc = {**tender.frozen, "id": tender.id}
        published = (doc.get("published_at") or doc.get("created_at")
                     or doc.get("clarification_deadline") or doc.get("submission_deadline"))
        common = dict(tender=doc, evaluation=tender.evaluation, published_at=published,
                      buyer_name=doc.get("organisation_name") or doc.get("buyer_name"),
                      publication=publication, published_date=rfc3339(now))
        opened = rfc3339(tender.opened_at or tender.closed_at)
        # scoring's last word on a cancelled tender is when it heard of the cancellation
        cancelled = rfc3339(max(t for t in (tender.updated_at, tender.opened_at,
                                            tender.closed_at) if t is not None)) \
            if tender.status == CANCELLED else None
        if opened is None:  # bids still sealed: what was published
            return release_package(**common, cancelled_at=cancelled)
        bids = [{"bid_id": b.id, "organisation_id": b.organisation_id,
                 "organisation_name": b.organisation_name, "submitted_at": b.submitted_at,
                 "price": (b.content or {}).get("price"), "lot_key": b.lot_key}
                for b in session.scalars(select(Bid).where(Bid.tender_id == tender.id)
                                         .order_by(Bid.position, Bid.id))]
        lots = _lot_awards(session, tender, now) if tender.lot_keys else None
        if lots is not None:
            decisions, ranking = lots
            return release_package(**common, opened_at=opened, bids=bids,
                                   ranking=ranking, lot_decisions=decisions)
        if award is None:
            return release_package(**common, opened_at=opened, bids=bids,
                                   cancelled_at=cancelled)
        run = session.get(ScoringRun, award.run_id)
        return release_package(
            **common, opened_at=opened, bids=bids,
            ranking=(run.output or {}).get("ranking", []) if run else [],
            award={"bid_id": award.bid_id, "awarded_at": rfc3339(award.awarded_at),
                   "justification": award.justification},
            award_status="pending" if award.standstill_ends_at > now else "active",
            **_contract_parts(session, tender.id, now.date().isoformat()))


def _lot_awards(session, tender: Tender, now) -> tuple[list[dict[str, Any]],
                                                      list[dict[str, Any]]] | None:
    """Each lot's award (in lot order) and the rankings of the runs they rest on; None until
    every lot is decided: the award release publishes every bid's price, and a lot still being
    scored has a price-blind panel."""
    rows = {a.lot_key: a for a in session.scalars(select(Award).where(
        Award.tender_id == tender.id))}
    if not set(tender.lot_keys) <= set(rows):
        return None
    decisions, ranking = [], []
    for key in tender.lot_keys:
        row = rows[key]
        status = ("unsuccessful" if row.bid_id is None else
                  "pending" if row.standstill_ends_at > now else "active")
        decisions.append({"lot_key": key, "bid_id": row.bid_id, "status": status,
                          "awarded_at": rfc3339(row.awarded_at),
                          "justification": row.justification})
        run = session.get(ScoringRun, row.run_id) if row.run_id else None
        ranking += (run.output or {}).get("ranking", []) if run else []
    return decisions, ranking


def _contract_parts(session, tender_id: str, today: str) -> dict[str, Any]:
    """The contract made from the award and the current rating of each period, if any."""
    record = session.scalars(select(ContractRecord).where(
        ContractRecord.tender_id == tender_id)).first()
    if record is None:
        return {}
    rows = session.scalars(select(PerformanceRating).where(
        PerformanceRating.contract_id == record.id)
        .order_by(PerformanceRating.period, PerformanceRating.revision.desc()))
    current: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row.period not in current and row.rating is not None:
            current[row.period] = {"period": row.period, "measures": row.output["measures"],
                                   "rated_at": rfc3339(row.created_at)}
    run = session.scalars(select(PaymentRun).where(PaymentRun.contract_id == record.id)
                          .order_by(PaymentRun.revision.desc())).first()
    payments = None if run is None else {
        "id": run.id, "revision": run.revision, "currency": run.output.get("currency"),
        "periods": run.output["periods"], "calculated_at": rfc3339(run.created_at)}
    return {"contract": {**record.doc, "created_at": rfc3339(record.created_at)},
            "ratings": list(current.values()), "today": today, "payments": payments}
