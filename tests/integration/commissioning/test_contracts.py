"""Contracts after award: made when the standstill ends, results reported per metric and period,
co-assessed by invited reviewers, validated or disputed by the buyer or a validator."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from services.commissioning.adapters.tables import MetricReport, ReportEntry, outbox
from shared.contracts import RECORD_CONTRACT_EVENT
from tests.conftest import identity

from .conftest import _invite, _report, concluded, rfc


def _problem(resp, status, field=None):
    assert resp.status_code == status, resp.get_json()
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    if field:
        assert field in resp.get_json()["errors"], resp.get_json()


def test_the_contract_is_made_from_the_award_when_the_standstill_ends(world, contract):
    assert contract["status"] == "active"
    assert contract["supplier"]["organisation_id"] == "org_enterprise_1"
    assert contract["buyer"]["organisation_id"] == "org_council_a"
    assert contract["value"] == {"amount": "398000.00", "currency": "GBP"}
    assert contract["start_date"] == world.clock().date().isoformat()
    m1, m2 = contract["metrics"]
    assert (m1["criterion_key"], m1["social_value"], m1["target"]["value"]) == ("Q1", False, 5.5)
    assert (m2["criterion_key"], m2["social_value"]) == ("SV", True)
    # quarterly over a term of at least 12 months; six-monthly for the SV commitment
    assert len(m1["schedule"]) >= 4 and len(m2["schedule"]) == len(m1["schedule"]) // 2 + (
        len(m1["schedule"]) % 2)
    first = m1["schedule"][0]
    assert first["start"] == contract["start_date"] and first["state"] == "open"
    assert contract["grace_days"] == 14 and contract["results"] == []
    assert "owner_user_id" not in str(contract) and "usr_" not in str(contract)
    same = world.get(f"/contracts/{contract['id']}", who=identity()).get_json()
    assert same == contract


def test_no_contract_before_conclusion(world):
    t = world.published()
    _problem(world.get(f"/tenders/{t['id']}/contract"), 404)


def test_reports_are_versioned_and_late_after_the_grace_period(world, contract):
    first = _report(world, contract)
    assert first.status_code == 201, first.get_json()
    doc = first.get_json()
    assert (doc["version"], doc["late"], doc["status"]) == (1, False, "submitted")
    assert doc["value"] == 6.2
    _problem(_report(world, contract, value=6.0), 422, "reason")
    period = contract["metrics"][0]["schedule"][0]
    world.clock.now = world.clock.now.replace(
        year=int(period["late_after"][:4]), month=int(period["late_after"][5:7]),
        day=int(period["late_after"][8:10])) + timedelta(days=1)
    fixed = _report(world, contract, value=6.0, reason="Two surveys were double counted")
    assert fixed.status_code == 201
    assert (fixed.get_json()["version"], fixed.get_json()["supersedes"],
            fixed.get_json()["late"]) == (2, doc["id"], True)


@pytest.mark.parametrize(("changes", "field"), [
    ({"unit": "percent"}, "unit"),
    ({"metric_id": "M9"}, "metric_id"),
    ({"period": 99}, "period"),
    ({"cohort": {"people_engaged": 3, "people_with_outcome": 4}}, "cohort.people_with_outcome"),
    ({"metric_id": "M2", "unit": "count", "value": 2.5}, "value"),
    ({"value": "6.2"}, "value"),
])
def test_bad_reports_name_the_field_and_write_nothing(world, contract, changes, field):
    _problem(_report(world, contract, **changes), 422, field)
    with world.app.extensions["coprocure"].session_factory() as s:
        assert s.scalar(select(func.count()).select_from(MetricReport)) == 0


def test_outside_the_sandbox_a_period_is_reported_once_it_has_begun(make_app):
    from .conftest import Clock, World, cast

    clock = Clock()
    app = make_app("commissioning", CLOCK=clock, SANDBOX=False)
    world = World(app=app, client=app.test_client(), clock=clock, actors=cast())
    t, _ = concluded(world)
    contract = world.get(f"/tenders/{t['id']}/contract").get_json()
    _problem(_report(world, contract, period=2), 422, "period")
    assert _report(world, contract, period=1).status_code == 201


def test_only_the_provider_reports(world, contract):
    _problem(_report(world, contract, who="bidder2"), 403)
    _problem(_report(world, contract, who="commissioner"), 403)


def test_co_assessment_dispute_reply_and_validation(world, contract):
    reviewer = identity("reviewer", organisation_id="org_people", lived_experience=True)
    validator = identity("validator", organisation_id="org_independent")
    assert _invite(world, contract, reviewer, "reviewer").status_code == 201
    assert _invite(world, contract, validator, "validator").status_code == 201
    _problem(_invite(world, contract, reviewer, "reviewer"), 409)
    report = _report(world, contract).get_json()
    path = f"/reports/{report['id']}"
    resp = world.post(path + "/reviews", {"verdict": "partly", "comment": "Felt less alone, "
                      "but the drop-in closed twice."}, who=reviewer)
    assert resp.status_code == 201 and resp.get_json()["entries"][0]["verdict"] == "partly"
    _problem(world.post(path + "/decisions", {"decision": "disputed"}), 422, "reason")
    assert world.post(path + "/decisions", {"decision": "disputed", "reason": "Cohort of 40 "
                      "but 35 surveys"}).get_json()["status"] == "disputed"
    assert world.post(path + "/replies", {"comment": "Five declined the survey"},
                      who="bidder").status_code == 201
    done = world.post(path + "/decisions", {"decision": "validated"}, who=validator)
    assert done.status_code == 201 and done.get_json()["status"] == "validated"
    kinds = [e["kind"] for e in done.get_json()["entries"]]
    assert kinds == ["review", "decision", "reply", "decision"]  # nothing overwritten
    public = world.get(f"/contracts/{contract['id']}", who=identity()).get_json()
    assert public["results"] == [{
        "metric_id": "M1", "period": 1, "value": 6.2, "unit": "scale",
        "report_id": report["id"], "report_version": 1, "late": False,
        "cohort": {"people_engaged": 40, "people_with_outcome": 22},
        "validated_at": rfc(world.clock())}]
    listed = world.get(f"/contracts/{contract['id']}/reports", who=reviewer).get_json()
    assert "author_id" not in listed["items"][0]["entries"][0]
    audit = world.get(f"/contracts/{contract['id']}/reports", who="auditor").get_json()
    assert audit["items"][0]["entries"][0]["author_id"] == reviewer.user_id
    # every step goes to scoring for the audit log; the validation carries the period's results
    with world.app.extensions["coprocure"].session_factory() as s:
        rows = s.execute(select(outbox.c.event_type, outbox.c.payload).where(
            outbox.c.job_name == RECORD_CONTRACT_EVENT).order_by(outbox.c.created_at)).all()
    assert [r.event_type for r in rows] == ["ContractCreated", "ReportSubmitted",
                                            "ReportReviewed", "ResultDecided", "DisputeReplied",
                                            "ResultDecided"]
    assert rows[-1].payload["validated"] == [{"metric_id": "M1", "value": "6.2",
                                              "report_id": report["id"], "report_version": 1}]
    assert rows[2].payload["data"]["comment_sha256"] and "Felt" not in str(rows[2].payload)


def test_assessors_are_chosen_by_the_buyer_and_never_the_provider(world, contract):
    provider_reviewer = identity("reviewer", organisation_id="org_enterprise_1")
    _problem(_invite(world, contract, provider_reviewer, "reviewer"), 422, "user_id")
    not_a_reviewer = identity("bidder", organisation_id="org_people")
    _problem(_invite(world, contract, not_a_reviewer, "reviewer"), 422, "user_id")
    outsider = identity("reviewer", organisation_id="org_people")
    resp = world.post(f"/contracts/{contract['id']}/assessors",
                      {"user_id": outsider.user_id, "kind": "reviewer"}, who="other_commissioner")
    _problem(resp, 403)
    report = _report(world, contract).get_json()
    # an uninvited reviewer cannot review; the provider cannot validate its own result
    _problem(world.post(f"/reports/{report['id']}/reviews",
                        {"verdict": "agree", "comment": "ok"}, who=outsider), 403)
    provider_validator = identity(roles=("validator", "bidder"), organisation_id="org_enterprise_1")
    _problem(world.post(f"/reports/{report['id']}/decisions", {"decision": "validated"},
                        who=provider_validator), 403)
    with world.app.extensions["coprocure"].session_factory() as s:
        assert s.scalar(select(func.count()).select_from(ReportEntry)) == 0


def test_a_correction_must_be_assessed_in_its_own_right(world, contract):
    old = _report(world, contract).get_json()
    _report(world, contract, value=6.4, reason="late surveys added")
    _problem(world.post(f"/reports/{old['id']}/decisions", {"decision": "validated"}), 409)


def test_a_variation_is_proposed_with_a_reason_and_confirmed_by_the_other_party(world, contract):
    path = f"/contracts/{contract['id']}/changes"
    _problem(world.post(path, {"reason": "r", "metrics": {"M9": {"reporting_frequency": "x"}}}),
             422, "metrics.M9")
    _problem(world.post(path, {"metrics": {"M1": {}}}), 422, "reason")
    _problem(world.post(path, {"reason": "r", "metrics": {"M1": {"target": {"value": 5}}}},
                        who="bidder2"), 403)
    proposed = world.post(path, {"reason": "Members asked for six-monthly surveys",
                                 "metrics": {"M1": {"reporting_frequency": "six-monthly",
                                                    "target": {"value": 5.8,
                                                               "by": "2031-06-30"}}}})
    assert proposed.status_code == 201, proposed.get_json()
    (change,) = proposed.get_json()["changes"]
    assert (change["kind"], change["status"], change["proposed_by"]) == (
        "variation", "proposed", "buyer")
    assert proposed.get_json()["version"] == 1  # nothing applies until confirmed
    _problem(world.post(path, {"reason": "again", "metrics": {"M1": {}}}), 409)
    decision = f"{path}/1/decision"
    _problem(world.post(decision, {"decision": "confirm"}), 403)  # not by the proposer
    agreed = world.post(decision, {"decision": "confirm"}, who="bidder").get_json()
    m1 = agreed["metrics"][0]
    assert agreed["version"] == 2 and agreed["changes"][0]["status"] == "agreed"
    assert m1["target"] == {"value": 5.8, "by": "2031-06-30"}
    assert m1["reporting_frequency"] == "six-monthly"
    assert len(m1["schedule"]) < len(contract["metrics"][0]["schedule"])
    assert agreed["metrics"][1] == contract["metrics"][1]
    _problem(world.post(decision, {"decision": "withdraw"}), 409)
    with world.app.extensions["coprocure"].session_factory() as s:
        kinds = list(s.scalars(select(outbox.c.event_type).where(
            outbox.c.job_name == RECORD_CONTRACT_EVENT)))
    assert kinds.count("ContractChanged") == 1
