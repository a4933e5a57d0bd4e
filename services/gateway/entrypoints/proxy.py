"""Forward /api/v1/... to the owning service: route table, signed identity, pooled HTTP."""

from __future__ import annotations

import contextlib
import json
import threading
from urllib.parse import urlsplit

import httpx
from flask import Flask, Response, current_app, g, request, stream_with_context
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from services.gateway.context import context_from_app
from services.gateway.domain.routes import resolve, table_methods
from services.gateway.entrypoints.authn import unauthorized
from services.gateway.service_layer import users as user_service
from shared.identity import (
    DIRECTORY_HEADER,
    HEADER,
    DirectoryUser,
    sign_assertion,
    sign_directory,
)
from shared.problems import Problem, problem_response

API_PREFIX = "/api/v1"
# Request headers a client may pass on; everything else (Authorization, cookies, any
# X-Coprocure-* a client forges, Host) is dropped.
FORWARD_REQUEST_HEADERS = ("Content-Type", "Accept", "Accept-Language", "Idempotency-Key",
                           "If-Match", "If-None-Match")
PASS_RESPONSE_HEADERS = ("Content-Type", "Location", "Retry-After", "Content-Disposition",
                         "ETag", "Last-Modified", "Cache-Control", "Link", "Allow",
                         "Idempotent-Replayed", "Deprecation", "Sunset", "X-Audit-Tree-Size",
                         "X-Content-Type-Options")
UPLOAD_BLOCK = 64 * 1024
_lock = threading.Lock()


def http_client(app: Flask) -> httpx.Client:
    """The process's pooled client (created on first use; never follows redirects)."""
    client = app.extensions.get("gateway_http")
    if client is None:
        with _lock:
            client = app.extensions.get("gateway_http")
            if client is None:
                cfg = app.config
                client = httpx.Client(
                    timeout=httpx.Timeout(cfg["UPSTREAM_READ_TIMEOUT"],
                                          connect=cfg["UPSTREAM_CONNECT_TIMEOUT"]),
                    limits=httpx.Limits(max_connections=cfg["UPSTREAM_POOL_SIZE"],
                                        max_keepalive_connections=cfg["UPSTREAM_POOL_SIZE"]),
                    follow_redirects=False, trust_env=False)
                app.extensions["gateway_http"] = client
    return client


def upstream_url(service: str) -> str:
    """The configured base URL of a service (never anything from the request)."""
    url = current_app.config["UPSTREAMS"].get(service)
    if not url:
        raise Problem(502, "Bad gateway", f"The {service} service is not configured")
    return url.rstrip("/")


def _directory_header(body: bytes) -> str:
    """Vouch for the users a request names (a panel's members, a contract's assessor)."""
    try:
        doc = json.loads(body or b"{}")
    except ValueError:
        doc = {}
    named: list = []
    if isinstance(doc, dict):
        if isinstance(doc.get("evaluators"), list):
            named.extend(doc["evaluators"])
        named.append(doc.get("moderator"))
        named.append(doc.get("user_id"))  # a contract's invited reviewer or validator
    users = user_service.directory_users(context_from_app(current_app),
                                         [u for u in named if isinstance(u, str)])
    entries = [DirectoryUser(user_id=u.id, roles=tuple(u.roles),
                             lived_experience=u.lived_experience,
                             organisation_id=u.organisation_id, email=u.email) for u in users]
    cfg = current_app.config
    return sign_directory(cfg["ASSERTION_KEY"], entries, cfg["ASSERTION_TTL_SECONDS"])


def _relative_location(value: str) -> str:
    """Upstream Locations must not leak internal hosts."""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return value


def allowed_methods(path: str) -> list[str]:
    """What a /api/v1 path really answers: the gateway's own rules (not the catch-all) and the
    route table's rows, with HEAD beside GET and OPTIONS; empty for an unknown path."""
    own = current_app.extensions.get("gateway_own_rules")
    if own is None:
        own = Map([Rule(r.rule, methods=r.methods, endpoint=r.endpoint)
                   for r in current_app.url_map.iter_rules() if r.endpoint != "proxy"])
        current_app.extensions["gateway_own_rules"] = own
    methods = set(table_methods(path[len(API_PREFIX):]))
    try:
        own.bind("").match(path, method="__none__")
    except MethodNotAllowed as exc:
        methods |= set(exc.valid_methods or ())
    except NotFound:
        pass
    if not methods:
        return []
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    order = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
    return [m for m in order if m in methods]


def method_not_allowed(allowed: list[str]) -> Problem:
    """405 naming what the path does answer."""
    return Problem(405, "Method not allowed",
                   f"{request.method} is not allowed here; use {', '.join(allowed)}",
                   headers={"Allow": ", ".join(allowed)})


def options(path: str) -> Response:
    """OPTIONS answers truthfully: 204 with the real Allow list (404 for an unknown path)."""
    allowed = allowed_methods(path)
    if not allowed:
        raise Problem(404, "Not found", f"No such resource: {path}")
    resp = Response(status=204, headers={"Allow": ", ".join(allowed)})
    del resp.headers["Content-Type"]
    return resp


def forward(subpath: str) -> Response:
    """Authorize by the route table, then forward and pass the answer through."""
    path = "/" + subpath
    route = resolve(request.method, path)
    wanted = "GET" if request.method == "HEAD" else request.method
    served = table_methods(path)
    if route is None or (served and wanted not in served):
        # A path the gateway serves itself, or a table row with other methods: 405, not 404.
        allowed = allowed_methods(API_PREFIX + path)
        if allowed:
            raise method_not_allowed(allowed)
        raise Problem(404, "Not found", f"No such resource: {API_PREFIX}{path}")
    if not route.upload:
        return _forward(route, path)
    try:
        return _forward(route, path)
    except Problem:
        _drain(current_app.config["MAX_DOCUMENT_BYTES"])
        raise


