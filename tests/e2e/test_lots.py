"""A tender with two lots end to end, through the gateway only, on real processes: one lot
reserved for charities and CICs, documents on the tender and on each bid sealed until the
deadline, then each lot scored, ranked and awarded on its own, and a contract per lot."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from services.demo import scenario
from services.demo.client import Client
from services.demo.runner import DemoRun
from shared.waiting import wait_until
from tests.e2e.test_full_tender import _create_admin
from tests.support.builders import document_bytes, gbp
from tests.support.journeys import assert_sealed

pytestmark = pytest.mark.e2e

LOTS = [
    {"key": "north", "title": "North neighbourhoods",
     "description": "The service in the northern wards.", "estimated_value": gbp("220000.00"),
     "price": {"ceiling": gbp("240000.00"), "floor": gbp("150000.00")}},
    {"key": "south", "title": "South neighbourhoods",
     "description": "The service in the southern wards, run by a voluntary organisation.",
     "estimated_value": gbp("200000.00"),
     "price": {"ceiling": gbp("220000.00"), "floor": gbp("140000.00")},
     "reservation": {"kinds": ["charity", "cic"],
                     "reason": "Reserved for charities and community interest companies."}},
]
# (bidder, lot, price, the panel's score on every criterion)
BIDS = [("strong", "north", "210000.00", 4), ("lowprice", "north", "160000.00", 2),
        ("outputs", "south", "200000.00", 4), ("strong", "south", "190000.00", 3)]
BODIES = {b["key"]: b["bid"] for b in scenario.BIDDERS}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _problem(resp, status: int, field: str) -> None:
    assert resp.status_code == status, (resp.status_code, resp.text[:300])
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert field in resp.json()["errors"], resp.json()


@pytest.fixture(scope="module")
def lots_run(platform):
    demo = DemoRun(platform.url(), _create_admin(platform), deadline_seconds=16)
    demo.create_staff()
    demo.register_bidders()
    commissioner = demo.clients["commissioner"]
    body = scenario.tender_body(demo.deadline_seconds * 0.5, demo.deadline_seconds)
    body["title"] = f"Wellbeing service in two lots {demo.suffix}"
    body["lots"] = LOTS
    draft = commissioner.post("/tenders", body)
    spec = commissioner.upload(f"/tenders/{draft['id']}/documents", scenario.specification(),
                               filename="specification.txt", title="Specification")
    demo.tender = commissioner.post(f"/tenders/{draft['id']}/publish")
    # A clarification answered with a document attached (streamed through the gateway).
    tid = demo.tender["id"]
    question = demo.clients["outputs"].post(f"/tenders/{tid}/questions", {
        "question": "Which wards are in the south lot?"})
    commissioner.post(f"/tenders/{tid}/questions/{question['id']}/answer",
                      {"answer": "The wards on the attached map."})
    ward_map = document_bytes("pdf", 150_000)
    attachment = commissioner.upload(f"/tenders/{tid}/questions/{question['id']}/attachments",
                                     ward_map, filename="ward map.pdf", title="Ward map")
    spec["clarification"] = (question["id"], attachment, ward_map)
    bids, documents = {}, {}
    for who, lot_key, price, _ in BIDS:
        content = BODIES[who]() | {"lot_key": lot_key, "price": gbp(price)}
        bid = demo.clients[who].post(f"/tenders/{demo.tender['id']}/bids", content,
                                     headers={"Idempotency-Key": str(uuid.uuid4())})
        data = scenario.method_statement(f"{who} for {lot_key}")
        documents[(who, lot_key)] = (data, demo.clients[who].upload(
            f"/bids/{bid['id']}/documents", data, filename="method-statement.txt"))
        bids[(who, lot_key)] = bid
    demo.bids = {f"{w}/{k}": b for (w, k), b in bids.items()}
    return demo, spec, bids, documents


def test_a_reserved_lot_refuses_other_kinds_and_bids_stay_on_their_lot(lots_run):
    demo, _, bids, _ = lots_run
    tid = demo.tender["id"]
    assert [lot["key"] for lot in demo.tender["lots"]] == ["north", "south"]
    content = BODIES["lowprice"]() | {"lot_key": "south"}
    resp = demo.clients["lowprice"].request("POST", f"/tenders/{tid}/bids", json=content,
                                            expect=403)
    _problem(resp, 403, "lot_key")
    assert "charity" in resp.json()["detail"]
    for lot_key in (None, "west"):
        content = BODIES["lowprice"]() | ({"lot_key": lot_key} if lot_key else {})
        _problem(demo.clients["lowprice"].request("POST", f"/tenders/{tid}/bids", json=content,
                                                  expect=422), 422, "lot_key")
    again = demo.clients["strong"].request("POST", f"/tenders/{tid}/bids", expect=409,
                                           json=BODIES["strong"]() | {"lot_key": "north"})
    assert again.json()["bid_id"] == bids[("strong", "north")]["id"]
    own = demo.clients["strong"].get(f"/bids/{bids[('strong', 'north')]['id']}")
    assert own["lot_key"] == "north"


def test_documents_sealed_until_the_deadline_then_each_lot_scored_awarded_and_contracted(
        lots_run):
    demo, spec, bids, documents = lots_run
    tid = demo.tender["id"]
    anonymous = Client(demo.base_url)
    got = anonymous.request("GET", f"/tenders/{tid}/documents/{spec['id']}/content")
    assert _sha(got.content) == spec["sha256"]  # the tender's documents are public
    question_id, attachment, ward_map = spec["clarification"]
    (answered,) = anonymous.get(f"/tenders/{tid}/questions")["items"]
    assert answered["id"] == question_id
    assert [a["id"] for a in answered["attachments"]] == [attachment["id"]]
    got = anonymous.request("GET", f"/tenders/{tid}/documents/{attachment['id']}/content")
    assert got.content == ward_map and attachment["sha256"] == _sha(ward_map)
    # Before the deadline a bid's documents are its organisation's alone.
    bid = bids[("outputs", "south")]
    data, attached = documents[("outputs", "south")]
    assert attached["receipt"]["documents"][0]["sha256"] == _sha(data)
    path = f"/bids/{bid['id']}/documents"
    (doc,) = demo.clients["outputs"].get(path)["items"]
    urls = [path, f"{path}/{doc['id']}", f"{path}/{doc['id']}/content"]
    assert_sealed(demo, urls, owner="outputs")

    demo.set_panel()
    demo.wait_for_deadline()
    demo.wait_for_assessment()
    commissioner = demo.clients["commissioner"]
    assert commissioner.request("GET", urls[2]).content == data  # opened with the bid
    demo.declare_conflicts()
    for who, lot_key, _, score in BIDS:
        for key in ("Q1", "Q2", "Q3", "Q4", "Q5", "SV"):
            for i in (1, 2, 3):
                demo.clients[f"evaluator{i}"].post(
                    f"/tenders/{tid}/bids/{bids[(who, lot_key)]['id']}/scores",
                    {"criterion_key": key, "score": score,
                     "justification": f"Scored {score} against the descriptors for {key}."})

    # A tender with lots is scored a lot at a time.
    _problem(commissioner.request("POST", f"/tenders/{tid}/scoring-runs", expect=422), 422,
             "lot_key")
    runs = {}
    for lot_key in ("north", "south"):
        queued = commissioner.post(f"/tenders/{tid}/scoring-runs", {"lot_key": lot_key})
        runs[lot_key] = wait_until(
            lambda q=queued: (r := commissioner.get(f"/scoring-runs/{q['run_id']}"))["status"]
            in ("completed", "failed") and r, timeout=60, what=f"the {lot_key} run")
        assert runs[lot_key]["status"] == "completed" and runs[lot_key]["lot_key"] == lot_key
        ranked = {r["bid_id"] for r in runs[lot_key]["ranking"]}
        assert ranked == {b["id"] for (_, k), b in bids.items() if k == lot_key}
    north_top = min(runs["north"]["ranking"], key=lambda r: r["rank"])
    assert north_top["bid_id"] == bids[("strong", "north")]["id"]

    # A lot's award leaves the other pending; the tender is awarded once both are.
    award = commissioner.post(f"/tenders/{tid}/award", {"bid_id": north_top["bid_id"]})
    assert award["lot_key"] == "north" and award["run_id"] == runs["north"]["run_id"]
    statuses = {a["lot_key"]: a for a in commissioner.get(f"/tenders/{tid}/awards")["items"]}
    assert statuses["north"]["status"] == "awarded" and statuses["south"]["status"] == "pending"
    assert statuses["south"]["latest_run_id"] == runs["south"]["run_id"]
    # Commissioning hears of the runs and the award through the queue: once it has the north
    # lot's award, the tender is still only scored (the south lot is pending).
    wait_until(lambda: commissioner.get(f"/tenders/{tid}")["award"], timeout=60,
               what="commissioning to record the north lot's award")
    tender = commissioner.get(f"/tenders/{tid}")
    assert tender["status"] == "scored" and set(tender["award"]["lots"]) == {"north"}
    # The summary of a bid in the awarded lot is published to its bidder; not yet in the other.
    lowprice_summary = demo.clients["lowprice"].get(
        f"/bids/{bids[('lowprice', 'north')]['id']}/assessment-summary")
    assert lowprice_summary["lot_key"] == "north" and lowprice_summary["awarded"] is False
    demo.clients["outputs"].request(
        "GET", f"/bids/{bids[('outputs', 'south')]['id']}/assessment-summary", expect=403)
    again = commissioner.request("POST", f"/tenders/{tid}/award", expect=409,
                                 json={"bid_id": bids[("lowprice", "north")]["id"]})
    assert "north" in again.json()["detail"]

    south_top = min(runs["south"]["ranking"], key=lambda r: r["rank"])
    south = commissioner.post(f"/tenders/{tid}/award", {"bid_id": south_top["bid_id"]})
    assert south["lot_key"] == "south"
    tender = demo.wait_for_status("concluded", timeout=90)
    assert set(tender["award"]["lots"]) == {"north", "south"}

    # One contract per lot, each with its lot's supplier and its own agreed metrics.
    contracts = wait_until(lambda: len(c := anonymous.get(f"/tenders/{tid}/contracts")["items"])
                           == 2 and c, timeout=60, what="a contract per lot")
    by_lot = {c["lot_key"]: c for c in contracts}
    assert by_lot["north"]["bid_id"] == north_top["bid_id"]
    assert by_lot["south"]["bid_id"] == south_top["bid_id"]
    assert "North neighbourhoods" in by_lot["north"]["title"]
    one = anonymous.get(f"/tenders/{tid}/contract?lot_key=south")
    assert one["id"] == by_lot["south"]["id"]
    _problem(anonymous.request("GET", f"/tenders/{tid}/contract", expect=422), 422, "lot_key")
