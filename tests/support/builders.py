"""The example data of docs/api.md, defined once: the tender, the bid, and their parts.

- The tender body is the demo's (``services.demo.scenario.example_tender``: the demo may not
  import tests, so that one definition lives there); its evaluation and price settings and the
  default criteria come from ``shared.methodology``. A tender body carries no criteria: the API
  gives a tender without them the default set.
- The bid body is the example bid ("bid-a" of the worked example in docs/scoring.md): a
  narrative for every default criterion, one verifiable UCLA outcome under Q1, deep
  co-production.

Every builder returns a fresh copy. Keyword overrides replace whole top-level fields
(``tender_body(evaluation=evaluation(mode="automatic"))``, ``bid_body(price=gbp("1.00"))``);
a test that relies on a value (Q1's minimum score, a price) passes it, so it says so.
"""

from __future__ import annotations

import copy
import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from services.demo import scenario
from shared.canonical import canonical_sha256
from shared.methodology import DEFAULT_CRITERIA, DEFAULT_EVALUATION, default_criteria
from shared.time import rfc3339

KEYS: tuple[str, ...] = tuple(c["key"] for c in DEFAULT_CRITERIA)
# The deadlines of the docs/api.md example, for documents that are not checked against a clock.
CLARIFICATION_DEADLINE = "2027-01-10T12:00:00Z"
SUBMISSION_DEADLINE = "2027-01-20T12:00:00Z"


def gbp(amount: str) -> dict[str, str]:
    """A money value in pounds."""
    return {"amount": amount, "currency": "GBP"}


# --- tenders ---------------------------------------------------------------------------------


def criterion(key: str, **changes: Any) -> dict[str, Any]:
    """One default criterion (shared.methodology), with some fields changed."""
    found = next((c for c in default_criteria() if c["key"] == key), None)
    if found is None:
        raise KeyError(f"no default criterion {key!r} (the defaults are {KEYS})")
    return {**found, **copy.deepcopy(changes)}


