"""Classify one outcome commitment: the statement's plain wording, then structured fields,
then the rest of the wording.

The bidder's `declared_level` is never evidence; it is only a last resort when nothing in the
structured fields or the wording says what is being measured.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

OUTPUT = "output"
ENGAGEMENT = "engagement"
INTERMEDIATE = "intermediate_outcome"
OUTCOME = "outcome"
UNVERIFIABLE = "unverifiable_outcome"
LABELS = (OUTPUT, ENGAGEMENT, INTERMEDIATE, OUTCOME, UNVERIFIABLE)
OUTCOME_LABELS = frozenset({OUTCOME, UNVERIFIABLE})
HARD, SOFT = "hard", "soft"

# Rule ids and names are part of the published methodology (docs/scoring.md).
R1 = "R1 activity count"
R2 = "R2 engagement"
R3 = "R3 status change"
R4 = "R4 sustainment period"
R5_OK, R5_MISSING = "R5 baseline present", "R5 baseline missing"
R6_OK, R6_MISSING = "R6 target present", "R6 target missing"
R7_OK, R7_MISSING = "R7 validation method present", "R7 validation method missing"
R8_OK, R8_MISSING = "R8 timeframe present", "R8 timeframe missing"
R9 = "R9 validated scale instrument"
R10 = "R10 change on a scale"
R11 = "R11 service satisfaction"
R12 = "R12 change in a person's state"
R13 = "R13 declared level not supported"
R14 = "R14 no evidence: declared level used"

_I = re.IGNORECASE
INSTRUMENT_RE = re.compile(
    r"\b(ucla|de jong gierveld|s?wemwbs|warwick[- ]edinburgh|ons[- ]?4|ons personal wellbeing"
    r"|phq[- ]?9|gad[- ]?7|eq[- ]?5d\w*|core[- ]?10|k[- ]?10|kessler|reqol|ascot|rosenberg)\b",
    _I,
)
# Counted units of activity are strong evidence; activity verbs yield to a status entry.
ACTIVITY_NOUN_RE = re.compile(
    r"\b(sessions?|hours?|contacts?|referrals?|places?|workshops?|events?|classes|calls?"
    r"|visits?|leaflets?|packs?|staff trained|assessments? (?:completed|carried out))\b",
    _I,
)
ACTIVITY_VERB_RE = re.compile(
    r"\b(delivered|provided|created|run|held|hosted|distributed|supported|signposted|referred"
    r"|trained)\b",
    _I,
)
SATISFACTION_RE = re.compile(
    r"\b(satisf\w*|dissatisf\w*|would recommend|rated (?:the )?service|happy with"
    r"|friends and family test|experience of (?:the )?service)\b",
    _I,
)
ENGAGEMENT_RE = re.compile(
    r"\b(engag(?:ed|ing)|attend\w*|enrol\w*|registered|signed up|took part|taking part"
    r"|participat\w*|reached|joined)\b",
    _I,
)
STATUS_RE = re.compile(
    r"\b(jobs?|employment|employed|work|tenanc\w*|accommodation|housing|housed|home"
    r"|education|training|apprenticeships?|volunteering|abstinen\w*|drug[- ]free|alcohol[- ]free"
    r"|recovery|independent living|living independently|out of hospital|school|college)\b",
    _I,
)
SUSTAIN_RE = re.compile(
    r"\b(sustain\w*|maintain\w*|retain\w*|kept|remain\w*|still in|stay\w*"
    r"|(?:held|lasting) (?:for )?\d+\s*(?:weeks?|months?|years?))\b",
    _I,
)
STATUS_ENTRY_RE = re.compile(
    r"\b(into|starts?|started|starting|enter\w*|entry|secured|gained|obtained|found|moved)\b", _I
)
PERIOD_RE = re.compile(r"\b\d+\s*(?:weeks?|months?|years?)\b", _I)
SCALE_CHANGE_RE = re.compile(
    r"(\b(score|scale|rating)\b.*\b(down|up|reduc\w*|increas\w*|improv\w*|fall\w*|drop\w*"
    r"|ris\w*|decreas\w*|lower\w*|higher)\b)|(\bpoints?\b)"
    r"|(\b(vs|versus|against|compared (?:with|to)|from)\s+(intake|baseline|entry|referral)\b)",
    _I,
)
STATE_CHANGE_RE = re.compile(
    r"\b(less|more|reduc\w*|improv\w*|increas\w*|better|lower|higher|fewer|greater)\b"
    r".*\b(lonel\w*|isolat\w*|well[- ]?being|confiden\w*|anxi\w*|depress\w*|mental health"
    r"|independen\w*|resilien\w*|connected|self[- ]esteem|quality of life|health\w*)\b",
    _I,
)

DECLARED_FAMILY = {
    "output": {OUTPUT, ENGAGEMENT},
    "intermediate": {INTERMEDIATE},
    "intermediate_outcome": {INTERMEDIATE},
    "outcome": {OUTCOME, UNVERIFIABLE},
}


@dataclass(frozen=True)
class Classification:
    """A commitment's label, hard/soft for outcomes, a confidence and the rules that fired."""

    label: str
    outcome_type: str | None
    confidence: float
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Verifiability:
    """Which of baseline, target, validation method and timeframe a commitment carries."""

    baseline: bool
    target: bool
    method: bool
    timeframe: bool

    @property
    def complete(self) -> bool:
        return self.baseline and self.target and self.method and self.timeframe

    def rules(self) -> list[str]:
        """One present/missing rule per piece, in R5..R8 order."""
        return [
            R5_OK if self.baseline else R5_MISSING,
            R6_OK if self.target else R6_MISSING,
            R7_OK if self.method else R7_MISSING,
            R8_OK if self.timeframe else R8_MISSING,
        ]


