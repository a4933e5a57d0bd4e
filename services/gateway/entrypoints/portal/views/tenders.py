"""Browse, read and run a tender: search, criteria, Q&A, publish, amend, cancel, panel."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, session

from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.api import ApiProblem
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.dates import date_parts, parse_date_time, posted_parts
from services.gateway.entrypoints.portal.defaults import SERVICE_AREAS
from services.gateway.entrypoints.portal.views.home import my_bids, owned
from services.gateway.entrypoints.portal.web import (
    FormErrors,
    done,
    login_required,
    problem_errors,
    roles,
    user,
)


@portal.route("/tenders")
def tender_list():
    """Search open tenders (and, for commissioners, their own)."""
    query = {"q": request.args.get("q", "").strip()[:200],
             "service_area": request.args.get("service_area", ""),
             "status": request.args.get("status", "published" if "commissioner" not in roles()
                                        else "")}
    tenders = api.get("/tenders", params=dict(query, limit=50),
                      anonymous=not user())["items"]
    return render_template("portal/tender_list.html", title="Tenders", tenders=tenders,
                           query=query, areas=SERVICE_AREAS)


def _questions(tender_id: str) -> list[dict[str, Any]]:
    return api.try_get(f"/tenders/{tender_id}/questions", {"items": []},
                       anonymous=not user())["items"]


def _page(tender: dict[str, Any], errors: FormErrors | None = None,
          values: dict | None = None, status: int = 200):
    mine = roles()
    owner = "commissioner" in mine and owned(tender)
    my_bid = following = None
    lot_bids: dict[str, dict[str, Any]] = {}
    if "bidder" in mine:
        live = [b for b in my_bids() if b.get("tender_id") == tender["id"]
                and b.get("status") != "withdrawn"]
        my_bid = live[0] if live else None
        lot_bids = {b["lot_key"]: b for b in reversed(live) if b.get("lot_key")}  # newest wins
        follows = api.try_get("/follows", {"items": []})["items"]
        following = next((f for f in follows if f["tender_id"] == tender["id"]), None)
    documents = api.try_get(f"/tenders/{tender['id']}/documents", {"items": []},
                            anonymous=not user())["items"]
    contracts = []  # one per awarded lot, once its standstill has ended
    if tender.get("lots") and tender.get("status") in ("scored", "awarded", "concluded"):
        contracts = (api.try_get(f"/tenders/{tender['id']}/contracts", {"items": []},
                                 anonymous=not user()) or {}).get("items", [])
    return render_template("portal/tender_show.html", title=tender.get("title", "Tender"),
                           tender=tender, questions=_questions(tender["id"]), owner=owner,
                           documents=documents, my_bid=my_bid, following=following,
                           lot_bids=lot_bids, contracts=contracts,
                           errors=errors or FormErrors(), values=values or {}), status


@portal.route("/tenders/<tender_id>")
def tender_show(tender_id: str):
    """A tender: summary, criteria, Q&A and what this user can do next."""
    return _page(api.get(f"/tenders/{tender_id}", anonymous=not user()))


@portal.route("/tenders/<tender_id>/questions", methods=["POST"])
@login_required("bidder")
def question_ask(tender_id: str):
    """A bidder asks a clarification question (published with the asker hidden)."""
    text = request.form.get("question", "").strip()
    errors = FormErrors()
    if not text:
        errors.add("question", "Enter your question")
    elif len(text) > 4000:
        errors.add("question", "Your question must be 4,000 characters or fewer")
    if not errors:
        try:
            api.post(f"/tenders/{tender_id}/questions", {"question": text})
            return done("Your question was sent. The answer will be published to every bidder "
                        "without your name.", "portal.tender_show", tender_id=tender_id)
        except ApiProblem as exc:
            if exc.status >= 500 or exc.status == 401:
                raise
            errors = problem_errors(exc, {"question"})
    return _page(api.get(f"/tenders/{tender_id}"), errors, {"question": text}, 422)


@portal.route("/tenders/<tender_id>/questions/<question_id>/answer", methods=["POST"])
@login_required("commissioner")
def question_answer(tender_id: str, question_id: str):
    """The owner answers a question for everyone."""
    text = request.form.get("answer", "").strip()
    field = f"answer-{question_id}"
    errors = FormErrors()
    if not text:
        errors.add(field, "Enter an answer")
    if not errors:
        try:
            api.post(f"/tenders/{tender_id}/questions/{question_id}/answer", {"answer": text})
            return done("Answer published.", "portal.tender_show", tender_id=tender_id)
        except ApiProblem as exc:
            if exc.status >= 500 or exc.status == 401:
                raise
            errors = FormErrors({field: [exc.message]}, {field})
    return _page(api.get(f"/tenders/{tender_id}"), errors, {field: text}, 422)


@portal.route("/tenders/<tender_id>/publish", methods=["POST"])
@login_required("commissioner")
def tender_publish(tender_id: str):
    """Publish a draft (the API checks weights and deadlines)."""
    try:
        api.post(f"/tenders/{tender_id}/publish")
    except ApiProblem as exc:
        if exc.status >= 500 or exc.status == 401:
            raise
        return _page(api.get(f"/tenders/{tender_id}"),
                     problem_errors(exc, set()), status=422)
    return done("The tender is published. Bidders can now see it.", "portal.tender_show",
                tender_id=tender_id)


@portal.route("/tenders/<tender_id>/amend", methods=["GET", "POST"])
@login_required("commissioner")
def tender_amend(tender_id: str):
    """Amend a published tender: a new submission deadline and/or description, with a reason."""
    tender = api.get(f"/tenders/{tender_id}")
    values: dict[str, Any] = {"reason": "", "submission_deadline": date_parts(None),
                              "description": tender.get("description")}
    errors = _amend_errors(FormErrors())
    if request.method == "POST":
        values = {"reason": request.form.get("reason", "").strip(),
                  "description": request.form.get("description", "").strip(),
                  "submission_deadline": posted_parts(request.form, "submission_deadline")}
        changes: dict[str, Any] = {}
        deadline, problem = parse_date_time(values["submission_deadline"],
                                            "The new submission deadline")
        if problem:
            errors.add("submission_deadline", problem)
        elif deadline:
            changes["submission_deadline"] = deadline
        if values["description"] and values["description"] != tender.get("description"):
            changes["description"] = values["description"]
        if not values["reason"]:
            errors.add("reason", "Enter the reason for the amendment")
        if not changes and not errors.get("submission_deadline"):
            errors.add("submission_deadline", "Change the deadline or the description")
        if not errors:
            try:
                api.post(f"/tenders/{tender_id}/amendments",
                         {"changes": changes, "reason": values["reason"]})
                return done("Amendment published.", "portal.tender_show", tender_id=tender_id)
            except ApiProblem as exc:
                if exc.status >= 500 or exc.status == 401:
                    raise
                errors = _amend_errors(problem_errors(
                    exc, {"reason", "changes.submission_deadline", "changes.description"}))
    return render_template("portal/tender_amend.html", title="Amend the tender", tender=tender,
                           values=values, errors=errors), (422 if errors else 200)


def _amend_errors(errors: FormErrors) -> FormErrors:
    """The amendment form's errors, with the deadline's linked to its day input."""
    return errors.anchor("submission_deadline", "submission_deadline.day") \
        .anchor("changes.submission_deadline", "submission_deadline.day") \
        .anchor("changes.description", "description")


@portal.route("/tenders/<tender_id>/cancel", methods=["POST"])
@login_required("commissioner")
def tender_cancel(tender_id: str):
    """Cancel a tender before award, with a reason."""
    reason = request.form.get("reason", "").strip()
    if not reason:
        return _page(api.get(f"/tenders/{tender_id}"),
                     FormErrors({"reason": ["Enter the reason for cancelling"]}, {"reason"}),
                     status=422)
    api.post(f"/tenders/{tender_id}/cancel", {"reason": reason})
    return done("The tender is cancelled.", "portal.tender_show", tender_id=tender_id)


def _staff(role: str) -> list[dict[str, Any]]:
    """Users with a role, if the API lists them to commissioners (else the form takes ids)."""
    listed = api.try_get("/users", params={"role": role, "limit": 200})
    return listed.get("items", []) if isinstance(listed, dict) else []


@portal.route("/tenders/<tender_id>/panel", methods=["GET", "POST"])
@login_required("commissioner")
def tender_panel(tender_id: str):
    """Set the evaluation panel and its moderator."""
    tender = api.get(f"/tenders/{tender_id}")
    # There is no GET of the panel: the evaluation document carries it.
    current = (api.try_get(f"/tenders/{tender_id}/evaluation", {}) or {}).get("panel") or {}
    moderator = current.get("moderator") or ""
    values = {"evaluators": [e.get("user_id") if isinstance(e, dict) else e
                             for e in current.get("evaluators") or []],
              "moderator": moderator.get("user_id", "") if isinstance(moderator, dict)
              else moderator}
    errors = FormErrors()
    if request.method == "POST":
        chosen = request.form.getlist("evaluators")
        typed = [x.strip() for x in request.form.get("evaluator_ids", "").replace(",", "\n")
                 .splitlines() if x.strip()]
        values = {"evaluators": list(dict.fromkeys(chosen + typed)),
                  "moderator": request.form.get("moderator", "").strip()}
        if not values["evaluators"]:
            errors.add("evaluators", "Choose the evaluators")
        if not values["moderator"]:
            errors.add("moderator", "Choose the moderator")
        if not errors:
            try:
                api.put(f"/tenders/{tender_id}/panel", values)
                return done("Panel saved.", "portal.tender_show", tender_id=tender_id)
            except ApiProblem as exc:
                if exc.status >= 500 or exc.status == 401:
                    raise
                errors = problem_errors(exc, {"evaluators", "moderator"})
    return render_template("portal/tender_panel.html", title="Set the evaluation panel",
                           tender=tender, values=values, errors=errors,
                           evaluators=_staff("evaluator"), moderators=_staff("moderator"),
                           me=session.get("user")), (422 if errors else 200)
