"""OCDS releases of a contract made from an award: ``contract`` (its agreed metrics) and
``implementation`` (validated results per period with their measure classification, a reporting
milestone per period, outcome payments as transactions). Pure: dicts in, dicts out.
"""

from __future__ import annotations

from typing import Any

from services.scoring.domain.ocds_publication import Publication
from services.scoring.domain.ocds_publication import value as _value

CLASSIFICATION_TITLES = {"met": "Met", "slightlyBelow": "Slightly below", "below": "Below",
                         "significantlyBelow": "Significantly below"}


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
                      today: str, payments: dict[str, Any] | None = None,
                      publication: Publication | None = None) -> list[dict[str, Any]]:
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
    transactions = _transactions(contract, award, buyer, payments, publication)
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
                  payments: dict[str, Any] | None, publication: Publication | None
                  ) -> list[dict[str, Any]]:
    """Each period's outcome payment due (the current run) as an OCDS transaction from the
    buyer to the supplier; periods paying nothing are left out. ``source`` (a URI in OCDS) is
    the contract's public payments record, which lists every run and revision."""
    if not payments:
        return []
    source = (publication or Publication("")).api(f"/contracts/{contract['id']}/payments")
    payee = (award.get("suppliers") or [{}])[0]
    out = []
    for period in payments.get("periods") or []:
        value = _value({"amount": period["amount"], "currency": payments.get("currency")})
        if value is None or value["amount"] == 0:
            continue
        out.append({"id": f"{contract['id']}-outcome-payment-p{period['period']}",
                    "source": source,
                    "date": payments["calculated_at"], "value": value,
                    "payer": {"id": buyer["id"], "name": buyer["name"]},
                    "payee": {"id": payee.get("id"), "name": payee.get("name")}})
    return out
