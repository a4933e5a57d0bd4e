"""Model 2.5.0 (docs/scoring.md §3.1): whose action a KPI counts and what state it names, read
from the kinds of error found on held-out v9 and v10. Split from the other wording modules by
concern; the classifier reads all five.

- the sense of a word before its keyword: "falls within" is a verb, not a fall; "run away" is a
  child going missing, not the provider running something (R18);
- a cohort opening ("Of the participants enrolled in the program, …"), a purpose ("… known to
  reduce falls", "to help them regain their independence", "that provides them with a safe place")
  and an indicator's code ("1A:", "(NI 71)") are set aside before the measure is read (R18);
- the service, its practitioners and its workforce as the subject are outputs: a service described
  as a service, services "centred on …", organisations having a protocol, practices taken up,
  opportunities offered, people asked about or given an assessment, assessments or visits counted
  against a deadline, staff per head of population, people who work in the services (R1, R15);
- rating the support ("agree that they are supported to …", "had a say in how their support was
  provided") is the experience of the service (R11);
- access, connection, continuity and initiation are taking part: "access to youth work",
  "connected to the CES", "continuity of care after detoxification", "treatment initiation",
  "went on to receive support", "used reablement services" (R2, R19);
- an exit to a permanent housing destination is a status entered (R3); no longer needing services
  after reablement is the sequel of short-term support (R3); time spent homeless or in
  homelessness services is demand (R16);
- a population's state named as the measure is an outcome: hard when it is recorded or objective
  (obesity, dental decay, a recorded depression, benefit claims, low income, casualties, deaths,
  children missing from care, freedom from drugs, abstinence, safe from harm), soft when it is
  behaviour or wellbeing as people report it (physically active, walking or cycling, quality of
  life, confident and resilient, capability and motivation, child development, attainment).
"""

from __future__ import annotations

import re

from services.scoring.domain.wording_people import _PEOPLE

_I = re.IGNORECASE

# --- R18: the sense of a word, a cohort opening, a purpose, an indicator's code -----------------
# (pattern, replacement): a verb read as a noun elsewhere keeps its own sense
SENSE_25_RES = (
    (re.compile(r"\bfalls?\s+(?=within|under|into|outside|short)", _I), "is "),
    (re.compile(r"\bran away|\brun(?:s|ning)?\s+away\b", _I), "go missing"),
)
QUALIFIER_25_RES = (
    # "Of the Participants enrolled in the Program during the reporting period, 90% of …"
    re.compile(r"^\W*of (?:the |those |all )?(?:[\w-]+ ){0,3}?(?:who|that|enrolled|referred"
               r"|admitted|supported|served)\b[^,;]{0,120},", _I),
    # a purpose beside the measure: "known to reduce falls", "to help them regain their
    # independence", "that provides them with a safe place to go", "centred on helping to …"
    re.compile(r"\b(?:known|designed|intended|aimed|proven|shown|expected) to (?:reduce|prevent"
               r"|improve|increase|help|support|promote|protect|lower|cut|avoid|tackle|address)\w*"
               r"\b[^.;]*", _I),
    re.compile(r"\bto help (?:them|him|her|people|participants|clients|users) (?:to )?\w+\b"
               r"[^.;]*", _I),
    re.compile(r"\b(?:that|which) (?:provides?|gives?|offers?) (?:them|people|young people"
               r"|children) (?:with )?\b[^.;]*", _I),
    re.compile(r"\b(?:centred|centered|focused|based) on (?:helping )?(?:to )?(?:\w+ )?"
               r"(?:maintain|improv|increas|reduc|support|achiev)\w*\b[^.;]*", _I),
    # an indicator's code: "1A:", "Outcome 1:", "(NI 71)", "(NI 99, 100, 101; mandatory …)"
    re.compile(r"^\W*(?:(?:outcome|indicator|measure|kpi|pi)\s+)?\d{1,2}[a-z]?(?:\.\d+)?\s*[:.)]"
               r"\s+", _I),
    re.compile(r"\((?:ni|phof|ascof|bvpi|kpi|pi|nof)\s*\d[^)]*\)", _I),
)

