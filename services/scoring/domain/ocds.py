"""OCDS 1.1 release package of an awarded tender (pure: dicts in, dicts out).

Releases (ocid ``ocds-coprocure-<tender id>``): ``tender`` at publication, ``tenderUpdate`` at
opening (bid counts only), ``award`` at the award (bid details, award, supplier), then once the
contract exists ``contract`` (its agreed metrics) and ``implementation`` (validated results per
period with their measure classification, and a reporting milestone per period). Bid details
appear only in the award release, which is dated after the deadline. Extensions: bid (``bids``),
lots + awardCriteriaBreakdown (criteria and weights on the tender's single lot, or on each of
its own lots), otherRequirements (a reserved lot's ``reservedParticipation``), metrics
(``agreedMetrics``, ``implementation.metrics``) and the UK extension (``measureClassification``,
the ``smeVcse`` reservation code).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shared.methodology import DEFAULT_EVALUATION

OCID_PREFIX = "ocds-coprocure-"
EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
    "d62ff4b0ba393d823ca8113a9039b12edf7acb8f/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/"
    "8d3b52eb26ce0f1a015c91b665c120b17ef619a0/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_awardCriteriaBreakdown_extension/9391240f353e8536992938fe9f7987cd89235331/"
    "extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/"
    "fad91df868907e339e5b3b4af5c334e02b80fa4f/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_otherRequirements_extension/143e56e3166073b5d317826a745e46b9889e379b/extension.json",
    "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/"
    "aa0e43b84dfad0cb9b839a8135e0bc4b285d32fc/extension.json",
]
# A lot's reservation as OCDS reservedParticipation codes: the UK extension's smeVcse for
# VCSEs, otherRequirements' publicServiceMissionOrganization for mutuals (PCR 2015 reg. 77).
RESERVATION_CODES = {"social_enterprise": "smeVcse", "charity": "smeVcse", "cic": "smeVcse",
                     "cooperative": "smeVcse", "mutual": "publicServiceMissionOrganization"}
CLASSIFICATION_TITLES = {"met": "Met", "slightlyBelow": "Slightly below", "below": "Below",
                         "significantlyBelow": "Significantly below"}
FORMULAS = {
    "absolute_benchmark": "W x clip((C - p)/(C - F), 0, 1) against the published ceiling C and "
                          "floor F",
    "relative_to_lowest": "W x L/p, L the lowest compliant price",
    "linear_deduction": "W x max(0, 1 - (p - L)/L), L the lowest compliant price",
    "fixed_price": "fixed price: quality only",
}


def _value(money: dict[str, Any] | None) -> dict[str, Any] | None:
    """Our ``{amount: "1.00", currency}`` as an OCDS Value (amount is a JSON number)."""
    if not money or money.get("amount") in (None, ""):
        return None
    amount = Decimal(str(money["amount"]))
    return {"amount": int(amount) if amount == amount.to_integral() else float(amount),
            "currency": money.get("currency") or "GBP"}


def _org(org_id: str, name: str | None) -> dict[str, Any]:
    return {"id": org_id, "name": name or org_id}


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
                    opened_at: str, bids: list[dict[str, Any]], ranking: list[dict[str, Any]],
                    award: dict[str, Any], buyer_name: str | None, uri: str,
                    published_date: str, award_status: str,
                    contract: dict[str, Any] | None = None,
                    ratings: list[dict[str, Any]] | None = None,
                    today: str | None = None,
                    payments: dict[str, Any] | None = None) -> dict[str, Any]:
    """The package. ``bids``: ``{bid_id, organisation_id, organisation_name, submitted_at,
    price}``; ``ranking``: the award's run ranking; ``award``: ``{bid_id, awarded_at, ...}``."""
    ocid = OCID_PREFIX + tender["id"]
    buyer = _org(tender.get("organisation_id") or "buyer", buyer_name)
    buyer_party = {**buyer, "roles": ["buyer", "procuringEntity"]}
    ranks = {r["bid_id"]: r for r in ranking}
    winner = next(b for b in bids if b["bid_id"] == award["bid_id"])
    tenderer_orgs = {b["organisation_id"]: b.get("organisation_name") for b in bids}
    parties = [buyer_party] + [
        {**_org(oid, name), "roles": ["tenderer"] + (
            ["supplier"] if oid == winner["organisation_id"] else [])}
        for oid, name in tenderer_orgs.items()]

    first = _tender_core(tender, evaluation, published_at, "active")
    first["procuringEntity"] = buyer
    releases = [_release(ocid, "tender", published_at, "tender", buyer, [buyer_party], first)]

    opening = _tender_core(tender, evaluation, published_at, "active")
    opening["procuringEntity"] = buyer
    opening["numberOfTenderers"] = len(tenderer_orgs)
    update = _release(ocid, "opening", opened_at, "tenderUpdate", buyer, [buyer_party], opening)
    update["bids"] = {"statistics": _statistics(bids, None, opened_at)}
    releases.append(update)

    awarded_at = award["awarded_at"]
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
    award_doc = {"id": f"{ocid}-award-1", "title": f"Award of {tender.get('title') or ocid}",
                 "status": award_status, "date": awarded_at,
                 "suppliers": [_org(winner["organisation_id"], winner.get("organisation_name"))],
                 "relatedBids": [winner["bid_id"]],
                 "relatedLots": [winner.get("lot_key") or "1"]}
    if award.get("justification"):
        award_doc["description"] = award["justification"]
    if _value(winner["price"]):
        award_doc["value"] = _value(winner["price"])
    closing["awards"] = [award_doc]
    releases.append(closing)
    if contract is not None:
        # Later releases repeat the tender and award, so the latest release stays complete.
        releases += contract_releases(ocid, award_doc, buyer, parties, final, contract,
                                      ratings or [], today or published_date[:10], payments)
    return {"uri": uri, "version": "1.1", "extensions": EXTENSIONS,
            "publishedDate": published_date,
            "publisher": {"name": "coprocure", "uid": "coprocure"},
            "releases": releases}


