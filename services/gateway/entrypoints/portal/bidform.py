"""The bid form: posted fields (named by API path) ⇄ the API's bid body."""

from __future__ import annotations

from typing import Any

from services.gateway.entrypoints.portal.defaults import STAGES

COMMITMENT_TEXT = ("statement", "declared_level", "indicator.name", "indicator.unit",
                   "indicator.instrument", "baseline.kind", "baseline.value", "baseline.date",
                   "baseline.source", "baseline.instrument",
                   "baseline.description",
                   "target.value", "target.by", "sustainment_period_months",
                   "validation_method", "reporting_frequency")


def _num(value: str) -> Any:
    value = value.strip()
    if not value:
        return None
    try:
        return int(value) if value.lstrip("-").isdigit() else float(value)
    except ValueError:
        return value  # the API names the field


def _set(target: dict, dotted: str, value: Any) -> None:
    head, _, rest = dotted.partition(".")
    if rest:
        _set(target.setdefault(head, {}), rest, value)
    else:
        target[head] = value


def _get(source: dict, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(source, dict):
            return None
        source = source.get(part)
    return source


def blank_commitment() -> dict[str, Any]:
    """An empty commitment block."""
    return {"assessed_by": [], "co_defined_with_users": False}


def parse_commitment(form, prefix: str) -> dict[str, Any] | None:
    """One commitment from the form (None when its statement is blank)."""
    out: dict[str, Any] = {}
    for name in COMMITMENT_TEXT:
        raw = form.get(prefix + name, "")
        if name in ("baseline.value", "target.value", "sustainment_period_months"):
            value = _num(raw)
        else:
            value = raw.strip() or None
        if value is not None:
            _set(out, name, value)
    out["assessed_by"] = form.getlist(prefix + "assessed_by")
    out["co_defined_with_users"] = form.get(prefix + "co_defined_with_users") == "yes"
    return out if out.get("statement") else None


def parse_bid(form, criteria: list[dict]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(API body, values to redisplay); an 'add commitment' click adds a blank block."""
    add = form.get("add_commitment", "")
    responses, shown = [], []
    for i, criterion in enumerate(criteria):
        prefix = f"responses.{i}."
        slots = int(form.get(prefix + "slots", "1") or 1)
        commitments, shown_commitments = [], []
        for j in range(min(slots, 20)):
            parsed = parse_commitment(form, f"{prefix}outcome_commitments.{j}.")
            shown_commitments.append(parsed or blank_commitment())
            if parsed:
                commitments.append(parsed)
        if add == str(i):
            shown_commitments.append(blank_commitment())
        response = {"criterion_key": criterion["key"],
                    "narrative": form.get(prefix + "narrative", "").strip()}
        if commitments:
            response["outcome_commitments"] = commitments
        responses.append(response)
        shown.append(dict(response, outcome_commitments=shown_commitments))
    coproduction = {
        "stages": {stage: form.get(f"coproduction.stages.{stage}", "")
                   for stage, _ in STAGES if form.get(f"coproduction.stages.{stage}")},
        "power_sharing": form.getlist("coproduction.power_sharing"),
        "principles": form.getlist("coproduction.principles"),
        "reciprocity_offers": form.getlist("coproduction.reciprocity_offers"),
    }
    body = {"price": {"amount": form.get("price.amount", "").strip(), "currency": "GBP"},
            "responses": responses, "coproduction": coproduction}
    values = {"price": {"amount": form.get("price.amount", "")}, "responses": shown,
              "coproduction": coproduction}
    return body, values


def bid_values(bid: dict[str, Any] | None, criteria: list[dict]) -> dict[str, Any]:
    """Form values from an existing bid (or blank ones)."""
    bid = bid or {}
    by_key = {r.get("criterion_key"): r for r in bid.get("responses") or []}
    shown = []
    for criterion in criteria:
        response = by_key.get(criterion["key"], {})
        commitments = list(response.get("outcome_commitments") or [])
        if not commitments:
            commitments = [blank_commitment()]
        shown.append({"criterion_key": criterion["key"],
                      "narrative": response.get("narrative", ""),
                      "outcome_commitments": commitments})
    coproduction = bid.get("coproduction") or {"stages": {}, "power_sharing": [],
                                               "principles": [], "reciprocity_offers": []}
    return {"price": {"amount": (bid.get("price") or {}).get("amount", "")},
            "responses": shown, "coproduction": coproduction}


def known_fields(values: dict[str, Any]) -> set[str]:
    """The field paths the form shows."""
    fields = {"price.amount", "price", "responses", "coproduction",
              "coproduction.power_sharing", "coproduction.principles",
              "coproduction.reciprocity_offers"}
    fields |= {f"coproduction.stages.{stage}" for stage, _ in STAGES}
    for i, response in enumerate(values["responses"]):
        fields |= {f"responses.{i}.narrative", f"responses.{i}.criterion_key"}
        for j in range(len(response["outcome_commitments"])):
            prefix = f"responses.{i}.outcome_commitments.{j}."
            fields |= {prefix + name for name in COMMITMENT_TEXT}
            fields |= {prefix + "assessed_by", prefix + "co_defined_with_users"}
    return fields


def remap_errors(errors: dict[str, list[str]], body: dict, values: dict) -> dict[str, list[str]]:
    """API paths count only non-blank commitments; map them back to the form's blocks."""
    out: dict[str, list[str]] = {}
    for path, messages in errors.items():
        parts = path.split(".")
        if len(parts) > 3 and parts[0] == "responses" and parts[2] == "outcome_commitments":
            i, j = int(parts[1]), int(parts[3]) if parts[3].isdigit() else 0
            shown = values["responses"][i]["outcome_commitments"] if i < len(
                values["responses"]) else []
            filled = [k for k, c in enumerate(shown) if c.get("statement")]
            if j < len(filled):
                parts[3] = str(filled[j])
        out[".".join(parts)] = messages
    return out


get_value = _get
