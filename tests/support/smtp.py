"""A real SMTP server for the notification tests (aiosmtpd), recording every letter.

``fail_next(n)`` makes the next n messages fail with a temporary 451, as a busy relay would.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller

from services.platform import free_port


@dataclass
class Received:
    """One letter as the server received it."""

    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        """The decoded subject."""
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        """The plain-text part."""
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        """The HTML part."""
        return self.message.get_body(preferencelist=("html",)).get_content()


@dataclass
class SmtpSink:
    """An aiosmtpd server on a free port; ``letters`` holds everything it accepted."""

    letters: list[Received] = field(default_factory=list)
    refused: int = 0
    _fail: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Controller | None = None

    @property
    def url(self) -> str:
        """The COPROCURE_SMTP_URL of this server."""
        assert self.controller is not None
        return f"smtp://127.0.0.1:{self.controller.port}"

    def start(self) -> SmtpSink:
        """Listen on a fresh port."""
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())
        self.controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self.controller is not None:
            self.controller.stop()

    def fail_next(self, n: int) -> None:
        """Refuse the next n messages with 451 (a temporary failure: the sender retries)."""
        with self._lock:
            self._fail = n

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        """Record the letter (or refuse it while told to)."""
        with self._lock:
            if self._fail > 0:
                self._fail -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            msg = BytesParser(policy=policy.default).parsebytes(envelope.content)
            self.letters.append(Received(tuple(envelope.rcpt_tos), msg))
        return "250 OK"

    def by_recipient(self) -> Counter:
        """(recipient, subject) → how many times it arrived."""
        with self._lock:
            return Counter((r, letter.subject) for letter in self.letters
                           for r in letter.recipients)

    def to(self, address: str) -> list[Received]:
        """Every letter addressed to one recipient."""
        with self._lock:
            return [letter for letter in self.letters if address in letter.recipients]
