"""The panel's work: conflicts, scoring each bid per criterion, moderation, the overview."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.api import ApiProblem
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.charts import depth_chart, divergence_chart
from services.gateway.entrypoints.portal.lots_form import lot_criteria
from services.gateway.entrypoints.portal.web import FormErrors, done, login_required, problem_errors

PANEL = ("commissioner", "evaluator", "moderator", "auditor")


def _bids(tender_id: str, evaluation: dict) -> list[dict[str, Any]]:
    """The tender's bids as the API lets this user see them (no price for evaluators)."""
    listed = api.try_get(f"/tenders/{tender_id}/bids", {"items": []}, params={"limit": 200})
    bids = listed.get("items", []) if isinstance(listed, dict) else []
    if not bids:
        bids = [{"id": b["bid_id"]} for b in evaluation.get("bids") or []]
    return bids


def _name(bid: dict[str, Any], index: int) -> str:
    org = bid.get("organisation")
    if isinstance(org, dict) and org.get("name"):
        return org["name"]
    return bid.get("organisation_name") or f"Bid {index + 1}"


def by_lot(tender: dict[str, Any], bids: list[dict[str, Any]],
           evaluation: dict[str, Any]) -> list[tuple[dict[str, Any] | None, list[dict]]]:
    """The bids grouped by lot, in the tender's lot order: [(lot, bids)]; one group with no
    lot on a tender without lots (bids of no known lot last, so none is hidden)."""
    lots = tender.get("lots") or []
    if not lots:
        return [(None, bids)]
    lot_of = {b["bid_id"]: b.get("lot_key") for b in evaluation.get("bids") or []}
    keyed = [(b.get("lot_key") or lot_of.get(b["id"]), b) for b in bids]
    groups = [(lot, [b for key, b in keyed if key == lot["key"]]) for lot in lots]
    known = {lot["key"] for lot in lots}
    stray = [b for key, b in keyed if key not in known]
    return groups + ([({"key": "", "title": "Lot not known"}, stray)] if stray else [])


def _name_and_lot(bid: dict[str, Any], index: int) -> str:
    """A bidder may bid for several lots: each of its bids is declared on, lot named."""
    lot = bid.get("lot_key")
    return _name(bid, index) + (f" (lot {lot})" if lot else "")


@portal.route("/tenders/<tender_id>/evaluation")
@login_required(*PANEL)
def evaluation_show(tender_id: str):
    """Progress, automated assessments, divergences; bids side by side."""
    tender = api.get(f"/tenders/{tender_id}")
    evaluation = api.get(f"/tenders/{tender_id}/evaluation")
    bids = _bids(tender_id, evaluation)
    names = {b["id"]: _name(b, i) for i, b in enumerate(bids)}
    assessments = {b["bid_id"]: b.get("assessment") or {} for b in evaluation.get("bids") or []}
    depth = {bid_id: depth_chart((a.get("coproduction") or {}).get("stages"))
             for bid_id, a in assessments.items()}
    divergences = evaluation.get("divergences") or []
    spread = {}
    for d in divergences:
        label = f"{names.get(d['bid_id'], d['bid_id'][:6])[:10]} {d['criterion_key']}"
        spread[label] = d.get("scores") or []
    return render_template("portal/evaluation.html", title="Evaluation", tender=tender,
                           evaluation=evaluation, bids=bids, names=names,
                           groups=by_lot(tender, bids, evaluation),
                           assessments=assessments, depth=depth, divergences=divergences,
                           divergence_svg=divergence_chart(spread) if spread else None)


