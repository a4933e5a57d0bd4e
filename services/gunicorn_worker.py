"""gunicorn's gthread worker, but the errors gunicorn answers itself are problem+json, and a
413 closes the connection and says so.

Before a request reaches Flask, gunicorn answers malformed or oversized requests on its own
(431 for header fields too large, 400 for a bad request line, ...) with a small HTML page;
every other error of the API is application/problem+json (docs/api.md). gunicorn renders
those pages with ``gunicorn.util.write_error``, looked up at call time, so this module — loaded
only in gunicorn processes, by naming the worker class — replaces that one function.
"""

from __future__ import annotations

import json

from gunicorn import util
from gunicorn.glogging import Logger
from gunicorn.workers.gthread import ThreadWorker

from shared.observability import json_formatter

TYPE_BASE = "https://coprocure.org/problems/"  # as shared/problems.py (no Flask here)


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    """Write an RFC 9457 problem answer and close (gunicorn closes after these errors)."""
    body = json.dumps({"type": TYPE_BASE + reason.lower().replace(" ", "-"), "title": reason,
                       "status": status_int, "detail": mesg or reason}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin1") + body)


util.write_error = write_problem


class ProblemThreadWorker(ThreadWorker):
    """gthread (threads per worker) with problem+json for gunicorn's own error answers, and
    ``Connection: close`` on a 413.

    A 413 is answered before the body is read; gunicorn then said keep-alive but dropped the
    connection (or would have to read the whole oversized body to keep it). Closing, and saying
    so, is the honest answer (RFC 9110, 15.5.14). gunicorn ignores a Connection header set by
    the app, so the worker marks its own response object as closing.
    """

    def load_wsgi(self) -> None:
        """Wrap the app: a 413 status forces this connection closed before headers go out."""
        super().load_wsgi()
        app = self.wsgi

        def closing_on_413(environ, start_response):
            def start(status, headers, exc_info=None):
                owner = getattr(start_response, "__self__", None)  # gunicorn's Response
                if status.startswith("413") and hasattr(owner, "force_close"):
                    owner.force_close()
                return start_response(status, headers, exc_info)
            return app(environ, start)

        self.wsgi = closing_on_413


class JsonLogger(Logger):
    """gunicorn's own lines (booting, worker timeouts, signals) as the same JSON lines every
    other coprocure process writes, instead of gunicorn's bracketed text."""

    def setup(self, cfg) -> None:
        """gunicorn's error-log handlers, with our JSON formatter. The access log keeps its
        configured format (deploy/gunicorn.conf.py writes JSON there already)."""
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(json_formatter())
