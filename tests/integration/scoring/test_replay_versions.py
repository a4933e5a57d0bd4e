"""A run requested under an earlier model version keeps that version and replays bit for bit
after the upgrade: the service replays under the run's own version, never the code's."""

from __future__ import annotations

from services.scoring.domain import MODEL_VERSION
from services.scoring.service_layer import runs
from tests.integration.scoring.scenario import Scenario

OLD = "coprocure-scoring/1.1.0"


def test_a_run_recorded_before_the_upgrade_still_replays(scoring, monkeypatch):
    s = Scenario(scoring, mode="automatic")
    h, t = s.h, s.tender_id
    s.publish_and_close()
    # The run is requested while the service still stamped 1.1.0 (as before the upgrade).
    monkeypatch.setattr(runs, "MODEL_VERSION", OLD)
    started = h.post(s.owner, f"/tenders/{t}/scoring-runs")
    assert started.status_code == 202, started.json
    monkeypatch.undo()
    h.work()
    run = h.get(s.owner, f"/scoring-runs/{started.json['run_id']}").json
    assert run["status"] == "completed" and run["model_version"] == OLD
    replay = h.post(s.auditor, f"/scoring-runs/{run['run_id']}/replay").json
    assert replay["matches"] is True, replay
    assert replay["model_version"] == replay["original_model_version"] == OLD
    assert replay["output_sha256"] == run["output_sha256"]
    assert MODEL_VERSION != OLD
