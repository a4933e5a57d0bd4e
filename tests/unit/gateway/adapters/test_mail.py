"""The mail adapter: the SMTP URL, header safety, the laptop's maildir."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.gateway.adapters import mail


def test_smtp_urls_with_tls_and_auth():
    cfg = mail.parse_mail_url("smtp://me%40x.org:s3cr%2Ft@mail.example.org:587?starttls=true")
    assert (cfg.scheme, cfg.host, cfg.port, cfg.username, cfg.password, cfg.starttls) == (
        "smtp", "mail.example.org", 587, "me@x.org", "s3cr/t", True)
    assert mail.parse_mail_url("smtps://u:p@mail.example.org").port == 465
    assert "s3cr" not in cfg.describe()
    assert mail.parse_mail_url("maildir:///tmp/letters").folder == "/tmp/letters"


@pytest.mark.parametrize("url,says", [
    ("http://mail.example.org", "must start with smtp://"),
    ("smtp://", "names no host"),
    ("smtp://host:notaport", "malformed"),
    ("smtp://host?starttls=maybe", "starttls must be true or false"),
    ("smtps://host?starttls=true", "smtps is TLS already"),
    ("smtp://host?tls=1", "unknown option 'tls'"),
    ("smtp://user@host", "both user and password"),
    ("maildir://relative", "maildir:///absolute/folder"),
])
def test_a_malformed_url_is_refused_with_a_clear_message(url, says):
    with pytest.raises(mail.MailConfigError, match="COPROCURE_SMTP_URL") as exc:
        mail.parse_mail_url(url)
    assert says in str(exc.value)


def _message(**overrides):
    args = {"sender": mail.parse_sender("coprocure <n@coprocure.example>"),
            "to": "bidder@example.org", "subject": "Award decision", "text": "Hello\n",
            "html": "<p>Hello</p>", "message_id": "<dlv_1@coprocure>",
            "date": datetime(2027, 1, 1, tzinfo=UTC)}
    args.update(overrides)
    return mail.build_message(**args)


@pytest.mark.parametrize("field", ["subject", "to", "message_id"])
@pytest.mark.parametrize("evil", ["x\r\nBcc: victim@example.org", "x\nBcc: v@example.org",
                                  "x\rBcc: v@example.org"])
def test_header_injection_is_impossible(field, evil):
    with pytest.raises(ValueError):
        _message(**{field: evil})


def test_a_sender_with_a_newline_is_refused():
    with pytest.raises(mail.MailConfigError):
        mail.parse_sender("evil\r\nBcc: v@example.org <n@x.org>")


def test_letters_are_multipart_plain_and_html(tmp_path):
    msg = _message()
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["Auto-Submitted"] == "auto-generated"
    cfg = mail.parse_mail_url(f"maildir://{tmp_path / 'mail'}")
    mail.deliver(cfg, msg)
    [letter] = mail.read_maildir(cfg.folder)
    assert (letter["to"], letter["subject"], letter["message_id"]) == (
        "bidder@example.org", "Award decision", "<dlv_1@coprocure>")
    assert letter["text"] == "Hello\n"


def test_a_long_subject_reads_back_unchanged():
    from email import policy
    from email.parser import BytesParser

    subject = "Clarification answer published: " + "Community wellbeing " * 8
    msg = BytesParser(policy=policy.default).parsebytes(_message(subject=subject).as_bytes())
    assert str(msg["Subject"]) == subject
