"""The OCDS release package builder, validated offline against 1.1.5 + extensions."""

from __future__ import annotations

import copy

import pytest

from services.scoring.domain.ocds import Publication, release_package
from tests.support import cove
from tests.support.builders import criterion, tender_document
from tests.support.ocds import bid_details_before, codelist_errors, package_errors

# The example tender as published, with what the package's assertions read stated here: its
# id, buyer, dates and two criteria (Q1 40 with minimum 3, Q2 30).
TENDER = tender_document(
    id="tnd_1", organisation_id="org_council", published_at="2026-10-01T09:00:00Z",
    clarification_deadline="2026-10-20T12:00:00Z", submission_deadline="2026-11-01T12:00:00Z",
    criteria=[criterion("Q1", weight=40, minimum_score=3), criterion("Q2", weight=30)])
BIDS = [
    {"bid_id": "bid_a", "organisation_id": "org_a", "organisation_name": "Together CIC",
     "submitted_at": "2026-10-30T10:00:00Z", "price": {"amount": "398000.50",
                                                       "currency": "GBP"}},
    {"bid_id": "bid_b", "organisation_id": "org_b", "organisation_name": None,
     "submitted_at": "2026-10-31T10:00:00Z", "price": {"amount": "350000.00",
                                                       "currency": "GBP"}},
]
RANKING = [{"bid_id": "bid_a", "rank": 1, "passed": True, "total": 81.5},
           {"bid_id": "bid_b", "rank": 2, "passed": False, "total": 40.0}]


PUBLICATION = Publication(public_url="https://example.org", ocid_prefix="ocds-a1b2c3",
                          publisher_name="Borough Council", publisher_scheme="GB-COH",
                          publisher_uid="01234567",
                          publication_policy="https://example.org/ocds-policy")
OCID_PREFIX = "ocds-a1b2c3-"


def build(**changes):
    args = dict(tender=copy.deepcopy(TENDER), evaluation={"mode": "panel",
                                                          "min_quality_share": 0.6},
                published_at=TENDER["published_at"], opened_at="2026-11-01T12:00:05Z",
                bids=copy.deepcopy(BIDS), ranking=RANKING,
                award={"bid_id": "bid_a", "awarded_at": "2026-11-20T15:00:00Z",
                       "justification": None},
                buyer_name="Borough Council", publication=PUBLICATION,
                published_date="2026-11-21T00:00:00Z", award_status="pending")
    args.update(changes)
    return release_package(**args)


def test_package_validates_with_zero_errors():
    package = build()
    assert package_errors(package) == []
    assert bid_details_before(package, TENDER["submission_deadline"]) == []


def test_package_content():
    package = build()
    tags = [r["tag"] for r in package["releases"]]
    assert tags == [["tender"], ["tenderUpdate"], ["award"]]
    assert all(r["ocid"] == OCID_PREFIX + "tnd_1" for r in package["releases"])
    final = package["releases"][-1]
    tender = final["tender"]
    assert tender["awardCriteria"] == "ratedCriteria" and "Q1 40" in tender["awardCriteriaDetails"]
    assert tender["tenderPeriod"] == {"startDate": "2026-10-01T09:00:00Z",
                                      "endDate": "2026-11-01T12:00:00Z"}
    assert tender["enquiryPeriod"]["endDate"] == "2026-10-20T12:00:00Z"
    criteria = tender["lots"][0]["awardCriteria"]["criteria"]
    assert [(c["type"], c["numbers"][0]["number"]) for c in criteria] == \
        [("quality", 40), ("quality", 30), ("price", 30)]
    assert criteria[0]["numbers"][1] == {"number": 3, "threshold": "minimumScore"}
    roles = {p["id"]: p["roles"] for p in final["parties"]}
    assert roles == {"org_council": ["buyer", "procuringEntity"],
                     "org_a": ["tenderer", "supplier"], "org_b": ["tenderer"]}
    details = {d["id"]: d for d in final["bids"]["details"]}
    assert details["bid_a"]["value"] == {"amount": 398000.5, "currency": "GBP"}
    assert details["bid_b"]["status"] == "disqualified" and details["bid_a"]["rank"] == 1
    assert final["awards"][0]["relatedBids"] == ["bid_a"]
    assert final["awards"][0]["suppliers"] == [{"id": "org_a", "name": "Together CIC"}]
    assert "details" not in package["releases"][1]["bids"]