@portal.route("/tenders/<tender_id>/conflicts", methods=["GET", "POST"])
@login_required("evaluator", "moderator")
def conflicts(tender_id: str):
    """Declare conflicts of interest for each bidder before any bid is shown."""
    tender = api.get(f"/tenders/{tender_id}")
    evaluation = api.get(f"/tenders/{tender_id}/evaluation")
    bids = _bids(tender_id, evaluation)
    errors = FormErrors()
    values: dict[str, Any] = {}
    if request.method == "POST":
        declarations = []
        for i, bid in enumerate(bids):
            answer = request.form.get(f"declarations.{i}.has_conflict", "")
            detail = request.form.get(f"declarations.{i}.detail", "").strip()
            values[f"declarations.{i}.has_conflict"] = answer
            values[f"declarations.{i}.detail"] = detail
            if answer not in ("yes", "no"):
                errors.add(f"declarations.{i}.has_conflict",
                           f"Say whether you have a conflict with {_name_and_lot(bid, i)}")
            elif answer == "yes" and not detail:
                errors.add(f"declarations.{i}.detail", "Describe the conflict")
            declarations.append({"bid_id": bid["id"], "has_conflict": answer == "yes",
                                 "detail": detail})
        if not errors:
            try:
                api.post(f"/tenders/{tender_id}/conflicts", {"declarations": declarations})
                return done("Declarations recorded.", "portal.evaluation_show",
                            tender_id=tender_id)
            except ApiProblem as exc:
                if exc.status >= 500 or exc.status == 401:
                    raise
                errors = problem_errors(exc, set(values))
    return render_template("portal/conflicts.html", title="Declare conflicts of interest",
                           tender=tender, bids=bids, names=[_name_and_lot(b, i) for i, b in
                                                            enumerate(bids)],
                           values=values, errors=errors), (422 if errors else 200)


@portal.route("/tenders/<tender_id>/bids/<bid_id>/score", methods=["GET", "POST"])
@login_required("evaluator", "moderator")
def score(tender_id: str, bid_id: str):
    """Score one bid criterion by criterion: bid text, descriptors and automated assessment."""
    tender = api.get(f"/tenders/{tender_id}")
    bid = api.get(f"/bids/{bid_id}")
    evaluation = api.get(f"/tenders/{tender_id}/evaluation")
    assessment = next((b.get("assessment") or {} for b in evaluation.get("bids") or []
                       if b.get("bid_id") == bid_id), {})
    criteria = lot_criteria(tender, bid.get("lot_key"))  # a lot may have its own
    keys = [c["key"] for c in criteria]
    key = request.values.get("criterion_key") or (keys[0] if keys else "")
    if key not in keys:
        key = keys[0]
    moderate = request.values.get("mode") == "moderate"
    errors = FormErrors()
    values = {"score": "", "justification": ""}
    if request.method == "POST":
        values = {"score": request.form.get("score", ""),
                  "justification": request.form.get("justification", "").strip()}
        text_field = "rationale" if moderate else "justification"
        if values["score"] not in [str(n) for n in range(6)]:
            errors.add("score", "Choose a score from 0 to 5")
        if not values["justification"]:
            errors.add("justification", "Explain the score with reference to the bid")
        if not errors:
            path = "moderation" if moderate else "scores"
            try:
                api.post(f"/tenders/{tender_id}/bids/{bid_id}/{path}",
                         {"criterion_key": key, "score": int(values["score"]),
                          text_field: values["justification"]})
                following = keys[keys.index(key) + 1] if keys.index(key) + 1 < len(keys) else None
                if following and not moderate:
                    return done(f"{key} scored.", "portal.score", tender_id=tender_id,
                                bid_id=bid_id, criterion_key=following)
                return done("Score recorded.", "portal.evaluation_show", tender_id=tender_id)
            except ApiProblem as exc:
                if exc.status >= 500 or exc.status == 401:
                    raise
                errs = {("justification" if k == text_field else k): v
                        for k, v in (exc.errors or {"_": [exc.message]}).items()}
                errors = FormErrors(errs, {"score", "justification"})
    criterion = next(c for c in criteria if c["key"] == key)
    response = next((r for r in bid.get("responses") or [] if r.get("criterion_key") == key), {})
    commitments = [c for c in assessment.get("commitments") or []
                   if c.get("criterion_key") == key]
    return render_template(
        "portal/score.html", title=f"{'Moderate' if moderate else 'Score'} {key}",
        tender=tender, bid=bid, criterion=criterion, response=response, keys=keys, key=key,
        assessment=assessment, commitments=commitments, values=values, errors=errors,
        moderate=moderate,
        caps=[c for c in assessment.get("caps") or [] if c.get("criterion_key") == key],
        indicative=(assessment.get("indicative_scores") or {}).get(key),
        divergence=next((d for d in evaluation.get("divergences") or []
                         if d.get("bid_id") == bid_id and d.get("criterion_key") == key), None),
    ), (422 if errors else 200)
