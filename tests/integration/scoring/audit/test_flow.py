"""A whole tender through scoring: its audit trail verifies; its OCDS package validates."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from shared.audit.verify import verify_command
from tests.integration.scoring import payloads
from tests.integration.scoring.audit.helpers import ANONYMOUS, fill
from tests.integration.scoring.scenario import Scenario
from tests.support import cove
from tests.support.ocds import bid_details_before, package_errors


def _at(days: float) -> str:
    moment = datetime.now(UTC) - timedelta(days=days)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _scenario(scoring) -> Scenario:
    """Three bids on a tender whose deadlines have passed (dates as a real run has them)."""
    s = Scenario(scoring, mode="automatic")
    s.doc.update(published_at=_at(30), clarification_deadline=_at(12),
                 submission_deadline=_at(5), organisation_name="Borough Council")
    for bid in s.bids:
        bid["submitted_at"] = _at(6)
    s.closing = payloads.closed(s.doc, s.bids)
    s.closing.update(closed_at=_at(5), opened_at=_at(4.99))
    return s


def _award(s: Scenario) -> dict:
    h, t = s.h, s.tender_id
    started = h.post(s.owner, f"/tenders/{t}/scoring-runs")
    assert started.status_code == 202, started.json
    h.work()
    run = h.get(s.owner, f"/scoring-runs/{started.json['run_id']}").json
    top = next(r for r in run["ranking"] if r["passed"])
    assert h.post(s.owner, f"/tenders/{t}/award", {"bid_id": top["bid_id"]}).status_code == 200
    assert h.post(s.auditor, f"/scoring-runs/{run['run_id']}/replay").json["matches"] is True
    return run


def test_ocds_package_of_an_awarded_tender_validates(scoring):
    s = _scenario(scoring)
    h, t = s.h, s.tender_id
    assert h.get(ANONYMOUS, f"/tenders/{t}/ocds").status_code == 404  # not even published
    s.h.publish(payloads.published(s.doc))
    open_ = h.get(ANONYMOUS, f"/tenders/{t}/ocds")  # published, bids sealed: the tender only
    assert open_.status_code == 200, open_.json
    assert [r["tag"] for r in open_.json["releases"]] == [["tender"]]
    assert "bids" not in open_.json["releases"][0]
    assert cove.summary(cove.review(open_.json)) == cove.CLEAN
    s.h.close(s.closing)
    opened = h.get(ANONYMOUS, f"/tenders/{t}/ocds")  # not awarded yet: tender and opening
    assert opened.status_code == 200, opened.json
    assert [r["tag"] for r in opened.json["releases"]] == [["tender"], ["tenderUpdate"]]
    assert package_errors(opened.json) == []
    run = _award(s)
    resp = h.get(ANONYMOUS, f"/tenders/{t}/ocds")
    assert resp.status_code == 200, resp.json
    package = resp.json
    assert package_errors(package) == []
    assert bid_details_before(package, s.doc["submission_deadline"]) == []
    final = package["releases"][-1]
    assert final["ocid"] == f"ocds-coprocure-{t}" and final["tag"] == ["award"]
    assert final["tender"]["awardCriteria"] == "ratedCriteria"
    assert {d["id"] for d in final["bids"]["details"]} == set(s.bid_ids)
    winner = next(r for r in run["ranking"] if r["passed"])["bid_id"]
    assert final["awards"][0]["relatedBids"] == [winner]
    assert final["buyer"]["name"] == "Borough Council"
    assert package["uri"].endswith(f"/api/v1/tenders/{t}/ocds")
    assert cove.summary(cove.review(package)) == cove.CLEAN
    assert h.get(ANONYMOUS, "/tenders/tnd_nope/ocds").status_code == 404


def test_the_scoring_trail_is_logged_and_verifies(scoring, tmp_path):
    s = _scenario(scoring)
    h = s.h
    s.publish_and_close()
    _award(s)
    events, cursor = [], ""
    while True:
        page = h.get(s.auditor, f"/audit/events?tender_id={s.tender_id}&limit=5{cursor}").json
        events += page["items"]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    types = [e["event_type"] for e in events]
    assert types[:4] == ["bids_opened", "bid_assessed", "bid_assessed", "bid_assessed"]
    for needed in ("scoring_run_requested", "scoring_run_completed", "bid_awarded",
                   "scoring_run_replayed"):
        assert needed in types
    assert [e["seq"] for e in events] == list(range(len(events)))
    awarded = events[types.index("bid_awarded")]
    assert {"model_version", "inputs_sha256", "score"} <= awarded.keys()
    from services.scoring.service_layer.tree_heads import tree_heads

    milestones = [head["milestone"] for head in tree_heads(h.ctx)]
    assert {"bids_opened", "scoring_run_completed", "bid_awarded"} <= set(milestones)

    export = tmp_path / "audit.jsonl"
    export.write_bytes(h.get(s.auditor, "/audit/export").get_data())
    head, key = tmp_path / "head.json", tmp_path / "key.json"
    head.write_text(json.dumps(h.get(ANONYMOUS, "/audit/tree-head").json))
    key.write_text(json.dumps(h.get(ANONYMOUS, "/audit/public-key").json))
    result = CliRunner().invoke(verify_command, [str(export), "--tree-head", str(head),
                                                 "--public-key", str(key)])
    assert result.exit_code == 0, result.output


def test_replay_compares_with_the_log_not_the_runs_table(scoring):
    """Someone with database access rewrites a run's stored inputs and output hash: the
    replay still answers from the audit log, so it reports the mismatch."""
    from sqlalchemy import update

    from services.scoring.adapters.tables.runs import ScoringRun

    s = _scenario(scoring)
    h = s.h
    s.publish_and_close()
    run = _award(s)
    with h.session_factory() as session:
        stored = session.get(ScoringRun, run["run_id"])
        inputs = json.loads(json.dumps(stored.inputs))
        inputs["bids"][0]["price"] = {"amount": "1.00", "currency": "GBP"}
        session.execute(update(ScoringRun).where(ScoringRun.id == run["run_id"])
                        .values(output_sha256="0" * 64))
        session.commit()
    honest = h.post(s.auditor, f"/scoring-runs/{run['run_id']}/replay").json
    assert honest["matches"] is True and honest["compared_with"] == "audit log"
    assert honest["original_output_sha256"] == run["output_sha256"]  # the log's, not "000…"
    with h.session_factory() as session:
        session.execute(update(ScoringRun).where(ScoringRun.id == run["run_id"])
                        .values(inputs=inputs))
        session.commit()
    tampered = h.post(s.auditor, f"/scoring-runs/{run['run_id']}/replay").json
    assert tampered["matches"] is False
    assert tampered["input_sha256"] != tampered["original_input_sha256"] == run["input_sha256"]


def test_periodic_tree_head_job_signs_only_when_the_log_grew(scoring):
    """The scheduler's `publish_tree_head` job, run by a real rq worker
    (docs/architecture.md, "Signed tree heads")."""
    from services.scoring.service_layer.tree_heads import tree_heads
    from shared.contracts import PUBLISH_TREE_HEAD
    from shared.queue import enqueue_job, get_queue

    s = _scenario(scoring)
    h = s.h
    s.publish_and_close()  # bids opened: the log has entries and a milestone head

    def tick(slot: int) -> list[dict]:
        enqueue_job(get_queue("scoring", h.redis), PUBLISH_TREE_HEAD,
                    {"schema_version": 1, "slot": slot}, job_id=f"tree-head-{slot}")
        h.work()
        return tree_heads(h.ctx)

    before = tick(1)
    assert before[0]["milestone"] == "bids_opened"  # nothing new since the milestone head
    fill(h.app, 3, tender_id=s.tender_id)
    after = tick(2)
    assert after[0]["milestone"] == "periodic"
    assert after[0]["tree_size"] == before[0]["tree_size"] + 3
    assert len(tick(3)) == len(after)  # no growth, no new head


def test_a_request_signs_its_milestone_head_with_the_apps_key_and_clock(scoring):
    """The award's head is signed at the commit of the view's unit of work: with the app's
    signing key, stamped with the time the app's clock gave the award."""
    from services.scoring.service_layer.tree_heads import tree_heads
    from shared.audit import checkpoint

    seed = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    s = _scenario(scoring)
    h, t = s.h, s.tender_id
    s.publish_and_close()
    started = h.post(s.owner, f"/tenders/{t}/scoring-runs")
    assert started.status_code == 202, started.json
    h.work()
    run = h.get(s.owner, f"/scoring-runs/{started.json['run_id']}").json
    top = next(r for r in run["ranking"] if r["passed"])
    moment = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    h.app.config.update(AUDIT_SIGNING_KEY=seed, CLOCK=lambda: moment)
    award = h.post(s.owner, f"/tenders/{t}/award", {"bid_id": top["bid_id"]})
    assert award.status_code == 200, award.json
    assert award.json["awarded_at"] == "2031-05-06T07:08:09Z"
    head = tree_heads(h.ctx)[0]
    assert head["milestone"] == "bid_awarded" and head["timestamp"] == award.json["awarded_at"]
    key = checkpoint.load_private_key(seed).public_key()
    assert head["key_id"] == checkpoint.key_id(key)
    size, _ = checkpoint.verify_checkpoint(key, head["checkpoint"], head["signature"])
    assert size == head["tree_size"]
    logged = h.get(s.auditor, f"/audit/events?tender_id={t}&type=bid_awarded").json["items"]
    assert [e["occurred_at"] for e in logged] == ["2031-05-06T07:08:09Z"]


def test_a_tender_cancelled_while_open_ends_with_a_cancellation_release(scoring):
    s = _scenario(scoring)
    h, t = s.h, s.tender_id
    s.h.publish(payloads.published(s.doc))
    s.h.publish(payloads.published({**s.doc, "status": "cancelled"}, "TenderCancelled"))
    resp = h.get(ANONYMOUS, f"/tenders/{t}/ocds")
    assert resp.status_code == 200, resp.json
    releases = resp.json["releases"]
    assert [r["tag"] for r in releases] == [["tender"], ["tenderCancellation"]]
    assert releases[-1]["tender"]["status"] == "cancelled"
    assert package_errors(resp.json) == []
    assert cove.summary(cove.review(resp.json)) == cove.CLEAN
