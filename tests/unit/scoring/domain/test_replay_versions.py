"""A run recorded under an earlier model version replays bit for bit under its own version.

tests/data/scoring_runs/run_model_1.1.0.json was produced by model 1.1.0 (commit 4f81e6c),
run_model_2.0.0.json by model 2.0.0 (commit 0169019), run_model_2.1.0.json by model 2.1.0 (commit
421e559), run_model_2.2.0.json by model 2.2.0 (commit 1582100), run_model_2.3.0.json by model
2.3.0 (commit d1d30a7), run_model_2.4.0.json by model 2.4.0 (commit 6681dcb) and
run_model_2.5.0.json by model 2.5.0 (commit d44e424): the frozen inputs, with the
automated assessments that version stored, and the output it recorded. Later models re-classify
some commitments differently (2.1.0 reads the 2.0.0 run's "Support families in the shelters.",
declared an outcome, as an output; 2.2.0 reads the 2.1.0 run's "Responders … having confidence in
managing their condition", which 2.1.0 read as activity, as a soft unverifiable outcome; 2.3.0
reads the 2.2.0 run's "Compliance with National Crime Recording Standards.", which 2.2.0 read as
an unverifiable outcome, as an output; 2.4.0 reads the 2.3.0 run's "NHS Boards to sustain and
embed alcohol brief interventions …", which 2.3.0 read as an unverifiable outcome, as the
provider's own delivery, an output; 2.5.0 reads the 2.4.0 run's "Proportion of older people asked
about falls when they present at hospital.", which 2.4.0 read as less use of services (the falls),
as the practitioners' own act, an output; 2.6.0 reads the 2.5.0 run's "Increase in the number of
reports of domestic abuse incidents that were classified as a crime.", which 2.5.0 read as less
use of services, as the police's own recording, an output), but a run scores the stored
assessments, never re-classifying, so each old run must reproduce exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.scoring.domain import MODEL_VERSION, compute_scoring_run, verify_replay
from services.scoring.domain.classifier import classify_commitment
from services.scoring.domain.criteria import ScoringInputError
from shared.canonical import canonical_sha256

RUNS = Path(__file__).parents[3] / "data/scoring_runs"
RECORDED = json.loads((RUNS / "run_model_1.1.0.json").read_text("utf-8"))
RECORDED_2_0_0 = json.loads((RUNS / "run_model_2.0.0.json").read_text("utf-8"))
RECORDED_2_1_0 = json.loads((RUNS / "run_model_2.1.0.json").read_text("utf-8"))
RECORDED_2_2_0 = json.loads((RUNS / "run_model_2.2.0.json").read_text("utf-8"))
RECORDED_2_3_0 = json.loads((RUNS / "run_model_2.3.0.json").read_text("utf-8"))
RECORDED_2_4_0 = json.loads((RUNS / "run_model_2.4.0.json").read_text("utf-8"))
RECORDED_2_5_0 = json.loads((RUNS / "run_model_2.5.0.json").read_text("utf-8"))


def test_model_version_is_2_6_0_and_2_5_0_runs_stay_replayable():
    from services.scoring.domain.version import RUN_COMPATIBLE_VERSIONS

    assert MODEL_VERSION == "coprocure-scoring/2.6.0"
    assert {"coprocure-scoring/2.2.0", "coprocure-scoring/2.3.0", "coprocure-scoring/2.4.0",
            "coprocure-scoring/2.5.0"} <= set(RUN_COMPATIBLE_VERSIONS)


# The later model reads bid-b's last commitment as an output, which would cap its Q1 at 1; the
# replay uses what the recorded version stored, so bid-b keeps the unverifiable-outcome cap of 2.
@pytest.mark.parametrize(("recorded", "version", "statement"), [
    (RECORDED_2_5_0, "2.5.0", "Increase in the number of reports of domestic"),  # recording
    (RECORDED_2_4_0, "2.4.0", "Proportion of older people asked about falls"),  # practitioners
    (RECORDED_2_3_0, "2.3.0", "NHS Boards to sustain and embed alcohol brief"),  # own delivery
    (RECORDED_2_2_0, "2.2.0", "Compliance with National Crime Recording Standards."),  # process
])
def test_a_run_replays_bit_for_bit_on_its_stored_assessments(recorded, version, statement):
    inputs, output = recorded["inputs"], recorded["output"]
    assert output["model_version"] == f"coprocure-scoring/{version}"
    stored = inputs["assessments"]["bid-b"]["commitments"][-1]
    assert stored["statement"].startswith(statement)
    assert stored["label"] == "unverifiable_outcome"
    now = classify_commitment({"statement": stored["statement"], "declared_level": "outcome"})
    assert now.label == "output"
    assert inputs["assessments"]["bid-b"]["caps"][0] == {
        "criterion_key": "Q1", "max_score": 2,
        "reason": "an outcome is unverifiable (commitment #2)"}
    replayed = compute_scoring_run(inputs, output["model_version"])
    assert replayed == output
    assert verify_replay(inputs, output["output_sha256"], output["model_version"])
    assert not verify_replay(inputs, output["output_sha256"])


def test_a_2_1_0_run_replays_bit_for_bit_on_its_stored_assessments():
    inputs, output = RECORDED_2_1_0["inputs"], RECORDED_2_1_0["output"]
    assert output["model_version"] == "coprocure-scoring/2.1.0"
    stored = inputs["assessments"]["bid-b"]["commitments"][-1]
    assert stored["label"] == "output" and stored["statement"].startswith("Responders")
    # 2.2.0 reads the same commitment as a change in a person; the replay uses what 2.1.0 stored,
    # so bid-b keeps the outputs-only Q1 cap it was scored with.
    now = classify_commitment({"statement": stored["statement"], "declared_level": "outcome"})
    assert now.label == "unverifiable_outcome"
    assert inputs["assessments"]["bid-b"]["caps"][0]["max_score"] == 1
    replayed = compute_scoring_run(inputs, output["model_version"])
    assert replayed == output
    assert verify_replay(inputs, output["output_sha256"], output["model_version"])
    assert not verify_replay(inputs, output["output_sha256"])


def test_a_2_0_0_run_replays_bit_for_bit_on_its_stored_assessments():
    inputs, output = RECORDED_2_0_0["inputs"], RECORDED_2_0_0["output"]
    assert output["model_version"] == "coprocure-scoring/2.0.0"
    stored = inputs["assessments"]["bid-b"]["commitments"][-1]
    assert (stored["statement"], stored["label"]) == (
        "Support families in the shelters.", "unverifiable_outcome")
    # 2.1.0 reads the same commitment differently; the replay still uses what 2.0.0 stored.
    now = classify_commitment({"statement": stored["statement"], "declared_level": "outcome"})
    assert now.label == "output"
    replayed = compute_scoring_run(inputs, output["model_version"])
    assert replayed == output
    assert verify_replay(inputs, output["output_sha256"], output["model_version"])
    assert not verify_replay(inputs, output["output_sha256"])


def test_a_1_1_0_run_replays_bit_for_bit_under_its_own_version():
    inputs, output = RECORDED["inputs"], RECORDED["output"]
    assert output["model_version"] == "coprocure-scoring/1.1.0"
    assert {a["model_version"] for a in inputs["assessments"].values()} == {
        "coprocure-scoring/1.1.0"
    }
    replayed = compute_scoring_run(inputs, output["model_version"])
    assert replayed == output
    assert canonical_sha256(replayed) == canonical_sha256(output)
    assert verify_replay(inputs, output["output_sha256"], output["model_version"])


def test_replaying_under_the_new_version_stamp_does_not_match():
    # The version is part of the hashed output: the stamp must be the run's own.
    inputs, output = RECORDED["inputs"], RECORDED["output"]
    assert not verify_replay(inputs, output["output_sha256"])


def test_an_unknown_version_is_refused():
    with pytest.raises(ScoringInputError, match="cannot be replayed"):
        compute_scoring_run(RECORDED["inputs"], "coprocure-scoring/0.9.0")
