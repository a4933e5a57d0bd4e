"""The word patterns the outcome classifier reads (model 2.2.0; docs/scoring.md §3.1); who is
counted is in wording_people.py.

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
              r"|fifty[- ]two|a|an|half a|one and a half|fourteen|sixteen|seventeen|nineteen|forty"
              r"|fifty|sixty|seventy|eighty|ninety|(?:one )?hundred(?: and eighty)?")
_NUMBER = rf"(?:\d+(?:\.\d+)?|{_NUM_WORDS})"
_UNIT = r"(?:days?|weeks?|wks?|months?|mths?|years?|yrs?)"
PERIOD = rf"(?<!aged )\b{_NUMBER}(?:\s*\(\d+\))?[\s-]*{_UNIT}\b(?![\s-]*olds?\b)"
PERIOD_RE = re.compile(PERIOD, _I)
# A period that only says when something is checked or by when: not a sustainment.
CHECKPOINT_RE = re.compile(
    rf"(?:\b(?:within|up to|by|before|in the last|every|over the past|at|after)\s+{PERIOD})"
    rf"|(?:{PERIOD}\s+(?:after|post|from|prior|before|following|of (?:initial|starting)))"
    rf"|(?:secur\w*\s+(?:\w+\s+){{0,2}}for\s+{PERIOD})"
    # the expected tenure of a contract or tenancy is not a status observed over time
    rf"|(?:(?:contract|tenancy|lease|agreement)s?\s+(?:\w+\s+){{0,3}}?(?:minimum"
    rf"|at least)?\s*(?:of\s+)?{PERIOD})"
    # time spent on the provider's programme is participation, not a status held
    rf"|(?:{PERIOD}\s+(?:of|on|in)\s+(?:the\s+)?(?:programme|program|course|intervention"
    r"|treatment|support|service))",
    _I,
)

# A period spent in a status ("after 3 months in paid work") is held, not a checkpoint.
HELD_IN_RE = re.compile(rf"{PERIOD}\s+(?:in|of)\s+(?:\w+\s+){{0,2}}(?:work|employment|jobs?"
                        r"|accommodation|education|training|tenancy|housing|volunteering)\b", _I)
# A sustainment verb governing an entry ("sustaining the prevention of homelessness").
SUSTAIN_VERB_RE = re.compile(r"\b(?:sustain\w*|maintain\w*)\W+(?:\w+\W+){0,2}$", _I)
NEGATED_RE = re.compile(r"\b(?:not|never|no(?!\.|\s+of\b))\b|n't\b", _I)

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
    # where the data come from: "Denver Police Department administrative data", "data provided by"
    re.compile(r"\b(?:(?:administrative|service provider|provider|police|schools?|vital statistics"
               r"|survey|hospital)\s+(?:\w+\s+){0,3}?(?:data|records)|data (?:provided|supplied"
               r"|collected) by)\b[^.\n]*", _I),
    re.compile(r"\((?:pre[- ]and[- ]post|pre[- ]post|measured|using|via|as measured|source|data)\b"
               r"[^)]*\)", _I),
    # how a payment is triggered is not what is measured: "(with payment made at the end of …)"
    re.compile(r"\((?:with )?payments?\b[^)]*\)|\bpayments? (?:is |are )?(?:also )?(?:made|when)"
               r"\b[^.]*", _I),
    # who the cohort is, not what is measured: "children who attend", "after participating in …"
    re.compile(r"\b(?:who|that) (?:attend(?:ed|s)?|participate[sd]?|took part|take part"
               r"|enter(?:ed|s)? (?:the )?(?:programme|program|service|project)"  # model 2.3.0
               r"|are enrolled|were referred|engage[sd]?|set a quit date)\b(?: (?:in|on"
               r"|with) (?:the )?(?:\w+ ){0,3}?"
               r"(?:programme|program|service|sessions?|project))?", _I),
    # who the cohort is by the service they had: "people who complete … treatment", "patients who
    # have accessed … services in the past month"; the measure is what is said of them next
    re.compile(r"\b(?:who|that) (?:have |has |had )?(?:been )?(?:complet\w*|access\w*|receiv\w*"
               r"|finish\w*|us(?:e|ed|es|ing)) (?:[\w-]+ ){0,4}?(?:treatment|services?|programme"
               r"|program|intervention|support|course)(?: in the (?:past|last) \w+)?", _I),
    re.compile(r"\bafter (?:participating|taking part|finishing|completing|leaving|exiting)"
               r"(?: in)? (?:the |their )?(?:\w+ ){0,4}?(?:programme|program|intervention|service"
               r"|course|project|support)\b", _I),
    # a deadline counted from the start of the service, and a denominator
    re.compile(rf"\bwithin\s+{PERIOD}\s+of\s+(?:\w+\s+){{0,2}}(?:beginning|starting|start|joining"
               r"|entering)\b[^.,;]*", _I),
    re.compile(r"\b(?:measured )?(?:against|as a (?:percentage|proportion) of|out of) (?:the )?"
               r"(?:total )?number of \w+|\bas a (?:percentage|proportion) of (?:all )?\w+", _I),
    # the cohort's circumstances, not the measure: "for victims at high risk of domestic abuse"
    re.compile(r"\b(?:at (?:high |increased )?risk of|affected by|with (?:a )?history of"
               r"|who have experienced)\s+(?:\w+\s+){0,2}\w+", _I),
    # the cohort's age: "aged 16 and 17 years", "aged 65 and over"
    re.compile(r"\b(?:aged|ages?) \d+(?:\s*(?:-|–|to|and)\s*\d+)?(?:\s*(?:years?|yrs?)(?: old)?)?"
               r"(?: and over)?", _I),
    # an acronym in brackets, "(SRH)", "(AGYW)": case-sensitive on purpose
    re.compile(r"\s\([A-Z]{2,8}\)"),
)

# --- provider activity (output) ---------------------------------------------------------------
SATISFACTION_RE = re.compile(
    r"\b((?<!life )satisf(?!\w* with (?:their |his |her |my )?li(?:fe|ves))\w*|dissatisf\w*"
    r"|would recommend|rated (?:the )?service|happy with"
    r"|friends and family test|experience of (?:the |their )?(?:[\w&-]+ ){0,3}?"
    r"(?:services?|care|support)"
    r"|(?:easy|easier) to (?:find|access|get|understand)|got help quickly|seen within|waiting time"
    r"|delivered within|(?:first|initial) (?:appointment|contact|response)s?)\b",
    _I,
)
PLAN_DONE_RE = re.compile(
    r"\b((?:personal|individual|integrated|integration|action|care|support|housing|learning"
    r"|person[- ]centred)\b[\w\s-]{0,30}?\bplans?\b|vocational profile|(?:wellbeing|well-being"
    r"|needs|initial|first|second|third|house|general)\s+(?:\w+\s+){0,2}assessments?"
    r"|(?:assessments?|reviews?|checks?|screenings?) (?:completed|carried out|undertaken|of)"
    r"|plans? (?:completed|agreed|established))\b",
    _I,
)
ACTIVITY_NOUN_RE = re.compile(
    r"\b(sessions?|workshops?|classes|leaflets?|packs?|surger(?:y|ies)|inspections?(?! act)"
    r"|consultations at|checks?|meals?|hectares|spaces|capacity|provision"
    r"|(?:home |house )?visits (?:held|made|to)|calls (?:made|answered|handled|to|received)"
    r"|contacts (?:made|with)|events (?:held|run|delivered)|hours of (?:support|provision)"
    r"|referrals (?:made|received)|number of referrals|staff trained|volunteers? trained"
    r"|mentors?|link workers|workforce|practitioners?|registered companies"
    r"|(?:cases|items) [\w\s]{0,30}?(?:reviewed|delivered))\b",
    _I,
)
# Things and capacity rather than people, and the provider's own workforce trained: an output
# whatever change words sit beside them ("hectares of habitat improvements").
THINGS_RE = re.compile(
    r"\b(hectares|surger(?:y|ies)|meals?|leaflets?|packs?|inspections?(?! act)|spaces|capacity"
    r"|(?:benefit|entitlement|health|safety) checks|(?:staff|volunteers?|mentors?|workforce"
    r"|teachers?) (?:\w+ ){0,3}(?:trained|complete\w* (?:\w+ ){0,3}training)"
    r"|number of (?:teachers|mentors|volunteers))\b",
    _I,
)
ACTIVITY_VERB_RE = re.compile(
    r"\b(delivered|provided|created|run|held|hosted|distributed|supported by|signposted"
    r"|recruit\w*|deploy\w*|trained|employ (?:one|\d+)|funded|informed|identified"
    r"|employed on the contract|complete \d[\d,]*|to be apprentices|double the"
    r"|known (?:and understood )?by|adapted|renovated|refurbished|constructed|built|processed"
    r"|handled|reviewed|logged"
    # a count of recorded crimes is the crimes, not the recording (model 2.3.0)
    r"|recorded(?! (?:\w+ ){0,4}?(?:crimes?|offen[cs]es?|incidents?|abuse|cases|deaths|injur\w*))"
    r"|rais\w* awareness|awareness[- ]raising)\b",
    _I,
)

# --- taking part (engagement) -----------------------------------------------------------------
ENGAGEMENT_RE = re.compile(
    r"\b(engag(?:ed|es?|ing|ement)|attend(?:ed|s|ing|ance)?(?! to\b)|enrol\w*"
    r"|registered(?! companies| as)"
    r"|registers?|signed (?:up|on)|signed (?:a |an |the )?(?:social|participation|support"
    r"|behaviour|learning|personal) (?:contract|agreement)"
    r"|number of participants(?! who (?:\w+ ){0,2}?(?:got|found|find"
    r"|gain|quit|achiev|enter|start|move|secur|obtain))|complet\w* (?:\w+ ){0,2}test\b"
    r"|completes? \d+\s?% of"
    r"|(?:learning|internship|module) completed|registration|signed up|sign up|took part"
    r"|taking part|participat\w*|participants? in"
    r"|reached|reach and treat|joined|intake|consent|accessing(?! (?:education|training|employment"
    r"|work|jobs?|school|college))|access(?:es)? (?:the )?"
    r"(?:service|support)|(?:starting|starts?|started) (?:on )?(?:the )?(?:programme|program)"
    r"|entering treatment|entry into (?:\w+ ){0,2}treatment|in (?:effective |continuous )?"
    r"treatment|came to|completes? (?:\w+ ){0,3}(?:programme|program|course|cycle)"
    r"|(?:programme|program|course|training) completion|completion of (?:the )?(?:programme"
    r"|program|course|training)|graduated|served|show up|(?:accept\w*|admitted|placed) onto"
    r"|onto (?:the )?(?:\w+ )?(?:programme|program|course|caseload)|pairs (?:of )?(?:\(?mentors?"
    r"|mentees?)|mentor and mentee"
    # using or going on using a service: "usage of libraries", "renewal", "repeat customers"
    r"|usage of|renewals?|(?:customer|member|user|client)s? retention|retention rates?"
    r"|repeat (?:customers|visitors|users|clients)|access to (?:\w+ ){0,4}?services?"
    r"|start(?:s|ed|ing)? on (?:the )?\w+)\b",
    _I,
)

# --- a person's status (job, home, education...) ----------------------------------------------
STATUS_RE = re.compile(
    r"\b(jobs?|employment|employed|self[- ]employ\w*|work|tenanc\w*|lease|accommodation"
    r"|accomodation|housing|housed"
    r"|(?<!out-of-)(?<!out of )(?<!nursing )(?<!care )home(?! care| visits?| help)"
    r"|rent(?:ing|al) (?:agreement|contract)|business|education|training|apprenticeships?"
    r"|volunteering"
    r"|abstinen\w*|drug[- ]free|alcohol[- ]free|recovery|independent living|independen\w*"
    r"|living independently|out of hospital|school|college|placements?|foster care"
    r"|living arrangements?"
    r"|caring role|family home|reunif\w*|reunited|qualifications?|gcses?|nvq|businesses"
    r"|labou?r market|travel independently|independent travel|higher education|adopted"
    r"|positive outcomes?)\b",
    _I,
)
SUSTAIN_RE = re.compile(
    r"\b(sustain(?:ed|s|ing|ment)|maintain\w*|retain\w*|retention|kept|remain\w*|still"
    r"|stay\w*|continu\w*|stab(?:le|ility)|consecutive|surviv\w*|(?:held|lasting|for|of at least)"
    rf"\s+(?:at least\s+|up to\s+)?{PERIOD})",
    _I,
)
STATUS_ENTRY_RE = re.compile(
    r"\b(into|starts?|started|starting|begins?|enter\w*|entry|secured|securing|gained|gains"
    r"|obtain\w*|achiev\w*|found|finds?|got|moved?|move-?in|placement|prevention|relief"
    r"|take up|switched|steps? down|settled|attainment|completion|completed|adopted"
    r"|integration|sign(?:ed|s)?[- ]off|becom\w*|transition\w*|access\w*)\b",
    _I,
)

# --- a change in a person -----------------------------------------------------------------------
INSTRUMENT_RE = re.compile(
    r"\b(r?-?ucla|de jong gierveld|s?wemwb?s|warwick[- ]edinburgh|ons[- ]?4|ons personal wellbeing"
    r"|phq[- ]?9|gad[- ]?7|eq[- ]?5d\w*|core[- ]?10|k[- ]?10|kessler|reqol|ascot|rosenberg"
    r"|outcomes? star|well ?being star|family star\w*|asq|strengths and difficulties"
    r"|flourishing scale|distance travelled|mov(?:e|es|ed|ing) to recovery|recovery rate"
    r"|to recover"
    r"|reliable improvement|perceived stress scale|pss)\b",
    _I,
)
SCALE_CHANGE_RE = re.compile(
    r"(\b(score|scale|rating|star|questionnaire)s?\b.*\b(down|up|reduc\w*|increas\w*|improv\w*"
    r"|fall\w*|drop\w*|ris\w*|decreas\w*|lower\w*|higher)\b)"
    # points on a score, not a place: "3 points", "points higher" but not "single point of access"
    r"|(\b\d+(?:\.\d+)?\s*points?\b|\bpoints? (?:higher|lower|up|down|increase\w*|improvement"
    r"|gain\w*|change|on)\b)"
    r"|(\b(vs|versus|against|compared (?:with|to)|from|than)\s+(?:the\s+)?(intake|baseline"
    r"|entry|referral|initial|first)\b)",
    _I,
)
_UP = r"less|more|reduc\w*|improv\w*|increas\w*|better|lower|higher|fewer|greater|gain\w*" \
      r"|progress\w*|maintain\w*|achiev\w*|able to|adequately|develop\w*|consistent|stable" \
      r"|positive|secure|enhanced|smaller|acquisition|acquir\w*|narrow\w*|decreas\w*"
_STATE = (r"lonel\w*|isolat\w*|well[- ]?being|confiden\w*|anxi\w*|depress\w*|mental health"
          r"|independen\w*|resilien\w*|connected|self[- ]esteem|quality of life|health\w*"
          r"|skills?|behaviou?r\w*|attitude|functioning|readiness|literacy|numeracy"
          r"|self[- ]efficacy|self[- ]management"
          r"|manag\w* (?:[\w()-]+ ){0,3}?(?:conditions?|symptoms)\b"
          r"|social contact|safe(?:r|ty)?|control(?! groups?)"
          r"|relationship\w*"
          r"|parenting|active|flourish\w*|learning outcome|risk|care for|financial|stress"
          r"|lifestyles?"
          r"|awareness|understanding|knowledge|results|achievement|attainment|grades|learning gains"
          r"|habits|life satisfaction|satisfied with (?:their |his |her |my )?li(?:fe|ves)"
          r"|(?:national |school |final )?exams?|test scores?|failure in"
          r"|performance (?:\w+ ){0,2}(?:in|on) (?:\w+ ){0,5}?(?:tests?|exams?|subjects?|reading"
          r"|maths)"
          r"|classification of students|proficiency|aspirations?|early years development"
          r"|good level of development"
          # model 2.3.0: population and relationship states
          r"|physical activity|connectedness|aware|choices|problems with")
STATE_CHANGE_RE = re.compile(rf"\b(?:{_UP})\b.*\b(?:{_STATE})\b|\b(?:{_STATE})\b.*\b"
                             r"(?:improv\w*|increas\w*|reduc\w*|gain\w*)\b"
                             rf"|\b(?:not|no longer|free from)\s+(?:\w+\s+)?(?:{_STATE})\b", _I)
STATE_HAD_RE = re.compile(rf"\b(?:had|have|has|show\w*|achiev\w*|gain\w*|exhibit\w*)\s+(?:an?\s+)?"
                          rf"(?:{_UP})\s+(?:\w+\s+){{0,2}}?(?:{_STATE})\b"
                          rf"|\bhaving (?:{_STATE})\b", _I)
SELF_REPORT_RE = re.compile(
    rf"\b(report\w*|say|said|feel\w*|felt|experienc\w*|agrees?|perceptions?"
    rf"|confirm\w*)\b.*\b(?:{_STATE}"
    r"|as much|better|right for them|difficult\w*)\b", _I,
)
TEST_RESULT_RE = re.compile(
    r"\b(test results?|achieve (?:a )?level|at (?:\w+ )?level|scores? (?:equal|above|below)"
    r"|attain\w* (?:the )?expected levels?|attainment (?:8 )?scores?"
    r"|standard deviation"
    # model 2.3.0: attainment indicators ("NI 73 - % L4+ KS2 English and maths")
    r"|key stage \d|ks ?[1-5]|l[1-6]\+|levels? of progress|(?:achievement|attainment) gaps?"
    r"|(?:english|maths?|mathematics)\b[^.]{0,30}\bthreshold)(?!\w)", _I,
)

# Demand or crisis use, adverse events and objective measures: who changes is the person, and
# "less"/"fewer"/"no" against their own history or a comparison group is the outcome.
DEMAND_RE = re.compile(
    r"\b(a ?& ?e|accident and emergency|emergency (?:department|admissions?|visits?|usage)"
    r"|(?:non-elective |unplanned )?admissions?|bed days|hospitali[sz]\w*|gp (?:visits?"
    r"|consultations?|appointments?)|ambulance|falls?|crisis|re-?offend\w*|re-?convict\w*"
    r"|re-?convinct\w*|convictions?|offending|arrests?|custod(?:y|ial)|incarcerat\w*|prison|jail"
    r"|(?:in|into|of|entering|need for) (?:residential |group |foster |out-of-home )?care\b"
    r"|care proceedings|exclusions?|truancy|absen\w*(?: from (?:school|work))?|homeless\w*"
    r"|rough sleep\w*|evictions?"
    r"|(?:secondary |health ?)care (?:usage|costs?)|cost of (?:secondary )?\w*\s?(?:care|services)"
    r"|healthcare usage|use of (?:health|services|hospital)\w*"
    r"|(?:emergency|temporary) accommodation"
    r"|crisis accommodation|escalation|weight|blood pressure|hba1c|hb1ac|blood sugars?|waist"
    r"|school attendance|attendance at school|school\b[\w\s]{0,40}\battendance"
    r"|days (?:that [\w\s]{0,30})?spent in prison"
    r"|child protection|time to reunification|quit(?!line)\w*|smok\w*|substance (?:ab|mis)?use"
    r"|preferred place of death|usual place of residence|net assets|placement stability"
    r"|(?:failed|broken|disrupted) placements?|placement (?:breakdowns?|moves|disruptions?)"
    r"|drop[- ]?outs?|years of life lost|pyll|life expectancy|first[- ]time entrants|crime"
    r"|stability of placements?|behaviour at school"
    r"|placements? in (?:[\w']+ ){0,2}homes?"
    r"|(?:consumption|use|misuse) of (?:\w+ ){0,2}(?:alcohol|drugs)|(?:alcohol|drug) (?:use|misuse)"
    # model 2.1.0: more of what a person uses or suffers, named in general terms
    r"|recidivism|(?:social|unemployment|employment|welfare|state|out-of-work|housing|disability"
    r"|sickness)"
    r" benefits?|benefits? (?:days|claim\w*|paid|issued|entitlement|dependency|receipt)"
    r"|(?:on|off|of) benefits|social assistance"
    r"|welfare payments|(?:economic|social|financial) support from|(?:social|public) service costs?"
    r"|consumption of (?:health )?services|sick(?:ness)? (?:leave|absence)|incidence|cases of"
    r"|(?:disease|diabetes|dementia|hiv|tb|cancer|infection)\w* cases"
    r"|mortality|deaths?|pre-?term births?|pregnanc\w*|conceptions?|institutionali[sz]\w*"
    r"|special education|detention|(?:out[- ]of[- ]home|child welfare|residential) placements?"
    r"|criminal charges|(?:antisocial|anti-social|criminal) behaviou?r|suspensions?|maltreatment"
    r"|abuse|self-harm|injur(?:y|ies)|fractures?|diabetes|dementia|viral load|blood glucose|cured"
    r"|successful(?:ly)? complet\w* (?:of )?(?:[\w-]+ ){0,3}?(?:drug|alcohol|substance)\w*"
    r" (?:\w+ )?treatment"
    r"|(?:class|lesson|school)\w* (?:\w+ ){0,2}attend\w*|attend\w* (?:\w+ ){0,2}(?:school"
    r"|class(?:es)?"
    r"|lessons))\b",
    _I,
)
DIRECTION_RE = re.compile(
    r"\b(reduc\w*|less|fewer|decreas\w*|lower\w*|avoid\w*|avert\w*|drop\w*|halt\w*|prevent\w*"
    r"|improv\w*|increas\w*|change|die in|quit\w*|stay\w* out|out of|smaller|cut|fall\w*"
    r"|declin\w*|sav(?:e|es|ed|ing|ings)|divert\w*|stop(?:s|ped|ping)?)\b",
    _I,
)
NEGATION_RE = re.compile(
    # "No." and "no of" abbreviate "number" (model 2.3.0)
    r"\b(no(?!\.|\s+of\b)|not|never|without|avoid\w*|avert\w*|free (?:from|of)|stays? out of"
    r"|stayed out of|out of|did not|do not|does not|have not|has not)\b",
    _I,
)
ADVERSE_RE = re.compile(
    r"\b(re-?offend\w*|re-?convict\w*|convict\w*|custody|prison|jail|(?:residential |group "
    r"|foster |out-of-home )?care|care proceedings|homeless\w*|evict\w*|admi(?:tted|ssions?)"
    r"|hospital|negative indicators?|returning to treatment|incarcerat\w*|arrest\w*"
    # model 2.3.0: any further incident, or coming back to the service
    r"|incidents?|contacted (?:the |our )?(?:\w+ )?(?:services?|team))\b",
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
    r"(?:school|college|education|university|(?:jobs?|employment|work)(?! (?:\w+ ){0,2}(?:search"
    r"|seeking|assistance|support|programme|program|club|readiness|coach\w*)))"
    r"|(?:prevention|relief|prevent\w*|reliev\w*) (?:\w+ ){0,2}?homeless(?:ness)?"
    r"|enrol\w* of (?:\S+ )?(?:students|pupils|children|girls|boys)"
    r"|(?:prevention|relief) (?:and relief )?dut(?:y|ies)"
    r"|homelessness (?:prevent|relie)\w*|viable businesses)\b",
    _I,
)
QUALIFICATION_RE = re.compile(
    r"\b(qualifications?|credentials?|gcses?|nvq|nqf|diplomas?|certificates?|certification|licen[sc]ed"
    r"|accredited|pass grade|sign(?:ed|s)?[- ]off|award (?:has been |was )?achieved"
    r"|(?:higher education|college|university|degree|further education) course)\b", _I)
# Leaving care for one's family is less use of care (LABELLING.md: reunification is hard).
EXIT_CARE_RE = re.compile(r"\b(reunif\w*|restor\w* (?:\w+ ){0,5}famil\w*"
                          r"|restorations? from (?:\w+ )?care|restoration rates?)\b", _I)
# Earnings are employment held (LABELLING.md rule 6): "Earns £768", "increased earnings".
EARNINGS_RE = re.compile(r"\b(earn(?:s|ed|ings)|(?:net |household |personal )?income (?:increase"
                         r"|rise|gain)|(?:increas\w*|higher|improv\w*"
                         r"|rais\w*) (?:\w+ ){0,2}income)\b",
                         _I)
