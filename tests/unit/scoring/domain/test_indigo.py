"""A contract as an INDIGO project: the fields we fill follow the INDIGO project schema 4.1.0
(tests/support/indigo.py), validated results only, planned and actual payments."""

from __future__ import annotations

from services.scoring.domain import indigo, payments
from services.scoring.service_layer.payments import inputs_of
from tests.support.builders import decided, rated_contract
from tests.support.indigo import project_errors


def _contract():
    contract = {**rated_contract(periods=2), "tender_id": "tnd_1"}
    contract["decisions"] = {
        "1": [decided("M1", 1, 25), decided("M2", 1, 18, decision="disputed")],
        "2": [decided("M1", 2, 30), decided("M3", 2, 2)]}
    return contract


def _project(contract, today="2030-07-01"):
    output = {**payments.calculate(inputs_of(contract)), "revision": 1}
    return indigo.project(contract, output, base_url="https://coprocure.example",
                          today=today)


def test_the_project_validates_and_carries_metrics_pricings_results_and_payments():
    doc = _project(_contract())
    assert project_errors(doc) == []
    data = doc["data"]
    assert [m["id"] for m in data["outcome_metrics"]] == ["M1", "M2", "M3"]
    assert data["outcome_pricings"][0]["price_per_unit"] == {"amount": {"value": 400}}
    # the disputed M2 figure is not a result
    assert [(r["outcome_metric_id"]["value"], r["number_with_positive_social_outcomes"]["value"])
            for r in data["results"]] == [("M1", 25), ("M1", 30), ("M3", 2)]
    actual = [p for p in data["outcome_payments"] if p["type"]["value"] == "Actual"]
    assert [p["money"]["amount"]["value"] for p in actual] == [10000, 12000, 5000]
    assert {p["type"]["value"] for p in data["outcome_payments"]} == {"Planned", "Actual"}
    assert data["results"][0]["result_type"] == {"value": "Interim"}
    assert _project(_contract(), today="2031-02-01")["data"]["results"][0][
        "result_type"] == {"value": "Final"}


def test_the_checker_catches_names_types_and_references_the_standard_does_not_allow():
    doc = _project(_contract())
    data = doc["data"]
    data["outcome_pricings"][0]["price_per_unit"]["amount"]["value"] = "400"
    data["results"][0]["period"]["end_date"]["value"] = "30/06/2030"
    data["results"][1]["outcome_metric_id"]["value"] = "M9"
    data["outcome_payments"][0]["type"]["value"] = "Forecast"
    data["outcome_metrics"][0]["price"] = {"value": 1}
    data["dates"]["source_ids"] = "nowhere"
    errors = project_errors(doc)
    assert len(errors) == 6, errors
