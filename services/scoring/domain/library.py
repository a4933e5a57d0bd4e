"""The evidence library: for each outcome indicator, across the completed periods of every
contract, what was targeted, achieved and validated, by the co-production depth of the bid
that won (Four-Co stages at co-design or deeper); and each contract's outcome framework, to
start a tender from. Pure. Counts only, from validated results only: no person, and no
organisation's unvalidated figures (docs/scoring.md, "19. Evidence library").
"""

from __future__ import annotations

from datetime import date
from typing import Any

LIBRARY_MODEL_VERSION = "library-1.0.0"
STAGES = 4


def indicator_key(metric: dict[str, Any]) -> str:
    """Indicators are the same when their names (ignoring case, spacing) and units are."""
    indicator = metric.get("indicator") or {}
    name = "-".join(str(indicator.get("name") or metric.get("id")).lower().split())
    return f"{name}|{indicator.get('unit') or ''}"


def depth_of(assessment: dict[str, Any] | None) -> dict[str, Any]:
    """The winning bid's Four-Co depth: how many stages are at co-design or deeper."""
    cop = (assessment or {}).get("coproduction") or {}
    n = cop.get("stages_at_codesign_or_above")
    if n is None:
        return {"stages": None, "label": "not assessed"}
    return {"stages": int(n), "label": f"{int(n)} of {STAGES} stages co-designed or deeper",
            "highest_level": cop.get("highest_level")}


def completed_periods(contract: dict[str, Any], today: date) -> set[int]:
    """Periods that are over: ended by ``today``, or every agreed metric's result decided."""
    metrics = contract.get("metrics") or []
    decided = {int(p): {d["metric_id"] for d in items}
               for p, items in (contract.get("decisions") or {}).items()}
    ends: dict[int, str] = {}
    due: dict[int, set[str]] = {}  # the metrics that have a period p (frequencies differ)
    for m in metrics:
        for slot in m.get("schedule") or []:
            ends[slot["period"]] = max(ends.get(slot["period"], ""), slot["end"])
            due.setdefault(slot["period"], set()).add(m["id"])
    return {p for p, end in ends.items()
            if date.fromisoformat(end[:10]) < today or due[p] <= decided.get(p, set())}


def _blank(depth: dict[str, Any]) -> dict[str, Any]:
    return {**depth, "contracts": 0, "targeted": 0, "validated": 0, "achieved": 0,
            "people_engaged": 0, "people_with_outcome": 0}


def evidence(contracts: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """Per indicator: counts by depth. ``contracts``: ``{"doc": the contract with decisions,
    "depth": depth_of(...), "met": {(metric_id, period), ...} (current ratings: met)}``.

    Per completed metric-period: *targeted* (a target fell due), *validated* (its result was
    validated), *achieved* (validated and rated met); cohorts summed from validated results.
    """
    indicators: dict[str, dict[str, Any]] = {}
    for c in contracts:
        doc, depth = c["doc"], c["depth"]
        done = completed_periods(doc, today)
        validated = {(d["metric_id"], int(p)): d
                     for p, items in (doc.get("decisions") or {}).items() for d in items
                     if d.get("decision") == "validated"}
        for m in doc.get("metrics") or []:
            periods = [s["period"] for s in m.get("schedule") or [] if s["period"] in done]
            if not periods:
                continue
            key = indicator_key(m)
            entry = indicators.setdefault(key, {
                "key": key, "name": (m.get("indicator") or {}).get("name") or m["id"],
                "unit": (m.get("indicator") or {}).get("unit"), "contracts": [],
                "by_depth": {}})
            if doc["id"] not in entry["contracts"]:
                entry["contracts"].append(doc["id"])
            row = entry["by_depth"].setdefault(depth["label"], _blank(depth))
            row["contracts"] = len({*row.get("_ids", []), doc["id"]})
            row["_ids"] = sorted({*row.get("_ids", []), doc["id"]})
            for p in periods:
                row["targeted"] += 1
                result = validated.get((m["id"], p))
                if result is None:
                    continue
                row["validated"] += 1
                row["achieved"] += int((m["id"], p) in c["met"])
                row["people_engaged"] += int(result.get("people_engaged") or 0)
                row["people_with_outcome"] += int(result.get("people_with_outcome") or 0)
    out = []
    for entry in sorted(indicators.values(), key=lambda e: e["key"]):
        rows = sorted(entry["by_depth"].values(),
                      key=lambda r: (-1 if r["stages"] is None else r["stages"]), reverse=True)
        for r in rows:
            r.pop("_ids", None)
        out.append({**entry, "frameworks": [f"fw-{cid}" for cid in entry["contracts"]],
                    "contracts": len(entry["contracts"]), "by_depth": rows})
    return {"model_version": LIBRARY_MODEL_VERSION, "as_of": today.isoformat(),
            "indicators": out}


def framework(doc: dict[str, Any], tender: dict[str, Any], depth: dict[str, Any]
              ) -> dict[str, Any]:
    """A contract's outcome framework and the tender body that starts from it: the criteria
    with the agreed indicators as outcomes sought, and the rate card, citing the contract."""
    metrics = doc.get("metrics") or []
    sought: dict[str, list[str]] = {}
    for m in metrics:
        name = (m.get("indicator") or {}).get("name") or m["id"]
        sought.setdefault(m.get("criterion_key"), []).append(
            f"{m.get('statement') or name} (measured by {name})"[:500])
    criteria = []
    for c in tender.get("criteria") or []:
        extra = [s for s in sought.get(c["key"], []) if s not in (c.get("outcomes_sought") or [])]
        criteria.append({**c, "outcomes_sought": [*(c.get("outcomes_sought") or []),
                                                  *extra][:20]})
    card = doc.get("rate_card")
    if card:
        card = {**card, "outcomes": [{k: v for k, v in o.items() if k != "metric_id"}
                                     for o in card["outcomes"]]}
    fid = f"fw-{doc['id']}"
    title = doc.get("title") or tender.get("title") or doc["id"]
    source = {"framework_id": fid, "contract_id": doc["id"], "title": title[:300]}
    return {
        "id": fid, "contract_id": doc["id"], "tender_id": tender.get("id"), "title": title,
        "buyer": (doc.get("buyer") or {}).get("name"),
        "provider": (doc.get("supplier") or {}).get("name"), "depth": depth,
        "indicators": [{"metric_id": m["id"], "criterion_key": m.get("criterion_key"),
                        "statement": m.get("statement"), "indicator": m.get("indicator"),
                        "baseline": m.get("baseline"), "target": m.get("target"),
                        "validation_method": m.get("validation_method"),
                        "reporting_frequency": m.get("reporting_frequency")} for m in metrics],
        "criteria": criteria, "rate_card": card,
        "tender_template": {"title": title[:300],
                            "description": (tender.get("description") or "")[:50_000],
                            "service_area": tender.get("service_area"),
                            "criteria": criteria, "price": tender.get("price"),
                            "rate_card": card, "source": source},
    }