def criteria(**changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The default criteria set with fields of some changed:
    ``criteria(Q1={"minimum_score": 3})``."""
    unknown = set(changes) - set(KEYS)
    if unknown:
        raise KeyError(f"no default criteria {sorted(unknown)} (the defaults are {KEYS})")
    return [criterion(key, **changes.get(key, {})) for key in KEYS]


def evaluation(**changes: Any) -> dict[str, Any]:
    """The example tender's evaluation settings (the published defaults), some changed."""
    return {**DEFAULT_EVALUATION, **changes}


def price_rules(**changes: Any) -> dict[str, Any]:
    """The example tender's price settings (absolute benchmark, 250k floor, 450k ceiling)."""
    return {**_example_tender()["price"], **copy.deepcopy(changes)}


def _example_tender(clarification: str = CLARIFICATION_DEADLINE,
                    submission: str = SUBMISSION_DEADLINE) -> dict[str, Any]:
    return scenario.example_tender(clarification, submission)


def tender_body(now: datetime | None = None, **overrides: Any) -> dict[str, Any]:
    """The example tender as a commissioner creates it: deadlines 10 and 20 days after ``now``
    (the real clock unless given), no criteria (the API adds the defaults)."""
    now = now or datetime.now(UTC)
    body = _example_tender(rfc3339(now + timedelta(days=10)), rfc3339(now + timedelta(days=20)))
    body.update(copy.deepcopy(overrides))
    return body


def tender_document(**overrides: Any) -> dict[str, Any]:
    """The example tender as commissioning publishes it (what scoring receives and keeps): the
    body's fields at the docs/api.md deadlines, the default criteria, an id, owner and state."""
    doc = {
        "id": f"tnd_{uuid.uuid4().hex[:12]}", "status": "published", "version": 1,
        "organisation_id": "org_council", "owner_user_id": "usr_commissioner",
        **_example_tender(),
        "criteria": default_criteria(),
    }
    doc.update(copy.deepcopy(overrides))
    return doc


# --- bids ------------------------------------------------------------------------------------


def outcome_commitment(**overrides: Any) -> dict[str, Any]:
    """The example bid's outcome commitment: UCLA-3 loneliness, baseline to target, pre/post,
    assessed by people using the service and independently, co-defined with them."""
    body = {
        "statement": "Isolated older people feel less lonely",
        "declared_level": "outcome",
        "indicator": {"name": "UCLA 3-item loneliness score", "unit": "scale",
                      "instrument": "UCLA-3"},
        "baseline": {"value": 7.1, "date": "2026-09-01", "source": "intake survey"},
        "target": {"value": 5.5, "by": "2028-03-31"},
        "sustainment_period_months": 9,
        "validation_method": "pre_post",
        "assessed_by": ["people_using_service", "independent"],
        "co_defined_with_users": True,
        "reporting_frequency": "quarterly",
    }
    body.update(copy.deepcopy(overrides))
    return body


def coproduction(**overrides: Any) -> dict[str, Any]:
    """The example bid's co-production offer: co-production in design and delivery, shared
    governance and paid lived-experience roles, six principles, three reciprocity offers."""
    body = {
        "stages": {"commissioning": "co-design", "design": "co-production",
                   "delivery": "co-production", "assessment": "engagement"},
        "power_sharing": ["governance_seats", "paid_lived_experience_roles"],
        "principles": ["assets", "capabilities", "reciprocity", "peer_support",
                       "blurring_roles", "facilitating"],
        "reciprocity_offers": ["training", "expenses", "first_refusal_on_jobs"],
    }
    body.update(copy.deepcopy(overrides))
    return body


def responses(commitments: list[dict[str, Any]] | None = None,
              keys: tuple[str, ...] = KEYS) -> list[dict[str, Any]]:
    """A narrative for every criterion; the commitments (default: the example's) under Q1."""
    out: list[dict[str, Any]] = [{"criterion_key": k, "narrative": f"Our approach to {k}."}
                                 for k in keys]
    out[0]["narrative"] = "How we will know lives have changed: measured against a baseline."
    out[0]["outcome_commitments"] = copy.deepcopy(
        [outcome_commitment()] if commitments is None else commitments)
    return out


def bid_body(*, commitments: list[dict[str, Any]] | None = None,
             **overrides: Any) -> dict[str, Any]:
    """The example bid as a bidder submits it (docs/api.md "Bid body"); ``commitments``
    replaces the Q1 outcome commitments, overrides replace fields."""
    body = {"price": gbp("398000.00"), "responses": responses(commitments),
            "coproduction": coproduction()}
    body.update(copy.deepcopy(overrides))
    return body


# --- queue events about tenders (commissioning → scoring) ------------------------------------


def tender_published(doc: dict[str, Any], event_type: str = "TenderPublished") -> dict[str, Any]:
    """A ``TenderPublished`` (or ``TenderAmended``) payload carrying the tender document."""
    return {"schema_version": 1, "event_id": f"evt-{uuid.uuid4().hex}", "event_type": event_type,
            "tender_id": doc["id"], "tender": copy.deepcopy(doc)}


def opened_bid(bid_id: str, organisation_id: str, name: str, content: dict[str, Any]
               ) -> dict[str, Any]:
    """One opened bid inside ``TenderClosed``, with the hash of its content."""
    return {"bid_id": bid_id, "organisation_id": organisation_id, "organisation_name": name,
            "version": 1, "tender_version": 1, "submitted_at": "2027-01-19T09:30:00.000001Z",
            "content_sha256": canonical_sha256(content), "content": copy.deepcopy(content)}


def tender_closed(doc: dict[str, Any], bids: list[dict[str, Any]]) -> dict[str, Any]:
    """A ``TenderClosed`` payload: the closed tender, its opened bids, their snapshot hash."""
    snapshot = {**copy.deepcopy(doc), "status": "closed"}
    return {"schema_version": 1, "event_id": f"evt-{uuid.uuid4().hex}",
            "event_type": "TenderClosed", "tender_id": doc["id"],
            "closed_at": doc["submission_deadline"], "opened_at": "2027-01-20T12:00:01Z",
            "snapshot_sha256": canonical_sha256({"tender": snapshot, "bids": bids}),
            "tender": snapshot, "bids": bids}


# --- scoring-run inputs (the scoring domain) -------------------------------------------------

NO_FINDINGS: dict[str, Any] = {
    "model_version": "test", "commitments": [], "coproduction": {},
    "gates": [{"name": "mandatory_responses_present", "passed": True}],
    "caps": [], "flags": [], "indicative_scores": {},
}


def run_inputs(bids: dict[str, dict[str, Any]], panel: dict[str, dict[str, list[int]]],
               moderation: dict[str, dict[str, Any]] | None = None,
               tender: dict[str, Any] | None = None,
               assessments: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Scoring-run inputs: ``bids`` maps ids to ``{"price": amount}``; a bid without an
    assessment gets one with no findings (no caps, the gates passed)."""
    return {
        "tender": tender or tender_document(),
        "bids": [{"bid_id": b, "price": gbp(p["price"])} for b, p in bids.items()],
        "assessments": {b: copy.deepcopy((assessments or {}).get(b, NO_FINDINGS)) for b in bids},
        "panel_scores": panel,
        "moderation": moderation or {},
    }


def panel_all(score: int, keys: tuple[str, ...] = KEYS) -> dict[str, list[int]]:
    """Three evaluators giving the same score on every criterion."""
    return {k: [score, score, score] for k in keys}


# --- rate cards and contract events (issue 19) -----------------------------------------------


def rate_card(**overrides: Any) -> dict[str, Any]:
    """The demo contract's rate card (``services.demo.scenario.example_rate_card``: the demo
    may not import tests), some top-level fields replaced."""
    body = scenario.example_rate_card()
    body.update(copy.deepcopy(overrides))
    return body


def contract_event(event_type: str, n: int, contract: dict[str, Any], data: dict[str, Any],
                   *, period: int | None = None, decisions: list[dict[str, Any]] | None = None,
                   role: str = "system") -> dict[str, Any]:
    """A ``ContractEvent`` (commissioning → scoring) about ``contract`` (``id``, ``start_date``,
    ``metrics``); ``decisions`` as commissioning sends them with ``ResultDecided``, and the
    validated ones among them as ``validated``."""
    decided = copy.deepcopy(decisions or [])
    return {"schema_version": 1, "event_id": f"{event_type}-{contract['id']}-{n}",
            "event_type": event_type, "contract_id": contract["id"], "tender_id": "tnd_1",
            "occurred_at": f"2030-06-{n:02d}T10:00:00Z", "actor_id": f"usr_{role}",
            "actor_role": role, "request_id": None, "contract": copy.deepcopy(contract),
            "data": copy.deepcopy(data), "period": period, "decisions": decided,
            "validated": [{"metric_id": d["metric_id"], "value": "1",
                           "report_id": d["report_id"], "report_version": 1}
                          for d in decided if d["decision"] == "validated"]}


def decided(metric_id: str, period: int, with_outcome: int, engaged: int = 50,
            decision: str = "validated", by: str = "validator") -> dict[str, Any]:
    """One decided result as ``ResultDecided`` carries it (counts only; no person)."""
    return {"metric_id": metric_id, "report_id": f"rpt_{metric_id}_{period}",
            "report_version": 1, "decision": decision, "decided_by": by,
            "people_engaged": engaged, "people_with_outcome": with_outcome}


def rated_contract(contract_id: str = "ctr_1", periods: int = 4,
                   metrics: tuple[str, ...] = ("M1", "M2", "M3")) -> dict[str, Any]:
    """A contract as ``ContractCreated`` carries it to scoring, with the example rate card bound
    M1/M2/M3 in card order (loneliness, wellbeing, peer roles)."""
    card = rate_card()
    for outcome, metric in zip(card["outcomes"], metrics, strict=False):
        outcome["metric_id"] = metric
    schedule = [{"period": p, "start": f"2030-{3 * p - 2:02d}-01",
                 "end": f"2030-{3 * p:02d}-28"} for p in range(1, periods + 1)]
    return {"id": contract_id, "start_date": "2030-01-01", "title": "Wellbeing service",
            "value": gbp("398000.00"),
            "supplier": {"organisation_id": "org_provider", "name": "Brightside Connect CIC"},
            "buyer": {"organisation_id": "org_council", "name": "Riverside Borough Council"},
            "start": "2030-01-01", "end_date": "2030-12-31",
            "metrics": [{"id": m, "unit": "count", "criterion_key": "Q1",
                         "statement": f"Outcome {m}",
                         "indicator": {"name": f"Indicator {m}", "unit": "count"},
                         "baseline": None, "target": {"value": 100, "by": None},
                         "schedule": schedule} for m in metrics],
            "rate_card": card}


# --- documents (one small real file of each allowed type) ------------------------------------


def _zip(entries: list[tuple[str, bytes]], first_stored: bool = False) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for i, (name, data) in enumerate(entries):
            stored = first_stored and i == 0
            archive.writestr(name, data, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def document_bytes(kind: str, size: int = 0) -> bytes:
    """A small real file of an allowed kind (pdf, docx, xlsx, odt, ods, csv, txt, png, jpeg),
    padded to at least ``size`` bytes where the format allows padding."""
    if kind == "pdf":
        body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
        return body + b"%" + b"x" * max(0, size - len(body) - 7) + b"\n%%EOF\n"
    if kind in ("docx", "xlsx"):
        inner = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
        return _zip([("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<Relationships/>"),
                     (inner, b"<doc/>" + os.urandom(max(0, size)))])
    if kind in ("odt", "ods"):
        mime = {"odt": b"application/vnd.oasis.opendocument.text",
                "ods": b"application/vnd.oasis.opendocument.spreadsheet"}[kind]
        return _zip([("mimetype", mime), ("content.xml", b"<office:document-content/>"),
                     ("META-INF/manifest.xml", b"<manifest/>")], first_stored=True)
    if kind == "csv":
        return b"item,price\n" + b"sessions,100.00\n" * max(1, size // 16)
    if kind == "txt":
        return "Method statement – how we work\n".encode() * max(1, size // 32)
    if kind == "png":
        return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * max(13, size)
    if kind == "jpeg":
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * max(8, size) + b"\xff\xd9"
    raise KeyError(f"no document kind {kind!r}")


# --- lots ------------------------------------------------------------------------------------


def lot(key: str, **overrides: Any) -> dict[str, Any]:
    """A lot of the example tender: an area of the borough, its value and price bounds."""
    body = {"key": key, "title": f"Lot {key}: {key.lower()} neighbourhoods",
            "description": "Community wellbeing and loneliness service for this area.",
            "estimated_value": gbp("200000.00"),
            "price": {"ceiling": gbp("225000.00"), "floor": gbp("125000.00")}}
    body.update(copy.deepcopy(overrides))
    return body


def reserved(*kinds: str) -> dict[str, Any]:
    """A reservation of a lot for these organisation kinds (VCSEs and mutuals by default)."""
    return {"kinds": list(kinds or ("social_enterprise", "charity", "cic", "cooperative",
                                     "mutual")),
            "reason": "Reserved for VCSE organisations and mutuals."}