def _at(day: str) -> str:
    """An ISO date as the OCDS date-time at its start (UTC)."""
    return f"{day[:10]}T00:00:00Z"


def _agreed(metric: dict[str, Any]) -> dict[str, Any]:
    """An agreed metric: its baseline and target as observations."""
    indicator = metric.get("indicator") or {}
    unit = {"name": indicator.get("unit") or "value"}
    observations = []
    baseline = metric.get("baseline") or {}
    if baseline.get("value") is not None:
        obs = {"id": f"{metric['id']}-baseline", "measure": baseline["value"], "unit": unit,
               "notes": "Baseline" + (f" ({baseline['source']})" if baseline.get("source")
                                      else "")}
        if baseline.get("date"):
            obs["period"] = {"endDate": _at(baseline["date"])}
        observations.append(obs)
    target = metric.get("target") or {}
    if target.get("value") is not None:
        obs = {"id": f"{metric['id']}-target", "measure": target["value"], "unit": unit,
               "notes": "Target"}
        if target.get("by"):
            obs["period"] = {"endDate": _at(target["by"])}
        observations.append(obs)
    out = {"id": metric["id"], "title": indicator.get("name") or metric["id"],
           "description": metric.get("statement") or indicator.get("name") or metric["id"]}
    if observations:
        out["observations"] = observations
    return out


