"""Model 2.4.0 (docs/scoring.md §3.1): who acts and what is measured, read from the shape of a
KPI as councils, the NHS and funders write it. Split from wording.py by concern; the classifier
reads all four wording modules.

- the provider (a board, trust, contractor) as the subject of its own action is an output, and so
  are organisations' activity, premises' access, occupancy and a bare workforce sickness rate;
- a chained indicator ("…; of that the percentage of …") is measured by its last link;
- the sequel of short-term support ("no ongoing care needs following reablement") is a status at a
  checkpoint, not an adverse event avoided;
- time spent in crisis accommodation, reports about a family, moves into residential care,
  housing stress and breaches of conditions are demand or adverse events;
- a state measured at entry and again at exit is a change on a scale; a person saying they feel
  positive is a self-reported state; a named population instrument (GHQ-12) is a scale.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# --- R1: the provider acting, organisations, premises, occupancy, the workforce ----------------
# "NHS Boards to sustain and embed alcohol brief interventions …", "Providers will deliver …":
# the provider is the subject and its own action is committed. A provider committing to a change
# in people ("The provider will reduce reoffending") is not matched: the verb must be its own work.
PROVIDER_ACTS_RE = re.compile(
    r"^\W*(?:the\s+)?(?:nhs\s+|health\s+|local\s+)?(?:boards?|providers?|contractors?|trusts?"
    r"|councils?|authorit(?:y|ies)|partnerships?|organisations?|agenc(?:y|ies)|the service)"
    r"\s+(?:to|will|shall|must|should)\s+(?:\w+\s+and\s+)?(?:sustain|embed|deliver|provide|offer"
    r"|run|broaden|establish|implement|commission|roll out|expand|introduce|set up)\b",
    _I,
)
# Organisations engaging in an activity are not people taking part: "% of companies engaging in
# innovation activity"; premises with access to a service are provision: "premises with access to
# broadband"; occupancy and lease-up are the landlord's letting process.
ORGANISATIONS_RE = re.compile(
    r"\b(?:companies|businesses|firms|enterprises|smes|employers)\b[^.;]{0,20}?\b(?:engag\w*"
    r"|participat\w*|involved)\s+in\b"
    r"|\b(?:premises|properties|buildings|dwellings)\b(?:\s+\w+){0,3}?\s+(?:with|having"
    r"|that have)\s+access\b"
    r"|\blease[- ]up\b|\bcertificate of occupancy\b|\b(?:bed|unit|room)s? occupancy\b"
    r"|\boccupancy (?:rates?|levels?)\b|\d+\s*% occupancy\b",
    _I,
)
# A sickness-absence rate named alone, with no people, is the organisation's own workforce (a
# bidder's KPI); said of participants or residents it is demand (R16, wording.DEMAND_RE).
WORKFORCE_ABSENCE_RE = re.compile(
    r"\W*(?:(?:staff|employee|workforce)\s+)?sickness\s+absence(?:\s+(?:rates?|levels?|days?"
    r"|per\s+fte))?\W*", _I)
# A review the person is "subject to" is the service's review, like an assessment completed (R15).
SUBJECT_TO_REVIEW_RE = re.compile(
    r"\bsubject to (?:an? )?(?:annual |formal )?(?:review|re-?assessment|assessment|check)s?\b", _I)

# --- R18: a chained indicator is measured by its last link ------------------------------------
# "children with a screened need for an intervention; of that the percentage of planned/offered
# interventions; of that percentage of children attending interventions"
CHAIN_RE = re.compile(r"[;,]\s*(?:and\s+)?of\s+(?:that|those|these|them)\b,?\s*(?:the\s+)?", _I)

# --- R3: the sequel of short-term support ------------------------------------------------------
# "No ongoing care needs following completion of a reablement package", "the sequel was either
# no ongoing support or support of a lower level": a status at the end of short-term support
# (LABELLING.md rule 8, c0362), not an adverse event avoided.
SEQUEL_RE = re.compile(
    r"\b(?:no (?:ongoing|further|long[- ]term) (?:care(?: and support)?|support)(?: needs?)?"
    r"|support of a lower level)\b", _I)
SHORT_TERM_RE = re.compile(
    r"\b(?:reablement|short[- ]term (?:services?|support|care)|intermediate care"
    r"|rehabilitation|sequel)\b", _I)

# --- R16/R17: demand and adverse events --------------------------------------------------------
DEMAND_24_RE = re.compile(
    # time spent in crisis accommodation: "days spent in Bed and Breakfast", "length of stay
    # (shelter): median days from shelter entry to exit"
    r"\b(?:days?|nights?|length of stay|time)\b[^.;]{0,40}?\b(?:bed and breakfast|b&b"
    r"|(?:emergency |homeless )?shelters?)\b"
    r"|\b(?:bed and breakfast|b&b|shelter)\b[^.;]{0,30}?\b(?:days|nights|stay|entry to exit)\b"
    # reports and calls about a family or person: "Fewer Helpline call reports recorded"
    r"|\b(?:helpline|police|child protection|safeguarding)\s+(?:\w+\s+){0,2}?(?:reports?"
    r"|call[- ]?outs?|calls|referrals|notifications)\b"
    # a move into residential or nursing care: "a change of setting to residential and nursing
    # care", "admissions to residential and nursing care homes"
    r"|\bto (?:residential|nursing)(?: (?:and|or) (?:residential|nursing))? (?:care|homes?)\b"
    # housing hardship across a population
    r"|\bhousing stress\b|\bovercrowd\w*"
    # a negative drug test is a person's drug use measured: "Negative toxicology screens"
    r"|\bnegative (?:(?:toxicology|drug|urine|urinalysis)\s+){1,2}(?:screens?|tests?|results?)\b",
    _I,
)
# Breaching conditions is an adverse event: "no new technical violations".
BREACH_RE = re.compile(r"\b(?:(?:technical |parole |probation |licence |license )?violations?"
                       r"|breach(?:es)? of (?:\w+ )?(?:conditions|licence|license|order))\b", _I)
# Children and families kept together: less use of care (R16, as reunification).
KEPT_TOGETHER_RE = re.compile(
    r"\b(?:famil\w*|children|child)\b[^.;]{0,40}?\b(?:remain\w*|stay\w*|kept|liv\w*)\s+together\b"
    r"|\bfamily preservation\b|\bpreservation rates?\b", _I)

# --- R10/R12: a state measured twice, a state felt, a population instrument ---------------------
# "Family wellbeing …, measured on entry to and on departure from the program"
ENTRY_EXIT_RE = re.compile(
    r"\b(?:at|on)\s+(?:entry|intake|start|referral|baseline)\b[^.;]{0,40}?\b(?:and|to)\s+"
    r"(?:at\s+|on\s+)?(?:exit|departure|discharge|completion|follow[- ]?up|the end)\b", _I)
FEEL_RE = re.compile(
    r"\b(?:feel|feels|felt|feeling)\s+(?:more\s+|very\s+)?(?:positive|good|happ\w*|proud"
    r"|hopeful|optimistic|valued|worthwhile)\b", _I)
INSTRUMENT_24_RE = re.compile(r"\bghq[- ]?12\b|\bgeneral health questionnaire\b", _I)

# --- R2: using a service; R3: taking part in education or work ----------------------------------
# "Library visits and book issues", "attached to ESF provision", "volunteered for the work
# programme": a person using or signing up to a service.
USE_24_RE = re.compile(
    r"\b(?:library|museum|gallery|leisure centre|swimming pool) (?:visits|loans|usage)"
    r"|\bbook (?:issues|loans)\b|\battached to (?:\w+ ){0,3}?(?:provision|programme|program"
    r"|services?|support|caseworker|key ?worker)\b|\bvolunteered (?:for|onto|to join) (?:the |a )?"
    r"(?:\w+ )?(?:programme|program|scheme|course)\b", _I)
# Attending education, training or employment is a status held at a point (LABELLING.md 2b):
# "attending a suitable ETE arrangement".
ATTENDING_ETE_RE = re.compile(
    r"\battend\w* (?:an? |the |their )?(?:suitable |full[- ]time |appropriate )?(?:ete"
    r"|education|training|employment)\b", _I)
# A labour-market status read at a point: "Economic inactivity rate".
LABOUR_STATUS_RE = re.compile(r"\beconomic(?:ally)? inactiv\w*", _I)
# A qualification level held or left school with: "qualified to level 2", "school leavers
# achieving at level 2 or above".
QUALIFIED_LEVEL_RE = re.compile(
    r"\bqualified to (?:nqf )?level \d|\bleavers achieving (?:at )?level \d", _I)
# An age or time qualifier: "in their immediate pre-school year"; "(before housing costs)".
QUALIFIER_24_RES = (
    re.compile(r"\bin (?:their|the) (?:\w+ )?(?:pre-?school|reception|nursery|final|first)"
               r" year\b", _I),
    re.compile(r"\(?\b(?:before|after) housing costs\b\)?", _I),
)
# Early development named as a stage: "% children at appropriate stage of development".
DEVELOPMENT_RE = re.compile(
    r"\b(?:appropriate|expected|age[- ]appropriate) (?:stage|level)s? of development\b", _I)
