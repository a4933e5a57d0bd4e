"""Who is counted (model 2.0.0, second pass; docs/scoring.md §3.1): the provider's own operation,
people served or taking part, a bare count of people, and a state named as a short title.
Split from wording.py by concern; the classifier reads both."""

from __future__ import annotations

import re

from services.scoring.domain.wording import _STATE

_I = re.IGNORECASE

# --- who is counted (model 2.0.0, second pass: the grammatical subject decides) --------------
# The operational definition after "measured as" / "defined as|by" is the measure; the words before
# it are the aim's title ("Reduction in bed days … measured as number of patients receiving the
# service" counts patients served).
DEFINITION_RE = re.compile(
    r"\b(?:measured as|defined (?:as|by)|operationali[sz]ed (?:as|by))\s", _I)
# The provider's own operation, resources and material handled: never a change in a person.
PROVIDER_SIDE_RE = re.compile(
    r"\b(fidelity|adherence|staffing(?: levels?)?|service availability"
    # a person's use of crisis services is demand, not the provider's utilisation (model 2.3.0)
    r"|utili[sz]ation(?! of (?:the )?(?:[\w']+ ){0,3}?(?:emergency|crisis|psychiatric|acute"
    r"|hospital))"
    r"|throughput|(?:tonnes|tons|sqm|area of land)\b"
    # the volume of material or calls handled, not of a person's offending (model 2.4.0)
    r"|volumes?\b(?! of (?:their |the |his |her )?(?:re-?offend\w*|offen\w*|crimes?|incidents?))"
    r"|(?:voluntary|volunteering) hours|hours (?:\w+ ){0,2}volunteering|hours supporting"
    r"|donat\w*|in[- ]kind contributions?|(?:school|college) (?:and college )?visits"
    r"|visits? conducted|meetings|observations|applications|(?:expert )?(?:business )?advice"
    r" (?:given |provided |offered )?to|training (?:for|of) (?:\w+ )?(?:staff|workforce|volunteers"
    r"|practitioners|professionals)"
    r"|number of (?:\w+ ){0,2}?(?:networks|partnerships|groups|schools|courses|sessions|workshops"
    r"|applications|assessments"
    r"|evaluations|reviews|plans|buildings|centres|centers|places|beds|jobs created"
    r"|referrals(?! (?:entering|starting|accessing))"
    r"|(?:registered )?foster carers|volunteers|staff|mentors)"
    r"|availability of|length of stay in (?:\w+ )?(?:housing|accommodation|hostels?|refuges?"
    r"|the service)|support visits?|(?:phone )?calls (?:to|with|received)"
    r"|rehabilitat\w* of (?:\w+ )?(?:housing"
    r"|homes|buildings|properties)|advis[eo]rs\b|full[- ]time equivalent|\bftes?\b"
    # a statement that opens with the provider's own action: "Provide activities which …"
    r"|^\W*(?:to )?(?:provide|deliver|run|hold|host|distribute|organi[sz]e|offer|establish|produce"
    r"|create|set up|identify|identifying|providing|delivering)\b"
    # the provider acting on people ("contacted by outreach") and its own workforce
    r"|(?:contacted|visited|seen|assessed|supported|helped|reached|engaged|accommodated|housed"
    r"|placed) by (?:the |an? |our )?(?:\w+ )?(?:outreach|team|service|provider|staff|workers?"
    r"|project|practitioners?|council|(?:local )?authority)"
    r"|(?:staff|workforce) (?:\w+ )?(?:sickness|absence|turnover|retention|vacanc\w*|skills"
    r"|training|wellbeing)"
    r"|(?:opening|opened|set up|equipped)\b(?: \w+){0,4} (?:centres?|centers?|contacts?"
    r"|buildings?|services?)|(?:engagement|promotion|awareness|outreach|information) (?:days|events"
    r"|campaigns)|(?:quality|level) of (?:care )?provision|standards (?:are )?(?:\d+% )?met"
    r"|points met"
    # finding cases is the service's work: "diagnosis rate", "a screened or identified need"
    r"|(?:diagnosis|detection|identification|case[- ]finding) rates?"
    r"|(?:screened|identified|assessed|detected)(?: or (?:screened|identified|assessed|detected))?"
    r" needs?)\b",
    _I,
)
_PEOPLE = (r"people|persons|participants|patients|clients|service users|users|beneficiaries"
           r"|students|pupils|residents|citizens|young (?:people|adults)|youth|families|households"
           r"|women|men|girls|boys|adults|children|carers|mentees|individuals|agyw|smokers|offenders"
           r"|victims|survivors|leavers|attenders|claimants|tenants|learners|parents|mothers"
           r"|fathers|veterans|refugees|sleepers|infants|babies|births|customers|members"
           r"|visitors|responders")