def _drain(limit: int) -> None:
    """Read what a refused upload left unread (up to a bound), so the client sees the answer
    rather than a connection reset."""
    request.max_content_length = 4 * limit
    with contextlib.suppress(Exception):  # best effort; past the bound the client is cut off
        while request.stream.read(UPLOAD_BLOCK):
            pass


def _forward(route, path: str) -> Response:
    identity = g.identity
    if not route.allows(identity.roles, not identity.anonymous):
        if identity.anonymous:
            raise unauthorized("Sign in to do this")
        raise Problem(403, "Forbidden", "Your role may not do this")
    cfg = current_app.config
    headers = {k: v for k in FORWARD_REQUEST_HEADERS if (v := request.headers.get(k))}
    if route.upload:
        body, length = b"", _upload_length(cfg["MAX_DOCUMENT_BYTES"])
        content = _upload_stream()
        if length is not None:
            headers["Content-Length"] = str(length)
    else:
        body = request.get_data(cache=False)  # honours MAX_CONTENT_LENGTH → 413
        content = body or None
    headers["X-Request-ID"] = g.request_id
    headers["Accept-Encoding"] = "identity"
    headers[HEADER] = sign_assertion(cfg["ASSERTION_KEY"], identity, cfg["ASSERTION_TTL_SECONDS"])
    if route.directory:
        headers[DIRECTORY_HEADER] = _directory_header(body)
    url = upstream_url(route.upstream) + API_PREFIX + path
    query = request.query_string.decode("latin-1")
    client = http_client(current_app._get_current_object())  # type: ignore[attr-defined]
    upstream_req = client.build_request(request.method, url, params=None, headers=headers,
                                        content=content)
    if query:
        upstream_req.url = upstream_req.url.copy_with(query=query.encode("latin-1"))
    try:
        upstream = client.send(upstream_req, stream=True)
    except httpx.TimeoutException as exc:
        raise Problem(504, "Gateway timeout",
                      f"The {route.upstream} service did not answer in time") from exc
    except httpx.HTTPError as exc:
        raise Problem(502, "Bad gateway",
                      f"The {route.upstream} service is unavailable") from exc
    return _pass_through(upstream, route.upstream)


def _upload_length(limit: int) -> int | None:
    """A document upload's declared length, refused at once above the document limit."""
    length = request.content_length
    if length is not None and length > limit:
        raise Problem(413, "Payload too large", f"The file is larger than {limit} bytes",
                      errors={"file": [f"The file is larger than the limit ({limit} bytes)."]})
    # Past MAX_BODY_BYTES, up to the limit (plus slack; commissioning counts exactly).
    request.max_content_length = limit + 256 * 1024
    return length


def _upload_stream():
    """The client's body, passed on block by block: never held whole in the gateway."""
    stream = request.stream
    while block := stream.read(UPLOAD_BLOCK):
        yield block


def _pass_through(upstream: httpx.Response, service: str) -> Response:
    out_headers = {}
    for name in PASS_RESPONSE_HEADERS:
        value = upstream.headers.get(name)
        if value is not None:
            out_headers[name] = _relative_location(value) if name == "Location" else value

    def chunks():
        try:
            yield from upstream.iter_raw(64 * 1024)
        except httpx.HTTPError:
            # Headers are gone already; cut the stream so the client sees a truncated body.
            return
        finally:
            upstream.close()

    if request.method == "HEAD":
        upstream.close()
        return Response(status=upstream.status_code, headers=out_headers)
    length = upstream.headers.get("Content-Length")
    if length is not None and int(length) <= 256 * 1024:
        # Small bodies (nearly all): read them so a broken upstream becomes a clean 502.
        try:
            content = upstream.read()
        except httpx.HTTPError as exc:
            raise Problem(502, "Bad gateway", f"The {service} service broke off") from exc
        finally:
            upstream.close()
        return Response(content, status=upstream.status_code, headers=out_headers)
    if length is not None:
        out_headers["Content-Length"] = length  # downloads show progress; truncation shows
    return Response(stream_with_context(chunks()), status=upstream.status_code,
                    headers=out_headers)


def install_proxy(app: Flask) -> None:
    """Mount the catch-all forwarding route under /api/v1."""
    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    # Flask's own OPTIONS answer would list the catch-all's methods for every path.
    app.add_url_rule(f"{API_PREFIX}/<path:subpath>", "proxy", forward, methods=methods,
                     provide_automatic_options=False)

    @app.before_request
    def _truthful_options():
        if request.method == "OPTIONS" and request.path.startswith(API_PREFIX + "/"):
            try:
                return options(request.path)
            except Problem as problem:
                return problem_response(problem)
        return None

    @app.errorhandler(MethodNotAllowed)
    def _method_not_allowed(exc: MethodNotAllowed):
        """Methods no rule takes (TRACE, ...): Allow lists the path's, not the catch-all's."""
        allowed = allowed_methods(request.path) if request.path.startswith(API_PREFIX + "/") \
            else sorted(exc.valid_methods or ())
        if not allowed:
            return problem_response(Problem(404, "Not found", f"No such resource: {request.path}"))
        return problem_response(method_not_allowed(allowed))