# --- R1/R15: the service, its practitioners and its workforce as the subject --------------------
SERVICE_SUBJECT_RE = re.compile(
    # a service described as a service: "Reablement-at-Home Service (RaH): A therapy-led …"
    r"^\W*[\w&'() -]{0,60}?\bservice\b[^:.]{0,30}:\s*(?:as\s+)?an?\b"
    # services as the subject of how they are run: "services are centred on …"
    r"|^\W*(?:[\w-]+ ){0,5}?(?:services|care|providers?) (?:are|is|will be|should be) "
    r"(?:centred|centered|focused|based|designed|delivered|provided|run|organised|organized)\b"
    # organisations having a protocol or policy: "trusts/health boards who have a post-falls
    # protocol"
    r"|\b(?:trusts?|boards?|providers?|practices|organisations?|services|settings|hospitals"
    r"|schools|employers|(?:care |nursing )?homes)\b[^.;]{0,20}?\b(?:who|which|that|with)"
    r" (?:have|has|use|follow)"
    r" (?:an? |the )?[\w -]{0,30}?\b(?:protocols?|polic(?:y|ies)|pathways?|procedures?"
    r"|guidelines?)\b"
    # the providers' practice: "uptake of two key care practices"
    r"|\b(?:uptake|adoption|use|implementation|spread) of (?:\w+ ){0,3}?practices\b"
    # the service's activity: "Child protection activity (including early help)"
    r"|^\W*(?:[\w-]+ ){0,3}?activit(?:y|ies)\W*$"
    r"|\bnumber of (?:events|programmes|programs|activities)\b"
    # the commissioner's or provider's own tasks: "Manage the … contract", "Analysis that …"
    r"|^\W*(?:manage|management of|analysis|analyse|analyze|monitor|audit|map|conduct)\b"
    # the workforce: "Number of GPs per 100,000 patients", "People who work in … services"
    r"|\b(?:gps|doctors|nurses|midwives|health visitors|clinicians|therapists|social workers"
    r"|(?:support |care |key )?workers|practitioners|teachers|employees|staff)\b"
    r"(?: \(?\w+\)?){0,3}? per \d"
    r"|\b(?:people|those|staff) (?:who|that) work (?:in|for)\b",
    _I,
)
# What the service offers: "opportunities for developing …", "volunteering opportunities"; not
# people taking opportunities up ("take up training and education opportunities").
OFFERED_RE = re.compile(r"\bopportunit(?:y|ies)\b", _I)
TAKEN_UP_RE = re.compile(r"\b(?:take|takes|took|taking|taken) up\b", _I)
# The practitioners acting on a person: "asked about falls", "referred for … assessment",
# "receive a comprehensive falls assessment", "have a review of the outcomes of their … plan",
# "will have an Individualized … Plan"; and the service's events against a deadline: "% of Care
# Assessments in 35 days", "100% of planned visits … are attended. There are no missed visits."
SERVICE_ACT_RE = re.compile(
    r"\b(?:asked|questioned) (?:about|whether|if)\b"
    r"|\breferred for (?:an? |the )?(?:\w+ ){0,3}?(?:assessment|review|check)s?\b"
    r"|\b(?:receive|receives|received|have|has|had|undergo\w*|given|will have)"
    r" (?:an? |the |their )?(?:[\w-]+ ){0,3}?(?:assessment|review|re-?assessment|health check"
    r"|plan)s?\b"
    r"(?! (?:\w+ ){0,3}?(?:scores?|improv\w*|reduc\w*|increas\w*))"
    r"|\b(?:assessments?|reviews?|conferences?|plans?)\b[^.;]{0,25}?\b(?:in|within)"
    r" (?:\d+|\w+ \(\d+\)) (?:working |calendar )?(?:days|weeks|hours)\b"
    r"|\b(?:planned|scheduled|time[- ]critical|missed|late|unpunctual) (?:\w+ )?(?:visits|calls)\b",
    _I,
)
# Rating the support: "agree that they are supported to live as independently as possible".
SUPPORT_RATED_RE = re.compile(
    r"\bagree\w* (?:that )?(?:they|he|she) (?:are|were|have been|had|felt|feel) (?:\w+ )?"
    r"(?:supported|helped|involved|listened|treated|informed|given)\b"
    r"|\b(?:had|have|has) (?:a|any) say in (?:how|what|the)\b",
    _I,
)

# --- R2/R19: access, connection, continuity, initiation, people going on to receive support ----
_SERVICE_WORDS = (r"services?|support|care|provision|youth work|treatment|advice|help"
                  r"|accreditation|(?:further )?education and training|programmes?|ces|gps?"
                  r"|medicines?|therapy|counsell\w*|activities")
