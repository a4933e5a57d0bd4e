"""Scoring-model version: bump on any change that can alter an assessment or a run's output."""

MODEL_VERSION = "coprocure-scoring/2.6.0"

# Versions whose scoring-run arithmetic (caps, thresholds, price, ranking, hashing) is the code's
# own: 2.0.0 to 2.6.0 changed only how commitments are classified, and a run scores the
# assessments stored with it, never re-classifying. A run recorded under one of these replays bit
# for bit under its own version stamp; any other version cannot be replayed by this code.
RUN_COMPATIBLE_VERSIONS = (
    "coprocure-scoring/1.1.0", "coprocure-scoring/2.0.0", "coprocure-scoring/2.1.0",
    "coprocure-scoring/2.2.0", "coprocure-scoring/2.3.0", "coprocure-scoring/2.4.0",
    "coprocure-scoring/2.5.0", MODEL_VERSION,
)
