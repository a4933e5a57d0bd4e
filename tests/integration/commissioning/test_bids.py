"""Bids over HTTP: deadline by the server clock, receipts, amend, withdraw, idempotency."""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime, timedelta

import rfc8785
from sqlalchemy import func, select

from services.commissioning.adapters.tables import Bid, IdempotencyRecord
from services.commissioning.context import context_from_app
from tests.support.builders import bid_body
from tests.support.sql import every_page, sqlite_plan, statements_run


def _deadline(tender) -> datetime:
    return datetime.fromisoformat(tender["submission_deadline"].replace("Z", "+00:00"))


def test_submit_returns_a_receipt_with_the_rfc8785_hash_of_the_body(world):
    t = world.published()
    body = bid_body()
    resp = world.bid(t["id"], body=body)
    assert resp.status_code == 201
    out = resp.get_json()
    assert out["status"] == "submitted" and out["version"] == 1 and out["id"].startswith("bid_")
    assert out["tender_id"] == t["id"] and out["tender_version"] == 1
    expected = hashlib.sha256(rfc8785.dumps(body)).hexdigest()
    assert out["receipt"] == {"bid_id": out["id"], "version": 1,
                              "submitted_at": "2030-03-01T09:00:00Z",
                              "content_sha256": expected}
    mine = world.get(f"/bids/{out['id']}", who="bidder_colleague").get_json()
    assert mine["price"] == body["price"] and mine["responses"] == body["responses"]
    assert mine["coproduction"] == body["coproduction"]


def test_one_millisecond_before_the_deadline_is_accepted_and_at_or_after_rejected(world):
    t = world.published()
    deadline = _deadline(t)
    world.clock.now = deadline - timedelta(milliseconds=1)
    ok = world.bid(t["id"])
    assert ok.status_code == 201
    assert ok.get_json()["receipt"]["submitted_at"] == "2030-03-21T08:59:59.999000Z"
    world.clock.now = deadline + timedelta(milliseconds=1)
    late = world.bid(t["id"], who="bidder2")
    assert late.status_code == 409
    assert late.get_json()["detail"] == "submission deadline has passed"
    world.clock.now = deadline  # now == deadline is already late
    assert world.bid(t["id"], who="bidder2").status_code == 409
    bid_id = ok.get_json()["id"]
    assert world.put(f"/bids/{bid_id}", bid_body()).status_code == 409
    assert world.post(f"/bids/{bid_id}/withdraw", who="bidder").status_code == 409
    # The tender has not been closed by any job: the API still refuses by the clock.
    assert world.get(f"/tenders/{t['id']}").get_json()["status"] == "published"


def test_amend_and_withdraw_before_the_deadline_then_bid_again(world):
    t = world.published()
    first = world.bid(t["id"]).get_json()
    changed = bid_body(price={"amount": "390000.00", "currency": "GBP"})
    world.clock.advance(minutes=5)
    resp = world.put(f"/bids/{first['id']}", changed, who="bidder_colleague")
    assert resp.status_code == 200
    out = resp.get_json()
    assert out["version"] == 2 and out["receipt"]["version"] == 2
    assert out["receipt"]["content_sha256"] == hashlib.sha256(rfc8785.dumps(changed)).hexdigest()
    assert out["receipt"]["submitted_at"] == "2030-03-01T09:05:00Z"
    assert world.get(f"/bids/{first['id']}", who="bidder").get_json()["price"]["amount"] == \
        "390000.00"
    assert world.bid(t["id"]).status_code == 409  # one live bid per organisation
    assert world.put(f"/bids/{first['id']}", changed, who="bidder2").status_code == 404
    assert world.post(f"/bids/{first['id']}/withdraw", who="bidder2").status_code == 404
    resp = world.post(f"/bids/{first['id']}/withdraw", who="bidder")
    assert resp.status_code == 200 and resp.get_json()["status"] == "withdrawn"
    assert world.post(f"/bids/{first['id']}/withdraw", who="bidder").status_code == 409
    assert world.put(f"/bids/{first['id']}", changed).status_code == 409
    again = world.bid(t["id"])
    assert again.status_code == 201 and again.get_json()["id"] != first["id"]
    own = world.get(f"/tenders/{t['id']}/bids", who="bidder").get_json()["items"]
    assert {b["status"] for b in own} == {"submitted", "withdrawn"}


