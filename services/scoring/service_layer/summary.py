"""Assessment summaries: one per bid, with reasons that cite the bid's own content.

See docs/architecture.md, "Assessment summaries".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from services.scoring.adapters.tables.runs import ScoringRun
from services.scoring.adapters.tables.tenders import Bid, Tender
from services.scoring.domain.criteria import quality_criteria
from services.scoring.service_layer.access import load_panel, not_found, viewer
from services.scoring.service_layer.award import (
    award_document,
    decision_of,
    is_decided,
    latest_completed_run,
)
from services.scoring.service_layer.evaluation import assessments_by_bid
from services.scoring.service_layer.scores import current_moderations, current_scores
from shared.errors import Conflict, Forbidden
from shared.identity import Identity

if TYPE_CHECKING:
    from services.scoring.context import Context

QUOTE_LIMIT = 300


def _quote(text: Any) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= QUOTE_LIMIT else text[:QUOTE_LIMIT - 1] + "…"


def _authorise(session: Session, identity: Identity, bid_id: str) -> tuple[Bid, Tender, bool]:
    """The bid and tender, if the caller may read this bid's summary now."""
    bid = session.get(Bid, bid_id)
    if bid is None:
        raise not_found("bid")
    tender = session.get(Tender, bid.tender_id)
    who = viewer(identity, tender, load_panel(session, tender.id))
    staff = who.owner or who.auditor
    own = identity.organisation_id is not None and identity.organisation_id == bid.organisation_id
    if not (staff or own):
        raise not_found("bid")
    if not staff and not is_decided(session, tender.id, bid.lot_key):
        raise Forbidden("Assessment summaries are published after the award"
                        + (" of the bid's lot." if bid.lot_key else "."))
    return bid, tender, staff


def assessment_summary(ctx: Context, identity: Identity, bid_id: str) -> dict[str, Any]:
    """``GET /bids/{id}/assessment-summary``."""
    with ctx.session_factory() as session:
        bid, tender, staff = _authorise(session, identity, bid_id)
        award = decision_of(session, tender.id, bid.lot_key)
        if award is not None and award.run_id is None:  # a lot closed unawarded
            award = None
        run = session.get(ScoringRun, award.run_id) if award else \
            latest_completed_run(session, tender.id, bid.lot_key)
        if run is None:
            raise Conflict("This tender (or the bid's lot) has no completed scoring run yet.")
        judged = tender.judged(bid.lot_key)
        ranking = run.output["ranking"]
        entry = next((r for r in ranking if r["bid_id"] == bid.id), None)
        if entry is None:
            raise Conflict("This bid is not part of the latest scoring run.")
        assessment = assessments_by_bid(session, tender).get(bid.id, {})
        comments = _panel_comments(session, tender, bid.id)
        criteria = [_criterion(c, entry, assessment, bid, comments)
                    for c in _published_criteria(judged)]
        price = judged.get("price") or {}
        winner = next((r for r in ranking if award and r["bid_id"] == award.bid_id), None)
        doc = {
            "bid_id": bid.id, "tender_id": tender.id, "lot_key": bid.lot_key,
            "tender_title": tender.frozen.get("title"),
            "organisation_id": bid.organisation_id, "organisation_name": bid.organisation_name,
            "run_id": run.id, "model_version": run.model_version,
            "output_sha256": run.output_sha256,
            "rank": entry["rank"], "bids_ranked": len(ranking), "passed": entry["passed"],
            "total": entry["total"], "quality": entry["quality"],
            "quality_share": entry.get("quality_share"), "price_points": entry["price_points"],
            "threshold_failures": entry.get("failures", []),
            "criteria": criteria,
            "price": {"amount": (bid.content.get("price") or {}).get("amount"),
                      "currency": (bid.content.get("price") or {}).get("currency"),
                      "weight": price.get("weight"),
                      "formula": price.get("formula") or "absolute_benchmark",
                      "points": entry["price_points"], "reasons": [entry.get("price_reason")]},
            "flags": assessment.get("flags", []),
            "awarded": bool(award and award.bid_id == bid.id),
            "award": award_document(award) if award else None,
            "winning_bid": _winner(session, winner) if winner else None,
        }
    return doc