# Receiving an adverse event ("received at least 1 suspension") is not being served.
_NOT_ADVERSE = (r"(?! (?:\w+ ){0,3}(?:suspensions?|exclusions?|sanctions?|convictions?|cautions?"
                r"|sentences?|penalt\w*))")
# People served by the provider: receiving, provided with, accessing, enrolled, supported,
# reached, screened, treated, linked to care, with a mentor, finishing the programme, continuing
# to use a service — participation, whatever aim the title names.
SERVED_RE = re.compile(
    rf"\b((?:{_PEOPLE})\b(?: \w+){{0,4}}? (?:receiv\w*{_NOT_ADVERSE}|provided with|accessing"
    rf"|accessed|enrolled"
    r"|supported|reached|screened|treated|linked to|initiated on|with a mentor|taking \d|attended"
    rf"|attending|finishing|given{_NOT_ADVERSE}|offered|met|seen|contacted|visited|advised|assisted"
    # people using a service are served (model 2.4.0): "Carers using Social Care"
    r"|using (?:\w+ )?(?:services?|social care|care|support))"
    r"|set(?:ting|s)? a quit date"
    rf"|receiving (?:a |the )?(?:\w+ ){{0,3}}services?|services? (?:accessed|uptake|take[- ]?up)"
    r"|(?:uptake|take[- ]?up)(?: rate)? of (?:\w+ ){0,2}services?|(?:\w+ )?services? uptake"
    r"|supported to|engag\w* with (?:a |an |the )?(?:\w+ ){0,3}?(?:worker|services?|programme"
    r"|program|support|provider|team|mentor)|(?:retention|finishing|completion) (?:rate )?of "
    r"(?:enrolled|the) (?:\w+ )?(?:beneficiaries|participants|programme|program)"
    r"|(?:rate|number|percentage) of (?:participants|people|students|beneficiaries) finishing"
    r"|screening participants|complet\w* (?:the |their )?(?:\w+ ){0,3}?(?:programme|program"
    r"|intervention)|complet\w* (?:the )?core training)\b",
    _I,
)
# A bare count of people with nothing else said about them is reach: engagement, never outcome.
PEOPLE_COUNT_RE = re.compile(rf"\b(?:number|no\.?|total|rate|percentage|%) of (?:\w+ ){{0,3}}?"
                             rf"(?:{_PEOPLE})\b", _I)

# Taking part, said of the person: with it, a demand or state word alone (R16, R12) does not make
# an outcome ("young homeless people … engage with education … through participation").
TAKING_PART_RE = re.compile(
    r"\b(participat(?:e|es|ed)|participation in|engag(?:e|es|ed|ing) with)\b", _I)

# A person's state named alone as a short title ("Workplace skills.", "% physically active adults",
# "Health-related quality of life for people with …"): weak evidence, late in the precedence.
STATE_NAMED_RE = re.compile(rf"^\W*(?:[\w-]+\W+){{0,2}}(?:{_STATE})(?:\s+(?:{_PEOPLE})"
                            rf"|\s+(?:for|of|among) (?:[\w-]+ ){{0,4}}?(?:{_PEOPLE})\b.*)?\W*$", _I)
