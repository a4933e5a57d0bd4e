"""Co-production depth: the ladder per Four-Co stage, power sharing, principles, reciprocity."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.methodology import LADDER, STAGES
from shared.methodology import PRINCIPLES as PRINCIPLES_IN_ORDER

RANK = {level: rank for rank, level in enumerate(LADDER)}
CODESIGN_RANK = RANK["co-design"]

# Aliases bidders use for the same stage or level; everything is matched after _slug().
STAGE_ALIASES = {
    "co-commissioning": "commissioning",
    "co-design": "design",
    "co-delivery": "delivery",
    "co-assessment": "assessment",
    "evaluation": "assessment",
}
LEVEL_ALIASES = {
    "codesign": "co-design",
    "coproduction": "co-production",
    "consulting": "consultation",
    "informed": "informing",
    "educate": "educating",
    "engaging": "engagement",
}

# Only these count as power sharing (Q2 cap); anything else is listed as unrecognised.
POWER_SHARING = {
    "governance_seats": "governance_seats",
    "board_seats": "governance_seats",
    "budget_rights": "budget_rights",
    "budget_control": "budget_rights",
    "budget_holding": "budget_rights",
    "participatory_budgeting": "budget_rights",
    "paid_lived_experience_roles": "paid_lived_experience_roles",
    "paid_roles": "paid_lived_experience_roles",
    "veto_rights": "veto_rights",
    "joint_decision_making": "joint_decision_making",
    "shared_decision_making": "joint_decision_making",
    "co_chair": "co_chair",
    "co_chairs": "co_chair",
    "recruitment_panels": "recruitment_panels",
}
PRINCIPLES = {
    "assets": "assets",
    "people_as_assets": "assets",
    "capabilities": "capabilities",
    "building_on_capabilities": "capabilities",
    "reciprocity": "reciprocity",
    "mutuality": "reciprocity",
    "peer_support": "peer_support",
    "blurring_roles": "blurring_roles",
    "facilitating": "facilitating",
    "facilitating_not_delivering": "facilitating",
    "accessibility": "accessibility",
}
PRINCIPLE_ORDER = PRINCIPLES_IN_ORDER


@dataclass(frozen=True)
class CoproductionSummary:
    """What the bid's coproduction block evidences, normalised and explained."""

    stages: dict[str, dict[str, Any]]
    stages_covered: tuple[str, ...]
    stages_at_codesign_or_above: int
    highest_level: str | None
    power_sharing: tuple[str, ...]
    power_sharing_unrecognised: tuple[str, ...]
    principles: tuple[str, ...]
    reciprocity_offers: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def reciprocity_offered(self) -> bool:
        return bool(self.reciprocity_offers)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary (the `coproduction` member of an assessment)."""
        return {
            "stages": {k: dict(v) for k, v in self.stages.items()},
            "stages_covered": list(self.stages_covered),
            "stages_at_codesign_or_above": self.stages_at_codesign_or_above,
            "highest_level": self.highest_level,
            "power_sharing": list(self.power_sharing),
            "power_sharing_unrecognised": list(self.power_sharing_unrecognised),
            "principles_evidenced": list(self.principles),
            "reciprocity_offered": self.reciprocity_offered,
            "reciprocity_offers": list(self.reciprocity_offers),
            "notes": list(self.notes),
        }


def _slug(value: Any) -> str:
    return re.sub(r"[\s_]+", "-", value.strip().lower()) if isinstance(value, str) else ""


def _key(value: Any) -> str:
    return _slug(value).replace("-", "_")


def _strings(values: Any) -> list[str]:
    """Non-empty strings of a list, deduplicated, order kept; junk dropped."""
    if not isinstance(values, Iterable) or isinstance(values, str | bytes | Mapping):
        return []
    seen: dict[str, None] = {}
    for v in values:
        if isinstance(v, str) and v.strip():
            seen.setdefault(v.strip(), None)
    return list(seen)


def ladder_level(value: Any) -> tuple[str, int, bool]:
    """(level, rank, recognised); unknown values sit at the bottom rung."""
    slug = _slug(value)
    level = LEVEL_ALIASES.get(slug.replace("-", ""), LEVEL_ALIASES.get(slug, slug))
    if level in RANK:
        return level, RANK[level], True
    return LADDER[0], 0, False


def summarise_coproduction(block: Any) -> CoproductionSummary:
    """Summarise a bid's `coproduction` block; never raises on malformed input."""
    block = block if isinstance(block, Mapping) else {}
    raw_stages = block.get("stages") if isinstance(block.get("stages"), Mapping) else {}
    notes: list[str] = []
    stages: dict[str, dict[str, Any]] = {s: {"level": None, "rank": None} for s in STAGES}
    for raw_key in sorted(raw_stages, key=str):
        stage = STAGE_ALIASES.get(_slug(raw_key), _slug(raw_key))
        if stage not in stages:
            notes.append(f"unknown stage {raw_key!r} ignored")
            continue
        raw_value = raw_stages[raw_key]
        if raw_value is None or (isinstance(raw_value, str) and not raw_value.strip()):
            continue  # stage not addressed
        level, rank, known = ladder_level(raw_value)
        if not known:
            notes.append(f"unknown ladder level {raw_value!r} for {stage}: treated as {level}")
        if stages[stage]["rank"] is None or rank > stages[stage]["rank"]:
            stages[stage] = {"level": level, "rank": rank}
    covered = tuple(s for s in STAGES if stages[s]["rank"] is not None)
    ranks = [stages[s]["rank"] for s in covered]
    power, unknown_power = [], []
    for item in _strings(block.get("power_sharing")):
        canonical = POWER_SHARING.get(_key(item))
        if canonical is None:
            unknown_power.append(item)
        elif canonical not in power:
            power.append(canonical)
    if unknown_power:
        notes.append(
            "unrecognised power-sharing mechanisms not counted: " + ", ".join(unknown_power)
        )
    given = _strings(block.get("principles"))
    found = {PRINCIPLES[_key(p)] for p in given if _key(p) in PRINCIPLES}
    unknown_principles = [p for p in given if _key(p) not in PRINCIPLES]
    if unknown_principles:
        notes.append("unrecognised principles not counted: " + ", ".join(unknown_principles))
    return CoproductionSummary(
        stages=stages,
        stages_covered=covered,
        stages_at_codesign_or_above=sum(r >= CODESIGN_RANK for r in ranks),
        highest_level=LADDER[max(ranks)] if ranks else None,
        power_sharing=tuple(power),
        power_sharing_unrecognised=tuple(unknown_power),
        principles=tuple(p for p in PRINCIPLE_ORDER if p in found),
        reciprocity_offers=tuple(_strings(block.get("reciprocity_offers"))),
        notes=tuple(notes),
    )