def as_mapping(value: Any) -> Mapping[str, Any]:
    """value if it is a mapping, else an empty one (bids may carry any junk)."""
    return value if isinstance(value, Mapping) else {}


def text(value: Any) -> str:
    """A string field, or '' for None and non-strings."""
    return value.strip() if isinstance(value, str) else ""


def number(value: Any) -> Decimal | None:
    """A finite Decimal from a number or numeric string, else None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        parsed = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return parsed if parsed.is_finite() else None


def _has_value(value: Any) -> bool:
    """A baseline/target is present when it carries a numeric value (0 counts)."""
    if isinstance(value, Mapping):
        return number(value.get("value")) is not None
    return number(value) is not None


def sustainment_months(commitment: Mapping[str, Any]) -> Decimal | None:
    """The positive sustainment period in months, if any."""
    months = number(commitment.get("sustainment_period_months"))
    return months if months is not None and months > 0 else None


def verifiability(commitment: Mapping[str, Any], wording: str = "") -> Verifiability:
    """Check the four pieces a verifiable outcome needs (docs/scoring.md)."""
    method = text(commitment.get("validation_method")).lower()
    target = as_mapping(commitment.get("target"))
    timeframe = bool(text(target.get("by"))) or sustainment_months(commitment) is not None
    return Verifiability(
        baseline=_has_value(commitment.get("baseline")),
        target=_has_value(commitment.get("target")),
        method=bool(method) and method != "none",
        timeframe=timeframe or bool(PERIOD_RE.search(wording)),
    )


def _statement_kind(
    statement: str, structured_sustain: bool
) -> tuple[str, str | None, float, list[str]] | None:
    """What the statement itself plainly commits to, when it speaks of no change in a person.

    The commitment is what the bidder will be held to: "40 sessions delivered" counts activity
    even if the indicator names a wellbeing scale, and "job start" is a status at the point
    of service whatever sustainment period is filled in.
    """
    if SATISFACTION_RE.search(statement):
        return OUTPUT, None, 0.85, [R11]
    if (INSTRUMENT_RE.search(statement) or SCALE_CHANGE_RE.search(statement)
            or STATE_CHANGE_RE.search(statement)):
        return None  # a change is described: the structured evidence decides
    status = bool(STATUS_RE.search(statement))
    if status and SUSTAIN_RE.search(statement):
        return OUTCOME, HARD, 0.85 if structured_sustain else 0.8, [R3, R4]
    if ENGAGEMENT_RE.search(statement):
        return ENGAGEMENT, None, 0.8, [R2]
    if ACTIVITY_NOUN_RE.search(statement):
        return OUTPUT, None, 0.85, [R1]
    if status and STATUS_ENTRY_RE.search(statement):
        return INTERMEDIATE, None, 0.75, [R3]
    if ACTIVITY_VERB_RE.search(statement):
        return OUTPUT, None, 0.8, [R1]
    return None


def _base_kind(
    c: Mapping[str, Any], statement: str, wording: str
) -> tuple[str, str | None, float, list[str]]:
    """First matching rule in published precedence order → (label, type, confidence, rules)."""
    structured_sustain = sustainment_months(c) is not None
    plain = _statement_kind(statement, structured_sustain)
    if plain is not None:
        return plain
    indicator = as_mapping(c.get("indicator"))
    instrument = text(indicator.get("instrument"))
    unit = text(indicator.get("unit")).lower()
    status = bool(STATUS_RE.search(wording))
    sustain_words = bool(SUSTAIN_RE.search(statement))
    scale_change = bool(SCALE_CHANGE_RE.search(wording))
    state_change = bool(STATE_CHANGE_RE.search(wording))
    extra = [r for r, hit in ((R10, scale_change), (R12, state_change)) if hit]

    if instrument and INSTRUMENT_RE.search(instrument):
        return OUTCOME, SOFT, 0.85, [R9, *extra]
    if INSTRUMENT_RE.search(wording):
        return OUTCOME, SOFT, 0.75, [R9, *extra]
    if SATISFACTION_RE.search(wording):
        return OUTPUT, None, 0.85, [R11]
    if status and sustain_words:
        rules = [R3, R4]
        return OUTCOME, HARD, 0.85 if structured_sustain else 0.8, rules
    if ENGAGEMENT_RE.search(wording):
        return ENGAGEMENT, None, 0.8, [R2]
    if ACTIVITY_NOUN_RE.search(wording):
        return OUTPUT, None, 0.85, [R1]
    if status and STATUS_ENTRY_RE.search(wording) and not structured_sustain:
        return INTERMEDIATE, None, 0.75, [R3]
    if ACTIVITY_VERB_RE.search(wording):
        return OUTPUT, None, 0.8, [R1]
    if status and structured_sustain:
        return OUTCOME, HARD, 0.75, [R3, R4]
    if status:
        return INTERMEDIATE, None, 0.75, [R3]
    baseline, target = _has_value(c.get("baseline")), _has_value(c.get("target"))
    if scale_change or (unit == "scale" and baseline and target):
        return OUTCOME, SOFT, 0.7, [R10] + ([R12] if state_change else [])
    if state_change:
        return OUTCOME, SOFT, 0.6, [R12]
    return _from_declared(c, structured_sustain)


def _from_declared(
    c: Mapping[str, Any], sustained: bool
) -> tuple[str, str | None, float, list[str]]:
    """Fallback with low confidence: no rule fired, so take the declared level (or output)."""
    declared = text(c.get("declared_level")).lower()
    if declared == "outcome":
        return OUTCOME, HARD if sustained else SOFT, 0.3, [R14]
    if declared in ("intermediate", "intermediate_outcome"):
        return INTERMEDIATE, None, 0.3, [R14]
    # Unknown or output: the conservative reading is that only activity is counted.
    return OUTPUT, None, 0.3 if declared == "output" else 0.2, [R14]


def classify_commitment(commitment: Any) -> Classification:
    """Classify one outcome commitment dict (any field may be missing, None or malformed)."""
    c = as_mapping(commitment)
    statement = text(c.get("statement"))
    indicator_name = text(as_mapping(c.get("indicator")).get("name"))
    wording = f"{statement}\n{indicator_name}"
    label, outcome_type, confidence, rules = _base_kind(c, statement, wording)
    support = 0
    if label == OUTCOME:
        check = verifiability(c, wording)
        rules.extend(check.rules())
        support = sum((check.baseline, check.target, check.method, check.timeframe))
        if not check.complete:
            label = UNVERIFIABLE
    declared = text(c.get("declared_level")).lower()
    if declared in DECLARED_FAMILY and label not in DECLARED_FAMILY[declared]:
        rules.append(R13)
    # Each corroborating rule (extra wording hit, structured piece present) adds a little.
    support += sum(r in (R10, R12) for r in rules[1:])
    confidence = round(min(0.99, confidence + 0.03 * support), 2)
    return Classification(label, outcome_type, confidence, tuple(rules))
