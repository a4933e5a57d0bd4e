"""The classifier against the labelled corpus of real commitments (tests/data/outcome_corpus).

Rules are tuned on development data; each held-out split was labelled and committed before the
classifier ran on it, measured once, and only then (for held-out v1 to v7) read and used for
tuning. Held-out v6 and v7 were measured once with 2.2.0 and then tuned on for 2.3.0; held-out v8
was measured once with 2.2.0 and once with 2.3.0 and then tuned on for 2.4.0; held-out v9 (measured
with 2.3.0 and 2.4.0) and v10 (measured once with 2.4.0) were then read and tuned on for 2.5.0;
held-out v11 (measured once with 2.5.0) was then read and tuned on for 2.6.0, so no split here is
unseen any more. The floors are the figures model 2.6.0 reaches (docs/scoring.md §3.4), so a rule
change that lowers them fails.
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
    R11,
    R15,
    R16,
    R17,
    R18,
    classify_commitment,
)

CORPUS = load("all")
DEV, HELDOUT = load("dev"), load("heldout")  # dev = train + held-out v1 (merged after one use)
HELDOUT_V1, HELDOUT_V3, HELDOUT_V4 = load("heldout_v1"), load("heldout_v3"), load("heldout_v4")
HELDOUT_V5, HELDOUT_V6, HELDOUT_V7 = load("heldout_v5"), load("heldout_v6"), load("heldout_v7")
HELDOUT_V8, HELDOUT_V9, HELDOUT_V10 = load("heldout_v8"), load("heldout_v9"), load("heldout_v10")
HELDOUT_V11, HELDOUT_V12 = load("heldout_v11"), load("heldout_v12")
# everything model 2.2.0's rules were written against (v4 and v5 were read after 2.1.0's one
# measurement of each)
TUNED = DEV + HELDOUT + HELDOUT_V3 + HELDOUT_V4 + HELDOUT_V5
# Held-out v6 and v7 were measured once with 2.2.0 (7 and 9 promotions) and then read and tuned on
# for 2.3.0 (docs/scoring.md §3.4): v6 has none left. v7 keeps c1187, "Individuals successfully
# completing drug misuse treatment", which its source defines as any planned discharge
# (engagement), while "successful completion of drug treatment" is otherwise a hard outcome (R16).
KNOWN_V7_PROMOTIONS = {"c1187"}
# Held-out v8 was measured once with 2.2.0 and once with 2.3.0 (the same two promotions, staff
# "Sickness absence rates" and alcohol brief interventions delivered by NHS Boards) and then read
# and tuned on for 2.4.0: it has none left.
# Held-out v9 (five promotions under 2.3.0 and 2.4.0: "connected to the CES", "continuity of care
# after …", "access to … a safe place", "opportunities for developing … skills") and v10 (twelve
# under 2.4.0: service descriptions, practitioners asking or assessing, protocols, practices taken
# up, workforce, the support rated, medicines used) were read and tuned on for 2.5.0: none left.
# Held-out v11 (four under 2.5.0: a headline's definition naming the system's act, an agency's
# recording, enrolment, involvement in one's own care planning) was read and tuned on for 2.6.0:
# none left.
# Held-out v12 was measured once with 2.6.0 (62/112, docs/scoring.md §3.4) and is not tuned on:
# five promotions, staff absenteeism and workplace incidents, a programme of admission avoidance,
# investment in out-of-hospital services, and increased access to services (engagement).
KNOWN_V12_PROMOTIONS = {"c1611", "c1618", "c1630", "c1638", "c1698"}
KNOWN_PROMOTIONS = KNOWN_V7_PROMOTIONS | KNOWN_V12_PROMOTIONS


def test_corpus_size_and_splits():
    assert len(DEV) == 448 and len(HELDOUT_V1) == 147 and len(HELDOUT) == 258
    assert len(HELDOUT_V3) == 151 and len(HELDOUT_V4) == 57 and len(HELDOUT_V5) == 31
    assert len(HELDOUT_V6) == 122 and len(HELDOUT_V7) == 121 and len(HELDOUT_V8) == 101
    assert len(HELDOUT_V9) == 106 and len(HELDOUT_V10) == 106 and len(HELDOUT_V11) == 102
    assert len(HELDOUT_V12) == 112
    assert len(CORPUS) == 1715
    groups = {name: {r["source_group"] for r in split} for name, split in
              (("dev", DEV), ("v2", HELDOUT), ("v3", HELDOUT_V3), ("v4", HELDOUT_V4),
               ("v5", HELDOUT_V5), ("v6", HELDOUT_V6), ("v7", HELDOUT_V7),
               ("v8", HELDOUT_V8), ("v9", HELDOUT_V9), ("v10", HELDOUT_V10),
               ("v11", HELDOUT_V11), ("v12", HELDOUT_V12))}
    names = list(groups)
    for i, a in enumerate(names):  # no source shared between splits
        for b in names[i + 1:]:
            assert groups[a].isdisjoint(groups[b]), (a, b)
    assert all(r["source_url"] and r["label"] and r["kind"] for r in CORPUS)
    assert len({r["id"] for r in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(
    ("split", "label_floor", "kind_floor"),
    [
        ("train", 293 / 301, 290 / 301),
        ("heldout_v1", 134 / 147, 133 / 147),
        ("heldout", 247 / 258, 246 / 258),
        # 2.4.0 reads a bare "Sickness absence rate" (c0792, PHOF) as the organisation's own
        # workforce, an output: one fewer than 2.3.0's 132, the price of v8's staff-sickness
        # promotion (c1240, the same words); docs/scoring.md §3.4
        ("heldout_v3", 131 / 151, 130 / 151),
        # 2.1.0 measured each once (v4 43/57, v5 20/31); then read and tuned on for 2.2.0
        ("heldout_v4", 56 / 57, 56 / 57),
        ("heldout_v5", 31 / 31, 31 / 31),
        # 2.2.0 measured each once (v6 75/122, v7 71/121); then read and tuned on for 2.3.0
        ("heldout_v6", 117 / 122, 115 / 122),
        ("heldout_v7", 105 / 121, 103 / 121),
        # measured once with 2.2.0 (70/101) and 2.3.0 (71/101); then read and tuned on for 2.4.0
        ("heldout_v8", 101 / 101, 101 / 101),
        # measured once with 2.3.0 (73/106) and once with 2.4.0 (74/106); tuned on for 2.5.0
        ("heldout_v9", 105 / 106, 105 / 106),
        # measured once with 2.4.0 (62/106, 12 promotions); then read and tuned on for 2.5.0
        ("heldout_v10", 102 / 106, 100 / 106),
        # measured once with 2.5.0 (60/102, 4 promotions); then read and tuned on for 2.6.0
        ("heldout_v11", 97 / 102, 94 / 102),
        # measured once with 2.6.0 (62/112, 5 promotions), its one unseen measurement; not tuned on
        ("heldout_v12", 62 / 112, 60 / 112),
    ],
)
def test_agreement_floor(split, label_floor, kind_floor):
    result = measure(load(split))
    assert result["label_agreement"] >= label_floor, result["misses"]
    assert result["kind_agreement"] >= kind_floor


def test_no_output_or_engagement_the_rules_were_written_against_is_labelled_an_outcome():
    assert measure(TUNED + HELDOUT_V6 + HELDOUT_V8 + HELDOUT_V9 + HELDOUT_V10 + HELDOUT_V11)[
        "outputs_promoted"] == []


def test_known_promotions_do_not_grow():
    # The aim is zero; these are the measured errors left (docs/scoring.md §3.4).
    assert set(measure(HELDOUT_V7)["outputs_promoted"]) <= KNOWN_V7_PROMOTIONS
    assert set(measure(HELDOUT_V12)["outputs_promoted"]) <= KNOWN_V12_PROMOTIONS


@pytest.mark.parametrize("record", CORPUS, ids=[r["id"] for r in CORPUS])
def test_item_never_raises_and_keeps_explanations(record):
    result = classify_commitment(commitment_of(record))
    assert result.rules and 0 < result.confidence <= 0.99
    if record["kind"] in ("output", "engagement") and record["id"] not in KNOWN_PROMOTIONS:
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
    # model 2.1.0
    ("Reduce recidivism of the participants by 10%", "unverifiable_outcome", "hard", R16),
    ("Decrease social benefits issued to participants by 25-30%", "unverifiable_outcome", "hard",
     R16),
    ("Earns £1631", "unverifiable_outcome", "hard", R4),
    ("3 month retention", "unverifiable_outcome", "hard", R4),
    ("Reunification of children in out-of-home care to their families", "unverifiable_outcome",
     "hard", R16),
    ("Entry Into Work – trigger will be achieved after 3 months in paid work",
     "unverifiable_outcome", "hard", R4),
    ("Employment contract of minimum 12 months duration", "intermediate_outcome", None, R3),
    ("Certification", "intermediate_outcome", None, R3),
    ("Decrease in percentage of students who received at least 1 suspension",
     "unverifiable_outcome", "hard", R16),
    ("Life satisfaction: Participants become more satisfied with their lives",
     "unverifiable_outcome", "soft", None),
    ("Patient experience of A&E services", "output", None, R11),
    ("Number of rough sleepers contacted by outreach", "output", None, R1),
    ("Number of people attending falls prevention classes", "engagement", None, R2),
    ("Information, signposting or referrals to other services that would benefit children",
     "output", None, None),
    ("Support families in the shelters.", "output", None, None),
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
    assert rule is None or rule in result.rules


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
