"""Co-production depth summary: ladder per stage, power sharing, principles, reciprocity."""

from __future__ import annotations

import pytest

from services.scoring.domain.coproduction import LADDER, ladder_level, summarise_coproduction
from tests.support.builders import coproduction


def test_api_example_block():
    s = summarise_coproduction(coproduction())
    assert s.stages["design"] == {"level": "co-production", "rank": 6}
    assert s.stages["assessment"] == {"level": "engagement", "rank": 4}
    assert s.stages_at_codesign_or_above == 3
    assert s.stages_covered == ("commissioning", "design", "delivery", "assessment")
    assert s.highest_level == "co-production"
    assert s.power_sharing == ("governance_seats", "paid_lived_experience_roles")
    assert len(s.principles) == 6 and s.reciprocity_offered
    d = s.to_dict()
    assert d["stages_at_codesign_or_above"] == 3 and d["power_sharing"] == list(s.power_sharing)


@pytest.mark.parametrize(
    ("raw", "level"),
    [
        ("co-design", "co-design"),
        ("Co_Design", "co-design"),
        ("codesign", "co-design"),
        ("co production", "co-production"),
        ("CONSULTATION", "consultation"),
    ],
)
def test_ladder_aliases(raw, level):
    assert ladder_level(raw)[0] == level


def test_ladder_order_is_published_order():
    assert [ladder_level(level)[1] for level in LADDER] == list(range(7))


@pytest.mark.parametrize("junk", ["partnership", 5, ["co-design"], {"x": 1}])
def test_unknown_ladder_value_is_lowest_with_a_note(junk):
    s = summarise_coproduction({"stages": {"design": junk}})
    assert s.stages["design"] == {"level": "coercion", "rank": 0}
    assert any("unknown ladder level" in n for n in s.notes)


def test_missing_stages_are_not_covered():
    s = summarise_coproduction({"stages": {"delivery": "co-production"}})
    assert s.stages_covered == ("delivery",)
    assert s.stages["design"] == {"level": None, "rank": None}


def test_stage_aliases_and_unknown_stage():
    s = summarise_coproduction({"stages": {"co-commissioning": "co-design", "marketing": "x"}})
    assert s.stages["commissioning"]["level"] == "co-design"
    assert any("unknown stage" in n for n in s.notes)


def test_power_sharing_aliases_and_unrecognised():
    s = summarise_coproduction(
        {"power_sharing": ["budget_control", "Budget rights", "we listen", "governance_seats"]}
    )
    assert s.power_sharing == ("budget_rights", "governance_seats")
    assert s.power_sharing_unrecognised == ("we listen",)


@pytest.mark.parametrize(
    "junk",
    [
        None,
        "co-production",
        3,
        [],
        {"stages": "all"},
        {"stages": None, "power_sharing": "seats", "principles": 1},
    ],
)
def test_malformed_block_never_raises(junk):
    s = summarise_coproduction(junk)
    assert s.stages_at_codesign_or_above == 0 and s.power_sharing == ()