def test_bid_validation_names_fields(world):
    t = world.published()
    commitment = bid_body()["responses"][0]["outcome_commitments"][0]

    def with_commitment(**changes):
        body = bid_body()
        body["responses"][0]["outcome_commitments"] = [{**commitment, **changes}]
        return body

    cases = [
        (bid_body(price={"amount": "0.00", "currency": "GBP"}), "price.amount"),
        (bid_body(price={"amount": "-5.00", "currency": "GBP"}), "price.amount"),
        (bid_body(price={"amount": "12.345", "currency": "GBP"}), "price.amount"),
        (bid_body(price={"amount": "1e6", "currency": "GBP"}), "price.amount"),
        (bid_body(price={"amount": "  12.00", "currency": "GBP"}), "price.amount"),
        (bid_body(price={"amount": "+398000.00", "currency": "GBP"}), "price.amount"),
        (bid_body(price={"amount": "1_000_000", "currency": "GBP"}), "price.amount"),
        (bid_body(price={"amount": "\u0663\u0669\u0668000.00", "currency": "GBP"}), "price.amount"),
        (bid_body(price={"amount": "\uff13\uff19\uff18000.00", "currency": "GBP"}), "price.amount"),
        (bid_body(price={"amount": "398000.", "currency": "GBP"}), "price.amount"),
        (bid_body(price={"amount": "NaN", "currency": "GBP"}), "price.amount"),
        (bid_body(price={"amount": "100.00", "currency": "EUR"}), "price.currency"),
        (bid_body(price={"amount": 100, "currency": "GBP"}), "price.amount"),
        (bid_body(responses=[{"criterion_key": "Q9", "narrative": "x"}]),
         "responses.0.criterion_key"),
        (bid_body(responses=[{"criterion_key": "Q1"}, {"criterion_key": "Q1"}]),
         "responses.1.criterion_key"),
        (bid_body(responses=[{"criterion_key": "Q1", "narrative": "x" * 20_001}]),
         "responses.0.narrative"),
        (bid_body(responses=[{"criterion_key": "Q1",
                              "outcome_commitments": [commitment] * 51}]),
         "responses.0.outcome_commitments"),
        (with_commitment(declared_level="impact"),
         "responses.0.outcome_commitments.0.declared_level"),
        (with_commitment(indicator={"name": "n", "unit": "furlongs"}),
         "responses.0.outcome_commitments.0.indicator.unit"),
        (with_commitment(validation_method="vibes"),
         "responses.0.outcome_commitments.0.validation_method"),
        (with_commitment(assessed_by=["everyone"]),
         "responses.0.outcome_commitments.0.assessed_by.0"),
        (with_commitment(baseline={"value": "7.1"}),
         "responses.0.outcome_commitments.0.baseline.value"),
        (with_commitment(baseline={"value": 1e300}),
         "responses.0.outcome_commitments.0.baseline.value"),
        (with_commitment(baseline={"source": "no value"}),
         "responses.0.outcome_commitments.0.baseline.value"),
        (with_commitment(baseline={"kind": "per_person_intake", "measured_at": "intake"}),
         "responses.0.outcome_commitments.0.baseline.instrument"),
        (with_commitment(baseline={"kind": "historical_cohort", "value": 42}),
         "responses.0.outcome_commitments.0.baseline.description"),
        (with_commitment(baseline={"kind": "value", "value": 1, "instrument": "UCLA"}),
         "responses.0.outcome_commitments.0.baseline.instrument"),
        (with_commitment(baseline={"kind": "median", "value": 1}),
         "responses.0.outcome_commitments.0.baseline.kind"),
        (with_commitment(target={"value": 1, "by": "31/03/2028"}),
         "responses.0.outcome_commitments.0.target.by"),
        (with_commitment(sustainment_period_months=9.5),
         "responses.0.outcome_commitments.0.sustainment_period_months"),
        (with_commitment(co_defined_with_users="true"),
         "responses.0.outcome_commitments.0.co_defined_with_users"),
        (bid_body(coproduction={"stages": {"delivery": "tokenism"}}),
         "coproduction.stages.delivery"),
        (bid_body(coproduction={"stages": {"marketing": "co-design"}}),
         "coproduction.stages.marketing"),
        (bid_body(coproduction={"stages": {}, "power_sharing": ["x" * 101]}),
         "coproduction.power_sharing.0"),
        (bid_body(status="submitted"), "status"),
        (bid_body(submitted_at="2030-01-01T00:00:00Z"), "submitted_at"),
        (bid_body(organisation_id="org_other"), "organisation_id"),
        ({"responses": [], "coproduction": {"stages": {}}}, "price"),
    ]
    for body, field in cases:
        resp = world.bid(t["id"], body=body)
        assert resp.status_code == 422, (field, resp.get_json())
        assert field in resp.get_json()["errors"], (field, resp.get_json())
    with world.app.app_context():
        session = world.app.extensions["coprocure"].session_factory()
        assert session.scalar(select(func.count()).select_from(Bid)) == 0
        session.close()


