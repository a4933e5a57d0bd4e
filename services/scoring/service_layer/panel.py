"""Forming the evaluation panel and declaring conflicts of interest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.scoring.adapters import audit_events as events
from services.scoring.adapters.outbox import emit_result
from services.scoring.adapters.tables.panel import (
    EVALUATOR,
    MODERATOR,
    ConflictDeclaration,
    ConflictStatement,
    PanelMember,
    Score,
)
from services.scoring.adapters.tables.tenders import AWARDED, CANCELLED, SCORED
from services.scoring.service_layer.access import (
    await_tender,
    bids_of,
    blocked_bids,
    get_tender,
    load_panel,
    not_found,
    viewer,
)
from services.scoring.service_layer.uow import unit_of_work
from shared.errors import Conflict, Invalid
from shared.identity import DirectoryUser, Identity
from shared.ids import new_id
from shared.time import rfc3339

if TYPE_CHECKING:
    from services.scoring.context import Context


def _check_members(body: dict[str, Any], directory: dict[str, DirectoryUser],
                   evaluation: dict[str, Any]) -> None:
    """Validate the panel against the tender's published rules; 422 naming the fields."""
    errors: dict[str, list[str]] = {}
    evaluators: list[str] = body["evaluators"]
    seen: set[str] = set()
    for i, uid in enumerate(evaluators):
        user = directory.get(uid)
        if uid in seen:
            errors[f"evaluators.{i}"] = ["Listed twice."]
        elif user is None:
            errors[f"evaluators.{i}"] = [f"Unknown user {uid}."]
        elif "evaluator" not in user.roles:
            errors[f"evaluators.{i}"] = [f"User {uid} does not hold the evaluator role."]
        seen.add(uid)
    moderator = directory.get(body["moderator"])
    if moderator is None:
        errors["moderator"] = [f"Unknown user {body['moderator']}."]
    elif "moderator" not in moderator.roles:
        errors["moderator"] = [f"User {body['moderator']} does not hold the moderator role."]
    minimum = int(evaluation["min_evaluators"])
    if len(seen) < minimum:
        errors.setdefault("evaluators", []).append(
            f"At least {minimum} evaluators are required by this tender.")
    if evaluation["require_lived_experience"] and not any(
            directory[u].lived_experience for u in seen if u in directory):
        errors.setdefault("evaluators", []).append(
            "This tender requires at least one evaluator with lived experience.")
    if errors:
        raise Invalid(errors)


def set_panel(ctx: Context, identity: Identity, tender_id: str, body: dict[str, Any],
              directory: dict[str, DirectoryUser]) -> dict[str, Any]:
    """Replace the tender's panel (owner commissioner); tell commissioning who sits on it."""
    await_tender(ctx, tender_id)
    with unit_of_work(ctx) as session:
        tender = get_tender(session, tender_id, for_update=True)
        panel = load_panel(session, tender.id)
        if not viewer(identity, tender, panel).owner:
            raise not_found()
        evaluation = tender.evaluation
        if evaluation["mode"] == "automatic":
            raise Conflict("This tender is scored automatically; it has no panel.")
        if tender.status in (SCORED, AWARDED, CANCELLED):
            raise Conflict(f"The panel cannot change once the tender is {tender.status}.")
        _check_members(body, directory, evaluation)
        removed = set(panel.evaluators) - set(body["evaluators"])
        if removed and session.scalars(select(Score.id).where(
                Score.tender_id == tender.id, Score.evaluator_id.in_(removed)).limit(1)).first():
            raise Conflict("Evaluators who have already scored cannot be "
                           "removed from the panel.")
        session.execute(delete(PanelMember).where(PanelMember.tender_id == tender.id))
        now = ctx.clock()
        for uid in body["evaluators"]:
            session.add(PanelMember(tender_id=tender.id, user_id=uid, role=EVALUATOR,
                                    lived_experience=directory[uid].lived_experience,
                                    set_by=identity.user_id, set_at=now))
        session.add(PanelMember(tender_id=tender.id, user_id=body["moderator"], role=MODERATOR,
                                lived_experience=directory[body["moderator"]].lived_experience,
                                set_by=identity.user_id, set_at=now))
        session.flush()
        result = panel_document(session, tender.id)
        result["set_at"] = rfc3339(now)
        events.record(session, event_type=events.PANEL_SET, tender_id=tender.id,
                      object_type="panel", object_id=tender.id,
                      **events.actor_of(identity, "commissioner"), payload=result,
                      occurred_at=now)
        _emit_panel(session, tender.id)
    return result


