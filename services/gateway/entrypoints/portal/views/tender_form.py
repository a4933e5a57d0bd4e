"""Create and edit a draft tender (criteria prefilled with the default set)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import render_template, request

from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.api import ApiProblem
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.dates import date_parts, parse_date_time, posted_parts
from services.gateway.entrypoints.portal.defaults import (
    CATEGORIES,
    PRICE_FORMULAS,
    RESERVATION_KINDS,
    SERVICE_AREAS,
)
from services.gateway.entrypoints.portal.lots_form import (
    keep_own_criteria,
    lot_fields,
    lot_rows,
    padded,
    parse_lots,
    remap_lot_errors,
)
from services.gateway.entrypoints.portal.rate_card_form import (
    card_fields,
    card_values,
    parse_card,
)
from services.gateway.entrypoints.portal.web import FormErrors, done, login_required
from shared.methodology import DEFAULT_EVALUATION, DEFAULT_PRICE, default_criteria

DESCRIPTOR_LEVELS = ("0", "1", "3", "5")
BLANK_MORE = 3  # lot rows the "add lot rows" button adds


def _number(value: str, kind: type = int) -> Any:
    value = value.strip()
    if value == "":
        return None
    try:
        return kind(value)
    except ValueError:
        return value  # sent as typed: the API answers 422 naming the field


def blank_tender() -> dict[str, Any]:
    """Form values for a new tender."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return {
        "title": "", "description": "", "service_area": "",
        "estimated_value": {"amount": ""},
        "clarification_deadline": date_parts((now + timedelta(days=21)).isoformat()),
        "submission_deadline": date_parts((now + timedelta(days=35)).isoformat()),
        # The API's own defaults; the form shows the quality share in per cent.
        "evaluation": {**DEFAULT_EVALUATION,
                       "min_quality_share": round(DEFAULT_EVALUATION["min_quality_share"] * 100)},
        "price": {**DEFAULT_PRICE, "ceiling": {"amount": ""}, "floor": {"amount": ""}},
        "criteria": default_criteria(),
        "rate_card": card_values(None),
        "lots": [],
    }


def tender_values(tender: dict[str, Any]) -> dict[str, Any]:
    """Form values from an API tender."""
    values = blank_tender()
    for key in ("title", "description", "service_area"):
        values[key] = tender.get(key) or ""
    values["estimated_value"] = {"amount": (tender.get("estimated_value") or {}).get("amount")}
    for key in ("clarification_deadline", "submission_deadline"):
        values[key] = date_parts(tender.get(key))
    evaluation = dict(values["evaluation"], **(tender.get("evaluation") or {}))
    share = evaluation.get("min_quality_share")
    if isinstance(share, int | float) and share <= 1:
        evaluation["min_quality_share"] = round(share * 100)
    values["evaluation"] = evaluation
    price = tender.get("price") or {}
    values["price"] = {"weight": price.get("weight"), "formula": price.get("formula"),
                       "ceiling": {"amount": (price.get("ceiling") or {}).get("amount")},
                       "floor": {"amount": (price.get("floor") or {}).get("amount")}}
    values["criteria"] = tender.get("criteria") or values["criteria"]
    values["rate_card"] = card_values(tender.get("rate_card"))
    values["lots"] = lot_rows(tender.get("lots"))
    return values


DEADLINES = {"clarification_deadline": "Questions accepted until",
             "submission_deadline": "Bids accepted until"}


def parse_deadlines(form) -> tuple[dict[str, str], dict[str, dict[str, str]], dict[str, str]]:
    """(RFC 3339 deadlines for the API, parts to redisplay, errors by field) from the form."""
    body, shown, problems = {}, {}, {}
    for name, label in DEADLINES.items():
        shown[name] = posted_parts(form, name)
        value, problem = parse_date_time(shown[name], label)
        if problem:
            problems[name] = problem
        elif value:
            body[name] = value
    return body, shown, problems


