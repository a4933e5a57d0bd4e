"""Model 2.3.0 (docs/scoring.md §3.1): the service's own process and standards, people served
counted by the provider, repeat use of services, and population states. Split from wording.py by
concern; the classifier reads all three modules.

Each pattern says *who* is measured: the service (its waiting times, recording, compliance,
standards, unit costs, stock) is an output whatever demand or state words sit beside it; people
the provider serves, reaches or receives are engagement; a return to services is demand.
"""

from __future__ import annotations

import re

from services.scoring.domain.wording import _NUMBER
from services.scoring.domain.wording_people import _PEOPLE

_I = re.IGNORECASE
_SHORT_PERIOD = rf"{_NUMBER}\s*(?:\(\d+\)\s*)?(?:working\s+)?(?:hours?|days?|weeks?|months?)"
# a service's response is counted in hours, days or weeks; "within 1 month of diagnosis" after
# "seen for HIV care" is a checkpoint for starting care (LABELLING.md rule 8)
_QUICK_PERIOD = rf"{_NUMBER}\s*(?:\(\d+\)\s*)?(?:working\s+)?(?:hours?|days?|weeks?)"

# --- R11: waiting-time standards and the experience of a service -------------------------------
# A waiting time is how fast the service acts, however it is worded: "no more than 5% of patients
# should wait longer than four hours", "referral-to-treatment time", "offered an assessment date
# that falls within four weeks", "admitted, transferred or discharged within 4 hours of arrival",
# "concerns completed within two working days". A waiting *list* is not a waiting time.
WAIT_RE = re.compile(
    r"\b(wait(?:s|ing|ed)?\b(?! lists?)"
    r"|(?:referral|arrival)[- ]to[- ](?:treatment|assessment|first)"
    r"|(?:assessment|treatment|appointment) dates?"
    r"|(?:response|processing|turnaround|re-?let) times?|timeliness|in timescales?"
    r"|(?:seen|assessed|treated|offered|admitted|transferred|discharged|answered|responded to"
    r"|completed|start(?:s|ed)? (?:a |their )?(?:first )?(?:definitive )?treatment)"
    rf"\b[^.;]{{0,40}}?\bwithin\s+{_QUICK_PERIOD}"
    rf"|seen by (?:\w+ ){{0,4}}?within\s+{_SHORT_PERIOD})\b",
    _I,
)
# Experience of a service, said as perception or quality of the experience ("Perception of Care
# (or services)", "Improve the quality of healthcare experience").
EXPERIENCE_RE = re.compile(
    r"\b(perceptions? of (?:the )?(?:care|services?|support)"
    r"|quality of (?:the )?(?:\w+ )?(?:care|healthcare|service|patient)s? experience)\b",
    _I,
)

# --- R1: the service's own process, compliance, standards, costs and stock ---------------------
PROCESS_RE = re.compile(
    # recording and assessing are the service's work: "recorded with all mandatory fields",
    # "having their outcome measured", "having a pressure ulcer risk assessment"
    r"\b(recorded with|(?:outcomes?|measures?) (?:\w+ ){0,2}?(?:measured|recorded|collected)"
    r"|risk assessments?"
    # compliance with a standard, and the justice system's case results
    r"|complian\w* with|(?:recording|reporting) standards?|conviction rates?|cases charged"
    # the provider's staff trained, and the provider's facilities meeting standards
    r"|(?:professionals?|staff|practitioners?|workers?|volunteers?|officers?) (?:\w+ ){0,3}?"
    r"(?:in receipt of|receiving|attending|completing|accessing) (?:\w+ ){0,3}?training"
    r"|(?:facilities|providers|services|settings|premises|practices|organisations) (?:\w+ ){0,6}?"
    r"(?:meet|meets|meeting|met) (?:\w+ ){0,3}?(?:standards?|accreditation|requirements)"
    r"|accreditation standards?"
    # how the service should run: "Interventions should offer weekly support …"
    r"|(?:interventions?|services?|providers?|sessions?|there) (?:should|must|shall)"
    r"|contact time|unit costs?|cost per (?:\w+ )?(?:participant|client|service user|user|learner"
    r"|place|session|hour|outcome|job)s?\b(?! of)"
    r"|hours (?:\w+ ){0,3}?(?:provided|delivered|commissioned)"
    r"|contacts? (?:\w+ ){0,3}?received"
    # referrals made are the service's work ("referrals to Domestic Abuse services"); a
    # re-referral is a person's return (demand)
    r"|(?<!re-)(?<!re)(?<!eligible )referrals? (?:to|into|made)\b(?![^.]*\b(?:mov(?:e|es|ed)"
    r"|recover\w*|achiev\w*|improv\w*))"
    # the housing stock, not a person's home
    r"|(?:home|house|housing|dwelling)s? completions?|housing stock"
    r"|(?:empty|void) (?:homes|properties|dwellings))\b",
    _I,
)

