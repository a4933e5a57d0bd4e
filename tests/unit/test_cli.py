"""The CLI's settings that stop start-up when they cannot work."""

import click
import pytest

from services.cli import _heartbeat_settings


def test_abandon_after_defaults_to_rqs_own_rule(monkeypatch):
    monkeypatch.delenv("COPROCURE_ABANDON_AFTER_SECONDS", raising=False)
    monkeypatch.setenv("COPROCURE_JOB_MONITORING_INTERVAL", "30")
    assert _heartbeat_settings() == (30, 90.0)


@pytest.mark.parametrize(("interval", "abandon"), [("5", "9"), ("0", "10")])
def test_abandon_after_shorter_than_two_heartbeats_stops_start_up(monkeypatch, interval, abandon):
    monkeypatch.setenv("COPROCURE_JOB_MONITORING_INTERVAL", interval)
    monkeypatch.setenv("COPROCURE_ABANDON_AFTER_SECONDS", abandon)
    with pytest.raises(click.UsageError, match="COPROCURE_ABANDON_AFTER_SECONDS"):
        _heartbeat_settings()


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    from click.testing import CliRunner

    from services.cli import main

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"coprocure {version('coprocure')}\n"