def parse_tender(form) -> tuple[dict[str, Any], dict[str, Any]]:
    """(API body, form values to redisplay) from the posted form (the deadlines' own errors:
    ``parse_deadlines``)."""
    get = lambda name: form.get(name, "")  # noqa: E731
    deadlines, deadline_parts, _ = parse_deadlines(form)
    criteria, shown = [], []
    index = 0
    while f"criteria.{index}.key" in form:
        prefix = f"criteria.{index}."
        row = {
            "key": get(prefix + "key").strip(), "title": get(prefix + "title").strip(),
            "category": get(prefix + "category"),
            "weight": _number(get(prefix + "weight")),
            "description": get(prefix + "description").strip(),
            "minimum_score": _number(get(prefix + "minimum_score")),
            "outcomes_sought": [line.strip() for line in
                                get(prefix + "outcomes_sought").splitlines() if line.strip()],
            "descriptors": {level: get(f"{prefix}descriptors.{level}").strip()
                            for level in DESCRIPTOR_LEVELS},
        }
        shown.append(row)
        if row["key"] or row["title"]:
            body_row = {k: v for k, v in row.items() if v not in (None, "")}
            body_row["descriptors"] = {k: v for k, v in row["descriptors"].items() if v}
            criteria.append(body_row)
        index += 1
    share = _number(get("evaluation.min_quality_share"), float)
    price: dict[str, Any] = {"weight": _number(get("price.weight")),
                             "formula": get("price.formula")}
    for bound in ("ceiling", "floor"):
        amount = get(f"price.{bound}.amount").strip()
        if amount:
            price[bound] = {"amount": amount, "currency": "GBP"}
    body = {
        "title": get("title").strip(), "description": get("description").strip(),
        "service_area": get("service_area"),
        "estimated_value": {"amount": get("estimated_value.amount").strip(), "currency": "GBP"},
        **deadlines,
        "evaluation": {
            "mode": get("evaluation.mode") or "panel",
            "min_evaluators": _number(get("evaluation.min_evaluators")),
            "require_lived_experience": form.get("evaluation.require_lived_experience") == "yes",
            "min_quality_share": share / 100 if isinstance(share, float) else share,
            "standstill_working_days": _number(get("evaluation.standstill_working_days")),
        },
        "price": price,
        "criteria": criteria,
    }
    body["evaluation"] = {k: v for k, v in body["evaluation"].items() if v is not None}
    body = {k: v for k, v in body.items() if v not in (None, "")}
    values = {
        "title": body.get("title", ""), "description": body.get("description", ""),
        "service_area": get("service_area"),
        "estimated_value": {"amount": get("estimated_value.amount")},
        **deadline_parts,
        "evaluation": {"mode": get("evaluation.mode"),
                       "min_evaluators": get("evaluation.min_evaluators"),
                       "require_lived_experience":
                           form.get("evaluation.require_lived_experience") == "yes",
                       "min_quality_share": get("evaluation.min_quality_share"),
                       "standstill_working_days": get("evaluation.standstill_working_days")},
        "price": {"weight": get("price.weight"), "formula": get("price.formula"),
                  "ceiling": {"amount": get("price.ceiling.amount")},
                  "floor": {"amount": get("price.floor.amount")}},
        "criteria": shown,
    }
    # the form always shows the rate card, so it always says what it is (None: no card)
    body["rate_card"], values["rate_card"] = parse_card(form)
    body["lots"], values["lots"] = parse_lots(form)  # None: no lots (clears a draft's)
    return body, values


def known_fields(values: dict[str, Any]) -> set[str]:
    """Every field path the form shows (to link API errors to inputs)."""
    fields = {"title", "description", "service_area", "estimated_value.amount",
              "clarification_deadline", "submission_deadline", "evaluation.mode",
              "evaluation.min_evaluators", "evaluation.min_quality_share",
              "evaluation.standstill_working_days", "price.weight", "price.formula",
              "price.ceiling.amount", "price.floor.amount", "weights"}
    for i in range(len(values["criteria"])):
        for name in ("key", "title", "category", "weight", "description", "minimum_score",
                     "outcomes_sought"):
            fields.add(f"criteria.{i}.{name}")
    return fields | card_fields(values["rate_card"]) | lot_fields(values["lots"])