def test_validator_catches_mistakes():
    package = build()
    package["releases"][0]["tender"]["awardCriteria"] = "bestValue"  # not a 1.1 code
    package["releases"][2]["parties"][0]["roles"] = ["boss"]  # open codelist, still checked
    package["releases"][2]["id"] = package["releases"][0]["id"]
    package["releases"][1]["date"] = "2025-01-01T00:00:00Z"
    package["releases"][2]["bids"]["details"][0]["value"]["amount"] = "1.00"
    package["releases"][2]["awards"][0]["date"] = "20 November"
    errors = package_errors(package)
    for needle in ("awardCriteria.csv", "partyRole.csv", "not unique", "dates decrease",
                   "'1.00' is not of type 'number'",
                   "'20 November' is not a 'date-time'"):
        assert any(needle in e for e in errors), (needle, errors)
    early = build(award={"bid_id": "bid_a", "awarded_at": "2026-10-15T00:00:00Z"})
    assert bid_details_before(early, TENDER["submission_deadline"]) == [f"{OCID_PREFIX}tnd_1-award"]


@pytest.mark.parametrize("status", ["pending", "active"])
def test_award_status_codes(status):
    assert codelist_errors(build(award_status=status)["releases"][2]) == []


# --- the contract and its implementation (metrics + UK extensions) ---------------------------

CONTRACT = {"id": "ctr_1", "title": "Community connectors", "start_date": "2026-12-01",
            "created_at": "2026-12-01T09:00:00.123456Z",
            "end_date": "2027-12-01", "value": {"amount": "398000.50", "currency": "GBP"},
            "metrics": [{"id": "M1", "statement": "Isolated older people feel less lonely",
                         "indicator": {"name": "UCLA-3", "unit": "scale", "instrument": "UCLA-3"},
                         "baseline": {"value": 7.1, "date": "2026-09-01", "source": "intake"},
                         "target": {"value": 5.5, "by": "2027-12-01"},
                         "schedule": [{"period": 1, "start": "2026-12-01", "end": "2027-02-28",
                                       "due": "2027-02-28"},
                                      {"period": 2, "start": "2027-03-01", "end": "2027-05-31",
                                       "due": "2027-05-31"}]}]}
RATINGS = [{"period": 1, "rated_at": "2027-03-05T10:00:00Z", "measures": [
    {"metric_id": "M1", "value": "6.7", "measure_classification": "slightlyBelow"}]}]


def test_the_contract_and_its_results_validate_with_the_metrics_and_uk_extensions():
    package = build(contract=CONTRACT, ratings=RATINGS, today="2027-06-20")
    assert package_errors(package) == []
    tags = [r["tag"] for r in package["releases"]]
    assert tags[-2:] == [["contract"], ["implementation"]]
    contract = package["releases"][-1]["contracts"][0]
    assert contract["awardID"] == package["releases"][2]["awards"][0]["id"]
    assert package["releases"][-1]["tender"] == package["releases"][2]["tender"]
    assert [o["id"] for o in contract["agreedMetrics"][0]["observations"]] == [
        "M1-baseline", "M1-target"]
    (observation,) = contract["implementation"]["metrics"][0]["observations"]
    assert observation["measure"] == 6.7
    assert observation["measureClassification"]["id"] == "slightlyBelow"
    assert [(m["id"], m["status"]) for m in contract["implementation"]["milestones"]] == [
        ("M1-p1-report", "met"), ("M1-p2-report", "notMet")]


def test_no_implementation_release_before_a_rating():
    package = build(contract=CONTRACT, ratings=[])
    assert package_errors(package) == []
    assert [r["tag"] for r in package["releases"]][-1] == ["contract"]


PAYMENTS = {"id": "pay_1", "revision": 2, "currency": "GBP",
            "calculated_at": "2027-03-06T10:00:00Z",
            "periods": [{"period": 1, "amount": "10000.00"}, {"period": 2, "amount": "0.00"}]}


def test_outcome_payments_are_implementation_transactions_from_buyer_to_supplier():
    package = build(contract=CONTRACT, ratings=RATINGS, today="2027-06-20", payments=PAYMENTS)
    assert package_errors(package) == []
    last = package["releases"][-1]
    assert last["date"] == "2027-03-06T10:00:00Z"
    (paid,) = last["contracts"][0]["implementation"]["transactions"]  # nothing paid: no entry
    assert paid["id"] == "ctr_1-outcome-payment-p1"
    assert paid["value"] == {"amount": 10000, "currency": "GBP"}
    assert paid["source"] == "https://example.org/api/v1/contracts/ctr_1/payments"
    assert cove.summary(cove.review(package))["validation_errors"] == []
    parties = {p["id"]: p["roles"] for p in last["parties"]}
    assert "buyer" in parties[paid["payer"]["id"]] and "supplier" in parties[paid["payee"]["id"]]


