"""A recording HTTP upstream for checking exactly what the gateway forwards (headers, query)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder:
    """Records every request it receives; answers with a configurable response."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.headers: dict[str, str] = {"Content-Type": "application/json"}
        self.body = b'{"ok": true}'
        self.delay = 0.0
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                recorder.requests.append({"method": self.command, "path": self.path,
                                          "headers": dict(self.headers.items()),
                                          "body": self.rfile.read(length)})
                if recorder.delay:
                    time.sleep(recorder.delay)
                self.send_response(recorder.status)
                for key, value in recorder.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(recorder.body)))
                self.end_headers()
                self.wfile.write(recorder.body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)
        self.thread.start()

    def respond(self, status: int, body: dict | bytes, **headers: str) -> None:
        """Set the next responses."""
        self.status = status
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.headers = {"Content-Type": "application/json", **headers}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
