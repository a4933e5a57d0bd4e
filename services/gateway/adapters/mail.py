"""Sending letters: SMTP (``COPROCURE_SMTP_URL``) or, on a laptop, a maildir under ``var/``.

``smtp://user:pass@host:587?starttls=true``, ``smtps://user:pass@host:465``, or
``maildir:///absolute/folder``. Messages are built with ``email.message.EmailMessage`` under
the SMTP policy, which refuses a CR or LF in any header value: header injection cannot happen
even if a caller forgot to clean a subject or a name.
"""

from __future__ import annotations

import mailbox
import smtplib
import ssl
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, parseaddr, parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
# CRLF line ends and no CR/LF in header values; no folding of our short headers (a subject
# folded right after "Subject:" reads back with a leading space in some clients).
SMTP_POLICY = policy.SMTP.clone(max_line_length=998)
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


class MailConfigError(ValueError):
    """A malformed ``COPROCURE_SMTP_URL`` or ``COPROCURE_MAIL_FROM``."""


@dataclass(frozen=True)
class MailConfig:
    """Where letters go."""

    scheme: str  # smtp | smtps | maildir
    host: str = ""
    port: int = 0
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    folder: str = ""
    timeout: float = 30.0

    def describe(self) -> str:
        """The target without credentials (for logs and the portal)."""
        if self.scheme == "maildir":
            return f"maildir {self.folder}"
        return f"{self.scheme}://{self.host}:{self.port}" + (" (STARTTLS)" if self.starttls else "")


def parse_mail_url(url: str) -> MailConfig:
    """Read ``COPROCURE_SMTP_URL``; a ``MailConfigError`` says what is wrong with it."""
    where = "COPROCURE_SMTP_URL"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise MailConfigError(f"{where} is malformed: {exc}") from None
    scheme = parts.scheme.lower()
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    if scheme == "maildir":
        folder = unquote(parts.path)
        if parts.netloc or not folder.startswith("/"):
            raise MailConfigError(f"{where}: a maildir URL is maildir:///absolute/folder")
        return MailConfig("maildir", folder=folder)
    if scheme not in DEFAULT_PORTS:
        raise MailConfigError(f"{where} must start with smtp://, smtps:// or maildir:/// "
                              f"(got {parts.scheme or 'no scheme'!r})")
    if not parts.hostname:
        raise MailConfigError(f"{where} names no host (smtp://user:pass@host:587)")
    unknown = set(query) - {"starttls", "timeout"}
    if unknown:
        raise MailConfigError(f"{where}: unknown option {sorted(unknown)[0]!r} "
                              "(starttls, timeout)")
    raw_tls = query.get("starttls", "false").lower()
    if raw_tls not in TRUE | FALSE:
        raise MailConfigError(f"{where}: starttls must be true or false")
    if raw_tls in TRUE and scheme == "smtps":
        raise MailConfigError(f"{where}: smtps is TLS already; starttls is for smtp://")
    try:
        timeout = float(query.get("timeout", "30"))
    except ValueError:
        raise MailConfigError(f"{where}: timeout must be a number of seconds") from None
    if (parts.username is None) != (parts.password is None):
        raise MailConfigError(f"{where}: give both user and password, or neither")
    return MailConfig(scheme, host=parts.hostname, port=port or DEFAULT_PORTS[scheme],
                      username=unquote(parts.username) if parts.username else None,
                      password=unquote(parts.password) if parts.password else None,
                      starttls=raw_tls in TRUE, timeout=timeout)


def parse_sender(value: str) -> Address:
    """``COPROCURE_MAIL_FROM`` (``Name <addr@host>`` or ``addr@host``) as an address."""
    name, addr = parseaddr(value)
    if "@" not in addr or any(c in value for c in "\r\n"):
        raise MailConfigError("COPROCURE_MAIL_FROM must be an e-mail address, e.g. "
                              "'coprocure <notifications@example.org>'")
    user, _, domain = addr.rpartition("@")
    return Address(display_name=name, username=user, domain=domain)


def build_message(sender: Address, to: str, subject: str, text: str, html: str,
                  message_id: str, date) -> EmailMessage:
    """A multipart/alternative letter; a header value holding CR or LF raises ValueError."""
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime(date)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to robots
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def deliver(config: MailConfig, msg: EmailMessage) -> None:
    """Hand one message to the SMTP server (or the maildir); raise on any failure."""
    if config.scheme == "maildir":
        folder = Path(config.folder)
        folder.parent.mkdir(parents=True, exist_ok=True)  # Maildir makes the folder itself
        mailbox.Maildir(str(folder), create=True).add(msg)
        return
    context = ssl.create_default_context()
    if config.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port,
                                                timeout=config.timeout, context=context)
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with client:
        if config.starttls:
            client.starttls(context=context)
        if config.username:
            client.login(config.username, config.password or "")
        client.send_message(msg)


def read_maildir(folder: str, limit: int = 100) -> list[dict]:
    """The newest letters of a maildir (the portal's development mail page)."""
    path = Path(folder)
    if not (path / "new").is_dir():
        return []
    box = mailbox.Maildir(str(path), factory=None, create=False)
    letters = []
    parser = BytesParser(policy=policy.default)
    for key in box.iterkeys():
        with box.get_file(key) as fh:
            msg = parser.parse(fh)
        text = msg.get_body(preferencelist=("plain",))
        letters.append({"to": str(msg["To"]), "subject": str(msg["Subject"]),
                        "date": parsedate_to_datetime(str(msg["Date"])),
                        "message_id": str(msg["Message-ID"]),
                        "text": text.get_content() if text else ""})
    letters.sort(key=lambda m: m["date"], reverse=True)
    return letters[:limit]
