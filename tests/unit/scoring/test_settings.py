"""Scoring settings: the OCDS publisher from COPROCURE_* (sandbox defaults otherwise)."""

from __future__ import annotations

import pytest

from services.scoring.settings import ocds_publication, scoring_settings

OCDS_VARIABLES = ("PUBLIC_URL", "GATEWAY_PORT", "OCDS_OCID_PREFIX", "OCDS_PUBLISHER_NAME",
                  "OCDS_PUBLISHER_SCHEME", "OCDS_PUBLISHER_UID", "OCDS_PUBLISHER_URI",
                  "OCDS_LICENSE", "OCDS_PUBLICATION_POLICY")


@pytest.fixture(autouse=True)
def _clean(monkeypatch, tmp_path):
    monkeypatch.setenv("COPROCURE_VAR_DIR", str(tmp_path))  # the dev signing key goes there
    for name in OCDS_VARIABLES:
        monkeypatch.delenv(f"COPROCURE_{name}", raising=False)


def test_sandbox_defaults_point_at_the_local_gateway(monkeypatch):
    monkeypatch.setenv("COPROCURE_GATEWAY_PORT", "8123")
    publication = scoring_settings({})["OCDS_PUBLICATION"]
    assert publication.public_url == "http://127.0.0.1:8123"
    assert publication.ocid("tnd_1") == "ocds-coprocure-tnd_1"
    package = publication.package("tnd_1", "2026-01-01T00:00:00Z", [])
    assert package["uri"] == "http://127.0.0.1:8123/api/v1/tenders/tnd_1/ocds"
    assert package["publisher"] == {"name": "coprocure", "uri": "http://127.0.0.1:8123"}
    assert "open-government-licence" in package["license"]
    assert "publicationPolicy" not in package


def test_the_publisher_comes_from_the_environment(monkeypatch):
    values = {"PUBLIC_URL": "https://procure.example.gov.uk", "OCDS_OCID_PREFIX": "ocds-a1b2c3",
              "OCDS_PUBLISHER_NAME": "Borough Council", "OCDS_PUBLISHER_SCHEME": "GB-GOR",
              "OCDS_PUBLISHER_UID": "PB123", "OCDS_PUBLISHER_URI": "https://borough.example",
              "OCDS_LICENSE": "https://creativecommons.org/licenses/by/4.0/",
              "OCDS_PUBLICATION_POLICY": "https://borough.example/ocds-policy"}
    for name, value in values.items():
        monkeypatch.setenv(f"COPROCURE_{name}", value)
    package = scoring_settings({})["OCDS_PUBLICATION"].package("t", "2026-01-01T00:00:00Z", [])
    assert package["uri"] == "https://procure.example.gov.uk/api/v1/tenders/t/ocds"
    assert package["publisher"] == {"name": "Borough Council", "scheme": "GB-GOR",
                                    "uid": "PB123", "uri": "https://borough.example"}
    assert package["license"] == values["OCDS_LICENSE"]
    assert package["publicationPolicy"] == values["OCDS_PUBLICATION_POLICY"]


@pytest.mark.parametrize("prefix", ["coprocure", "ocds-", "OCDS-ABC123", "ocds-a b"])
def test_a_malformed_ocid_prefix_stops_start_up_naming_it(monkeypatch, prefix):
    monkeypatch.setenv("COPROCURE_OCDS_OCID_PREFIX", prefix)
    with pytest.raises(RuntimeError, match="COPROCURE_OCDS_OCID_PREFIX"):
        ocds_publication("https://example.org")


def test_assessment_processes_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("COPROCURE_ASSESS_PROCESSES", "3")
    monkeypatch.setenv("COPROCURE_ASSESS_FORK_FROM", "0")
    conf = scoring_settings({})
    assert (conf["ASSESS_PROCESSES"], conf["ASSESS_FORK_FROM"]) == (3, 0)
    monkeypatch.delenv("COPROCURE_ASSESS_PROCESSES")
    monkeypatch.delenv("COPROCURE_ASSESS_FORK_FROM")
    conf = scoring_settings({})
    assert conf["ASSESS_PROCESSES"] >= 1 and conf["ASSESS_FORK_FROM"] == 2000


@pytest.mark.parametrize("value", ["many", "-1", "2.5"])
def test_a_bad_assessment_process_count_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("COPROCURE_ASSESS_PROCESSES", value)
    with pytest.raises(RuntimeError, match="COPROCURE_ASSESS_PROCESSES"):
        scoring_settings({})
