"""Schemathesis, every check, as the commissioner and the bidder (the roles with the most
operations to fuzz) and the evaluator; the other runs are in test_schemathesis.py, so the two
files take about as long each."""

from __future__ import annotations

import pytest

from tests.security.schemathesis_run import run_schemathesis

pytestmark = pytest.mark.security


@pytest.mark.timeout(960)  # 1–4 min each when idle; over 10 min seen at load 18
@pytest.mark.parametrize("role", ["commissioner", "bidder", "evaluator"])
def test_schemathesis_signed_in(fuzz_platform, fuzz_actors, role, tmp_path):
    run_schemathesis(fuzz_platform, fuzz_actors[role].headers, tmp_path, role)
