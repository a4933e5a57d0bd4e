"""Pure scoring domain: classifier, co-production summary, assessment, price, scoring runs."""

from services.scoring.domain.assessment import (
    BidAssessment,
    assess_bid,
    assess_bids,
    others_medians,
)
from services.scoring.domain.classifier import Classification, classify_commitment
from services.scoring.domain.coproduction import CoproductionSummary, summarise_coproduction
from services.scoring.domain.criteria import DEFAULT_CRITERIA, ScoringInputError, quality_criteria
from services.scoring.domain.moderation import find_divergences, median, needs_moderation
from services.scoring.domain.price import parse_amount, price_points
from services.scoring.domain.scoring import compute_scoring_run, normalise_inputs, verify_replay
from services.scoring.domain.version import MODEL_VERSION
from shared.canonical import canonical_json, canonical_sha256

__all__ = [
    "DEFAULT_CRITERIA",
    "MODEL_VERSION",
    "BidAssessment",
    "Classification",
    "CoproductionSummary",
    "ScoringInputError",
    "assess_bid",
    "assess_bids",
    "others_medians",
    "canonical_json",
    "canonical_sha256",
    "classify_commitment",
    "compute_scoring_run",
    "find_divergences",
    "median",
    "needs_moderation",
    "normalise_inputs",
    "parse_amount",
    "price_points",
    "quality_criteria",
    "summarise_coproduction",
    "verify_replay",
]
