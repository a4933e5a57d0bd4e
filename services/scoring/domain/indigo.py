"""A contract as an INDIGO project (the Government Outcomes Lab's INDIGO data standard, project
schema 4.1.0): outcome metrics, outcome pricings, results, outcome payments (planned and
actual) and the sources they come from. Pure: the contract scoring holds and its current
payment run in, the project's data out. Only fields we can fill truthfully are given; every
value is wrapped as the standard wants (``{"value": ...}``), dates are YYYY-MM-DD, money a
number in the contract currency. Validated results only; counts, never people.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

STANDARD = {"name": "INDIGO data standard, project", "version": "4.1.0",
            "url": "https://indigo-data-standard.readthedocs.io/en/4.1/"}
CONTRACT_SOURCE, PAYMENTS_SOURCE, OCDS_SOURCE = "coprocure-contract", "coprocure-payments", \
    "coprocure-ocds"


def _v(value: Any) -> dict[str, Any]:
    return {"value": value}


def _number(amount: Any) -> float | int:
    d = Decimal(str(amount))
    return int(d) if d == d.to_integral_value() else float(d)


def _period(slot: dict[str, Any]) -> dict[str, Any]:
    return {name: _v(slot[key]) for name, key in (("start_date", "start"), ("end_date", "end"))
            if slot.get(key)}


def _target(metric: dict[str, Any]) -> str:
    target, unit = metric.get("target") or {}, (metric.get("indicator") or {}).get("unit") or ""
    text = f"{target.get('value')} {unit}".strip()
    return text + (f" by {target['by']}" if target.get("by") else "")


def project(contract: dict[str, Any], run: dict[str, Any] | None, *, base_url: str,
            today: str) -> dict[str, Any]:
    """The INDIGO project document: ``{"id", "standard", "data"}``; ``data`` follows the
    project schema. ``contract``: as ``ContractCreated`` announced it, with ``decisions``
    per period; ``run``: the current payment run's output (or None)."""
    cid = contract["id"]
    currency = ((contract.get("rate_card") or {}).get("currency")
                or (contract.get("value") or {}).get("currency") or "GBP")
    api = f"{base_url.rstrip('/')}/api/v1"
    sources = [
        {"id": CONTRACT_SOURCE, "name": _v(f"Contract {cid}: {contract.get('title') or cid}"),
         "type": _v("Contract"), "url": _v(f"{api}/contracts/{cid}"),
         "accessed_date": _v(today)},
        {"id": OCDS_SOURCE, "name": _v("OCDS release package of the tender and contract"),
         "type": _v("Award Notice"),
         "url": _v(f"{api}/tenders/{contract.get('tender_id')}/ocds"),
         "accessed_date": _v(today)},
    ]
    if run is not None:
        sources.append({"id": PAYMENTS_SOURCE, "name": _v(
            f"Outcome payment run, revision {run.get('revision')}"), "type": _v("Report"),
            "url": _v(f"{api}/contracts/{cid}/payments"), "accessed_date": _v(today)})
    card = contract.get("rate_card") or {}
    priced = {o["metric_id"]: o for o in card.get("outcomes") or [] if o.get("metric_id")}
    metrics, schedules = [], {}
    for m in contract.get("metrics") or []:
        schedules[m["id"]] = {s["period"]: s for s in m.get("schedule") or []}
        item = {"id": m["id"], "definition": _v(m.get("statement") or m["id"]),
                "outcome_metric_target": _v(_target(m)),
                "unit_type_of_targeted_service_users_or_beneficiaries": _v("Individual"),
                "source_ids": CONTRACT_SOURCE}
        if m.get("validation_method"):
            item["outcome_validation_method"] = _v(m["validation_method"])
        instrument = (m.get("indicator") or {}).get("instrument")
        if instrument:
            item["data_source_for_outcome_validation"] = _v(instrument)
        planned = (priced.get(m["id"]) or {}).get("planned_outcomes")
        if planned is not None:
            item["targeted_number_of_service_users_or_beneficiaries_total"] = _v(planned)
        metrics.append(item)
    pricings = []
    planned_by_key = {p["outcome_key"]: p for p in (run or {}).get("planned") or []}
    for metric_id, o in priced.items():
        item = {"outcome_metric_id": _v(metric_id), "currency": _v(currency),
                "price_per_unit": {"amount": _v(_number(o["price"]["amount"]))},
                "price_description": _v(f"{o['price']['amount']} {currency} per validated "
                                        f"outcome ({o['key']})"),
                "source_ids": CONTRACT_SOURCE}
        if o["key"] in planned_by_key:
            item["maximum_price_if_all_targets_achieved"] = {
                "amount": _v(planned_by_key[o["key"]]["amount"])}
        pricings.append(item)
    ended = today > str(contract.get("end_date") or "9999")
    results = []
    for period, decided in sorted((contract.get("decisions") or {}).items(),
                                  key=lambda kv: int(kv[0])):
        for d in decided:
            slot = schedules.get(d["metric_id"], {}).get(int(period))
            if d.get("decision") != "validated" or slot is None:
                continue  # no organisation's unvalidated figures
            results.append({
                "outcome_metric_id": _v(d["metric_id"]), "result_level": _v("Outcome level"),
                "result_type": _v("Final" if ended else "Interim"),
                "period": _period(slot),
                "number_engaged_in_impact_bond": _v(d["people_engaged"]),
                "number_with_positive_social_outcomes": _v(d["people_with_outcome"]),
                "outcomes_achieved": _v(f"{d['people_with_outcome']} of "
                                        f"{d['people_engaged']} people engaged, period "
                                        f"{period}, validated"
                                        + (f" by the {d['decided_by']}"
                                           if d.get("decided_by") else "")),
                "source_ids": CONTRACT_SOURCE})
    payments = []
    buyer = (contract.get("buyer") or {}).get("organisation_id")
    supplier = (contract.get("supplier") or {}).get("organisation_id")
    parties = {}
    if buyer:
        parties["payer_organisation_id"] = _v(buyer)
    if supplier:
        parties["recipient_organisation_id"] = _v(supplier)
    for plan in (run or {}).get("planned") or []:
        if not plan.get("metric_id"):
            continue
        for p in plan["by_period"]:
            slot = schedules.get(plan["metric_id"], {}).get(p["period"]) or {}
            payments.append({
                "outcome_metric_id": _v(plan["metric_id"]), "type": _v("Planned"),
                "period": _period(slot),
                "money": {"currency": _v(currency), "amount": _v(_number(p["amount"]))},
                **parties, "source_ids": PAYMENTS_SOURCE})
    for period in (run or {}).get("periods") or []:
        for line in period["lines"]:
            slot = schedules.get(line["metric_id"], {}).get(period["period"]) or {}
            payments.append({
                "outcome_metric_id": _v(line["metric_id"]), "type": _v("Actual"),
                "period": _period(slot),
                "money": {"currency": _v(currency), "amount": _v(_number(line["amount"]))},
                **parties, "source_ids": PAYMENTS_SOURCE,
                "notes": f"{line['outcomes']} validated outcomes x {line['price']}"
                         + (f"; within the {' and '.join(line['capped_by'])}"
                            if line["capped_by"] else "")})
    data: dict[str, Any] = {
        "status": "PUBLIC", "name": _v(contract.get("title") or cid),
        "dates": {"start_date_of_service_provision": _v(contract.get("start_date")),
                  "anticipated_end_date_of_service_provision": _v(contract.get("end_date")),
                  "source_ids": CONTRACT_SOURCE},
        "sources": sources, "outcome_metrics": metrics, "outcome_pricings": pricings,
        "results": results, "outcome_payments": payments}
    return {"id": f"coprocure-{cid}", "standard": STANDARD, "data": data}
