"""OCDS 1.1 release package of a published tender (pure: dicts in, dicts out).

Releases (ocid ``<configured prefix>-<tender id>``): ``tender`` at publication, ``tenderUpdate``
at opening (bid counts only), ``award`` at the award (bid details, award, supplier), then once
the contract exists ``contract`` and ``implementation`` (ocds_contract.py); a tender cancelled
before its award ends with ``tenderCancellation``. Bid details
appear only in the award release, which is dated after the deadline. Extensions: bid (``bids``),
lots + awardCriteriaBreakdown (criteria and weights on the tender's single lot, or on each of
its own lots), otherRequirements (a reserved lot's ``reservedParticipation``), metrics
(``agreedMetrics``, ``implementation.metrics``) and the UK extension (``measureClassification``,
the ``smeVcse`` reservation code); submissionTerms and location only because the lots and UK
extensions refer to their definitions (ocds_publication.py).
"""

from __future__ import annotations

from typing import Any

from services.scoring.domain.ocds_contract import contract_releases
from services.scoring.domain.ocds_publication import EXTENSIONS, Publication
from services.scoring.domain.ocds_publication import org as _org
from services.scoring.domain.ocds_publication import value as _value
from shared.methodology import DEFAULT_EVALUATION

__all__ = ["EXTENSIONS", "Publication", "release_package"]

# A lot's reservation as OCDS reservedParticipation codes: the UK extension's smeVcse for
# VCSEs, otherRequirements' publicServiceMissionOrganization for mutuals (PCR 2015 reg. 77).
RESERVATION_CODES = {"social_enterprise": "smeVcse", "charity": "smeVcse", "cic": "smeVcse",
                     "cooperative": "smeVcse", "mutual": "publicServiceMissionOrganization"}
FORMULAS = {
    "absolute_benchmark": "W x clip((C - p)/(C - F), 0, 1) against the published ceiling C and "
                          "floor F",
    "relative_to_lowest": "W x L/p, L the lowest compliant price",
    "linear_deduction": "W x max(0, 1 - (p - L)/L), L the lowest compliant price",
    "fixed_price": "fixed price: quality only",
}


