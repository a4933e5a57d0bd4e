"""Schemathesis as the two roles with the most operations to fuzz (the other runs are in
test_schemathesis.py)."""

from __future__ import annotations

import pytest

from tests.security.schemathesis_run import run_schemathesis

pytestmark = pytest.mark.security


@pytest.mark.timeout(600)  # a loaded 2-core machine; the runs take ~1 min each when idle
@pytest.mark.parametrize("role", ["commissioner", "bidder"])
def test_schemathesis_signed_in(fuzz_platform, fuzz_actors, role, tmp_path):
    run_schemathesis(fuzz_platform, fuzz_actors[role].headers, tmp_path)
