"""What the merged OpenAPI document promises beyond each service's own spec: an operationId per
operation, the error responses it can really give, whether it needs a token (from the route
table), and the shape of the ids in its path. Pure: plain dicts in, plain dicts out."""

from __future__ import annotations

import re

from services.gateway.domain.routes import ANYONE, resolve

API_PREFIX = "/api/v1"
BEARER = {"bearerAuth": []}
OPTIONAL_BEARER = [{}, BEARER]
# The gateway's own operations a caller makes before having a token.
ANONYMOUS_GATEWAY = frozenset({("post", "/auth/register"), ("post", "/auth/token")})
# Ids are `<prefix>_<32 hex>` (shared/ids.py); the prefix follows the collection in the path.
ID_PREFIXES = {
    "tenders": "tnd", "follows": "tnd", "bids": "bid", "documents": "doc", "questions": "q",
    "contracts": "ctr", "reports": "rpt", "users": "usr", "organisations": "org",
    "notifications": "ntf", "deliveries": "dlv", "scoring-runs": "run", "payment-runs": "pay",
    "performance-ratings": "prt",
}
# Names the generic rule below would make awkward ("METHOD path" without the /api/v1 prefix).
OPERATION_IDS = {
    "POST /auth/register": "register",
    "POST /auth/token": "createToken",
    "DELETE /auth/token": "revokeToken",
    "POST /auth/revoke": "revokeTokenByPost",
    "POST /me/password": "changeMyPassword",
    "POST /users/{user_id}/revoke-tokens": "revokeUserTokens",
    "POST /admin/queues/failed/{job_id}/requeue": "requeueFailedJob",
    "POST /notifications/{notification_id}/read": "markNotificationRead",
    "POST /notifications/read-all": "markAllNotificationsRead",
    "GET /notifications/preferences": "getNotificationPreferences",
    "PUT /notifications/preferences": "setNotificationPreferences",
    "PUT /follows/{tender_id}": "followTender",
    "DELETE /follows/{tender_id}": "unfollowTender",
    "GET /follows": "listFollowedTenders",
    "POST /tenders/{tender_id}/bids": "submitBid",
    "PUT /bids/{bid_id}": "replaceBid",
    "GET /tenders/{tender_id}/ocds": "getTenderOcdsPackage",
    "POST /tenders/{tender_id}/bids/{bid_id}/moderation": "moderateBidScores",
    "POST /contracts/{contract_id}/changes/{number}/decision": "decideContractChange",
    "POST /tenders/{tender_id}/scoring-runs": "startScoringRun",
    "GET /admin/failed-jobs": "listFailedJobs",
    "POST /admin/failed-jobs/{job_id}/requeue": "requeueServiceFailedJob",
}
ITEM_VERBS = {"get": "get", "put": "replace", "patch": "update", "delete": "delete",
              "post": "post"}
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_PARAM = re.compile(r"^\{([^}]+)\}$")


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _camel(words: list[str]) -> str:
    return "".join(part.capitalize() for word in words for part in word.split("-"))


def operation_id(method: str, path: str) -> str:
    """A stable, readable operationId: `listTenders`, `getBid`, `publishTender`."""
    method = method.lower()
    rel = path[len(API_PREFIX):] if path.startswith(API_PREFIX) else path
    named = OPERATION_IDS.get(f"{method.upper()} {rel}")
    if named:
        return named
    segments = [s for s in rel.split("/") if s]
    words = []  # literal segments; a collection followed by an id names one item of it
    for i, seg in enumerate(segments):
        if _PARAM.match(seg):
            continue
        followed_by_id = i + 1 < len(segments) and _PARAM.match(segments[i + 1])
        words.append(_singular(seg) if followed_by_id else seg)
    if not words:
        return method
    if segments and _PARAM.match(segments[-1]):
        return ITEM_VERBS.get(method, method) + _camel(words)
    *context, last = words
    context = [_singular(w) for w in context]
    if method == "get":
        plural = last.endswith("s") and not last.endswith("ss")
        return ("list" if plural else "get") + _camel([*context, last])
    if method == "post" and last.endswith("s") and not last.endswith("ss"):
        return "create" + _camel([*context, _singular(last)])
    if method == "post":  # an action on what precedes it: publishTender, withdrawBid
        verb = _camel([last])
        return verb[0].lower() + verb[1:] + _camel(context)
    return ITEM_VERBS.get(method, method) + _camel([*context, last])


# Other path segments (job ids, framework slugs): what the gateway forwards at all; anything
# else (controls, dots, encoded slashes) is refused as a malformed path (400) before routing.
SEGMENT_PATTERN = "^[A-Za-z0-9_-]{1,128}$"
# Free-text query values: the gateway refuses NULs in query strings (400).
QUERY_TEXT_PATTERN = "^[^\\x00]*$"


