"""Model 2.6.0: the kinds of error found on held-out v11 (docs/scoring.md §3.1, §3.4).

Wordings written for these tests, not corpus items: each kind is a general rule (services/scoring/
domain/wording_counted.py).
"""

from __future__ import annotations

import pytest

from services.scoring.domain.classifier import (
    R1,
    R2,
    R3,
    R11,
    R12,
    R16,
    R17,
    R20,
    classify_commitment,
)


@pytest.mark.parametrize(
    ("statement", "label", "outcome_type", "rule"),
    [
        # a headline and its definition after a dash: the definition is the measure (R20)
        ("Children are protected - at-risk families are identified promptly and offered "
         "parenting support by the team", "output", None, R20),
        ("Tenants are heard - tenants are listened to and treated with respect by housing "
         "officers", "output", None, R11),
        # an agency's own recording, staff's caseload and a service's capacity are outputs (R1)
        ("Rise in hate incidents that were recorded as crimes", "output", None, R1),
        ("Our key workers work with no more than ten young people each", "output", None, R1),
        ("The refuge houses up to 12 women at any one time", "output", None, R1),
        # rating the service's help, or being helped to take part in one's own planning, is
        # the experience of the service (R11)
        ("Proportion of carers who feel that the support service has helped them",
         "output", None, R11),
        ("Patients supported to be involved in their treatment decisions", "output", None, R11),
        # people counted as taking part: intake and enrolment, clients, members, visits,
        # households that accessed a service, take-up of an entitlement (R2)
        ("Annual intake of 250 participants", "engagement", None, R2),
        ("Increase in enrolments for the mentoring scheme", "engagement", None, R2),
        ("Total new clients", "engagement", None, R2),
        ("Active gym members", "engagement", None, R2),
        ("Provide 90 carers with two years of respite support", "engagement", None, R2),
        ("Visits to the borough's museums", "engagement", None, R2),
        ("Families who accessed the food bank", "engagement", None, R2),
        ("Take up of free school meal entitlement", "engagement", None, R2),
        # … but enrolment in school or college is an entry into education (rule 2b)
        ("Total enrolment of pupils in secondary school", "intermediate_outcome", None, R3),
        # money a person gains and public costs saved are hard (R16); a debt arrangement is
        # entered (R3)
        ("£1.2m additional income secured for tenants", "unverifiable_outcome", "hard", R16),
        ("Clients who receive additional income after advice", "unverifiable_outcome", "hard",
         R16),
        ("Lower hospital and disability costs for the cohort", "unverifiable_outcome", "hard",
         R16),
        ("Debts rescheduled for 300 households", "intermediate_outcome", None, R3),
        # stopping violence, and a service's work with a stated result, are an adverse event
        # avoided (R17); repeat victimisation, days in hospital and emergency medical services
        # are demand (R16)
        ("Men on the programme stop their abusive behaviour", "unverifiable_outcome", "hard", R17),
        ("Supervision of 40 prolific offenders with none re-offending", "unverifiable_outcome",
         "hard", R17),
        ("Fewer days in hospital for frail residents", "unverifiable_outcome", "hard", R16),
        ("Lower repeat victimisation among survivors", "unverifiable_outcome", "hard", R16),
        # a state people report or a test measures is soft (R12)
        ("Parents report an increased ability to manage their child's behaviour",
         "unverifiable_outcome", "soft", R12),
        ("Young people feel empowered to speak up", "unverifiable_outcome", "soft", R12),
        ("Residents hold attitudes that reject racism", "unverifiable_outcome", "soft", R12),
        ("Gains on the Wechsler scale after two years", "unverifiable_outcome", "soft", R12),
        ("Academic performance improvement", "unverifiable_outcome", "soft", R12),
    ],
)
def test_2_6_0_error_kinds(statement, label, outcome_type, rule):
    result = classify_commitment({"statement": statement, "declared_level": "outcome"})
    assert (result.label, result.outcome_type) == (label, outcome_type), result.rules
    assert rule is None or rule in result.rules
