"""The classifier against the labelled corpus of real commitments (tests/data/outcome_corpus).

Rules are tuned on the development data only (train + held-out v1, which was measured once at
81.0% and then merged into development); held-out v2 (new sources) measures them. The floors are
the figures model 2.0.0 reaches (docs/scoring.md §3.4), so a rule change that lowers them fails.
"""

from __future__ import annotations

import pytest

from bench.classifier_corpus import commitment_of, load, measure
from services.scoring.domain.classifier import (
    OUTCOME_LABELS,
    R1,
    R2,
    R3,
    R4,
    R15,
    R16,
    R17,
    R18,
    classify_commitment,
)

CORPUS = load("all")
DEV, HELDOUT = load("dev"), load("heldout")  # dev = train + held-out v1 (merged after one use)
HELDOUT_V1 = load("heldout_v1")
# Held-out v2 output/engagement items 2.0.0 reads as outcomes (not tuned away: held out).
KNOWN_HELDOUT_PROMOTIONS = {"c0474", "c0479", "c0480", "c0568", "c0609", "c0628", "c0687"}
# The one v2 measurement: label 219/258 = 84.9%, kind 188/258 = 72.9%.
HELDOUT_LABEL_FLOOR, HELDOUT_KIND_FLOOR = 219 / 258, 188 / 258


def test_corpus_size_and_splits():
    assert len(DEV) == 448 and len(HELDOUT_V1) == 147
    assert len(HELDOUT) >= 150  # held-out v2: new sources, labelled before the first run
    assert {r["source_group"] for r in HELDOUT}.isdisjoint({r["source_group"] for r in DEV})
    assert all(r["source_url"] and r["label"] and r["kind"] for r in CORPUS)


def test_heldout_v2_agreement_floor():
    # Measured once, at the end of the rule change (docs/scoring.md §3.4); the aim of 95% is
    # not reached, so the floor is the honest figure and a rule change that lowers it fails.
    result = measure(HELDOUT)
    assert result["label_agreement"] >= HELDOUT_LABEL_FLOOR, result["misses"]
    assert result["kind_agreement"] >= HELDOUT_KIND_FLOOR


def test_dev_agreement_floor():
    assert measure(load("train"))["label_agreement"] >= 0.95
    assert measure(HELDOUT_V1)["label_agreement"] >= 0.86


def test_no_dev_output_or_engagement_is_labelled_an_outcome():
    assert measure(DEV)["outputs_promoted"] == []


def test_heldout_promotions_do_not_grow():
    # The aim is zero; these are the measured held-out v2 errors, listed in docs/scoring.md.
    assert set(measure(HELDOUT)["outputs_promoted"]) <= KNOWN_HELDOUT_PROMOTIONS


@pytest.mark.parametrize("record", DEV, ids=[r["id"] for r in DEV])
def test_dev_item_never_raises_and_keeps_explanations(record):
    result = classify_commitment(commitment_of(record))
    assert result.rules and 0 < result.confidence <= 0.99
    if record["kind"] in ("output", "engagement"):
        assert result.label not in OUTCOME_LABELS, result.rules


# The failures the issue quotes, each labelled by a rule that says why.
ISSUE_EXAMPLES = [
    ("Frequent attenders use A&E 30% less over 12 months", "unverifiable_outcome", "hard", R16),
    ("Falls requiring an ambulance call reduce by a fifth", "unverifiable_outcome", "hard", R16),
    ("10% reduction in reconviction events", "unverifiable_outcome", "hard", R16),
    ("CO-validated quit rate at 12 weeks", "unverifiable_outcome", "hard", R16),
    ("Job start (or 4 hours a week for part-time work)", "intermediate_outcome", None, R18),
    ("no reoffending within 12 months of referral", "unverifiable_outcome", "hard", R17),
    ("Personal Housing Plan agreed", "output", None, R15),
    ("Recruit 50 community volunteers", "output", None, R1),
    ("Complete 600 benefit entitlement checks", "output", None, R1),
    ("people engaged with the service", "engagement", None, R2),
    ("engage with a support worker", "engagement", None, R2),
    ("registers with a GP", "engagement", None, R2),
    ("number of people accessing the service", "engagement", None, R2),
    ("people starting on the programme", "engagement", None, R2),
    ("support plans completed", "output", None, R15),
    ("wellbeing assessments completed", "output", None, R15),
    ("maintain employment for 180 days", "unverifiable_outcome", "hard", R4),
    ("job sustained 26 wks", "unverifiable_outcome", "hard", R4),
    ("tenancy held for six months", "unverifiable_outcome", "hard", R4),
    ("Sustainable outcome: 60 job starts", "intermediate_outcome", None, R3),
    ("people who did not reoffend", "unverifiable_outcome", "hard", R17),
    ("children not placed in residential care", "unverifiable_outcome", "hard", R17),
]


@pytest.mark.parametrize(
    ("statement", "label", "outcome_type", "rule"),
    ISSUE_EXAMPLES,
    ids=[e[0] for e in ISSUE_EXAMPLES],
)
@pytest.mark.parametrize("declared", ["outcome", "output", None])
def test_issue_examples(statement, label, outcome_type, rule, declared):
    result = classify_commitment({"statement": statement, "declared_level": declared})
    assert (result.label, result.outcome_type) == (label, outcome_type), result.rules
    assert rule in result.rules


def test_job_start_qualifier_is_set_aside_not_read_as_hours():
    result = classify_commitment({"statement": "Job start (or 4 hours a week for part-time work)"})
    assert R1 not in result.rules and R3 in result.rules and R18 in result.rules


def test_period_in_days_or_wks_is_a_timeframe():
    for statement in ("maintain employment for 180 days", "job sustained 26 wks"):
        assert "R8 timeframe present" in classify_commitment({"statement": statement}).rules


def test_output_declared_as_outcome_stays_an_output_and_caps_q1_at_1():
    from services.scoring.domain.assessment import assess_bid

    commitments = [
        {"statement": "Recruit 50 community volunteers", "declared_level": "outcome"},
        {"statement": "Complete 600 benefit entitlement checks", "declared_level": "outcome"},
    ]
    bid = {"responses": [{"criterion_key": "Q1", "narrative": "n", "outcome_commitments":
                          commitments}]}
    caps = assess_bid(bid, {"criteria": [{"key": "Q1", "category": "outcomes"}]}).to_dict()
    assert {c["label"] for c in caps["commitments"]} == {"output"}
    assert {"criterion_key": "Q1", "max_score": 1, "reason": "no commitment is an outcome"} in (
        caps["caps"]
    )