# --- R19: people the provider serves, reaches or receives --------------------------------------
# "Serve 150-200 chronically homeless individuals", "Reach 7,300 children", "Provide housing …
# services to at least 250 homeless individuals", "Our team supports over 500 young people".
SERVED_COUNT_RE = re.compile(
    r"\b(?:serv(?:e|es|ed|ing)|reach(?:es|ed|ing)?|support(?:s|ed|ing)?|work(?:s|ed|ing)? with"
    r"|(?:provid|offer|deliver)\w*\b[^.;]{0,80}?\bto)\s+(?:up to |at least |over |more than "
    r"|approximately |around |an estimated )?\d[\d,.]*\+?(?:\s*(?:-|–|to)\s*\d[\d,]*)?\s+"
    rf"(?:[\w-]+ ){{0,3}}?(?:{_PEOPLE})\b",
    _I,
)
# People in receipt of a service, presenting for it, or referred to it.
SERVED_MORE_RE = re.compile(
    rf"\b(?:{_PEOPLE})\b(?: [\w/]+){{0,6}}? (?:presenting (?:for|to|at)"
    r"|in receipt of (?:[\w/-]+ ){0,4}?(?:services?|hours|support|care))\b"
    # "having received tuition from an instructor", "having taken part in any organised competition"
    r"|\b(?:having|have|has|had) (?:been )?(?:received|given|offered) (?:\w+ ){0,3}?(?:tuition"
    r"|support|advice|coaching|help|treatment|services?|care)\b"
    r"|\b(?:having|have|has|had) taken part\b",
    _I,
)

# --- R16: repeat use of services, and more demand and population measures --------------------
# A return to services is the adverse event itself: "returned to our services for emergency
# accommodation", "returned to homelessness", "re-presented".
REPEAT_USE_RE = re.compile(
    r"\b(return(?:s|ed|ing)? to (?:\w+ ){0,2}?(?:services?|homelessness|custody|prison|care"
    r"|hospital|emergency)|re-?present(?:s|ed|ations?)\b)",
    _I,
)
MORE_DEMAND_RE = re.compile(
    r"\b(poverty|deprivation|deprived|incidents?(?! (?:records?|reports?|logs?|forms?)\b)"
    r"|re-?referrals?|criminal activity|crimes"
    r"|(?:sexual |violent )?offences"
    r"|admitted (?:\w+ ){0,2}?as (?:an )?emergenc\w*|emergency inpatients?"
    r"|(?:alcohol|drugs?)(?: or (?:alcohol|drugs?))? intake|behaving (?:in )?(?:an? )?anti-?social"
    r"|utili[sz]ation of (?:the )?(?:[\w']+ ){0,3}?(?:emergency|crisis|psychiatric|acute"
    r"|hospital)\w*)\b",
    _I,
)
# A period right after a drug-free or abstinent state is held ("drug free 30 days prior to …").
HELD_FREE_RE = re.compile(
    rf"\b(?:free|abstinent|abstinence|clean|sober)\W+(?:for\s+)?{_SHORT_PERIOD}\b", _I)
# Served "in preventing …" / "to avoid …": the prevention is the measure, not the service (R16).
SERVED_FOR_RE = re.compile(r"\W*(?:in|to) (?:prevent|avoid|reduc|stop|keep)\w*", _I)
# Moving on from the service is a status entered (intermediate): "made a positive move on".
MOVE_ON_RE = re.compile(r"\b(positive moves?(?: on)?|mov(?:e|ed|es|ing) on)\b", _I)
# Eligibility for free school meals describes the cohort, not the measure (R18).
# Nor does an area's poverty ("in ZIP codes with high concentrations of poverty").
FSM_RE = re.compile(
    r"\b(?:eligible for |in receipt of )?free school meals?(?: \(FSM\))?"
    r"|\b(?:in|with|from) (?:[\w-]+ ){0,4}?(?:concentrations?|levels?|areas?|pockets?)"
    r" of (?:poverty|deprivation)\b|\b(?:most )?deprived (?:areas?|neighbourhoods?"
    r"|communities|wards?)\b"
    r"|\b(?:poverty|deprivation) rates? (?:above|below|over|under) \d[\d.]*%?", _I)
