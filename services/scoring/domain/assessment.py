"""The automated structural assessment of one bid: deterministic and explainable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from services.scoring.domain import checks
from services.scoring.domain.checks import AssessedCommitment, BidFacts
from services.scoring.domain.classifier import as_mapping, classify_commitment, text
from services.scoring.domain.coproduction import CoproductionSummary, summarise_coproduction
from services.scoring.domain.criteria import quality_criteria
from services.scoring.domain.indicative import indicative_scores
from services.scoring.domain.price import currency_of, parse_amount
from services.scoring.domain.version import MODEL_VERSION


@dataclass(frozen=True)
class BidAssessment:
    """Result of assess_bid; to_dict() is the bid's `assessment` (docs/api.md, "Bids")."""

    commitments: tuple[AssessedCommitment, ...]
    coproduction: CoproductionSummary
    gates: tuple[dict[str, Any], ...]
    caps: tuple[dict[str, Any], ...]
    flags: tuple[dict[str, Any], ...]
    indicative_scores: dict[str, int]
    indicative_reasons: dict[str, list[str]] = field(default_factory=dict)
    model_version: str = MODEL_VERSION

    @property
    def passed_gates(self) -> bool:
        return all(g["passed"] for g in self.gates)

    def to_dict(self) -> dict[str, Any]:
        """The JSON assessment: model_version, commitments, coproduction, gates, caps, flags,
        indicative_scores."""
        return {
            "model_version": self.model_version,
            "commitments": [
                {
                    "index": c.index,
                    "criterion_key": c.criterion_key,
                    "statement": text(c.data.get("statement")),
                    "label": c.classification.label,
                    "outcome_type": c.classification.outcome_type,
                    "confidence": c.classification.confidence,
                    "rules": list(c.classification.rules),
                }
                for c in self.commitments
            ],
            "coproduction": self.coproduction.to_dict(),
            "gates": [dict(g) for g in self.gates],
            "caps": [dict(c) for c in self.caps],
            "flags": [dict(f) for f in self.flags],
            "indicative_scores": dict(self.indicative_scores),
        }


def _responses(bid: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = bid.get("responses")
    return [as_mapping(r) for r in raw] if isinstance(raw, list) else []


def extract_facts(bid: Mapping[str, Any], tender: Mapping[str, Any]) -> BidFacts:
    """Classify every commitment (submitted order) and gather what the checks need."""
    criteria = tuple(quality_criteria(tender))
    category = {c.key: c.category for c in criteria}
    narratives: dict[str, str] = {}
    commitments: list[AssessedCommitment] = []
    for response in _responses(bid):
        key = text(response.get("criterion_key"))
        if text(response.get("narrative")):
            narratives.setdefault(key, text(response.get("narrative")))
        raw = response.get("outcome_commitments")
        for item in raw if isinstance(raw, list) else []:
            commitments.append(
                AssessedCommitment(
                    index=len(commitments),
                    criterion_key=key,
                    category=category.get(key),
                    data=as_mapping(item),
                    classification=classify_commitment(item),
                )
            )
    return BidFacts(
        criteria=criteria,
        narratives=narratives,
        commitments=tuple(commitments),
        coproduction=summarise_coproduction(bid.get("coproduction")),
        price=parse_amount(bid.get("price")),
        currency=currency_of(bid.get("price")),
    )


def assess_bid(
    bid: Mapping[str, Any], tender: Mapping[str, Any], other_prices: Sequence[Any] | None = None,
    *, others_median: Fraction | None = None,
) -> BidAssessment:
    """Assess one bid against its tender; other_prices (money of the other bids) feeds the
    abnormally-low-price flag."""
    bid = as_mapping(bid)
    facts = extract_facts(bid, tender)
    found_caps = checks.caps(facts)
    scores, reasons = indicative_scores(facts, found_caps)
    return BidAssessment(
        commitments=facts.commitments,
        coproduction=facts.coproduction,
        gates=tuple(checks.gates(facts, tender)),
        caps=tuple(found_caps),
        flags=tuple(checks.flags(facts, tender, other_prices, others_median)),
        indicative_scores=scores,
        indicative_reasons=reasons,
    )


def assess_bids(
    bids: Mapping[str, Mapping[str, Any]], tender: Mapping[str, Any]
) -> dict[str, BidAssessment]:
    """Assess every bid of a tender, each compared with the prices of the others.

    The prices are sorted once and each bid's median-of-the-others read off the sorted list,
    so a tender with 10,000 bids is O(n log n), not O(n² log n).
    """
    medians = others_medians(bids)
    return {bid_id: assess_bid(bids[bid_id], tender, others_median=medians[bid_id])
            for bid_id in sorted(bids)}


def others_medians(bids: Mapping[str, Mapping[str, Any]]) -> dict[str, Fraction | None]:
    """Each bid's median of the other bids' prices, the one fact that ties a bid's assessment
    to the others: with it, bids can be assessed apart (and in parallel) and still agree with
    :func:`assess_bids`."""
    ordered = checks.valid_prices([as_mapping(b).get("price") for b in bids.values()])
    out = {}
    for bid_id, bid in bids.items():
        own = parse_amount(as_mapping(bid).get("price"))
        out[bid_id] = checks.median_of_others(ordered, own if own is not None and own > 0
                                              else None)
    return out
