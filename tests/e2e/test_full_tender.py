"""A complete tender over HTTP through the gateway only, on real processes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import uuid
from types import SimpleNamespace

import pytest
import rfc8785

from services.demo import scenario
from services.demo.client import Client
from services.demo.runner import DemoRun
from shared.waiting import wait_until
from tests.support import cove

pytestmark = pytest.mark.e2e


def _create_admin(platform) -> str:
    email = f"admin+{uuid.uuid4().hex[:6]}@example.org"
    subprocess.run([sys.executable, "-m", "services.cli", "users", "create", "--email", email,
                    "--password", scenario.PASSWORD, "--role", "admin"],
                   env=platform.environment(), check=True, capture_output=True)
    return Client(platform.url()).login(email, scenario.PASSWORD).token


def _register_bidder(platform, email: str) -> Client:
    api = Client(platform.url())
    api.post("/auth/register", {"email": email, "password": scenario.PASSWORD,
                                "organisation": {"name": f"Latecomers {email}",
                                                 "kind": "cooperative"}})
    return api.login(email, scenario.PASSWORD)


@pytest.fixture(scope="module")
def tender_run(platform, tmp_path_factory):
    """The demo's steps, with checks in between; returns the run for later tests."""
    demo = DemoRun(platform.url(), _create_admin(platform), deadline_seconds=16)
    demo.create_staff()
    demo.register_bidders()
    me = demo.clients["evaluator3"].get("/me")
    assert me["lived_experience"] is True and me["roles"] == ["evaluator"]

    tender = demo.publish_tender()
    assert tender["status"] == "published"
    # Open tenders are published in OCDS too: the tender release, once scoring has heard of it.
    anyone = Client(platform.url())
    package = wait_until(lambda: (r := anyone.request(
        "GET", f"/tenders/{tender['id']}/ocds", expect=(200, 404))).status_code == 200
        and r.json(), timeout=60, what="the open tender's OCDS package")
    assert [r["tag"] for r in package["releases"]] == [["tender"]]
    assert cove.summary(cove.review(package)) == cove.CLEAN
    assert [c["key"] for c in tender["criteria"]] == ["Q1", "Q2", "Q3", "Q4", "Q5", "SV"]
    assert sum(c["weight"] for c in tender["criteria"]) + tender["price"]["weight"] == 100

    answered = demo.clarify()
    questions = Client(platform.url()).get(f"/tenders/{tender['id']}/questions")["items"]
    assert any(q.get("answer") == answered["answer"] for q in questions)
    public = json.dumps(questions)
    assert demo.users["outputs"]["id"] not in public
    assert demo.users["outputs"]["organisation"]["id"] not in public

    demo.submit_bids()
    for key, bid in demo.bids.items():
        assert bid["status"] == "submitted" and bid["version"] == 1
        expected = hashlib.sha256(rfc8785.dumps(demo.bodies[key])).hexdigest()
        assert bid["receipt"]["content_sha256"] == expected
    demo.set_panel()  # after the bids: it waits on the queue, which may be slow on a busy host

    # Sealed until the deadline: nobody else can read a bid or count them (evaluator1 sits on
    # the panel by now).
    strong_id = demo.bids["strong"]["id"]
    for other in ("commissioner", "evaluator1", "moderator", "auditor", "outputs"):
        resp = demo.clients[other].request("GET", f"/bids/{strong_id}", expect=(403, 404))
        assert resp.headers["content-type"].startswith("application/problem+json"), other
    demo.clients["commissioner"].request("GET", f"/tenders/{tender['id']}/bids", expect=(403, 404))
    assert demo.clients["strong"].get(f"/bids/{strong_id}")["id"] == strong_id

    # An organisation with no bid yet, so only the deadline can refuse it.
    latecomer = _register_bidder(platform, f"late+{demo.suffix}@bidders.example")
    demo.wait_for_deadline()
    late = latecomer.request("POST", f"/tenders/{tender['id']}/bids",
                             json=scenario.low_price_bid(), expect=409)
    assert late.headers["content-type"].startswith("application/problem+json")
    assert late.json()["detail"] == "submission deadline has passed"
    amend = demo.clients["strong"].request("PUT", f"/bids/{strong_id}",
                                           json=demo.bodies["strong"], expect=409)
    assert amend.json()["detail"] == "submission deadline has passed"

    evaluation = demo.wait_for_assessment()
    demo.wait_for_status("evaluating")
    return demo, evaluation


def test_automated_assessment_tells_outcomes_from_outputs(tender_run):
    demo, evaluation = tender_run
    by_bid = {b["bid_id"]: b["assessment"] for b in evaluation["bids"]}
    strong = by_bid[demo.bids["strong"]["id"]]
    outputs = by_bid[demo.bids["outputs"]["id"]]
    assert {c["label"] for c in strong["commitments"]} == {"outcome"}
    assert {c["label"] for c in outputs["commitments"]} <= {"output", "engagement"}
    assert any(c["criterion_key"] == "Q1" and c["max_score"] == 1 for c in outputs["caps"])
    assert any(c["criterion_key"] == "Q2" for c in outputs["caps"])
    low = by_bid[demo.bids["lowprice"]["id"]]
    assert any(f["name"] == "abnormally_low_price" for f in low["flags"])


