"""Scoring-model version: bump on any change that can alter an assessment or a run's output."""

MODEL_VERSION = "coprocure-scoring/1.1.0"
