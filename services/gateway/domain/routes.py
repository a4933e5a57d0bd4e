"""The fixed route table: which service owns a public path and which roles may call it.

Coarse rules only; the owning service does the object-level checks (whose bid, which panel).
Paths are relative to ``/api/v1``. ``{x}`` matches one opaque id segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

ANYONE = "anyone"  # anonymous callers too
SIGNED_IN = "signed_in"  # any authenticated user
COMMISSIONING = "commissioning"
SCORING = "scoring"

_ID = r"[A-Za-z0-9_.~-]{1,128}"
PANEL_STAFF = ("commissioner", "evaluator", "moderator", "auditor")


@dataclass(frozen=True)
class Route:
    """One row of the table: method + path pattern → upstream and the roles allowed."""

    method: str
    pattern: str
    upstream: str
    roles: tuple[str, ...]
    directory: bool = False  # the request names other users the gateway must vouch for
    upload: bool = False  # the body is a document: streamed, up to the document limit

    @property
    def regex(self) -> re.Pattern[str]:
        """The compiled path pattern."""
        return _compile(self.pattern)

    def allows(self, roles: tuple[str, ...] | list[str], signed_in: bool) -> bool:
        """True if a caller with these roles may call the route."""
        if ANYONE in self.roles:
            return True
        if SIGNED_IN in self.roles:
            return signed_in
        return signed_in and any(r in self.roles for r in roles)


_CACHE: dict[str, re.Pattern[str]] = {}


def _compile(pattern: str) -> re.Pattern[str]:
    if pattern not in _CACHE:
        _CACHE[pattern] = re.compile("^" + re.sub(r"\{[a-z_]+\}", _ID, pattern) + "$")
    return _CACHE[pattern]


def _r(method: str, pattern: str, upstream: str, *roles: str, directory: bool = False,
       upload: bool = False) -> Route:
    return Route(method, pattern, upstream, tuple(roles), directory, upload)


C, S = COMMISSIONING, SCORING
ROUTES: tuple[Route, ...] = (
    # Tenders, Q&A (commissioning)
    _r("GET", "/tenders", C, ANYONE),
    _r("POST", "/tenders", C, "commissioner"),
    _r("GET", "/tenders/{id}", C, ANYONE),
    _r("PATCH", "/tenders/{id}", C, "commissioner"),
    _r("POST", "/tenders/{id}/publish", C, "commissioner"),
    _r("POST", "/tenders/{id}/amendments", C, "commissioner"),
    _r("POST", "/tenders/{id}/cancel", C, "commissioner"),
    _r("GET", "/tenders/{id}/questions", C, ANYONE),
    _r("POST", "/tenders/{id}/questions", C, "bidder"),
    _r("POST", "/tenders/{id}/questions/{qid}/answer", C, "commissioner"),
    _r("POST", "/tenders/{id}/questions/{qid}/attachments", C, "commissioner", upload=True),
    # Bids (commissioning)
    _r("POST", "/tenders/{id}/bids", C, "bidder"),
    _r("GET", "/tenders/{id}/bids", C, "bidder", *PANEL_STAFF),  # a bidder: its own bids
    _r("GET", "/bids/{id}", C, "bidder", *PANEL_STAFF),
    _r("PUT", "/bids/{id}", C, "bidder"),
    _r("POST", "/bids/{id}/withdraw", C, "bidder"),
    # Documents (commissioning): a tender's are public once published, a bid's follow the bid
    _r("GET", "/tenders/{id}/documents", C, ANYONE),
    _r("POST", "/tenders/{id}/documents", C, "commissioner", upload=True),
    _r("GET", "/tenders/{id}/documents/{doc}", C, ANYONE),
    _r("GET", "/tenders/{id}/documents/{doc}/content", C, ANYONE),
    _r("GET", "/bids/{id}/documents", C, "bidder", *PANEL_STAFF),
    _r("POST", "/bids/{id}/documents", C, "bidder", upload=True),
    _r("GET", "/bids/{id}/documents/{doc}", C, "bidder", *PANEL_STAFF),
    _r("DELETE", "/bids/{id}/documents/{doc}", C, "bidder"),
    _r("GET", "/bids/{id}/documents/{doc}/content", C, "bidder", *PANEL_STAFF),
    # Evaluation and scoring (scoring)
    _r("PUT", "/tenders/{id}/panel", S, "commissioner", directory=True),
    _r("POST", "/tenders/{id}/conflicts", S, "evaluator", "moderator"),
    _r("GET", "/tenders/{id}/evaluation", S, *PANEL_STAFF),
    _r("POST", "/tenders/{id}/bids/{bid}/scores", S, "evaluator"),
    _r("GET", "/tenders/{id}/bids/{bid}/scores", S, *PANEL_STAFF),
    _r("POST", "/tenders/{id}/bids/{bid}/moderation", S, "moderator"),
    _r("POST", "/tenders/{id}/scoring-runs", S, "commissioner"),
    _r("GET", "/scoring-runs/{id}", S, "commissioner", "auditor"),
    _r("POST", "/scoring-runs/{id}/replay", S, "auditor"),
    _r("POST", "/tenders/{id}/award", S, "commissioner"),
    _r("GET", "/tenders/{id}/awards", S, "commissioner", "auditor"),
    _r("POST", "/tenders/{id}/lots/{lot}/no-award", S, "commissioner"),
    _r("GET", "/bids/{id}/assessment-summary", S, "bidder", "commissioner", "auditor"),
    # Audit (scoring)
    _r("GET", "/audit/events", S, "auditor"),
    _r("GET", "/audit/events/{seq}", S, "auditor"),
    _r("GET", "/audit/events/{seq}/proof", S, "auditor"),
    _r("GET", "/audit/tree-head", S, ANYONE),
    _r("GET", "/audit/tree-heads", S, ANYONE),
    _r("GET", "/audit/public-key", S, ANYONE),
    _r("GET", "/audit/consistency", S, ANYONE),
    _r("GET", "/audit/export", S, "auditor"),
    _r("GET", "/tenders/{id}/ocds", S, ANYONE),
    # Contracts after award: results, co-assessment, validation (commissioning)
    _r("GET", "/tenders/{id}/contract", C, ANYONE),
    _r("GET", "/tenders/{id}/contracts", C, ANYONE),
    _r("GET", "/contracts/{id}", C, ANYONE),
    _r("GET", "/contracts/{id}/assessors", C, "commissioner", "auditor"),
    _r("POST", "/contracts/{id}/assessors", C, "commissioner", directory=True),
    _r("GET", "/contracts/{id}/reports", C, "commissioner", "bidder", "reviewer", "validator",
       "auditor"),
    _r("POST", "/contracts/{id}/reports", C, "bidder"),
    _r("POST", "/reports/{id}/reviews", C, "reviewer"),
    _r("POST", "/reports/{id}/decisions", C, "commissioner", "validator"),
    _r("POST", "/reports/{id}/replies", C, "bidder"),
    _r("POST", "/contracts/{id}/changes", C, "commissioner", "bidder"),
    _r("POST", "/contracts/{id}/changes/{seq}/decision", C, "commissioner", "bidder"),
    # Contract performance (scoring)
    _r("GET", "/contracts/{id}/performance", S, ANYONE),
    _r("POST", "/performance-ratings/{id}/replay", S, "auditor"),
    # Outcome payments, exports and the evidence library (scoring)
    _r("GET", "/contracts/{id}/payments", S, ANYONE),
    _r("POST", "/payment-runs/{id}/replay", S, "auditor"),
    _r("GET", "/contracts/{id}/indigo", S, ANYONE),
    _r("GET", "/library", S, ANYONE),
    _r("GET", "/library/frameworks/{id}", S, ANYONE),
)

# Paths a service owns beyond the table (new endpoints): forwarded for signed-in callers only.
_SCORING_OWNED = tuple(_compile(p) for p in (
    "/tenders/{id}/panel(/.*)?", "/tenders/{id}/conflicts(/.*)?", "/tenders/{id}/evaluation(/.*)?",
    "/tenders/{id}/bids/{bid}/scores(/.*)?", "/tenders/{id}/bids/{bid}/moderation(/.*)?",
    "/tenders/{id}/scoring-runs(/.*)?", "/scoring-runs(/.*)?", "/tenders/{id}/award(/.*)?",
    "/tenders/{id}/awards(/.*)?", "/tenders/{id}/lots/{lot}/no-award(/.*)?",
    "/bids/{id}/assessment-summary(/.*)?", "/audit(/.*)?", "/tenders/{id}/ocds(/.*)?",
    "/contracts/{id}/performance(/.*)?", "/performance-ratings(/.*)?",
    "/contracts/{id}/payments(/.*)?", "/payment-runs(/.*)?", "/contracts/{id}/indigo(/.*)?",
    "/library(/.*)?"))
_COMMISSIONING_OWNED = tuple(_compile(p) for p in ("/tenders(/.*)?", "/bids(/.*)?",
                                                   "/contracts(/.*)?", "/reports(/.*)?"))


def owner_of(path: str) -> str | None:
    """The service that owns a path, or None (unknown paths are never forwarded)."""
    if any(rx.match(path) for rx in _SCORING_OWNED):
        return SCORING
    if any(rx.match(path) for rx in _COMMISSIONING_OWNED):
        return COMMISSIONING
    return None


def resolve(method: str, path: str) -> Route | None:
    """The route for a request (HEAD follows GET); None if no service owns the path."""
    wanted = "GET" if method == "HEAD" else method
    for route in ROUTES:
        if route.method == wanted and route.regex.match(path):
            return route
    upstream = owner_of(path)
    if upstream is None:
        return None
    return Route(method, path, upstream, (SIGNED_IN,))


def table_methods(path: str) -> set[str]:
    """The methods the route table serves at a path (empty if no row matches it)."""
    return {route.method for route in ROUTES if route.regex.match(path)}


_BAD_ENCODED = re.compile(r"%(2e|2f|5c|00|25)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def unsafe_path_reason(raw_uri: str, path: str) -> str | None:
    """Why a request line must not be forwarded (traversal, encoded tricks, absolute URL)."""
    if not raw_uri.startswith("/") or raw_uri.startswith("//"):
        return "absolute or scheme-relative URLs are not accepted"
    raw_path = raw_uri.split("?", 1)[0]
    if _BAD_ENCODED.search(raw_path):
        return "encoded dots, slashes, backslashes or NULs are not accepted in paths"
    for candidate in (raw_path, unquote(raw_path), path):
        if _CONTROL.search(candidate) or "//" in candidate:
            return "malformed path"
        segments = candidate.split("/")
        if any(s in (".", "..") for s in segments):
            return "path traversal is not accepted"
    if "?" in raw_uri and "\x00" in unquote(raw_uri.split("?", 1)[1]):
        return "NUL characters are not accepted in query strings"
    return None
