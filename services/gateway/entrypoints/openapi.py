"""One OpenAPI 3.1 document: the gateway's own spec merged with each service's, plus /docs."""

from __future__ import annotations

import copy
import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from flask import Flask, Response, current_app, jsonify, send_from_directory

from services.gateway.domain.contract import annotate
from services.gateway.domain.routes import owner_of
from services.gateway.entrypoints.proxy import http_client
from shared.problems import Problem, problem_response

COMPONENT_SECTIONS = ("schemas", "responses", "parameters", "examples", "requestBodies",
                      "headers", "links", "callbacks")
PROBLEM_MIME = "application/problem+json"
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "object",
                   "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["type", "title", "status"],
}
_PROBLEM_CONTENT = {PROBLEM_MIME: {"schema": {"$ref": "#/components/schemas/Problem"}}}
_cache_lock = threading.Lock()
SWAGGER_UI = Path(__file__).with_name("swagger_ui")  # vendored: /docs works offline
DOCS_ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "docs-init.js")
DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>coprocure API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/portal/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs-init.js"></script>
</body></html>
"""
# Same-origin only (Swagger UI shows data: images; it renders without inline styles or scripts).
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
            "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
            "form-action 'self'")


def _fetch(service: str, url: str, ttl: float) -> dict | None:
    """A service's spec, cached per app for ``ttl`` seconds; the last good copy if it is down."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache = app.extensions.setdefault("gateway_specs", {})
    with _cache_lock:
        hit = cache.get(service)
    if hit and time.monotonic() - hit[0] < ttl:
        return hit[1]
    try:
        resp = http_client(app).get(url.rstrip("/") + "/openapi.json", timeout=3.0)
        resp.raise_for_status()
        spec = resp.json()
    except (httpx.HTTPError, ValueError):
        return hit[1] if hit else None
    with _cache_lock:
        cache[service] = (time.monotonic(), spec)
    return spec


def _rename_refs(doc: Any, renames: dict[str, str]) -> Any:
    if not renames:
        return doc
    text = json.dumps(doc)
    for old, new in renames.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    return json.loads(text)


def _problem_errors(doc: dict) -> None:
    """Errors are application/problem+json; say so wherever an error response is described."""
    def fix(response: dict) -> None:
        if "content" in response or "$ref" not in response:
            response["content"] = copy.deepcopy(_PROBLEM_CONTENT)

    for name, response in doc.get("components", {}).get("responses", {}).items():
        if name.upper() in ("DEFAULT_ERROR", "UNPROCESSABLE_CONTENT", "UNPROCESSABLE_ENTITY") \
                or "error" in name.lower():
            fix(response)
    for item in doc.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            for code, response in op["responses"].items():
                if (code == "default" or str(code)[0] in "45") and "$ref" not in response:
                    fix(response)


def _concrete(template: str) -> str:
    """A path the template matches: `{tender_id}` is not itself an id, so the route table would
    send `/tenders/{tender_id}/panel` to commissioning (and the merge would drop it)."""
    return re.sub(r"\{[^}/]+\}", "x", template)


def merge(own: dict, services: dict[str, dict | None]) -> dict:
    """Merge service specs into the gateway's; colliding component names get a prefix."""
    merged = copy.deepcopy(own)
    comps = merged.setdefault("components", {})
    merged.setdefault("paths", {})
    unavailable = []
    for service, spec in services.items():
        if spec is None:
            unavailable.append(service)
            continue
        spec = copy.deepcopy(spec)
        renames = {}
        for section in COMPONENT_SECTIONS:
            for name, value in spec.get("components", {}).get(section, {}).items():
                existing = comps.get(section, {}).get(name)
                if existing is not None and existing != value:
                    prefix = f"#/components/{section}/"
                    renames[prefix + name] = prefix + service.capitalize() + name
        spec = _rename_refs(spec, renames)
        for section in COMPONENT_SECTIONS:
            for name, value in spec.get("components", {}).get(section, {}).items():
                key = f"#/components/{section}/{name}"
                new_name = renames.get(key, key).rsplit("/", 1)[1]
                comps.setdefault(section, {})[new_name] = value
        for path, item in spec.get("paths", {}).items():
            # Only what the gateway routes publicly (service admin endpoints stay internal).
            if path.startswith("/api/v1/") and owner_of(_concrete(path[len("/api/v1"):])) \
                    == service:
                merged["paths"][path] = item
        merged.setdefault("tags", [])
        known = {t["name"] for t in merged["tags"]}
        merged["tags"].extend(t for t in spec.get("tags", []) if t["name"] not in known)
    comps.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    comps.setdefault("securitySchemes", {})["bearerAuth"] = {
        "type": "http", "scheme": "bearer",
        "description": "Opaque token from POST /api/v1/auth/token"}
    merged["security"] = [{}, {"bearerAuth": []}]  # each operation says what it needs
    _problem_errors(merged)
    annotate(merged)
    merged["openapi"] = "3.1.0"
    if unavailable:
        merged["x-coprocure-unavailable"] = unavailable
    return merged


def install_openapi(app: Flask) -> None:
    """Serve the merged document at /openapi.json and Swagger UI at /docs."""
    api = app.extensions["coprocure_api"]

    def openapi_json():
        ttl = float(current_app.config.get("OPENAPI_CACHE_SECONDS", 30))
        specs = {name: _fetch(name, url, ttl)
                 for name, url in current_app.config["UPSTREAMS"].items()}
        return jsonify(merge(api.spec.to_dict(), specs))

    for rule in app.url_map.iter_rules():
        if rule.rule == "/openapi.json":
            app.view_functions[rule.endpoint] = openapi_json

    @app.get("/docs")
    def docs():
        resp = Response(DOCS_HTML, mimetype="text/html")
        resp.headers["Content-Security-Policy"] = DOCS_CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        return resp

    @app.get("/docs/assets/<name>")
    def docs_asset(name: str):
        if name not in DOCS_ASSETS:
            return problem_response(Problem(404, "Not found", f"No such asset: {name}"))
        resp = send_from_directory(SWAGGER_UI, name, max_age=3600)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        return resp