def _criteria(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """awardCriteriaBreakdown: every quality criterion and price with weight and minimum."""
    out = []
    for c in doc.get("criteria") or []:
        numbers: list[dict[str, Any]] = [{"number": c["weight"], "weight": "percentageExact"}]
        if c.get("minimum_score") is not None:
            numbers.append({"number": c["minimum_score"], "threshold": "minimumScore"})
        item = {"type": "quality", "name": f"{c['key']}: {c.get('title') or c['key']}",
                "numbers": numbers}
        if c.get("description"):
            item["description"] = c["description"]
        out.append(item)
    price = doc.get("price") or {}
    formula = price.get("formula") or "absolute_benchmark"
    out.append({"type": "price", "name": "PRICE: Price",
                "description": f"Price points by formula {formula}: {FORMULAS.get(formula, '')}",
                "numbers": [{"number": price.get("weight", 0), "weight": "percentageExact"}]})
    return out


def _criteria_details(doc: dict[str, Any], evaluation: dict[str, Any]) -> str:
    weights = ", ".join(f"{c['key']} {c['weight']}" for c in doc.get("criteria") or [])
    price = doc.get("price") or {}
    share = float(evaluation.get("min_quality_share", DEFAULT_EVALUATION["min_quality_share"]))
    return (f"Rated criteria, each quality criterion scored 0-5 (points = weight x score / 5): "
            f"{weights}; price {price.get('weight', 0)} by the "
            f"{price.get('formula', 'absolute_benchmark')} formula. A bid fails if a criterion "
            f"scores 0 or below its minimum, or if total quality is below {share:.0%} of the "
            f"quality weight. Evaluation mode: {evaluation.get('mode', 'panel')}. Tie-break: "
            f"higher Q1+Q2, then higher total quality, then lower price.")


def _lot(doc: dict[str, Any], lot: dict[str, Any], status: str) -> dict[str, Any]:
    """One of the tender's own lots (lots extension), with its reservation (otherRequirements
    and the UK extension's codes)."""
    criteria = {**doc, "criteria": lot.get("criteria") or doc.get("criteria")}
    out: dict[str, Any] = {"id": lot["key"], "title": lot.get("title"), "status": status,
                           "awardCriteria": {"criteria": _criteria(criteria)}}
    if lot.get("description"):
        out["description"] = lot["description"]
    value = _value(lot.get("estimated_value"))
    if value:
        out["value"] = value
    kinds = (lot.get("reservation") or {}).get("kinds") or []
    codes = sorted({RESERVATION_CODES[k] for k in kinds if k in RESERVATION_CODES})
    if codes:
        out["otherRequirements"] = {"reservedParticipation": codes}
    return out


def _tender_core(doc: dict[str, Any], evaluation: dict[str, Any], published: str,
                 status: str) -> dict[str, Any]:
    lot = {"id": "1", "title": doc.get("title"), "status": status,
           "awardCriteria": {"criteria": _criteria(doc)}}
    tender: dict[str, Any] = {
        "id": doc["id"], "title": doc.get("title"), "description": doc.get("description"),
        "status": status, "procurementMethod": "open",
        "procurementMethodDetails": "Open tender scored on co-production outcomes",
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": _criteria_details(doc, evaluation),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": {"startDate": published, "endDate": doc.get("submission_deadline")},
        "enquiryPeriod": {"startDate": published, "endDate": doc.get("clarification_deadline")},
        "lots": [lot],
    }
    value = _value(doc.get("estimated_value"))
    if value:
        tender["value"] = lot["value"] = value
    if doc.get("lots"):  # a tender with lots: its own, instead of the single whole-tender lot
        tender["lots"] = [_lot(doc, x, status) for x in doc["lots"]]
    return {k: v for k, v in tender.items() if v is not None}


def _release(ocid: str, suffix: str, date: str, tag: str, buyer: dict[str, Any],
             parties: list[dict[str, Any]], tender: dict[str, Any]) -> dict[str, Any]:
    return {"ocid": ocid, "id": f"{ocid}-{suffix}", "date": date, "tag": [tag],
            "initiationType": "tender", "language": "en",
            "parties": parties, "buyer": buyer, "tender": tender}


def _statistics(bids: list[dict[str, Any]], ranking: dict[str, dict[str, Any]] | None,
                date: str) -> list[dict[str, Any]]:
    stats = [("bids", len(bids), None), ("bidders", len({b["organisation_id"] for b in bids}),
                                         None)]
    if ranking is not None:
        valid = [b for b in bids if ranking.get(b["bid_id"], {}).get("passed")]
        stats += [("validBids", len(valid), None), ("disqualifiedBids", len(bids) - len(valid),
                                                     None)]
        values = [_value(b["price"]) for b in valid if _value(b["price"])]
        if values:
            currency = values[0]["currency"]
            stats += [("lowestValidBidValue", min(v["amount"] for v in values), currency),
                      ("highestValidBidValue", max(v["amount"] for v in values), currency)]
    out = []
    for n, (measure, value, currency) in enumerate(stats, start=1):
        item = {"id": str(n), "measure": measure, "value": value, "date": date}
        if currency:
            item["currency"] = currency
        out.append(item)
    return out


def release_package(*, tender: dict[str, Any], evaluation: dict[str, Any], published_at: str,
                    buyer_name: str | None, publication: Publication, published_date: str,
                    opened_at: str | None = None, bids: list[dict[str, Any]] | None = None,
                    ranking: list[dict[str, Any]] | None = None,
                    award: dict[str, Any] | None = None, award_status: str = "pending",
                    cancelled_at: str | None = None,
                    contract: dict[str, Any] | None = None,
                    ratings: list[dict[str, Any]] | None = None,
                    today: str | None = None,
                    payments: dict[str, Any] | None = None,
                    lot_decisions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The package of what has happened so far: the ``tender`` release from publication, the
    ``tenderUpdate`` once the bids are open (``opened_at`` and ``bids``), the ``award`` once
    awarded (``award``, with the run's ``ranking``), then the contract's releases; or a
    ``tenderCancellation`` release if the tender was cancelled before an award.

    ``bids``: ``{bid_id, organisation_id, organisation_name, submitted_at, price}``;
    ``award``: ``{bid_id, awarded_at, justification}``; on a tender with lots
    ``lot_decisions`` instead: ``{lot_key, bid_id (None if unawarded), awarded_at,
    justification, status}`` per decided lot, and ``ranking`` the lots' runs together."""
    ocid = publication.ocid(tender["id"])
    buyer = _org(tender.get("organisation_id") or "buyer", buyer_name)
    buyer_party = {**buyer, "roles": ["buyer", "procuringEntity"]}
    bids = bids or []
    tenderer_orgs = {b["organisation_id"]: b.get("organisation_name") for b in bids}

    first = _tender_core(tender, evaluation, published_at, "active")
    first["procuringEntity"] = buyer
    releases = [_release(ocid, "tender", published_at, "tender", buyer, [buyer_party], first)]

    if opened_at is not None:
        opening = _tender_core(tender, evaluation, published_at, "active")
        opening["procuringEntity"] = buyer
        opening["numberOfTenderers"] = len(tenderer_orgs)
        update = _release(ocid, "opening", opened_at, "tenderUpdate", buyer, [buyer_party],
                          opening)
        update["bids"] = {"statistics": _statistics(bids, None, opened_at)}
        releases.append(update)

    if award is None and not lot_decisions:
        if cancelled_at is not None:
            ended = _tender_core(tender, evaluation, published_at, "cancelled")
            ended["procuringEntity"] = buyer
            releases.append(_release(ocid, "cancellation", cancelled_at, "tenderCancellation",
                                     buyer, [buyer_party], ended))
        return publication.package(tender["id"], published_date, releases)

    decisions = lot_decisions or [{**award, "status": award_status}]
    closing = _award_release(ocid, tender, evaluation, published_at, opened_at or published_at,
                             buyer, bids, ranking or [], decisions)
    releases.append(closing)
    if contract is not None and not lot_decisions:
        # Later releases repeat the tender and award, so the latest release stays complete.
        releases += contract_releases(ocid, closing["awards"][0], buyer, closing["parties"],
                                      closing["tender"], contract, ratings or [],
                                      today or published_date[:10], payments, publication)
    return publication.package(tender["id"], published_date, releases)


def _award_release(ocid: str, tender: dict[str, Any], evaluation: dict[str, Any],
                   published_at: str, opened_at: str, buyer: dict[str, Any],
                   bids: list[dict[str, Any]], ranking: list[dict[str, Any]],
                   decisions: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``award`` release: the bids' details (dated after the deadline), and an award per
    decision with its supplier: the tender's one, or one per decided lot (``unsuccessful`` for a
    lot closed unawarded)."""
    ranks = {r["bid_id"]: r for r in ranking}
    by_id = {b["bid_id"]: b for b in bids}
    winners = {by_id[d["bid_id"]]["organisation_id"] for d in decisions if d.get("bid_id")}
    tenderer_orgs = {b["organisation_id"]: b.get("organisation_name") for b in bids}
    parties = [{**buyer, "roles": ["buyer", "procuringEntity"]}] + [
        {**_org(oid, name), "roles": ["tenderer"] + (["supplier"] if oid in winners else [])}
        for oid, name in tenderer_orgs.items()]
    awarded_at = max(d["awarded_at"] for d in decisions)
    final = _tender_core(tender, evaluation, published_at, "complete")
    final.update(procuringEntity=buyer, numberOfTenderers=len(tenderer_orgs),
                 tenderers=[_org(o, n) for o, n in tenderer_orgs.items()],
                 awardPeriod={"startDate": opened_at, "endDate": awarded_at})
    details = []
    for b in bids:
        rank = ranks.get(b["bid_id"], {})
        detail = {"id": b["bid_id"], "date": b["submitted_at"],
                  "status": "valid" if rank.get("passed") else "disqualified",
                  "tenderers": [_org(b["organisation_id"], b.get("organisation_name"))],
                  "relatedLots": [b.get("lot_key") or "1"]}
        if _value(b["price"]):
            detail["value"] = _value(b["price"])
        if rank.get("rank") is not None:
            detail.update(hasRank=True, rank=int(rank["rank"]))
        details.append(detail)
    closing = _release(ocid, "award", awarded_at, "award", buyer, parties, final)
    closing["bids"] = {"statistics": _statistics(bids, ranks, awarded_at), "details": details}
    closing["awards"] = [_award(ocid, tender, d, by_id.get(d.get("bid_id") or ""), n)
                         for n, d in enumerate(decisions, start=1)]
    return closing


def _award(ocid: str, tender: dict[str, Any], decision: dict[str, Any],
           winner: dict[str, Any] | None, n: int) -> dict[str, Any]:
    lot = decision.get("lot_key") or (winner or {}).get("lot_key")
    lot_title = next((x.get("title") for x in tender.get("lots") or [] if x["key"] == lot), lot)
    what = tender.get("title") or ocid
    doc = {"id": f"{ocid}-award-{n}",
           "title": f"Award of {what}" + (f", lot {lot_title}" if lot else ""),
           "status": decision["status"], "date": decision["awarded_at"],
           "relatedLots": [lot or "1"]}
    if winner is not None:
        doc.update(suppliers=[_org(winner["organisation_id"], winner.get("organisation_name"))],
                   relatedBids=[winner["bid_id"]])
        if _value(winner["price"]):
            doc["value"] = _value(winner["price"])
    if decision.get("justification"):
        doc["description"] = decision["justification"]
    return doc