def test_a_tender_with_lots_uses_the_lots_extension_and_reservation_codes():
    from tests.support.builders import lot, reserved

    tender = copy.deepcopy(TENDER)
    own = [criterion("Q1", weight=50), criterion("Q2", weight=20)]
    tender["lots"] = [lot("L1", criteria=own), lot("L2", reservation=reserved())]
    bids = [{**b, "lot_key": key} for b, key in zip(copy.deepcopy(BIDS), ("L1", "L2"),
                                                       strict=True)]
    package = build(tender=tender, bids=bids)
    assert package_errors(package) == []
    final = package["releases"][-1]
    lots = {x["id"]: x for x in final["tender"]["lots"]}
    assert list(lots) == ["L1", "L2"]
    assert lots["L1"]["value"]["currency"] == "GBP"
    assert "otherRequirements" not in lots["L1"]
    assert lots["L2"]["otherRequirements"]["reservedParticipation"] == [
        "publicServiceMissionOrganization", "smeVcse"]
    weights = [n["number"] for c in lots["L1"]["awardCriteria"]["criteria"]
               for n in c["numbers"] if n.get("weight")]
    assert weights[:2] == [50, 20]
    assert [d["relatedLots"] for d in final["bids"]["details"]] == [["L1"], ["L2"]]
    assert final["awards"][0]["relatedLots"] == ["L1"]
    # A code outside the codelists is caught (so the test above means something).
    lots["L2"]["otherRequirements"]["reservedParticipation"] = ["charitiesOnly"]
    assert codelist_errors(final) or package_errors(package)


def test_the_standards_own_validator_accepts_the_package():
    """libcoveocds, offline: every declared extension loads, the extended schema dereferences
    (the lots extension's SubmissionTerms, the UK extension's Location), no error, no field
    outside the schema."""
    assert cove.summary(cove.review(build())) == cove.CLEAN


def test_the_validator_fails_a_package_missing_an_extension():
    """What the check guards: without the submission terms extension the schema does not
    dereference."""
    package = build()
    package["extensions"] = [u for u in package["extensions"] if "submissionTerms" not in u]
    assert "SubmissionTerms" in cove.summary(cove.review(package))["json_deref_error"]


def test_the_publisher_licence_policy_and_uri_come_from_the_publication():
    package = build()
    assert package["uri"] == "https://example.org/api/v1/tenders/tnd_1/ocds"
    assert package["publisher"] == {"name": "Borough Council", "scheme": "GB-COH",
                                    "uid": "01234567", "uri": "https://example.org"}
    assert package["license"].startswith("https://www.nationalarchives.gov.uk/doc/open-gov")
    assert package["publicationPolicy"] == "https://example.org/ocds-policy"
    assert {r["ocid"] for r in package["releases"]} == {"ocds-a1b2c3-tnd_1"}


def test_an_open_tender_has_its_tender_release_only():
    package = release_package(tender=copy.deepcopy(TENDER), evaluation={"mode": "panel"},
                              published_at=TENDER["published_at"], buyer_name="Borough Council",
                              publication=PUBLICATION, published_date="2026-10-02T00:00:00Z")
    assert [r["tag"] for r in package["releases"]] == [["tender"]]
    (release,) = package["releases"]
    assert release["tender"]["status"] == "active" and "bids" not in release
    assert release["tender"]["tenderPeriod"]["endDate"] == TENDER["submission_deadline"]
    assert package_errors(package) == []
    assert cove.summary(cove.review(package))["validation_errors"] == []


def test_opened_but_not_awarded_adds_the_bid_counts_and_a_cancellation_ends_it():
    package = build(award=None, ranking=None, cancelled_at="2026-11-05T09:00:00Z")
    assert [r["tag"] for r in package["releases"]] == [["tender"], ["tenderUpdate"],
                                                       ["tenderCancellation"]]
    assert package["releases"][-1]["tender"]["status"] == "cancelled"
    assert "details" not in package["releases"][1]["bids"]
    assert package_errors(package) == []
    assert cove.summary(cove.review(package))["additional_fields"] == []