def contract_releases(ocid: str, award: dict[str, Any], buyer: dict[str, Any],
                      parties: list[dict[str, Any]], tender: dict[str, Any],
                      contract: dict[str, Any], ratings: list[dict[str, Any]],
                      today: str, payments: dict[str, Any] | None = None
                      ) -> list[dict[str, Any]]:
    """The ``contract`` release and, once a period is rated, the ``implementation`` release.

    ``contract``: what commissioning announced (``id, title, value, start_date, end_date,
    metrics``, ``created_at``); ``ratings``: the current rating per period (``period,
    measures, rated_at``); ``payments``: the current outcome payment run (``periods`` with
    ``amount``, ``currency``, ``calculated_at``), published as ``implementation.transactions``.
    """
    start = _at(contract["start_date"])
    core = {"id": contract["id"], "awardID": award["id"],
            "title": contract.get("title") or contract["id"], "status": "active",
            "period": {"startDate": start, "endDate": _at(contract["end_date"])}}
    if _value(contract.get("value")):
        core["value"] = _value(contract["value"])
    agreed = [_agreed(m) for m in contract.get("metrics") or []]
    if agreed:
        core["agreedMetrics"] = agreed
    base = {"ocid": ocid, "initiationType": "tender", "language": "en", "parties": parties,
            "buyer": buyer, "tender": tender, "awards": [award]}
    # dated when the contract was made (the tender concluded), never before the award
    made = contract.get("created_at") or start
    releases = [{**base, "id": f"{ocid}-contract", "date": made, "tag": ["contract"],
                 "contracts": [core]}]
    transactions = _transactions(contract, award, buyer, payments)
    if not ratings and not transactions:
        return releases
    validated = {(m["metric_id"], r["period"]): (m, r) for r in ratings for m in r["measures"]}
    metrics, milestones = [], []
    for metric in contract.get("metrics") or []:
        unit = {"name": (metric.get("indicator") or {}).get("unit") or "value"}
        observations = []
        for slot in metric.get("schedule") or []:
            found = validated.get((metric["id"], slot["period"]))
            milestone = {"id": f"{metric['id']}-p{slot['period']}-report",
                         "title": f"Report on {metric['id']}, period {slot['period']}",
                         "type": "reporting", "dueDate": _at(slot["due"])}
            if found:
                measure, rating = found
                label = measure["measure_classification"]
                observations.append({
                    "id": f"{metric['id']}-p{slot['period']}",
                    "period": {"startDate": _at(slot["start"]), "endDate": _at(slot["end"])},
                    "measure": float(measure["value"]), "unit": unit,
                    "measureClassification": {"id": label,
                                              "description": CLASSIFICATION_TITLES[label]}})
                milestone.update(status="met", dateMet=rating["rated_at"])
            else:
                milestone["status"] = "scheduled" if slot["due"] >= today else "notMet"
            milestones.append(milestone)
        if observations:
            metrics.append({"id": metric["id"], "title": _agreed(metric)["title"],
                            "observations": observations})
    implementation: dict[str, Any] = {"milestones": milestones}
    if metrics:
        implementation["metrics"] = metrics
    if transactions:
        implementation["transactions"] = transactions
    latest = max([r["rated_at"] for r in ratings]
                 + ([payments["calculated_at"]] if transactions else []))
    releases.append({**base, "id": f"{ocid}-implementation-{len(ratings)}", "date": latest,
                     "tag": ["implementation"],
                     "contracts": [{**core, "implementation": implementation}]})
    return releases


def _transactions(contract: dict[str, Any], award: dict[str, Any], buyer: dict[str, Any],
                  payments: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Each period's outcome payment due (the current run) as an OCDS transaction from the
    buyer to the supplier; periods paying nothing are left out."""
    if not payments:
        return []
    payee = (award.get("suppliers") or [{}])[0]
    out = []
    for period in payments.get("periods") or []:
        value = _value({"amount": period["amount"], "currency": payments.get("currency")})
        if value is None or value["amount"] == 0:
            continue
        out.append({"id": f"{contract['id']}-outcome-payment-p{period['period']}",
                    "source": "coprocure outcome payment run "
                              f"{payments['id']} (revision {payments['revision']})",
                    "date": payments["calculated_at"], "value": value,
                    "payer": {"id": buyer["id"], "name": buyer["name"]},
                    "payee": {"id": payee.get("id"), "name": payee.get("name")}})
    return out
