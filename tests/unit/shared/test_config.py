"""Configuration comes from COPROCURE_* variables with shared dev secrets."""

import pytest

from shared.config import database_url, load_settings, secret, whole_number


def test_defaults_and_overrides(tmp_path):
    environ = {"COPROCURE_VAR_DIR": str(tmp_path)}
    assert database_url("scoring", environ) == f"sqlite:///{tmp_path}/scoring.db"
    environ["COPROCURE_SCORING_DATABASE_URL"] = "postgresql://db/x"
    assert database_url("scoring", environ) == "postgresql://db/x"
    settings = load_settings("scoring", {"SANDBOX": True}, environ)
    assert settings["SANDBOX"] is True and settings["DATABASE_URL"] == "postgresql://db/x"


def test_dev_secret_is_shared_between_processes(tmp_path):
    environ = {"COPROCURE_VAR_DIR": str(tmp_path)}
    assert secret("MASTER_KEY", 32, environ) == secret("MASTER_KEY", 32, environ)
    environ["COPROCURE_MASTER_KEY"] = "abc"
    assert secret("MASTER_KEY", 32, environ) == "abc"


def test_production_requires_secrets(tmp_path):
    import pytest

    with pytest.raises(RuntimeError):
        secret("MASTER_KEY", 32,
               {"COPROCURE_VAR_DIR": str(tmp_path), "COPROCURE_ENV": "production"})


def test_production_refuses_secrets_that_are_not_32_bytes_of_base64(tmp_path):
    import base64

    import pytest

    prod = {"COPROCURE_VAR_DIR": str(tmp_path), "COPROCURE_ENV": "production"}
    for bad in ("REPLACE_ME_base64_32_bytes", "PLACEHOLDER-base64-32-bytes", "change-me",
                base64.b64encode(b"k" * 16).decode(), "not base64!!"):
        with pytest.raises(RuntimeError, match="COPROCURE_PORTAL_SECRET must be 32 random bytes"):
            secret("PORTAL_SECRET", 32, {**prod, "COPROCURE_PORTAL_SECRET": bad})
    good = base64.b64encode(b"k" * 32).decode()
    assert secret("PORTAL_SECRET", 32, {**prod, "COPROCURE_PORTAL_SECRET": good}) == good


def test_a_whole_number_setting_comes_from_config_then_environment_then_default(monkeypatch):
    monkeypatch.delenv("COPROCURE_SOME_COUNT", raising=False)
    assert whole_number(None, "SOME_COUNT", 7) == 7
    monkeypatch.setenv("COPROCURE_SOME_COUNT", "0")
    assert whole_number(None, "SOME_COUNT", 7) == 0
    assert whole_number(3, "SOME_COUNT", 7) == 3


@pytest.mark.parametrize("value", ["many", "-1", "2.5"])
def test_a_bad_whole_number_setting_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("COPROCURE_SOME_COUNT", value)
    with pytest.raises(RuntimeError, match="COPROCURE_SOME_COUNT"):
        whole_number(None, "SOME_COUNT", 7)