def _published_criteria(judged: dict[str, Any]) -> list[dict[str, Any]]:
    """The criteria the bid was judged on (its lot's, else the tender's)."""
    published = {c.get("key"): c for c in judged.get("criteria") or []}
    return [{**published.get(c.key, {}), "key": c.key, "title": c.title,
             "weight": float(c.weight),
             "minimum_score": None if c.minimum_score is None else float(c.minimum_score)}
            for c in quality_criteria(judged)]


def _criterion(criterion: dict[str, Any], entry: dict[str, Any], assessment: dict[str, Any],
               bid: Bid, comments: dict[str, dict[str, Any]]) -> dict[str, Any]:
    key = criterion["key"]
    scored = next((c for c in entry["criteria"] if c["criterion_key"] == key), {})
    return {
        "criterion_key": key, "title": criterion["title"], "weight": criterion["weight"],
        "scale": {"min": 0, "max": 5, "descriptors": criterion.get("descriptors") or {}},
        "minimum_score": criterion["minimum_score"],
        "raw": scored.get("raw"), "score": scored.get("capped"), "points": scored.get("points"),
        "reasons": list(scored.get("reasons", [])) + _citations(key, criterion, assessment, bid),
        "panel": comments.get(key, {"justifications": [], "moderation_rationale": None}),
    }


def _citations(key: str, criterion: dict[str, Any], assessment: dict[str, Any],
               bid: Bid) -> list[str]:
    """Reasons quoting the bid: its response, its commitments and what the rules made of them."""
    cited = []
    for response in bid.content.get("responses") or []:
        if isinstance(response, dict) and response.get("criterion_key") == key \
                and response.get("narrative"):
            cited.append(f"Your response: \"{_quote(response['narrative'])}\"")
            break
    for c in assessment.get("commitments", []):
        if c.get("criterion_key") != key:
            continue
        kind = c.get("label", "").replace("_", " ")
        if c.get("outcome_type"):
            kind += f" ({c['outcome_type']})"
        rules = "; ".join(c.get("rules") or [])
        cited.append(f"Commitment {c.get('index', 0) + 1}: \"{_quote(c.get('statement'))}\" "
                     f"classified as {kind}, confidence {c.get('confidence')}"
                     + (f" — rules: {rules}" if rules else ""))
    for cap in assessment.get("caps", []):
        if cap.get("criterion_key") == key:
            cited.append(f"Cap rule fired: at most {cap.get('max_score')} because "
                         f"{cap.get('reason')}")
    if criterion.get("category") == "coproduction_depth" or key == "Q2":
        co = assessment.get("coproduction") or {}
        cited.append("Co-production evidenced: "
                     f"{co.get('stages_at_codesign_or_above', 0)} of the Four Co stages at "
                     f"co-design or above (highest: {co.get('highest_level')}); power sharing: "
                     f"{', '.join(co.get('power_sharing') or []) or 'none'}")
    if criterion.get("category") == "coproduction_principles" or key == "Q3":
        co = assessment.get("coproduction") or {}
        cited.append("Principles evidenced: "
                     f"{', '.join(co.get('principles_evidenced') or []) or 'none'}; reciprocity "
                     f"offers: {', '.join(co.get('reciprocity_offers') or []) or 'none'}")
    return cited


def _panel_comments(session: Session, tender: Tender, bid_id: str) -> dict[str, dict[str, Any]]:
    """Evaluators' justifications (anonymised) and the moderator's rationale, per criterion."""
    out: dict[str, dict[str, Any]] = {}
    for (b, key), by_evaluator in current_scores(session, tender.id).items():
        if b == bid_id:
            out.setdefault(key, {"justifications": [], "moderation_rationale": None})
            out[key]["justifications"] = [by_evaluator[e].justification
                                          for e in sorted(by_evaluator)]
    for (b, key), row in current_moderations(session, tender.id).items():
        if b == bid_id:
            out.setdefault(key, {"justifications": [], "moderation_rationale": None})
            out[key]["moderation_rationale"] = row.rationale
    return out


def _winner(session: Session, winner: dict[str, Any]) -> dict[str, Any]:
    bid = session.get(Bid, winner["bid_id"])
    return {"bid_id": winner["bid_id"], "organisation_name": bid.organisation_name if bid else None,
            "rank": winner["rank"], "total": winner["total"], "quality": winner["quality"],
            "price_points": winner["price_points"],
            "criteria": [{"criterion_key": c["criterion_key"], "score": c["capped"],
                          "points": c["points"]} for c in winner["criteria"]]}