def id_pattern(path: str, name: str) -> str | None:
    """The pattern of a path parameter's id, from the collection it follows (None if unknown)."""
    segments = [s for s in path.split("/") if s]
    for i, seg in enumerate(segments):
        if seg == "{" + name + "}" and i > 0:
            prefix = ID_PREFIXES.get(segments[i - 1])
            return f"^{prefix}_[0-9a-f]{{32}}$" if prefix else SEGMENT_PATTERN
    return None


def security_for(method: str, path: str) -> list[dict]:
    """[{}, bearer] where an anonymous caller may call the operation, [bearer] otherwise."""
    rel = path[len(API_PREFIX):]
    if (method, rel) in ANONYMOUS_GATEWAY:
        return OPTIONAL_BEARER
    concrete = re.sub(r"\{[^}/]+\}", "x", rel)
    route = resolve(method.upper(), concrete)
    if route is not None and ANYONE in route.roles:
        return OPTIONAL_BEARER
    return [BEARER]


def roles_for(method: str, path: str) -> list[str]:
    """Who may call the operation, as the gateway's route table says (for the description)."""
    rel = path[len(API_PREFIX):]
    route = resolve(method.upper(), re.sub(r"\{[^}/]+\}", "x", rel))
    return list(route.roles) if route is not None else []


def error_codes(method: str, path: str, op: dict, security: list[dict]) -> list[str]:
    """The error statuses the operation can answer (problem+json)."""
    has_body = "requestBody" in op
    # An id of the wrong shape is a 404 (no such object), not a 422.
    has_params = any(p.get("in") == "query" for p in op.get("parameters", []))
    codes = ["400", "401"]
    if security == [BEARER]:
        codes.append("403")
    if "{" in path:
        codes.append("404")
    if method != "get":
        codes.append("409")
    if has_body:
        codes += ["413", "415"]
    if has_body or has_params:
        codes.append("422")
    codes.append("429")
    return codes


def path_parameters(path: str, item: dict, op: dict) -> list[dict]:
    """The path parameters that apply to an operation (declared on it or on its path)."""
    found = [p for p in op.get("parameters", []) if p.get("in") == "path"]
    found += [p for p in item.get("parameters", []) if p.get("in") == "path"]
    return found


_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
ERROR_RESPONSES = {
    "400": ("BadRequest", "The request line or body is malformed (unsafe path, bad JSON)."),
    "401": ("Unauthorized", "No valid bearer token where one is needed, or an invalid one."),
    "403": ("Forbidden", "The caller's role or relation to the object does not allow this."),
    "404": ("NotFound", "No such object (or the caller may not know of it)."),
    "409": ("Conflict", "The object's state does not allow this now (or an Idempotency-Key "
                        "was reused with another body)."),
    "413": ("PayloadTooLarge", "The body is larger than the limit."),
    "415": ("UnsupportedMediaType", "The body is not of a media type the operation accepts."),
    "422": ("UnprocessableContent", "A field is invalid; `errors` names each one."),
    "429": ("TooManyRequests", "Too many requests; wait `Retry-After` seconds."),
}
_HEADERS = {
    "401": {"WWW-Authenticate": {"schema": {"type": "string"},
                                 "description": "The Bearer challenge"}},
    "429": {"Retry-After": {"schema": {"type": "string"},
                            "description": "Seconds to wait before trying again"}},
}


def error_components() -> dict[str, dict]:
    """One reusable response per error status, each a problem+json document."""
    out = {}
    for code, (name, text) in ERROR_RESPONSES.items():
        response = {"description": text, "content": _PROBLEM}
        if code in _HEADERS:
            response["headers"] = _HEADERS[code]
        out[name] = response
    return out


def annotate(doc: dict) -> None:
    """Give every /api/v1 operation its operationId, security, error responses and id
    patterns, in place."""
    doc.setdefault("components", {}).setdefault("responses", {}).update(error_components())
    seen: dict[str, str] = {}
    for path, item in doc.get("paths", {}).items():
        if not path.startswith(API_PREFIX + "/"):
            continue
        for method, op in item.items():
            if method not in METHODS or not isinstance(op, dict):
                continue
            name = op.get("operationId") or operation_id(method, path)
            while name in seen and seen[name] != f"{method} {path}":
                name += "Again"  # never expected: the unit tests keep names unique
            seen[name] = f"{method} {path}"
            op["operationId"] = name
            security = security_for(method, path)
            op["security"] = security
            roles = roles_for(method, path)
            if roles:
                op["x-coprocure-roles"] = roles
            responses = op.setdefault("responses", {})
            for code in error_codes(method, path, op, security):
                responses.setdefault(code, {
                    "$ref": f"#/components/responses/{ERROR_RESPONSES[code][0]}"})
            for param in path_parameters(path, item, op):
                pattern = id_pattern(path, param["name"])
                if pattern and param.get("schema", {}).get("type") == "string":
                    param["schema"]["pattern"] = pattern
            for param in op.get("parameters", []):
                schema = param.get("schema", {})
                if param.get("in") == "query" and _free_text(schema):
                    schema["pattern"] = QUERY_TEXT_PATTERN


def _free_text(schema: dict) -> bool:
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    return "string" in types and not {"pattern", "enum", "format"} & set(schema)