def api_errors(exc: ApiProblem, values: dict[str, Any]) -> FormErrors:
    """The API's errors on the form's fields (lot rows counted as the form shows them)."""
    if exc.status >= 500 or exc.status in (401, 403):
        raise exc
    errors = remap_lot_errors(exc.errors or {"_": [exc.message]}, values["lots"])
    return FormErrors(errors, known_fields(values))


def check_weights(body: dict[str, Any], errors: FormErrors) -> None:
    """Weights must be whole numbers adding up to 100 (the API checks again at publication)."""
    weights = [c.get("weight") for c in body.get("criteria", [])]
    weights.append(body.get("price", {}).get("weight"))
    for i, criterion in enumerate(body.get("criteria", [])):
        if not isinstance(criterion.get("weight"), int):
            errors.add(f"criteria.{i}.weight", f"Enter a whole number weight for "
                                               f"{criterion.get('key') or 'the criterion'}")
    if all(isinstance(w, int) for w in weights) and sum(weights) != 100:
        errors.add("weights", f"The weights add up to {sum(weights)}: they must add up to 100")


def check_form(form, body: dict[str, Any]) -> FormErrors:
    """The portal's own checks before the API's: deadlines as dates, weights adding up."""
    errors = FormErrors()
    for name, problem in parse_deadlines(form)[2].items():
        errors.add(name, problem)
    check_weights(body, errors)
    return errors


def anchored(errors: FormErrors) -> FormErrors:
    """Link each deadline's error to its day input."""
    for name in DEADLINES:
        errors.anchor(name, name + ".day")
    return errors


def _render(values, errors, tender=None, more_lots=0):
    total = 0
    for w in [c.get("weight") for c in values["criteria"]] + [values["price"].get("weight")]:
        try:
            total += int(w)
        except (TypeError, ValueError):
            pass
    rows = list(values["criteria"])
    rows.append({"key": "", "title": "", "category": "quality", "weight": "",
                 "description": "", "minimum_score": "", "outcomes_sought": [],
                 "descriptors": {}})
    card = dict(values["rate_card"])
    card["outcomes"] = [*card["outcomes"], {name: "" for name in (
        "key", "criterion_key", "indicator", "price", "cap", "planned_outcomes", "description")}]
    values = dict(values, criteria=rows, rate_card=card, lots=padded(values["lots"], more_lots))
    errors = anchored(errors)
    return render_template("portal/tender_form.html",
                           title="Edit the tender" if tender else "Create a tender",
                           values=values, errors=errors, tender=tender, total=total,
                           areas=SERVICE_AREAS, categories=CATEGORIES,
                           formulas=PRICE_FORMULAS, levels=DESCRIPTOR_LEVELS,
                           kinds=RESERVATION_KINDS), \
        (422 if errors else 200)


@portal.route("/tenders/new", methods=["GET", "POST"])
@login_required("commissioner")
def tender_new():
    """Draft a tender."""
    if request.method == "GET":
        return _render(blank_tender(), FormErrors())
    body, values = parse_tender(request.form)
    if request.form.get("add_lots"):
        return _render(values, FormErrors(), more_lots=BLANK_MORE)
    errors = check_form(request.form, body)
    if not errors:
        try:
            tender = api.post("/tenders", body)
            return done("Draft saved. Check it, then publish it.", "portal.tender_show",
                        tender_id=tender["id"])
        except ApiProblem as exc:
            errors = api_errors(exc, values)
    return _render(values, errors)


@portal.route("/tenders/<tender_id>/edit", methods=["GET", "POST"])
@login_required("commissioner")
def tender_edit(tender_id: str):
    """Edit a draft tender."""
    tender = api.get(f"/tenders/{tender_id}")
    if request.method == "GET":
        return _render(tender_values(tender), FormErrors(), tender)
    body, values = parse_tender(request.form)
    if request.form.get("add_lots"):
        return _render(values, FormErrors(), tender, more_lots=BLANK_MORE)
    keep_own_criteria(body["lots"], tender.get("lots"))
    errors = check_form(request.form, body)
    if not errors:
        try:
            api.patch(f"/tenders/{tender_id}", body)
            return done("Draft saved.", "portal.tender_show", tender_id=tender_id)
        except ApiProblem as exc:
            errors = api_errors(exc, values)
    return _render(values, errors, tender)