def panel_document(session: Session, tender_id: str) -> dict[str, Any]:
    """``{tender_id, evaluators: [{user_id, lived_experience}], moderator}``."""
    panel = load_panel(session, tender_id)
    return {"tender_id": tender_id,
            "evaluators": [{"user_id": u, "lived_experience": lx}
                           for u, lx in panel.evaluators.items()],
            "moderator": ({"user_id": panel.moderator,
                           "lived_experience": panel.moderator_lived_experience}
                          if panel.moderator else None)}


def _emit_panel(session: Session, tender_id: str) -> None:
    """PanelSet to commissioning: members, who has declared, and bids blocked per member."""
    panel = load_panel(session, tender_id)
    bids = bids_of(session, tender_id)
    declared = set(session.scalars(select(ConflictStatement.user_id).where(
        ConflictStatement.tender_id == tender_id)))
    members = sorted(panel.members())
    emit_result(session, event_type="PanelSet", tender_id=tender_id, data={
        "evaluators": list(panel.evaluators), "moderator": panel.moderator,
        "declared": [u for u in members if u in declared],
        "blocked": {u: sorted(blocked_bids(session, tender_id, u, bids)) for u in members}})


def declare_conflicts(ctx: Context, identity: Identity, tender_id: str,
                      body: dict[str, Any]) -> dict[str, Any]:
    """Record a panel member's conflict-of-interest statement (bids stay hidden until then)."""
    with unit_of_work(ctx) as session:
        tender = get_tender(session, tender_id)
        panel = load_panel(session, tender.id)
        who = viewer(identity, tender, panel)
        if not (who.evaluator or who.moderator):
            raise not_found()
        bids = {b.id: b for b in bids_of(session, tender.id)}
        errors = {f"declarations.{i}.bid_id": ["Not a bid of this tender."]
                  for i, d in enumerate(body["declarations"])
                  if d.get("bid_id") and d["bid_id"] not in bids}
        if errors:
            raise Invalid(errors)
        statement = ConflictStatement(id=new_id("coi"), tender_id=tender.id,
                                      user_id=identity.user_id, declared_at=ctx.clock())
        session.add(statement)
        session.flush()  # the statement row first: declarations reference it
        for d in body["declarations"]:
            session.add(ConflictDeclaration(
                statement_id=statement.id, tender_id=tender.id, user_id=identity.user_id,
                bid_id=d.get("bid_id"), organisation=d.get("organisation"),
                has_conflict=d["has_conflict"], detail=d.get("detail") or ""))
        session.flush()
        blocked = blocked_bids(session, tender.id, identity.user_id, list(bids.values()))
        scored = set(session.scalars(select(Score.bid_id).where(
            Score.tender_id == tender.id, Score.evaluator_id == identity.user_id)))
        if blocked & scored:
            # A conflict found after scoring must go to the commissioner, not silently hide.
            raise Conflict("You have already scored a bid you now declare a "
                           "conflict with; ask the commissioner to replace you on the panel.")
        result = {"tender_id": tender.id, "user_id": identity.user_id,
                  "statement_id": statement.id, "declared_at": rfc3339(statement.declared_at),
                  "declarations": [{"bid_id": d.get("bid_id"),
                                    "organisation": d.get("organisation"),
                                    "has_conflict": d["has_conflict"],
                                    "detail": d.get("detail") or ""}
                                   for d in body["declarations"]],
                  "conflicted_bids": len(blocked)}
        role = "evaluator" if who.evaluator else "moderator"
        events.record(session, event_type=events.CONFLICT_DECLARED, tender_id=tender.id,
                      object_type="conflict_statement", object_id=statement.id,
                      **events.actor_of(identity, role), evaluator_id=identity.user_id,
                      payload={k: v for k, v in result.items() if k != "conflicted_bids"},
                      occurred_at=statement.declared_at)
        _emit_panel(session, tender.id)
    return result
