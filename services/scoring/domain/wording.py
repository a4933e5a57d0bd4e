"""The word patterns the outcome classifier reads (model 2.0.0; docs/scoring.md §3.1).

Patterns are about meaning, not single keywords: *who* changes (the provider's activity vs a
person's state or use of services), the *direction* of a change, the *measure* vs the qualifiers
and context around it, periods however they are written, and negation.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# --- periods -----------------------------------------------------------------------------------
_NUM_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
              r"|fifteen|eighteen|twenty|twenty[- ]four|twenty[- ]six|thirty|thirty[- ]six"
              r"|fifty[- ]two|a|an|half a|one and a half")
_NUMBER = rf"(?:\d+(?:\.\d+)?|{_NUM_WORDS})"
_UNIT = r"(?:days?|weeks?|wks?|months?|mths?|years?|yrs?)"
PERIOD = rf"\b{_NUMBER}[\s-]*{_UNIT}\b"
PERIOD_RE = re.compile(PERIOD, _I)
# A period that only says when something is checked or by when: not a sustainment.
CHECKPOINT_RE = re.compile(
    rf"(?:\b(?:within|up to|by|before|in the last|every|over the past|at|after)\s+{PERIOD})"
    rf"|(?:{PERIOD}\s+(?:after|post|from|prior|before|following|of (?:initial|starting)))"
    rf"|(?:secur\w*\s+(?:\w+\s+){{0,2}}for\s+{PERIOD})"
    # time spent on the provider's programme is participation, not a status held
    rf"|(?:{PERIOD}\s+(?:of|on|in)\s+(?:the\s+)?(?:programme|program|course|intervention"
    r"|treatment|support|service))",
    _I,
)

# --- qualifiers and context: removed before the measure is read -------------------------------
# "(or 4 hours a week for part-time work)", "within 12 months of referral", "16 hours per week",
# "minimum 325 guided learning hours": they say when or how much, not what is measured.
QUALIFIER_RES = (
    re.compile(r"\((?:or|e\.g\.|i\.e\.|including|excluding)\b[^)]*\)", _I),
    re.compile(r"\b\d+(?:\.\d+)?\s*(?:-\s*\d+\s*)?(?:or more\s+)?hours?\s*(?:a|per|/)\s*"
               r"(?:week|day)\b", _I),
    re.compile(r"\b(?:minimum(?: of)?|at least|totalling(?: a minimum of)?)\s+\d+\s*"
               r"(?:guided learning\s+)?hours\b", _I),
    re.compile(r"\bguided learning hours\b", _I),
    re.compile(rf"(?:\b(?:within|up to|at)\s+)?(?:{PERIOD}\s+)?\b(?:of|after|since|from|prior to"
               r"|following|post[- ]?)\s*(?:the\s+)?(?:referral|release|engagement"
               r"|enrol(?:l)?ment|diagnosis|discharge|case closure"
               r"|(?:programme |program )?completion(?: of (?:the )?(?:programme|program"
               r"|intervention|training))?)\b", _I),
    re.compile(r"\b(?:referral|referred)\s+(?:in)?to\s+the\s+(?:programme|program|service)\b", _I),
    # how a claim is evidenced is not what is measured: "Signed letter from employer, copy of …"
    re.compile(r"\b(?:signed letter|copy of (?:the )?(?:contract|certificate|payslip|tenancy)"
               r"|self[- ]cert\w*(?: form)?|evidence(?:d)? (?:by|:))[^\n]*", _I),
)

# --- provider activity (output) ---------------------------------------------------------------
SATISFACTION_RE = re.compile(
    r"\b(satisf\w*|dissatisf\w*|would recommend|rated (?:the )?service|happy with"
    r"|friends and family test|experience of (?:the )?(?:service|care)"
    r"|(?:easy|easier) to find|got help quickly|seen within|waiting time|delivered within)\b",
    _I,
)
PLAN_DONE_RE = re.compile(
    r"\b((?:personal|individual|integrated|integration|action|care|support|housing|learning"
    r"|person[- ]centred)\b[\w\s-]{0,30}?\bplans?\b|vocational profile|(?:wellbeing|well-being"
    r"|needs|initial|first|second|third|house|general)\s+(?:\w+\s+){0,2}assessments?"
    r"|assessments? (?:completed|carried out|of)|plans? (?:completed|agreed|established))\b",
    _I,
)
ACTIVITY_NOUN_RE = re.compile(
    r"\b(sessions?|workshops?|classes|leaflets?|packs?|surger(?:y|ies)|inspections?"
    r"|consultations at|checks?|meals?|hectares|spaces|capacity|provision"
    r"|(?:home |house )?visits (?:held|made|to)|calls (?:made|answered|handled)"
    r"|contacts (?:made|with)|events (?:held|run|delivered)|hours of (?:support|provision)"
    r"|referrals (?:made|received)|number of referrals|staff trained|volunteers? trained"
    r"|mentors?|link workers|workforce|practitioners?|registered companies"
    r"|(?:cases|items) [\w\s]{0,30}?(?:reviewed|delivered))\b",
    _I,
)
# Things and capacity rather than people, and the provider's own workforce trained: an output
# whatever change words sit beside them ("hectares of habitat improvements").
THINGS_RE = re.compile(
    r"\b(hectares|surger(?:y|ies)|meals?|leaflets?|packs?|inspections?|spaces|capacity"
    r"|(?:benefit|entitlement|health|safety) checks|(?:staff|volunteers?|mentors?|workforce"
    r"|teachers?) (?:\w+ ){0,3}(?:trained|complete\w* (?:\w+ ){0,3}training)"
    r"|number of (?:teachers|mentors|volunteers))\b",
    _I,
)
ACTIVITY_VERB_RE = re.compile(
    r"\b(delivered|provided|created|run|held|hosted|distributed|supported by|signposted"
    r"|recruit\w*|deploy\w*|trained|employ (?:one|\d+)|funded|informed|identified"
    r"|employed on the contract|complete \d[\d,]*|to be apprentices|double the"
    r"|known (?:and understood )?by)\b",
    _I,
)

# --- taking part (engagement) -----------------------------------------------------------------
ENGAGEMENT_RE = re.compile(
    r"\b(engag(?:ed|es?|ing|ement)|attend(?:ed|s|ing|ance)?|enrol\w*|registered(?! companies)"
    r"|registers?|signed|number of participants(?! who (?:got|found|find|gain|quit|achiev|enter"
    r"|start|move))|complet\w* (?:\w+ ){0,2}test\b|completes? \d+\s?% of"
    r"|(?:learning|internship|module) completed|registration|signed up|sign up|took part"
    r"|taking part|participat\w*|participants? in"
    r"|reached|reach and treat|joined|intake|consent|accessing|access(?:es)? (?:the )?"
    r"(?:service|support)|(?:starting|starts?|started) (?:on )?(?:the )?(?:programme|program)"
    r"|entering treatment|entry into (?:\w+ ){0,2}treatment|in (?:effective |continuous )?"
    r"treatment|came to|completes? (?:\w+ ){0,3}(?:programme|program|course|cycle)"
    r"|(?:programme|program|course|training) completion|completion of (?:the )?(?:programme"
    r"|program|course|training)|graduated|served|show up)\b",
    _I,
)

# --- a person's status (job, home, education...) ----------------------------------------------
STATUS_RE = re.compile(
    r"\b(jobs?|employment|employed|self[- ]employ\w*|work|tenanc\w*|lease|accommodation"
    r"|accomodation|housing|housed|home|education|training|apprenticeships?|volunteering"
    r"|abstinen\w*|drug[- ]free|alcohol[- ]free|recovery|independent living|independen\w*"
    r"|living independently|out of hospital|school|college|placements?|foster care"
    r"|caring role|family home|reunif\w*|reunited|qualifications?|gcses?|nvq|businesses"
    r"|labou?r market|travel independently|independent travel|higher education|adopted"
    r"|positive outcomes?)\b",
    _I,
)
SUSTAIN_RE = re.compile(
    r"\b(sustain(?:ed|s|ing|ment)|maintain\w*|retain\w*|retention|kept|remain\w*|still"
    r"|stay\w*|continu\w*|stab(?:le|ility)|consecutive|(?:held|lasting|for|of at least)"
    rf"\s+(?:at least\s+|up to\s+)?{PERIOD})",
    _I,
)
STATUS_ENTRY_RE = re.compile(
    r"\b(into|starts?|started|starting|begins?|enter\w*|entry|secured|securing|gained|gains"
    r"|obtain\w*|achiev\w*|found|finds?|got|moved?|move-?in|placement|prevention|relief"
    r"|take up|switched|steps? down|settled|attainment|completion|completed|adopted"
    r"|integration)\b",
    _I,
)

# --- a change in a person -----------------------------------------------------------------------
INSTRUMENT_RE = re.compile(
    r"\b(r?-?ucla|de jong gierveld|s?wemwb?s|warwick[- ]edinburgh|ons[- ]?4|ons personal wellbeing"
    r"|phq[- ]?9|gad[- ]?7|eq[- ]?5d\w*|core[- ]?10|k[- ]?10|kessler|reqol|ascot|rosenberg"
    r"|outcomes? star|well ?being star|family star\w*|asq|strengths and difficulties"
    r"|flourishing scale|distance travelled|moves? to recovery|moving to recovery"
    r"|reliable improvement)\b",
    _I,
)
SCALE_CHANGE_RE = re.compile(
    r"(\b(score|scale|rating|star|questionnaire)s?\b.*\b(down|up|reduc\w*|increas\w*|improv\w*"
    r"|fall\w*|drop\w*|ris\w*|decreas\w*|lower\w*|higher)\b)|(\bpoints?\b)"
    r"|(\b(vs|versus|against|compared (?:with|to)|from|than)\s+(?:the\s+)?(intake|baseline"
    r"|entry|referral|initial|first)\b)",
    _I,
)
_UP = r"less|more|reduc\w*|improv\w*|increas\w*|better|lower|higher|fewer|greater|gain\w*" \
      r"|progress\w*|maintain\w*|achiev\w*|able to|adequately|develop\w*"
_STATE = (r"lonel\w*|isolat\w*|well[- ]?being|confiden\w*|anxi\w*|depress\w*|mental health"
          r"|independen\w*|resilien\w*|connected|self[- ]esteem|quality of life|health\w*"
          r"|skills?|behaviou?r\w*|attitude|functioning|readiness|literacy|numeracy"
          r"|self[- ]efficacy|self[- ]management|social contact|safe\w*|control|relationship\w*"
          r"|parenting|active|flourish\w*|learning outcome|risk|care for|financial")
STATE_CHANGE_RE = re.compile(rf"\b(?:{_UP})\b.*\b(?:{_STATE})\b|\b(?:{_STATE})\b.*\b"
                             r"(?:improv\w*|increas\w*|reduc\w*|gain\w*)\b", _I)
SELF_REPORT_RE = re.compile(
    rf"\b(report\w*|say|said|feel\w*|felt|experienc\w*|agrees?|perceptions?)\b.*\b(?:{_STATE}"
    r"|as much|better|right for them|difficult\w*)\b", _I,
)
TEST_RESULT_RE = re.compile(
    r"\b(test results?|achieve (?:a )?level|at (?:\w+ )?level|scores? (?:equal|above|below)"
    r"|standard deviation)\b", _I,
)

# Demand or crisis use, adverse events and objective measures: who changes is the person, and
# "less"/"fewer"/"no" against their own history or a comparison group is the outcome.
DEMAND_RE = re.compile(
    r"\b(a ?& ?e|accident and emergency|emergency (?:department|admissions?|visits?|usage)"
    r"|(?:non-elective |unplanned )?admissions?|bed days|hospitali[sz]\w*|gp (?:visits?"
    r"|consultations?|appointments?)|ambulance|falls?|crisis|re-?offend\w*|re-?convict\w*"
    r"|re-?convinct\w*|convictions?|offending|arrests?|custody|incarcerat\w*|prison|jail"
    r"|(?:in|into|of|entering|need for) (?:residential |group |foster |out-of-home )?care\b"
    r"|care proceedings|exclusions?|truancy|absen\w*|homeless\w*|rough sleep\w*|evictions?"
    r"|(?:secondary |health ?)care (?:usage|costs?)|cost of (?:secondary )?\w*\s?(?:care|services)"
    r"|healthcare usage|use of (?:health|services|hospital)\w*|emergency accommodation"
    r"|crisis accommodation|escalation|weight|blood pressure|hba1c|hb1ac|blood sugars?|waist"
    r"|school attendance|attendance at school|school\b[\w\s]{0,40}\battendance"
    r"|days (?:that [\w\s]{0,30})?spent in prison"
    r"|child protection|time to reunification|quit\w*|smok\w*|substance (?:ab|mis)use"
    r"|preferred place of death|usual place of residence|net assets|placement stability"
    r"|stability of placements?|behaviour at school)\b",
    _I,
)
DIRECTION_RE = re.compile(
    r"\b(reduc\w*|less|fewer|decreas\w*|lower\w*|avoid\w*|avert\w*|drop\w*|halt\w*|prevent\w*"
    r"|improv\w*|increas\w*|change|die in|quit\w*|stay\w* out|out of)\b",
    _I,
)
NEGATION_RE = re.compile(
    r"\b(no|not|never|without|avoid\w*|avert\w*|free (?:from|of)|stays? out of|stayed out of"
    r"|out of|did not|do not|does not|have not|has not)\b",
    _I,
)
ADVERSE_RE = re.compile(
    r"\b(re-?offend\w*|re-?convict\w*|convict\w*|custody|prison|jail|(?:residential |group "
    r"|foster |out-of-home )?care|care proceedings|homeless\w*|evict\w*|admi(?:tted|ssions?)"
    r"|hospital|negative indicators?|returning to treatment|incarcerat\w*|arrest\w*)\b",
    _I,
)

# Taking part that outranks any change word beside it: finishing the provider's programme.
PROGRAMME_DONE_RE = re.compile(
    r"\b((?:programme|program|course) completion(?: rate)?|graduated from the (?:programme|program)"
    r"|succes?sfully graduated)\b",
    _I,
)
# Entering a status that engagement or demand words would otherwise claim (LABELLING.md 2b, 3).
STATUS_ENTRY_FIRST_RE = re.compile(
    r"\b((?:enrol\w*|engaged|engagement) (?:\w+ ){0,3}?(?:in|into|at|onto) (?:\w+ ){0,2}?"
    r"(?:school|college|education|university|jobs?|employment|work)"
    r"|(?:prevention|relief|prevent\w*|reliev\w*) (?:\w+ ){0,2}?homelessness"
    r"|(?:prevention|relief) (?:and relief )?dut(?:y|ies)"
    r"|homelessness (?:prevent|relie)\w*|viable businesses)\b",
    _I,
)
QUALIFICATION_RE = re.compile(r"\b(qualifications?|gcses?|nvq|nqf|diplomas?|certificates?)\b", _I)

# --- who is counted (model 2.0.0, second pass: the grammatical subject decides) --------------
# The operational definition after "measured as" / "defined as|by" is the measure; the words before
# it are the aim's title ("Reduction in bed days … measured as number of patients receiving the
# service" counts patients served).
DEFINITION_RE = re.compile(
    r"\b(?:measured as|defined (?:as|by)|operationali[sz]ed (?:as|by))\s", _I)
# The provider's own operation, resources and material handled: never a change in a person.
PROVIDER_SIDE_RE = re.compile(
    r"\b(fidelity|adherence|staffing(?: levels?)?|service availability|utili[sz]ation"
    r"|throughput|(?:tonnes|tons|volume|sqm|area of land)\b"
    r"|(?:voluntary|volunteering) hours|hours (?:\w+ ){0,2}volunteering|hours supporting"
    r"|donat\w*|in[- ]kind contributions?|(?:school|college) (?:and college )?visits"
    r"|visits? conducted|meetings|observations|applications|(?:expert )?(?:business )?advice to"
    r"|number of (?:training )?(?:schools|courses|sessions|workshops|applications|assessments"
    r"|evaluations|reviews|plans|buildings|centres|centers|places|beds|jobs created|referrals"
    r"|(?:registered )?foster carers|volunteers|staff|mentors)"
    r"|(?:opening|opened|set up|equipped)\b(?: \w+){0,4} (?:centres?|centers?|contacts?"
    r"|buildings?|services?))\b",
    _I,
)
_PEOPLE = (r"people|persons|participants|patients|clients|service users|users|beneficiaries"
           r"|students|pupils|residents|citizens|young (?:people|adults)|youth|families|households"
           r"|women|men|girls|boys|adults|children|carers|mentees|individuals|agyw")
# People served by the provider: receiving, provided with, accessing, enrolled, supported,
# reached, screened, treated, linked to care, with a mentor, finishing the programme, continuing
# to use a service — participation, whatever aim the title names.
SERVED_RE = re.compile(
    rf"\b((?:{_PEOPLE})\b(?: \w+){{0,4}}? (?:receiv\w*|provided with|accessing|accessed|enrolled"
    r"|supported|reached|screened|treated|linked to|initiated on|with a mentor|taking \d|attended"
    r"|finishing)"
    r"|receiving (?:a |the )?(?:\w+ ){0,3}services?|services? (?:accessed|uptake|take[- ]?up)"
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