def test_a_bid_missing_responses_is_refused_naming_the_missing_criteria(world):
    t = world.published()
    keys = [c["key"] for c in t["criteria"]]
    partial = bid_body()
    partial["responses"] = [r for r in partial["responses"] if r["criterion_key"] not in
                            ("Q3", "SV")]
    blank = bid_body()
    blank["responses"][1]["narrative"] = "   "
    for body, missing in ((bid_body(responses=[]), keys), (partial, ["Q3", "SV"])):
        resp = world.bid(t["id"], body=body)
        assert resp.status_code == 422, resp.get_json()
        assert resp.content_type == "application/problem+json"
        problem = resp.get_json()
        assert problem["missing_criteria"] == missing
        assert ", ".join(missing) in problem["errors"]["responses"][0]
        assert ", ".join(missing) in problem["detail"]
    resp = world.bid(t["id"], body=blank)
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["errors"] == {"responses.1.narrative": ["Write a response to Q2."]}
    # Nothing was stored; the complete bid is then accepted, and an amendment must stay whole.
    with world.app.app_context():
        session = world.app.extensions["coprocure"].session_factory()
        assert session.scalar(select(func.count()).select_from(Bid)) == 0
        session.close()
    bid = world.bid(t["id"])
    assert bid.status_code == 201, bid.get_json()
    resp = world.put(f"/bids/{bid.get_json()['id']}", partial)
    assert resp.status_code == 422 and resp.get_json()["missing_criteria"] == ["Q3", "SV"]


def test_who_may_bid(world):
    t = world.published()
    for who in ("commissioner", "evaluator", "auditor", "admin"):
        assert world.bid(t["id"], who=who).status_code == 403
    assert world.bid("tnd_does_not_exist").status_code == 404
    draft = world.draft()
    assert world.bid(draft["id"]).status_code == 404
    world.post(f"/tenders/{t['id']}/cancel", {"reason": "budget withdrawn"})
    resp = world.bid(t["id"])
    assert resp.status_code == 409 and "cancelled" in resp.get_json()["detail"]


def test_idempotency_key_returns_the_stored_response(world):
    t = world.published()
    key = {"Idempotency-Key": "c0ffee00-0000-4000-8000-000000000001"}
    first = world.bid(t["id"], headers=key)
    world.clock.advance(seconds=30)
    again = world.bid(t["id"], headers=key)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    other = world.bid(t["id"], headers=key,
                      body=bid_body(price={"amount": "1.00", "currency": "GBP"}))
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["errors"]
    assert world.bid(t["id"], headers={"Idempotency-Key": "x" * 201}).status_code == 422
    # A retry after the deadline still gets the original answer.
    world.pass_deadline(t)
    assert world.bid(t["id"], headers=key).get_json() == first.get_json()
    with world.app.app_context():
        session = world.app.extensions["coprocure"].session_factory()
        assert session.scalar(select(func.count()).select_from(Bid)) == 1
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1
        session.close()


def test_concurrent_submits_with_one_idempotency_key_store_one_bid(world):
    t = world.published()
    key = {"Idempotency-Key": "race-0001"}
    results, barrier = [], threading.Barrier(6)

    def submit():
        client = world.app.test_client()
        barrier.wait()
        resp = client.post(f"/api/v1/tenders/{t['id']}/bids", json=bid_body(),
                           headers={**world.h("bidder"), **key})
        results.append((resp.status_code, resp.get_json()))

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert {status for status, _ in results} == {201}, results
    assert len({body["id"] for _, body in results}) == 1
    with world.app.app_context():
        session = world.app.extensions["coprocure"].session_factory()
        assert session.scalar(select(func.count()).select_from(Bid)) == 1
        session.close()


def test_concurrent_submits_without_a_key_leave_one_live_bid(world):
    t = world.published()
    results, barrier = [], threading.Barrier(4)

    def submit():
        client = world.app.test_client()
        barrier.wait()
        resp = client.post(f"/api/v1/tenders/{t['id']}/bids", json=bid_body(),
                           headers=world.h("bidder"))
        results.append(resp.status_code)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == [201, 409, 409, 409]


