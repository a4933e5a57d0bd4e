"""Scoring per lot: each lot's bids assessed against the lot's price bounds, scored, ranked and
awarded on their own; a lot closed unawarded; the tender awarded once every lot is decided."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.time import rfc3339
from tests.integration.scoring import payloads
from tests.integration.scoring.scenario import Scenario
from tests.support.builders import gbp, lot
from tests.support.ocds import package_errors


def _lots(s: Scenario, cheap_lot_ceiling: str = "140000.00") -> None:
    """Lot A: the strong and the outputs bid; lot B: the cheap bid, above B's own ceiling.
    Deadlines passed minutes ago, as a real run has them."""
    s.doc.update(published_at=_ago(30), clarification_deadline=_ago(12),
                 submission_deadline=_ago(5))
    s.doc["lots"] = [lot("A"), lot("B", price={"ceiling": gbp(cheap_lot_ceiling),
                                               "floor": gbp("100000.00")})]
    for bid, key in zip(s.bids, ("A", "A", "B"), strict=True):
        bid["content"]["lot_key"] = key
        bid["content"]["price"] = gbp("200000.00") if key == "A" else bid["content"]["price"]
    s.bids = [payloads.opened(b["bid_id"], b["organisation_id"], b["organisation_name"],
                              b["content"]) for b in s.bids]
    for bid in s.bids:
        bid["submitted_at"] = _ago(6)
    s.closing = payloads.closed(s.doc, s.bids)
    s.closing.update(closed_at=_ago(5), opened_at=_ago(4.99))


def _ago(minutes: float) -> str:
    return rfc3339(datetime.now(UTC) - timedelta(minutes=minutes))


def _errors(resp) -> dict:
    assert resp.headers["Content-Type"].startswith("application/problem+json"), resp.json
    return resp.json.get("errors") or {}


def _run(s: Scenario, lot_key: str) -> dict:
    started = s.h.post(s.owner, f"/tenders/{s.tender_id}/scoring-runs", {"lot_key": lot_key})
    assert started.status_code == 202, started.json
    assert started.json["lot_key"] == lot_key
    s.h.work()
    return s.h.get(s.owner, f"/scoring-runs/{started.json['run_id']}").json


def test_each_lot_is_assessed_scored_and_awarded_on_its_own(scoring):
    s = Scenario(scoring, mode="automatic")
    _lots(s)
    h, t = s.h, s.tender_id
    s.publish_and_close()
    doc = h.get(s.owner, f"/tenders/{t}/evaluation").json
    assert {b["bid_id"]: b["lot_key"] for b in doc["bids"]} == {
        s.strong: "A", s.outputs: "A", s.cheap: "B"}
    gates = {b["bid_id"]: {g["name"]: g for g in b["assessment"]["gates"]} for b in doc["bids"]}
    # The cheap bid is under the tender's ceiling but over its own lot's.
    assert gates[s.cheap]["price_within_ceiling"]["passed"] is False
    assert "140000" in gates[s.cheap]["price_within_ceiling"]["detail"]
    assert gates[s.strong]["price_within_ceiling"]["passed"] is True

    for body in (None, {}, {"lot_key": "Z"}):
        resp = h.post(s.owner, f"/tenders/{t}/scoring-runs", body)
        assert resp.status_code == 422 and "lot_key" in _errors(resp), resp.json
    run_a = _run(s, "A")
    assert run_a["status"] == "completed"
    assert {r["bid_id"] for r in run_a["ranking"]} == {s.strong, s.outputs}
    run_b = _run(s, "B")
    assert [r["bid_id"] for r in run_b["ranking"]] == [s.cheap]
    assert run_b["ranking"][0]["passed"] is False  # over the lot's ceiling

    top = next(r for r in sorted(run_a["ranking"], key=lambda r: r["rank"]) if r["passed"])
    wrong = h.post(s.owner, f"/tenders/{t}/award", {"bid_id": s.cheap})
    assert wrong.status_code == 409  # failed its lot's thresholds
    awarded = h.post(s.owner, f"/tenders/{t}/award", {"bid_id": top["bid_id"]})
    assert awarded.status_code == 200, awarded.json
    assert awarded.json["lot_key"] == "A" and awarded.json["run_id"] == run_a["run_id"]
    assert h.post(s.owner, f"/tenders/{t}/award", {"bid_id": top["bid_id"]}).status_code == 409
    assert h.post(s.owner, f"/tenders/{t}/scoring-runs", {"lot_key": "A"}).status_code == 409
    items = {i["lot_key"]: i for i in h.get(s.owner, f"/tenders/{t}/awards").json["items"]}
    assert items["A"]["status"] == "awarded" and items["A"]["bid_id"] == top["bid_id"]
    assert items["B"] == {"lot_key": "B", "title": s.doc["lots"][1]["title"],
                          "status": "pending", "bid_id": None, "run_id": None,
                          "awarded_at": None, "standstill_ends_at": None,
                          "justification": None, "latest_run_id": run_b["run_id"]}
    assert h.get(s.auditor, f"/tenders/{t}/awards").status_code == 200
    assert h.get(s.other_commissioner, f"/tenders/{t}/awards").status_code == 404

    # Lot B: nothing passing, so the commissioner closes it unawarded, with the reason.
    blank = h.post(s.owner, f"/tenders/{t}/lots/B/no-award", {"justification": "   "})
    assert blank.status_code == 422 and "justification" in _errors(blank)
    assert h.post(s.owner, f"/tenders/{t}/lots/Z/no-award",
                  {"justification": "No such lot."}).status_code == 404
    assert h.post(s.owner, f"/tenders/{t}/lots/A/no-award",
                  {"justification": "Already awarded."}).status_code == 409
    closed = h.post(s.owner, f"/tenders/{t}/lots/B/no-award",
                    {"justification": "The only bid was over the lot's ceiling."})
    assert closed.status_code == 200, closed.json
    assert closed.json["lot_key"] == "B"
    statuses = [i["status"] for i in h.get(s.owner, f"/tenders/{t}/awards").json["items"]]
    assert statuses == ["awarded", "unawarded"]

    decisions = [m for m in h.messages() if m["event_type"] in ("BidAwarded", "LotNotAwarded")]
    assert [(m["event_type"], m["data"]["lot_key"], m["data"]["tender_awarded"])
            for m in decisions] == [("BidAwarded", "A", False), ("LotNotAwarded", "B", True)]
    completed = [m["data"].get("lot_key") for m in h.messages()
                 if m["event_type"] == "ScoringRunCompleted"]
    assert completed == ["A", "B"]
    # The OCDS package: an award per lot (lots extension), validated with its extensions.
    package = h.get(s.auditor, f"/tenders/{t}/ocds").json
    assert package_errors(package) == []
    latest = package["releases"][-1]
    awards = {a["relatedLots"][0]: a for a in latest["awards"]}
    assert awards["A"]["status"] == "active" and awards["A"]["relatedBids"] == [top["bid_id"]]
    assert awards["B"]["status"] == "unsuccessful" and "suppliers" not in awards["B"]
    assert awards["B"]["description"] == "The only bid was over the lot's ceiling."
    assert {d["id"]: d["relatedLots"] for d in latest["bids"]["details"]} == {
        s.strong: ["A"], s.outputs: ["A"], s.cheap: ["B"]}
    assert [x["id"] for x in latest["tender"]["lots"]] == ["A", "B"]
    # Each run replays bit for bit from its own frozen inputs.
    for run in (run_a, run_b):
        assert h.post(s.auditor, f"/scoring-runs/{run['run_id']}/replay").json["matches"]
    # The bidder of the awarded lot reads its summary, judged on its lot.
    summary = h.get(s.outputs_org, f"/bids/{s.outputs}/assessment-summary")
    assert summary.status_code == 200, summary.json
    assert summary.json["lot_key"] == "A"


def test_panel_completeness_is_per_lot_and_lots_refused_without_lots(scoring):
    s = Scenario(scoring)
    _lots(s)
    h, t = s.h, s.tender_id
    s.publish_and_close()
    s.set_panel()
    s.declare_none()
    keys = [c["key"] for c in s.doc["criteria"]]
    s.score_all({s.cheap: {k: [3, 3, 3] for k in keys}})
    # Lot B's one bid is fully scored: it can run while lot A's bids are not.
    assert h.post(s.owner, f"/tenders/{t}/scoring-runs", {"lot_key": "B"}).status_code == 202
    missing = h.post(s.owner, f"/tenders/{t}/scoring-runs", {"lot_key": "A"})
    assert missing.status_code == 409
    assert {m["bid_id"] for m in missing.json["missing"]} == {s.strong, s.outputs}

    plain = Scenario(scoring, mode="automatic")
    plain.publish_and_close()
    resp = plain.h.post(plain.owner, f"/tenders/{plain.tender_id}/scoring-runs",
                        {"lot_key": "A"})
    assert resp.status_code == 422 and "lot_key" in _errors(resp)
    assert plain.h.post(plain.owner, f"/tenders/{plain.tender_id}/lots/A/no-award",
                        {"justification": "x"}).status_code == 404
    run = plain.h.post(plain.owner, f"/tenders/{plain.tender_id}/scoring-runs")
    assert run.status_code == 202 and run.json["lot_key"] is None  # as before, no body
    items = plain.h.get(plain.owner, f"/tenders/{plain.tender_id}/awards").json["items"]
    assert [(i["lot_key"], i["status"]) for i in items] == [(None, "pending")]
