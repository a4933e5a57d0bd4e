"""A tiny client for the gateway's public API, called with the signed-in user's token."""

from __future__ import annotations

import os
import threading
from typing import Any

import httpx
from flask import current_app, g, request, session

_lock = threading.Lock()


class ApiProblem(Exception):
    """A 4xx/5xx answer from the API, carrying its problem+json document."""

    def __init__(self, status: int, problem: dict[str, Any]):
        self.status = status
        self.problem = problem
        super().__init__(f"{status}: {problem.get('detail') or problem.get('title')}")

    @property
    def errors(self) -> dict[str, list[str]]:
        """Field path → messages (validation problems); {} otherwise."""
        errors = self.problem.get("errors") or {}
        return flatten_errors(errors) if isinstance(errors, dict) else {}

    @property
    def message(self) -> str:
        """A sentence for people."""
        return str(self.problem.get("detail") or self.problem.get("title") or "Something failed")


class ApiUnavailable(Exception):
    """The gateway could not be reached or timed out."""


def flatten_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten marshmallow-style nested error dicts into {"a.0.b": [messages]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict | list) and not _is_messages(value):
                flat.update(flatten_errors(value, path))
            else:
                flat[path] = [str(m) for m in (value if isinstance(value, list) else [value])]
    elif isinstance(errors, list):
        flat[prefix or "_"] = [str(m) for m in errors]
    else:
        flat[prefix or "_"] = [str(errors)]
    return flat


def _is_messages(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def base_url() -> str:
    """The gateway's own URL: PORTAL_API_URL, COPROCURE_GATEWAY_PORT, else this very socket."""
    configured = current_app.config.get("PORTAL_API_URL")
    if configured:
        return str(configured).rstrip("/")
    port = os.environ.get("COPROCURE_GATEWAY_PORT")
    if port:
        return f"http://127.0.0.1:{port}"
    # Call ourselves on the address this request came in on (gunicorn and werkzeug expose it).
    sock = request.environ.get("gunicorn.socket") or request.environ.get("werkzeug.socket")
    if sock is not None:
        try:
            host, port_no = sock.getsockname()[:2]
            host = f"[{host}]" if ":" in host else host
            return f"http://{host}:{port_no}"
        except OSError:
            pass
    return "http://127.0.0.1:8000"


def _http() -> httpx.Client:
    """One pooled client per app, built on first use."""
    state = current_app.extensions.setdefault("coprocure_portal", {})
    client = state.get("http")
    if client is None:
        with _lock:
            client = state.get("http")
            if client is None:
                timeout = float(current_app.config.get("PORTAL_API_TIMEOUT", 20.0))
                client = httpx.Client(timeout=timeout,
                                      limits=httpx.Limits(max_connections=50))
                state["http"] = client
    return client


def call(method: str, path: str, *, json: Any = None, params: dict | None = None,
         token: str | None = None, anonymous: bool = False,
         headers: dict | None = None, content: Any = None,
         stream: bool = False) -> httpx.Response:
    """Send /api/v1{path}; raise ApiProblem on 4xx/5xx, ApiUnavailable when unreachable.

    ``content`` sends raw bytes or an iterator of them (documents, streamed); ``stream``
    leaves the answer unread, for the caller to pass on block by block and close."""
    sent = dict(headers or {})
    token = token if token is not None else (None if anonymous else session.get("token"))
    if token:
        sent["Authorization"] = f"Bearer {token}"
    rid = request.headers.get("X-Request-ID") or g.get("request_id")
    if rid:
        sent["X-Request-ID"] = str(rid)
    if params:
        params = {k: v for k, v in params.items() if v not in (None, "")}
    try:
        client = _http()
        req = client.build_request(method, f"{base_url()}/api/v1{path}", json=json,
                                   params=params, headers=sent, content=content)
        resp = client.send(req, stream=stream)
    except httpx.HTTPError as exc:
        raise ApiUnavailable(str(exc)) from exc
    if resp.status_code >= 400:
        if stream:
            resp.read()
            resp.close()
        try:
            problem = resp.json()
            if not isinstance(problem, dict):
                problem = {"detail": str(problem)}
        except ValueError:
            problem = {"title": resp.reason_phrase, "detail": resp.text[:300]}
        raise ApiProblem(resp.status_code, problem)
    return resp


def get(path: str, **kw: Any) -> Any:
    """GET and decode JSON."""
    return call("GET", path, **kw).json()


def post(path: str, json: Any = None, **kw: Any) -> Any:
    """POST JSON and decode the answer (None when empty)."""
    resp = call("POST", path, json=json if json is not None else {}, **kw)
    return resp.json() if resp.content else None


def put(path: str, json: Any = None, **kw: Any) -> Any:
    """PUT JSON and decode the answer."""
    resp = call("PUT", path, json=json, **kw)
    return resp.json() if resp.content else None


def patch(path: str, json: Any = None, **kw: Any) -> Any:
    """PATCH JSON and decode the answer."""
    resp = call("PATCH", path, json=json, **kw)
    return resp.json() if resp.content else None


def try_get(path: str, default: Any = None, **kw: Any) -> Any:
    """GET, or ``default`` on any 4xx (the user may not see it yet)."""
    try:
        return get(path, **kw)
    except ApiProblem as exc:
        if exc.status >= 500 or exc.status == 401:
            raise
        return default


def items(path: str, params: dict | None = None, limit: int = 200, pages: int = 5) -> list:
    """Every item of a cursor-paged list (bounded to ``pages`` pages)."""
    out: list = []
    query = dict(params or {}, limit=limit)
    for _ in range(pages):
        page = get(path, params=query)
        out.extend(page.get("items", []))
        if not page.get("next_cursor"):
            break
        query["cursor"] = page["next_cursor"]
    return out
