"""Model 2.6.0 (docs/scoring.md §3.1): what a figure counts and whose change it is, read from the
kinds of error found on held-out v11 (measured once with 2.5.0). Split from the other wording
modules by concern; the classifier reads it first.

- a headline outcome followed by a dash and its definition: the definition is the measure
  ("Victim survivors are safe - the system takes responsibility for …"; R20);
- the system acting on people ("are identified early and provided with …"), an agency's own
  recording ("reports … classified as a crime"), staff's caseload and availability ("case workers
  only work with two families at a time"), a service's capacity ("offers support to 164 victims at
  any one time") are outputs (R1); people treated well by the service ("are listened to,
  believed") or rating its help ("feel that the advocacy service has contributed …", "feel they
  have received information") are the experience of the service (R11);
- people counted as taking part: intake and enrolment, clients, members
  and participants supported or helped, people who engage with or visit a service, households that
  accessed it, take-up of an entitlement (R2, R19);
- money a person gains (income secured, financial gain) and public costs saved by less use of
  services are hard outcomes (R16); a debt rescheduled or managed is an arrangement entered (R3);
- stopping violence or abuse, and a service's work with a stated result ("with none
  re-offending"), are an adverse event avoided (R17); repeat victimisation, days in hospital and
  calls on emergency medical services are demand (R16);
- a state people report or a test measures is soft (R9, R12): a reported ability, feeling
  empowered, beliefs and attitudes held, IQ on the Wechsler scale, performance or thinking
  improved.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# A headline clause, a dash, then what it means: "Victim survivors are safe - the system …".
HEADLINE_DASH_RE = re.compile(
    r"^\W*(?:[\w'’,]+ ){1,9}?(?:are|is|hold|holds|prevents?|feel|have) (?:[\w'’,]+ ){0,8}?"
    r"[\w'’]+ [-–—] (?=(?:[\w'’,()-]+ ){5,})", _I)

_PEOPLE_26 = (r"people|persons?|individuals|clients|participants|users|service users|members"
              r"|households|families|children|young people|adults|victims|survivors|residents"
              r"|carers|patients|learners|students|borrowers")

# --- the system, the agency, the staff or the service as the actor: outputs --------------------
OUTPUT_26_RE = re.compile(
    r"\b(?:are|is|were|be|being) (?:\w+ ){0,2}?identified (?:\w+ )?and (?:\w+ )?(?:provided|offered"
    r"|given|referred)\b"
    r"|\b(?:classified|categori[sz]ed|recorded|coded) as (?:an? )?(?:crimes?|offences?)\b"
    r"|\b(?:case ?workers?|key ?workers?|support workers?|staff|practitioners|advisers|advisors"
    r"|coaches|mentors)\b (?:\w+ ){0,2}?(?:work with|are available|available)\b"
    r"|\bat any one time\b",
    _I,
)
EXPERIENCE_26_RE = re.compile(
    r"\b(?:are|feel|felt|were|be) (?:always |never )?(?:listened to|believed|heard and|understood"
    r"|respected|treated with (?:dignity|respect))\b"
    r"|\bfeel (?:that )?(?:the )?(?:[\w-]+ ){0,2}?(?:services?|support|staff|advocacy|advocates?)"
    r" (?:have|has) (?:contributed|helped|made)\b"
    r"|\bfeel (?:that )?they (?:have )?received\b"
    # being involved in one's own care planning is how the service works with people (rule 23)
    r"|\b(?:enabled|supported|helped) to (?:\w+ ){0,3}?(?:be )?involved in (?:their|the) (?:own )?"
    r"(?:care|support|treatment|planning)\b",
    _I,
)

# --- people counted as taking part: engagement --------------------------------------------------
ENGAGED_26_RE = re.compile(
    r"\bintake (?:volume )?of (?:\w+ )?\d"
    # enrolment in a programme, not in school or college (an entry into education, rule 2b)
    r"|\b(?:increase\w* in|number of|total) (?:the )?enrol(?:l)?ments? "
    r"(?!(?:of|in) (?:[\w-]+ ){0,2}?(?:students|pupils|girls|boys|children|learners|schools?"
    r"|colleges?)\b)"
    r"|^\W*(?:total )?(?:new |debt |active )?clients\W*(?::|$)|\bactive (?:\w+ )?members\b"
    rf"|\b(?:{_PEOPLE_26})(?:/\w+)? (?:helped(?! (?:to|into)\b)|supported by the service)\b"
    rf"|\bprovide \d[\d,]* (?:{_PEOPLE_26}) (?:with )?(?:[\w-]+ ){{0,4}}?"
    r"(?:support|services?|care)\b"
    rf"|\b(?:{_PEOPLE_26}) who (?:engage|engaged) with\b"
    r"|\bvisits to (?:the )?(?:[\w'’]+ ){0,2}?(?:librar\w+|museums?|leisure centres?|centres?)\b"
    rf"|\b(?:{_PEOPLE_26}) (?:who )?accessed\b"
    r"|\btake[- ]?up of (?:the )?(?:[\w-]+ ){0,8}?(?:entitlements?|offers?|places?|vouchers?)\b"
    # a health check taken up by the eligible population is coverage (LABELLING.md, v3 note)
    r"|\b(?:population|people|adults|persons|individuals) (?:who )?(?:receive|received|took up)"
    r" an? (?:nhs )?health checks?\b",
    _I,
)

# --- money and costs: hard; a debt arrangement: entered ----------------------------------------
MONEY_26_RE = re.compile(
    r"\b(?:additional |extra )?income (?:secured|gained|maximi[sz]ed)\b"
    r"|\breceives? (?:additional|extra|increased) income\b|\bfinancial gains?\b"
    r"|\b(?:save|saves|saving|savings of) (?:the )?(?:state|government|taxpayer|public purse)?\s*"
    r"(?:eur|usd|gbp|£|\$|€)\s?\d"
    r"|\b(?:enable|allow) the (?:state|government|council) to save\b"
    r"|\b(?:reduc\w*|lower\w*|decreas\w*|saving\w*|offset)\b[^.;]{0,30}\b(?:healthcare|health care"
    r"|hospital|secondary care|acute|disability|shelter|justice|welfare|public service)"
    r" (?:and [\w ]{0,20})?costs?\b",
    _I,
)
DEBT_ARRANGED_RE = re.compile(r"\bdebts? (?:rescheduled|managed|renegotiated)\b", _I)

# --- adverse events stopped, demand -------------------------------------------------------------
STOPPED_26_RE = re.compile(
    r"\b(?:stop|stopping|stopped|cease|ceasing|ceased)\b (?:their |the |all )?(?:\w+ )?"
    r"(?:violence|abuse|offending|re-?offending|abusive behaviou?r)\b"
    r"|\bwith (?:none|no one|nobody|zero) (?:of them )?re-?offend\w*\b",
    _I,
)
DEMAND_26_RE = re.compile(
    r"\b(?:repeat )?victimi[sz]ation\b|\bdays in hospital\b"
    r"|\bemergency medical services?\b", _I)

# --- a state people report or a test measures: soft ---------------------------------------------
SOFT_26_RE = re.compile(
    r"\breport\w* (?:an? )?(?:increased|improved|greater|better) (?:ability|capacity|confidence)\b"
    r"|\bfeel (?:more )?empowered\b"
    r"|\bhold (?:\w+ ){0,2}?(?:beliefs|attitudes)\b|\brecogni[sz]e and reject\b"
    r"|\b(?:wechsler|k-?wisc\S*|iq (?:level|test|scores?)|improvements? in iq)\b"
    r"|^\W*(?:school|academic|educational|logical|critical|cognitive) (?:performance|thinking"
    r"|skills?) improvement\W*$",
    _I,
)


def read_26(wording: str) -> str | None:
    """What a figure counts, by model 2.6.0: 'output', 'experience', 'engaged', 'entered',
    'held', 'hard' or 'soft', or None when none of these readings applies."""
    if STOPPED_26_RE.search(wording):
        return "held"
    if EXPERIENCE_26_RE.search(wording):
        return "experience"
    if OUTPUT_26_RE.search(wording):
        return "output"
    if MONEY_26_RE.search(wording):
        return "hard"
    if DEBT_ARRANGED_RE.search(wording):
        return "entered"
    if SOFT_26_RE.search(wording):
        return "soft"
    if ENGAGED_26_RE.search(wording):
        return "engaged"
    return None