TAKING_PART_25_RE = re.compile(
    rf"\b(?:have|has|had|improved|increased|better|more|greater|easier|gain\w*) access to "
    rf"(?:[\w,-]+ ){{0,5}}?(?:{_SERVICE_WORDS})\b"
    rf"|\bsupported to access\b|\bconnected to (?:the |a |an |their )?(?:[\w-]+ ){{0,3}}?"
    rf"(?:{_SERVICE_WORDS}|system|provider|network|(?:health )?visitors?|(?:key ?)?workers?"
    r"|nurses?|teams?|mentors?|practices?|coordinators?|navigators?)\b"
    r"|\bcontinuity of (?:care|support|treatment)\b"
    r"|\b(?:initiation|initiating|initiated) (?:of |on |into )?(?:[\w-]+ ){0,3}?treatment\b"
    r"|\btreatment initiation\b|^\W*(?!(?:\w+ )?(?:apprenticeships?|employment|jobs?|training"
    r"|education|work|volunteering)\b)(?:[\w-]+ ){0,2}take[- ]?up\W*$"
    r"|\bwent on to receive\b|\bused (?:\w+ ){0,2}?(?:services?|support|care|facilities)\b"
    r"|\bsupported during the (?:year|period|quarter|month)\b"
    rf"|\b(?:{_PEOPLE}) will include\b"
    rf"|\b(?:assist|help)\w* (?:a minimum of |at least |up to |over )?\d[\d,]* (?:[\w-]+ ){{0,3}}?"
    rf"(?:{_PEOPLE})\b(?! (?:\w+ ){{0,2}}?(?:move|into|find|secure|gain|get|obtain|enter"
    r"|achieve|sustain)\w*)"
    # an intake counted with nothing entered: "clients who entered during the reporting period"
    rf"|\b(?:{_PEOPLE}) (?:who )?(?:entered|entering)(?=\s+(?:during|in the|each|per|this)\b"
    r"|\W*$)"
    r"|\b(?:use|uptake|prescri\w*) of (?:\w+ ){0,3}?(?:medicines?|medications?)\b",
    _I,
)

# --- R3/R16: housing exits, the sequel of reablement, time homeless -----------------------------
EXIT_PERMANENT_RE = re.compile(
    r"\bexit\w* (?:\w+ ){0,3}?to (?:a |the )?permanent (?:housing )?destinations?\b"
    r"|\bpermanent (?:housing )?destinations?\b", _I)
NO_LONGER_NEEDED_RE = re.compile(
    r"\bno longer (?:required|requiring|needed|needing|need|needs) (?:\w+ )?(?:services?|support"
    r"|care)\b", _I)
MISSING_RE = re.compile(r"\bgo(?:es|ne)? missing\b|\bmissing from (?:home|care)\b", _I)
TIME_HOMELESS_RE = re.compile(
    r"\b(?:days?|nights?|time|length of stay)\b[^.;]{0,80}?\bspent in (?:\w+ ){0,2}?"
    r"(?:transitional housing|search|shelters?|homeless\w*|temporary accommodation|hostels?)\b"
    r"|\btime (?:spent )?(?:in search|homeless)\b", _I)

# --- R16/R17/R12: a population's state named as the measure -------------------------------------
_HEAD = (rf"(?:prevalence|proportion|percentage|rate|number|numbers|count|%|share|(?:{_PEOPLE}))"
         r"\b")
# recorded or objective states: hard
HARD_STATE_RE = re.compile(
    r"\b(?:obes\w*|overweight|dental decay|decay\w*|casualt\w*|killed|seriously injured|deceased"
    r"|go(?:es|ne)? missing|missing from (?:home|care)|claimant count|low income|living wage"
    r"|(?:universal credit|benefits?|jobseeker\W?s allowance|esa|pip) claims"
    r"|with (?:a )?(?:recorded |diagnosed )?(?:depression|diabetes|dementia|hypertension|copd"
    r"|asthma|cancer))\b",
    _I,
)
# a state avoided or held: hard
HELD_STATE_RE = re.compile(
    r"\b(?:free(?:dom)? from (?:\w+ ){0,3}?(?:drugs?|alcohol|dependen\w*|substances?|harm|abuse"
    r"|violence)|safe from harm|harm[- ]free|non[- ]?injecting|abstinen\w*|drug[- ]free)\b", _I)
# behaviour and wellbeing as people report them: soft
SOFT_STATE_RE = re.compile(
    r"\b(?:physically (?:in)?active|(?:walking|cycling)(?: or (?:walking|cycling))?"
    r"|quality of life|confident|resilient|optimistic|capabilit\w* and motivation"
    r"|(?:improv\w*|increas\w*|better|greater) (?:\w+ ){0,2}?(?:capabilit\w*|motivation)"
    r"|child(?:ren's)? development|educational attainment)\b",
    _I,
)
# the state is the head of the measure: "Proportion of adults classified as obese", "Year 6:
# Prevalence of obesity", "Young people are confident, resilient …", or a short title naming it
NAMED_STATE_RE = re.compile(
    rf"^\W*(?:[\w-]+\W+){{0,3}}?{_HEAD}|^\W*(?:[^.;]|\.\d){{0,60}}$"
    rf"|\b(?:{_PEOPLE}) (?:are|feel|become|who are)\b",
    _I,
)


def population_state(wording: str) -> str | None:
    """'hard', 'held' or 'soft' when the wording names a population's state as its measure."""
    text = wording.strip().rstrip(".;: ")
    if not NAMED_STATE_RE.search(text):
        return None
    if HELD_STATE_RE.search(text):
        return "held"
    if HARD_STATE_RE.search(text):
        return "hard"
    if SOFT_STATE_RE.search(text):
        return "soft"
    return None
