"""Classify one outcome commitment: the statement's plain wording, then structured fields,
then the rest of the wording.

The bidder's `declared_level` is never evidence. When nothing in the wording or the structured
fields says what is measured, a declared output or intermediate outcome is kept, but a declared
outcome is not taken on trust: it is read as counting activity (R14, model 2.1.0).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.scoring.domain import wording as w
from services.scoring.domain import wording_counted as wc
from services.scoring.domain import wording_meaning as wn
from services.scoring.domain import wording_measure as wm
from services.scoring.domain import wording_people as wp
from services.scoring.domain import wording_service as ws
from services.scoring.domain.fields import (  # re-exported: the other domain modules read them here
    _has_value,
    as_mapping,
    baseline_present,
    number,
    sustainment_months,
    text,
)

__all__ = ["Classification", "as_mapping", "classify_commitment", "number", "text"]

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
R14_NOT_TRUSTED = "R14 no evidence of a change in a person: declared outcome not taken"

R15 = "R15 plan or assessment completed"
R16 = "R16 less use of services or crisis"
R17 = "R17 adverse event avoided"
R18 = "R18 qualifier or context set aside"
R19 = "R19 people served or counted, not changed"
R20 = "R20 definition read before the title"

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


def verifiability(commitment: Mapping[str, Any], wording: str = "") -> Verifiability:
    """Check the four pieces a verifiable outcome needs (docs/scoring.md)."""
    method = text(commitment.get("validation_method")).lower()
    target = as_mapping(commitment.get("target"))
    timeframe = bool(text(target.get("by"))) or sustainment_months(commitment) is not None
    return Verifiability(
        baseline=baseline_present(commitment.get("baseline")),
        target=_has_value(commitment.get("target")),
        method=bool(method) and method != "none",
        timeframe=timeframe or bool(w.PERIOD_RE.search(wording)),
    )


Decision = tuple[str, str | None, float, list[str]]


def set_aside_qualifiers(wording: str) -> tuple[str, bool]:
    """The wording without qualifiers and context (R18), and whether any was removed."""
    cleaned = wording
    for pattern, sense in wn.SENSE_25_RES:  # a verb keeps its own sense (model 2.5.0)
        cleaned = pattern.sub(sense, cleaned)
    for pattern in (*wn.QUALIFIER_25_RES, *w.QUALIFIER_RES, ws.FSM_RE, *wm.QUALIFIER_24_RES):
        cleaned = pattern.sub(" ", cleaned)
    if cleaned == wording:
        return cleaned, False
    # the words either side of a removed qualifier are read together again (model 2.4.0)
    return re.sub(r"[ \t]{2,}", " ", cleaned), True


def held_period(wording: str) -> bool:
    """A period the status is held for, not a checkpoint ("within 4 weeks", "6 months after").
    A period spent in the status ("after 3 months in paid work") is held whatever precedes it."""
    if w.HELD_IN_RE.search(wording) or ws.HELD_FREE_RE.search(wording):
        return True
    checkpoints = [m.span() for m in w.CHECKPOINT_RE.finditer(wording)]
    return any(
        not any(a <= m.start() < b for a, b in checkpoints) for m in w.PERIOD_RE.finditer(wording)
    )


def _served(wording: str) -> bool:
    """People served (R19), unless the receipt is negated ("students who did not receive the
    intervention" describes a control group)."""
    return any(not w.NEGATED_RE.search(m.group(0)) and not ws.SERVED_FOR_RE.match(wording, m.end())
               for m in wp.SERVED_RE.finditer(wording)) or bool(ws.SERVED_MORE_RE.search(wording))


def _adverse_avoided(wording: str) -> bool:
    """A negation governing an adverse event within a few words: "no reoffending", "no new
    technical violations" (breaches: model 2.4.0)."""
    for neg in w.NEGATION_RE.finditer(wording):
        window = wording[neg.end(): neg.end() + 60]
        if w.ADVERSE_RE.search(window) or wm.BREACH_RE.search(window):
            return True
    return False


def _soft_rules(wording: str) -> list[str]:
    """R9/R10/R12 evidence that a person's state changed on a scale or as they report it."""
    state = (w.STATE_CHANGE_RE.search(wording) or w.SELF_REPORT_RE.search(wording)
             or w.STATE_HAD_RE.search(wording) or w.TEST_RESULT_RE.search(wording)
             or wm.FEEL_RE.search(wording) or wm.DEVELOPMENT_RE.search(wording))
    # model 2.4.0: a population instrument (GHQ-12); a state measured at entry and again at exit
    instrument = w.INSTRUMENT_RE.search(wording) or wm.INSTRUMENT_24_RE.search(wording)
    scale = w.SCALE_CHANGE_RE.search(wording) or wm.ENTRY_EXIT_RE.search(wording)
    hits = ((R9, instrument), (R10, scale), (R12, state))
    return [rule for rule, hit in hits if hit]


_CHANGE_WORD_RE = re.compile(r"\b(improv\w*|reduc\w*|increas\w*|progress\w*)\b", re.I)
_COUNT_CHANGE_RE = re.compile(r"\b(?:increas\w*|reduc\w*|improv\w*)\s+(?:the\s+)?(?:number|rate"
                              r"|proportion|percentage|%)\s+of\b", re.I)
_TITLE_LIMIT = 80  # a bare state noun decides only in a short title


_COUNTED: dict[str, Decision] = {"output": (OUTPUT, None, 0.8, [R1]),  # model 2.6.0
                                  "experience": (OUTPUT, None, 0.8, [R11]),
                                  "engaged": (ENGAGEMENT, None, 0.75, [R2, R19]),
                                  "entered": (INTERMEDIATE, None, 0.75, [R3]),
                                  "held": (OUTCOME, HARD, 0.75, [R17]),
                                  "hard": (OUTCOME, HARD, 0.75, [R16]),
                                  "soft": (OUTCOME, SOFT, 0.6, [R12])}
_NAMED: dict[str, Decision] = {"held": (OUTCOME, HARD, 0.6, [R17]),
                                "hard": (OUTCOME, HARD, 0.6, [R16]),
                                "soft": (OUTCOME, SOFT, 0.55, [R12])}


def _read_25(wording: str) -> Decision | None:
    """Model 2.5.0, read before the older rules: the service, its practitioners or workforce as
    the subject (R1, R15), the support rated (R11), access and continuity (R2), time homeless
    (R16). A change word beside a service act leaves it to the older rules."""
    if wn.SUPPORT_RATED_RE.search(wording):
        return OUTPUT, None, 0.8, [R11]
    if (wn.SERVICE_SUBJECT_RE.search(wording) or wm.ORGANISATIONS_RE.search(wording)
            or (wn.OFFERED_RE.search(wording) and not wn.TAKEN_UP_RE.search(wording))):
        return OUTPUT, None, 0.8, [R1]
    act = wn.SERVICE_ACT_RE.search(wording)
    if act and not _CHANGE_WORD_RE.search(wording):
        return OUTPUT, None, 0.8, [R15 if re.search(r"assess|review|plan", act.group(0), re.I)
                                   else R1]
    if wn.TIME_HOMELESS_RE.search(wording) or wn.MISSING_RE.search(wording):
        return OUTCOME, HARD, 0.75, [R16]
    if wn.TAKING_PART_25_RE.search(wording):
        return ENGAGEMENT, None, 0.75, [R2]
    return None


def _read(wording: str, structured_sustain: bool, statement: bool) -> Decision | None:
    """What the wording commits to, in the published precedence (docs/scoring.md §3.2).

    A statement that names an entry ("job start") is held to that entry whatever sustainment
    period is filled in; an indicator's name yields to a structured sustainment period.
    """
    # a status word inside a demand phrase ("temporary accommodation") is not a status held
    status = bool(w.STATUS_RE.search(w.DEMAND_RE.sub(" ", wm.DEMAND_24_RE.sub(" ", wording)))
                  or wm.LABOUR_STATUS_RE.search(wording))
    if wm.WORKFORCE_ABSENCE_RE.fullmatch(wording):  # the organisation's own staff (2.4.0)
        return OUTPUT, None, 0.6, [R1]
    counted = wc.read_26(wording)  # what a figure counts and whose change it is (2.6.0)
    if counted is not None:
        return _COUNTED[counted]
    early = _read_25(wording)  # whose action is counted, access and time homeless (2.5.0)
    if early is not None:
        return early
    if (w.SATISFACTION_RE.search(wording) or ws.WAIT_RE.search(wording)
            or ws.EXPERIENCE_RE.search(wording)):  # waiting times and experience: model 2.3.0
        return OUTPUT, None, 0.85, [R11]
    entered = bool(status and w.STATUS_ENTRY_RE.search(wording))
    if ws.SERVED_COUNT_RE.search(wording) and not entered:  # "Serve 200 individuals" (2.3.0)
        return ENGAGEMENT, None, 0.8, [R2, R19]
    engaged = bool(w.ENGAGEMENT_RE.search(wording) or wm.USE_24_RE.search(wording))
    counted = _COUNT_CHANGE_RE.sub(" ", wording)  # "increase the number of …" still counts
    if ((w.PLAN_DONE_RE.search(wording) or wm.SUBJECT_TO_REVIEW_RE.search(wording)) and not engaged
            and not _CHANGE_WORD_RE.search(counted) and not w.SCALE_CHANGE_RE.search(wording)):
        return OUTPUT, None, 0.85, [R15]
    if (w.THINGS_RE.search(wording) or wp.PROVIDER_SIDE_RE.search(wording)
            or ws.PROCESS_RE.search(wording) or wm.PROVIDER_ACTS_RE.search(wording)
            or wm.ORGANISATIONS_RE.search(wording)):
        return OUTPUT, None, 0.85, [R1]
    if w.PROGRAMME_DONE_RE.search(wording):
        return ENGAGEMENT, None, 0.8, [R2]
    sustained = bool(w.SUSTAIN_RE.search(wording))
    entry_first = w.STATUS_ENTRY_FIRST_RE.search(wording)
    entry_first = (entry_first or ws.MOVE_ON_RE.search(wording)
                   or wm.ATTENDING_ETE_RE.search(wording))
    if entry_first and not w.SUSTAIN_VERB_RE.search(wording[:entry_first.start()]):
        return INTERMEDIATE, None, 0.75, [R3]
    if ((wm.SEQUEL_RE.search(wording) or wn.NO_LONGER_NEEDED_RE.search(wording))
            and wm.SHORT_TERM_RE.search(wording)):
        return INTERMEDIATE, None, 0.75, [R3]  # the sequel of short-term support (2.4.0)
    if _adverse_avoided(wording):
        return OUTCOME, HARD, 0.8, [R17]
    if ws.REPEAT_USE_RE.search(wording):  # coming back to services is demand (model 2.3.0)
        return OUTCOME, HARD, 0.8, [R16]
    if wn.EXIT_PERMANENT_RE.search(wording) and not w.NEGATION_RE.search(wording):
        # an exit to a permanent housing destination is a status entered (model 2.5.0)
        return INTERMEDIATE, None, 0.75, [R3]
    reported = w.SELF_REPORT_RE.search(wording) or w.STATE_HAD_RE.search(wording)
    if _served(wording) and not reported and not (status and (
            w.STATUS_ENTRY_RE.search(wording) or sustained or held_period(wording))):
        # People served or taking part outrank the aim's demand or state words (R19), unless
        # they report a change in themselves ("people attending … feel less isolated").
        return ENGAGEMENT, None, 0.8, [R2, R19]
    demand = bool(w.DEMAND_RE.search(wording) or ws.MORE_DEMAND_RE.search(wording)
                  or wm.DEMAND_24_RE.search(wording) or wc.DEMAND_26_RE.search(wording))
    taking_part = bool(wp.TAKING_PART_RE.search(wording))
    turned = w.DIRECTION_RE.search(wording) or w.NEGATION_RE.search(wording)  # less, or none
    if demand and turned and not taking_part:
        return OUTCOME, HARD, 0.8, [R16]
    if w.EXIT_CARE_RE.search(wording) or wm.KEPT_TOGETHER_RE.search(wording):  # less care
        return OUTCOME, HARD, 0.75, [R16]
    if status and (sustained or held_period(wording)):
        return OUTCOME, HARD, 0.85 if structured_sustain else 0.8, [R3, R4]
    if w.EARNINGS_RE.search(wording):  # earnings are employment held (LABELLING.md rule 6)
        return OUTCOME, HARD, 0.75, [R3, R4]
    if w.QUALIFICATION_RE.search(wording) or wm.QUALIFIED_LEVEL_RE.search(wording):
        return INTERMEDIATE, None, 0.75, [R3]
    soft = _soft_rules(wording)
    if soft and taking_part and R9 not in soft and R10 not in soft:
        soft = []  # a state word beside taking part is the aim, not the measure (R19)
    if soft == [R12] and demand and not w.TEST_RESULT_RE.search(wording):
        # "maintain a healthy weight": the objective measure decides, not its adjective (2.4.0)
        return OUTCOME, HARD, 0.7, [R16, R12]
    if soft:
        base = {R9: 0.75, R10: 0.7, R12: 0.6}[soft[0]]
        return OUTCOME, SOFT, base, soft
    if engaged:
        return ENGAGEMENT, None, 0.8, [R2]
    if sustained and held_period(wording):  # "3 month retention": something held for a period
        return OUTCOME, HARD, 0.7, [R4]
    if w.ACTIVITY_NOUN_RE.search(wording):
        return OUTPUT, None, 0.85, [R1]
    if status and w.STATUS_ENTRY_RE.search(wording) and (statement or not structured_sustain):
        return INTERMEDIATE, None, 0.75, [R3]
    if w.ACTIVITY_VERB_RE.search(wording):
        return OUTPUT, None, 0.8, [R1]
    if status and structured_sustain:
        return OUTCOME, HARD, 0.75, [R3, R4]
    named = wn.population_state(wording)  # a population's state as the measure (2.5.0)
    if named is not None:
        return _NAMED[named]
    if len(wording.strip()) <= _TITLE_LIMIT and wp.STATE_NAMED_RE.search(wording):
        return OUTCOME, SOFT, 0.5, [R12]
    if status:
        return INTERMEDIATE, None, 0.75, [R3]
    if demand:  # a count of people in crisis or using services is still demand
        return OUTCOME, HARD, 0.6, [R16]
    if wp.PEOPLE_COUNT_RE.search(wording):  # a bare count of people: reach
        return ENGAGEMENT, None, 0.6, [R2, R19]
    return None


def _base_kind(c: Mapping[str, Any], statement: str, indicator_name: str) -> Decision:
    """The statement first, then the structured instrument, then the indicator's name, then
    the structured fields, then the declared level (R14) as a last resort."""
    structured_sustain = sustainment_months(c) is not None
    indicator = as_mapping(c.get("indicator"))
    instrument = text(indicator.get("instrument"))
    structured_scale = bool(instrument and w.INSTRUMENT_RE.search(instrument))
    for wording in (statement, None, indicator_name):
        if wording is None:  # between the statement and the indicator's name
            if structured_scale:
                return OUTCOME, SOFT, 0.85, [R9]
            continue
        cleaned, qualified = set_aside_qualifiers(wording)
        links = wm.CHAIN_RE.split(cleaned)
        if len(links) > 1:  # "…; of that the percentage of …": the last link is the measure
            cleaned, qualified = links[-1], True
        decision = None  # a headline and its definition after a dash: model 2.6.0
        defined = wp.DEFINITION_RE.search(cleaned) or wc.HEADLINE_DASH_RE.search(cleaned)
        if defined:  # the operational definition is the measure; the title is the aim
            decision = _read(cleaned[defined.end():], structured_sustain, wording is statement)
        if decision is not None:
            decision = (*decision[:3], [*decision[3], R20])
        else:
            decision = _read(cleaned, structured_sustain, wording is statement)
        if decision is not None:
            label, outcome_type, confidence, rules = decision
            if structured_scale and outcome_type == SOFT:  # the instrument corroborates
                rules = rules if rules[0] == R9 else [R9, *rules]
                confidence = 0.85
            return label, outcome_type, confidence, rules + ([R18] if qualified else [])
    baseline, target = baseline_present(c.get("baseline")), _has_value(c.get("target"))
    if text(indicator.get("unit")).lower() == "scale" and baseline and target:
        return OUTCOME, SOFT, 0.7, [R10]
    return _from_declared(c)


def _from_declared(c: Mapping[str, Any]) -> Decision:
    """Fallback with low confidence: no rule fired. A declared outcome is not taken on trust (the
    costly error is an output labelled an outcome), so it is read as activity; a declared output
    or intermediate outcome is kept."""
    declared = text(c.get("declared_level")).lower()
    if declared == "outcome":
        return OUTPUT, None, 0.3, [R14_NOT_TRUSTED]
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
    label, outcome_type, confidence, rules = _base_kind(c, statement, indicator_name)
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
    support += sum(r in (R10, R12) for r in rules[1:] if r != rules[0])
    confidence = round(min(0.99, confidence + 0.03 * support), 2)
    return Classification(label, outcome_type, confidence, tuple(rules))
