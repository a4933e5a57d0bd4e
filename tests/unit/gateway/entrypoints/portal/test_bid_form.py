"""The bid form's commitment block: the three ways a baseline is written reach the API body."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from services.gateway.entrypoints.portal.bidform import parse_commitment

P = "responses.0.outcome_commitments.0."


def _form(**fields: str) -> MultiDict:
    return MultiDict({P + k.replace("__", "."): v for k, v in fields.items()})


def test_a_single_value_baseline_is_sent_as_before():
    out = parse_commitment(_form(statement="s", baseline__value="7.1",
                                 baseline__source="intake survey"), P)
    assert out["baseline"] == {"value": 7.1, "source": "intake survey"}


def test_a_per_person_intake_baseline_names_its_instrument():
    out = parse_commitment(_form(statement="s", baseline__kind="per_person_intake",
                                 baseline__instrument="WEMWBS"), P)
    assert out["baseline"] == {"kind": "per_person_intake", "instrument": "WEMWBS"}


def test_a_comparison_group_baseline_describes_the_group():
    out = parse_commitment(_form(statement="s", baseline__kind="comparison_group",
                                 baseline__description="matched comparison group"), P)
    assert out["baseline"] == {"kind": "comparison_group",
                               "description": "matched comparison group"}
