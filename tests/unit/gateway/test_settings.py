"""Gateway settings: the mail settings stop start-up with a clear message when malformed."""

from __future__ import annotations

import pytest

from services.gateway.settings import gateway_settings


@pytest.mark.parametrize("url", ["smtp//mail.example.org", "http://mail.example.org",
                                 "smtp://mail.example.org:99999", "smtp://h?starttls=perhaps"])
def test_a_malformed_smtp_url_stops_start_up_naming_it(monkeypatch, url):
    monkeypatch.setenv("COPROCURE_SMTP_URL", url)
    with pytest.raises(RuntimeError, match="COPROCURE_SMTP_URL"):
        gateway_settings(None)


def test_the_app_refuses_to_start_with_one(monkeypatch):
    from services.gateway.app import create_app

    monkeypatch.setenv("COPROCURE_SMTP_URL", "smtps://host?starttls=true")
    with pytest.raises(RuntimeError, match="smtps is TLS already"):
        create_app({"TESTING": True})


def test_production_needs_an_smtp_url_and_a_laptop_keeps_a_maildir(monkeypatch, tmp_path):
    monkeypatch.delenv("COPROCURE_SMTP_URL", raising=False)
    monkeypatch.setenv("COPROCURE_VAR_DIR", str(tmp_path))
    assert gateway_settings(None)["MAIL"].folder == str(tmp_path / "mail")
    monkeypatch.setenv("COPROCURE_ENV", "production")
    with pytest.raises(RuntimeError, match="must be set in production"):
        gateway_settings(None)


@pytest.mark.parametrize("name,value", [("DEADLINE_REMINDER_HOURS", "soon"),
                                        ("DEADLINE_REMINDER_HOURS", "48,0"),
                                        ("MAIL_FROM", "no address here")])
def test_other_notification_settings_are_checked(monkeypatch, name, value):
    monkeypatch.setenv(f"COPROCURE_{name}", value)
    with pytest.raises(RuntimeError, match=f"COPROCURE_{name}"):
        gateway_settings(None)