@pytest.fixture(scope="module")
def awarded_run(tender_run):
    """The panel's part on the run: conflicts declared, scores, moderation, the scoring run and
    the award (each test reads what it needs; none relies on another having run)."""
    demo, _ = tender_run
    evaluator_view = demo.clients["evaluator1"].get(f"/tenders/{demo.tender['id']}/evaluation")
    demo.declare_conflicts()
    bid = demo.clients["evaluator1"].get(f"/bids/{demo.bids['strong']['id']}")
    demo.score()
    divergences = demo.clients["commissioner"].get(
        f"/tenders/{demo.tender['id']}/evaluation")["divergences"]
    demo.moderate()
    run = demo.run_scoring()
    award = demo.award()
    demo.wait_for_status("awarded", "concluded")
    return SimpleNamespace(demo=demo, evaluator_view=evaluator_view, bid=bid,
                           divergences=divergences, run=run, award=award)


def test_panel_scoring_award_and_summaries(awarded_run):
    w = awarded_run
    demo = w.demo
    assert "398000" not in json.dumps(w.evaluator_view)
    assert "price" not in w.bid and "398000" not in json.dumps(w.bid)
    assert any(d["bid_id"] == demo.bids["strong"]["id"] and d["criterion_key"] == "Q4"
               for d in w.divergences)
    run = w.run
    assert run["status"] == "completed", run
    ranking = sorted(run["ranking"], key=lambda r: r["rank"])
    assert demo.bidder_key(ranking[0]["bid_id"]) == "strong"
    assert ranking[0]["passed"] is True
    outputs = next(r for r in ranking if demo.bidder_key(r["bid_id"]) == "outputs")
    assert outputs["passed"] is False
    assert w.award["bid_id"] == demo.bids["strong"]["id"]
    summary = demo.clients["strong"].get(f"/bids/{demo.bids['strong']['id']}/assessment-summary")
    assert summary["criteria"] and summary["total"] == pytest.approx(ranking[0]["total"])
    demo.clients["outputs"].request(
        "GET", f"/bids/{demo.bids['strong']['id']}/assessment-summary", expect=404)


def test_auditor_replays_exports_and_verifies(awarded_run, platform, tmp_path):
    demo, run = awarded_run.demo, awarded_run.run
    auditor = demo.clients["auditor"]
    replay = auditor.post(f"/scoring-runs/{run['run_id']}/replay")
    assert replay["matches"] is True
    assert replay["output_sha256"] == run["output_sha256"]
    events = auditor.get(f"/audit/events?tender_id={demo.tender['id']}&limit=200")["items"]
    types = {e["event_type"] for e in events}
    assert len(types) >= 5, types
    # The head first, then the export of exactly the entries it covers: other tests on the
    # shared platform keep appending to the log between the two calls.
    head = Client(platform.url()).get("/audit/tree-head")
    export = auditor.request("GET", f"/audit/export?format=jsonl&tree_size={head['tree_size']}")
    (tmp_path / "export.jsonl").write_bytes(export.content)
    assert int(export.headers["X-Audit-Tree-Size"]) == export.content.count(b"\n") \
        == head["tree_size"] > 0
    (tmp_path / "head.json").write_text(json.dumps(head))
    (tmp_path / "key.json").write_text(json.dumps(Client(platform.url()).get("/audit/public-key")))
    result = subprocess.run(
        [sys.executable, "-m", "services.cli", "audit", "verify", str(tmp_path / "export.jsonl"),
         "--tree-head", str(tmp_path / "head.json"), "--public-key", str(tmp_path / "key.json")],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    ocds = Client(platform.url()).get(f"/tenders/{demo.tender['id']}/ocds")
    release = ocds["releases"][-1]
    assert release["tender"]["awardCriteria"] == "ratedCriteria"
    assert release["awards"][0]["status"] in ("active", "pending")


def test_the_standards_validator_accepts_the_demo_tenders_package(awarded_run, platform):
    """libcoveocds (offline) on the demo tender's package as the gateway serves it after the
    award: no error, no field outside the schema and its declared extensions, and the public
    URL, not the scoring service's, as its uri."""
    demo = awarded_run.demo
    ocds = Client(platform.url()).get(f"/tenders/{demo.tender['id']}/ocds")
    tags = [r["tag"] for r in ocds["releases"]]
    # the contract release follows once commissioning has made the contract (timing varies)
    assert tags[:3] == [["tender"], ["tenderUpdate"], ["award"]] \
        and tags[3:] in ([], [["contract"]]), tags
    report = cove.review(ocds)
    print(json.dumps(cove.summary(report), indent=1))  # shown with -s: the validator's verdict
    assert cove.summary(report) == cove.CLEAN
    assert report["validation_errors"] == [] and report["additional_fields"] == []
    assert ocds["uri"] == \
        f"http://127.0.0.1:{platform.ports['gateway']}/api/v1/tenders/{demo.tender['id']}/ocds"
    assert ocds["license"] and ocds["publisher"]["uri"] == \
        f"http://127.0.0.1:{platform.ports['gateway']}"