def test_a_submit_does_not_wait_for_another_in_flight_on_the_same_tender(world):
    """Submits to one tender take a share lock (a national tender gets all of a rush's bids):
    one in flight does not hold up the next, while a writer of the tender such as the close,
    which locks the row for update, must wait for it. On SQLite, writers are serialised by the
    database, so only PostgreSQL has row locks to check."""
    import pytest
    from sqlalchemy.exc import OperationalError

    from services.commissioning.adapters.tables import Tender

    t = world.published()
    factory = world.app.extensions["coprocure"].session_factory
    in_flight = factory()
    if in_flight.get_bind().dialect.name != "postgresql":
        in_flight.close()
        pytest.skip("row locks: PostgreSQL only (SQLite serialises writers itself)")
    try:
        # What a submit holds while it writes its bid.
        in_flight.execute(select(Tender.id).where(Tender.id == t["id"])
                          .with_for_update(read=True))
        answers = []
        worker = threading.Thread(target=lambda: answers.append(world.bid(t["id"])))
        worker.start()
        worker.join(60)
        assert not worker.is_alive(), "a submit waited for another submit's lock"
        assert answers[0].status_code == 201, answers[0].get_json()
        closer = factory()
        try:
            with pytest.raises(OperationalError, match="could not obtain lock"):
                closer.execute(select(Tender.id).where(Tender.id == t["id"])
                               .with_for_update(nowait=True))
        finally:
            closer.rollback()
            closer.close()
    finally:
        in_flight.rollback()
        in_flight.close()


def test_baselines_as_real_contracts_write_them(world):
    """A single value (unchanged bodies), a per-person intake measure on a named instrument,
    and a comparison group or historical cohort are all accepted and stored as sent."""
    t = world.published()
    commitment = bid_body()["responses"][0]["outcome_commitments"][0]
    baselines = [
        {"kind": "per_person_intake", "instrument": "WEMWBS", "measured_at": "intake",
         "source": "each participant's intake survey"},
        {"kind": "comparison_group", "description": "matched comparison group (PNC)",
         "value": 58.0},
        {"kind": "historical_cohort", "description": "2019-2021 referrals to the service"},
        {"kind": "value", "value": 7.1, "date": "2026-09-01"},
    ]
    body = bid_body()
    body["responses"][0]["outcome_commitments"] = [{**commitment, "baseline": b}
                                                   for b in baselines]
    resp = world.bid(t["id"], body=body)
    assert resp.status_code == 201, resp.get_json()
    stored = world.get(f"/bids/{resp.get_json()['id']}", who="bidder").get_json()
    assert [c["baseline"] for c in stored["responses"][0]["outcome_commitments"]] == baselines
    assert resp.get_json()["receipt"]["content_sha256"] == \
        hashlib.sha256(rfc8785.dumps(body)).hexdigest()


def test_own_bids_page_by_cursor_each_once_through_their_index(world):
    """A bidder's own bids on a tender (withdrawn ones too, some created at the same instant)
    come once each in (created_at, id) order; on SQLite the page is one range scan of
    ix_bids_tender_org_created_at_id (migration 0013), with no sort."""
    t = world.published()
    other = world.published()
    assert world.bid(other["id"]).status_code == 201
    mine = []
    for i in range(7):
        if i % 3:  # some at the same instant: the id breaks the tie
            world.clock.advance(seconds=1)
        bid = world.bid(t["id"]).get_json()
        mine.append(bid["id"])
        assert world.bid(t["id"], who="bidder2").status_code in (201, 409)
        if i < 6:
            assert world.post(f"/bids/{bid['id']}/withdraw", who="bidder").status_code == 200
    session_factory = context_from_app(world.app).session_factory
    with session_factory() as session:
        engine = session.get_bind()
    with statements_run(engine, "FROM bids", "ORDER BY") as statements:
        seen = [b["id"] for b in every_page(
            lambda path: world.get(path, who="bidder").get_json(),
            f"/tenders/{t['id']}/bids?limit=2")]
    with session_factory() as session:
        expected = list(session.scalars(select(Bid.id).where(
            Bid.tender_id == t["id"], Bid.organisation_id == "org_enterprise_1")
            .order_by(Bid.created_at, Bid.id)))
        assert seen == expected and sorted(seen) == sorted(mine)
        if engine.dialect.name != "sqlite":
            return
        plan = sqlite_plan(session, *statements[-1])  # a page after a cursor
        assert "USING INDEX ix_bids_tender_org_created_at_id" in plan, plan
        assert "(created_at,id)>(?,?)" in plan and "TEMP B-TREE" not in plan, plan
