"""Automatic mode: the indicative scores are final; no panel is involved."""

from __future__ import annotations

from services.scoring.domain.standstill import add_working_days
from tests.integration.scoring.scenario import Scenario


def test_automatic_mode_scores_without_a_panel(scoring):
    s = Scenario(scoring, mode="automatic")
    h, t = s.h, s.tender_id
    s.publish_and_close()
    refused = h.put_panel(s.owner, t, {"evaluators": [e.user_id for e in s.evaluators],
                                       "moderator": s.moderator.user_id})
    assert refused.status_code == 409
    doc = h.get(s.owner, f"/tenders/{t}/evaluation").json
    assert doc["mode"] == "automatic" and len(doc["bids"]) == 3
    started = h.post(s.owner, f"/tenders/{t}/scoring-runs")
    assert started.status_code == 202, started.json
    h.work()
    run = h.get(s.owner, f"/scoring-runs/{started.json['run_id']}").json
    assert run["status"] == "completed" and run["mode"] == "automatic"
    indicative = {b["bid_id"]: b["assessment"]["indicative_scores"] for b in doc["bids"]}
    for entry in run["ranking"]:
        for c in entry["criteria"]:
            assert c["raw"] == indicative[entry["bid_id"]][c["criterion_key"]]
            assert any("indicative" in r for r in c["reasons"])
    outputs = next(r for r in run["ranking"] if r["bid_id"] == s.outputs)
    assert outputs["passed"] is False
    top = next(r for r in run["ranking"] if r["passed"])
    awarded = h.post(s.owner, f"/tenders/{t}/award", {"bid_id": top["bid_id"]})
    assert awarded.status_code == 200, awarded.json
    assert h.post(s.auditor, f"/scoring-runs/{run['run_id']}/replay").json["matches"] is True


def test_standstill_counts_working_days(scoring):
    s = Scenario(scoring, mode="automatic")
    s.h.app.config["SANDBOX"] = False
    h, t = s.h, s.tender_id
    s.publish_and_close()
    run_id = h.post(s.owner, f"/tenders/{t}/scoring-runs").json["run_id"]
    h.work()
    ranking = h.get(s.owner, f"/scoring-runs/{run_id}").json["ranking"]
    passing = [r for r in ranking if r["passed"]]
    second = passing[1]
    assert h.post(s.owner, f"/tenders/{t}/award", {"bid_id": second["bid_id"]}).status_code == 422
    awarded = h.post(s.owner, f"/tenders/{t}/award",
                     {"bid_id": second["bid_id"],
                      "justification": "The top bid's price is abnormally low and was not "
                                       "explained when we asked."})
    assert awarded.status_code == 200, awarded.json
    from datetime import datetime

    at = datetime.fromisoformat(awarded.json["awarded_at"].replace("Z", "+00:00"))
    ends = datetime.fromisoformat(awarded.json["standstill_ends_at"].replace("Z", "+00:00"))
    assert ends == add_working_days(at, 8)
    assert (ends - at).days in (10, 11, 12)
    assert awarded.json["justification"].startswith("The top bid's price")


def test_add_working_days_skips_weekends():
    from datetime import UTC, datetime

    friday = datetime(2027, 1, 22, 15, 0, tzinfo=UTC)
    assert add_working_days(friday, 0) == friday
    assert add_working_days(friday, 1) == datetime(2027, 1, 25, 15, 0, tzinfo=UTC)
    assert add_working_days(friday, 8) == datetime(2027, 2, 3, 15, 0, tzinfo=UTC)
    saturday = datetime(2027, 1, 23, 9, 0, tzinfo=UTC)
    assert add_working_days(saturday, 1) == datetime(2027, 1, 25, 9, 0, tzinfo=UTC)
