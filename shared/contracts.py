"""The queue contract between services: job names, queues and versioned payload schemas.

Every payload is JSON with ``schema_version`` and an ``event_id``; consumers validate with
these schemas and record ``event_id`` as processed in the same transaction as the effect, so a
job that runs twice records its effect once. Job ids use only letters, digits, ``_`` and ``-``.
"""

from __future__ import annotations

from typing import Any

import msgspec
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from shared.canonical import sha256_hex

SCHEMA_VERSION = 1

# job dotted name -> queue
CLOSE_DUE_TENDERS = "services.commissioning.jobs.close_due_tenders"
RECORD_SCORING_RESULT = "services.commissioning.jobs.record_scoring_result"
RECORD_TENDER = "services.scoring.jobs.record_tender"
ASSESS_TENDER = "services.scoring.jobs.assess_tender"
RUN_SCORING = "services.scoring.jobs.run_scoring"
PUBLISH_TREE_HEAD = "services.scoring.jobs.publish_tree_head"
RECORD_CONTRACT_EVENT = "services.scoring.jobs.record_contract_event"
RUN_PAYMENTS = "services.scoring.jobs.run_payments"
REMIND_MISSING_SCORES = "services.scoring.jobs.remind_missing_scores"
REMIND_REPORTS = "services.commissioning.jobs.remind_reports"
RECORD_NOTIFICATION_EVENT = "services.gateway.jobs.record_notification_event"
SEND_NOTIFICATION = "services.gateway.jobs.send_notification"
SEND_REMINDERS = "services.gateway.jobs.send_reminders"

JOB_QUEUES = {
    CLOSE_DUE_TENDERS: "commissioning",
    RECORD_SCORING_RESULT: "commissioning",
    RECORD_TENDER: "scoring",
    ASSESS_TENDER: "scoring",
    RUN_SCORING: "scoring",
    PUBLISH_TREE_HEAD: "scoring",
    RECORD_CONTRACT_EVENT: "scoring",
    RUN_PAYMENTS: "scoring",
    REMIND_MISSING_SCORES: "scoring",
    REMIND_REPORTS: "commissioning",
    RECORD_NOTIFICATION_EVENT: "gateway",
    SEND_NOTIFICATION: "gateway",
    SEND_REMINDERS: "gateway",
}


class _Payload(Schema):
    class Meta:
        unknown = EXCLUDE  # newer producers may add fields; consumers ignore them

    schema_version = fields.Integer(required=True, validate=validate.Range(min=1, max=1))
    event_id = fields.String(required=True)


class TenderPublished(_Payload):
    """commissioning → scoring (``record_tender``): a tender was published, amended or cancelled.

    ``tender`` is the public tender document (as ``GET /tenders/{id}`` returns it, including
    ``id``, ``status``, ``version``, ``owner_user_id``, ``organisation_id``, criteria, price,
    evaluation and deadlines), so scoring can authorise panel set-up before the deadline.
    """

    event_type = fields.String(required=True, validate=validate.OneOf(
        ["TenderPublished", "TenderAmended", "TenderCancelled"]))
    tender_id = fields.String(required=True)
    tender = fields.Dict(required=True)


class OpenedBid(Schema):
    """One bid opened at the deadline, inside ``TenderClosed``."""

    class Meta:
        unknown = EXCLUDE

    bid_id = fields.String(required=True)
    organisation_id = fields.String(required=True)
    organisation_name = fields.String(allow_none=True, load_default=None)
    version = fields.Integer(required=True)
    tender_version = fields.Integer(required=True)
    submitted_at = fields.String(required=True)
    content_sha256 = fields.String(required=True)
    content = fields.Dict(required=True)  # {price, responses, coproduction} exactly as submitted
    # The bid's documents at opening (document_id, filename, size, sha256, price_schedule);
    # absent when it has none.
    documents = fields.List(fields.Dict(), load_default=list)
    lot_key = fields.String(allow_none=True, load_default=None)  # absent without lots


class SnapshotPage(Schema):
    """One page of a large close's opened bids: a JSON array of ``OpenedBid`` objects, staged
    in Redis under ``key`` by commissioning's outbox relay."""

    key = fields.String(required=True, validate=validate.Regexp(r"^coprocure:snapshot:"))
    sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    bids = fields.Integer(required=True, validate=validate.Range(min=1))


class OpenedBidsReference(Schema):
    """Where a large close's opened bids are, in order: ``count`` bids in ``pages``."""

    count = fields.Integer(required=True, validate=validate.Range(min=0))
    pages = fields.List(fields.Nested(SnapshotPage), required=True)


class TenderClosed(_Payload):
    """commissioning → scoring (``assess_tender``): the frozen criteria and every opened bid.

    Job id ``assess-{tender_id}-{snapshot_sha256[:32]}``; ``snapshot_sha256`` is the SHA-256 of
    the RFC 8785 canonical JSON of ``{"tender": ..., "bids": ...}``. The bids come inline
    (``bids``) or, for a close with many, by reference (``bids_ref``: pages staged in Redis;
    docs/architecture.md, "Events by reference"), never both.
    """

    event_type = fields.String(required=True, validate=validate.Equal("TenderClosed"))
    tender_id = fields.String(required=True)
    closed_at = fields.String(required=True)
    opened_at = fields.String(required=True)
    snapshot_sha256 = fields.String(required=True)
    tender = fields.Dict(required=True)
    bids = fields.List(fields.Nested(OpenedBid))
    bids_ref = fields.Nested(OpenedBidsReference)

    @validates_schema
    def _bids_one_way(self, data: dict[str, Any], **_: Any) -> None:
        if ("bids" in data) == ("bids_ref" in data):
            raise ValidationError("give either bids or bids_ref", "bids")


SNAPSHOT_PAGE_BIDS = 500  # ~2.5 MB of ~5 KB bids per page


def snapshot_pages(snapshot_sha256: str, bids: list[dict[str, Any]],
                   page_bids: int = SNAPSHOT_PAGE_BIDS) -> tuple[dict[str, Any], dict[str, bytes]]:
    """A close's opened bids as ``(bids_ref, {key: page bytes})`` for ``TenderClosed``."""
    ref: dict[str, Any] = {"count": len(bids), "pages": []}
    blobs: dict[str, bytes] = {}
    for index, start in enumerate(range(0, len(bids), page_bids)):
        page = bids[start:start + page_bids]
        body = msgspec.json.encode(page)
        key = f"coprocure:snapshot:{snapshot_sha256}:{index}"
        ref["pages"].append({"key": key, "sha256": sha256_hex(body),
                             "bids": len(page)})
        blobs[key] = body
    return ref, blobs


def opened_bids_page(page: dict[str, Any], body: bytes | None
                     ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One staged page's bids as sent (for the snapshot hash) and as loaded, checked against
    its reference (``ValueError`` naming the page if it is missing, altered or not what the
    reference says)."""
    if body is None:
        raise ValueError(f"snapshot page {page['key']} is not in Redis (expired or lost)")
    if sha256_hex(body) != page["sha256"]:
        raise ValueError(f"snapshot page {page['key']} does not match its sha256")
    try:
        raw = msgspec.json.decode(body)
        loaded = OpenedBid(many=True).load(raw)
    except (msgspec.DecodeError, ValidationError) as exc:
        raise ValueError(f"snapshot page {page['key']} is not a list of opened bids: "
                         f"{exc}") from exc
    if len(loaded) != page["bids"]:
        raise ValueError(f"snapshot page {page['key']} holds {len(loaded)} bids, not "
                         f"{page['bids']}")
    return raw, loaded


class RunScoringRequested(_Payload):
    """scoring API → scoring worker (``run_scoring``). Job id ``run-{run_id}``."""

    run_id = fields.String(required=True)
    tender_id = fields.String(required=True)


class ScoringResult(_Payload):
    """scoring → commissioning (``record_scoring_result``): moves the tender's state.

    ``event_type``: ``TenderAssessed`` (closed → evaluating), ``PanelSet`` (``data`` =
    ``{evaluators: [user_id], moderator: user_id}``, lets commissioning show bids to the panel),
    ``ScoringRunCompleted`` (evaluating → scored; ``data`` = ``{run_id, output_sha256,
    ranking}``), ``BidAwarded`` (scored → awarded; ``data`` = ``{bid_id, run_id, justification,
    awarded_at, standstill_ends_at}``). Job id ``result-{event_id}``.

    On a tender with lots, ``ScoringRunCompleted`` and ``BidAwarded`` data add ``lot_key``, and
    ``BidAwarded`` adds ``tender_awarded`` (true once every lot is decided in scoring; for
    information: commissioning counts the lots it has recorded, whatever the events' order);
    ``LotNotAwarded`` (``data`` = ``{lot_key, decided_at, justification, tender_awarded}``)
    closes a lot without an award.
    """

    event_type = fields.String(required=True, validate=validate.OneOf(
        ["TenderAssessed", "PanelSet", "ScoringRunCompleted", "BidAwarded", "LotNotAwarded"]))
    tender_id = fields.String(required=True)
    data = fields.Dict(load_default=dict)


CONTRACT_EVENTS = ("ContractCreated", "ContractChanged", "ReportSubmitted", "ReportReviewed",
                   "ResultDecided", "DisputeReplied")


class ContractEvent(_Payload):
    """commissioning → scoring (``record_contract_event``): a step in managing a contract.

    ``contract`` is what performance needs (``id``, ``start_date``, ``metrics``: each ``id``,
    ``unit``, ``baseline``, ``target``, ``schedule`` of ``{period, end}``); ``data`` describes
    the step (report figures, a verdict, a decision; comments only as their SHA-256);
    ``period`` and ``validated`` (``[{metric_id, value, report_id, report_version}]``, the
    period's validated results) come with ``ResultDecided``, and with it ``decisions``: every
    current report of the period that has a decision (``{metric_id, report_id, report_version,
    decision, decided_by, people_engaged, people_with_outcome}``), what outcome payments are
    computed from. ``ContractCreated`` data carries the contract's ``rate_card`` (or null).
    Job id ``contract-{event_id}``.
    """

    event_type = fields.String(required=True, validate=validate.OneOf(CONTRACT_EVENTS))
    contract_id = fields.String(required=True)
    tender_id = fields.String(required=True)
    occurred_at = fields.String(required=True)
    actor_id = fields.String(required=True)
    actor_role = fields.String(required=True)
    request_id = fields.String(allow_none=True, load_default=None)
    contract = fields.Dict(required=True)
    data = fields.Dict(load_default=dict)
    period = fields.Integer(allow_none=True, load_default=None)
    validated = fields.List(fields.Dict(), load_default=list)
    # None from a producer older than issue 19: the period's decided results are left as kept
    decisions = fields.List(fields.Dict(), allow_none=True, load_default=None)


class RunPaymentsRequested(_Payload):
    """scoring → its own worker (``run_payments``): recompute a contract's outcome payments
    from what scoring holds now. Job id ``payments-{event_id}``; a run whose inputs equal the
    current run's records nothing, so a repeated or retried job pays nothing twice."""

    contract_id = fields.String(required=True)


NOTIFICATION_EVENTS = ("QuestionAsked", "AnswerPublished", "TenderAmended", "BidSubmitted",
                       "TenderCancelled", "TenderClosed", "PanelAppointed", "BidsOpenForScoring",
                       "ModerationWaiting", "ScoresMissing", "AwardDecided", "ReportToAssess",
                       "ReportDue", "ReportLate")


class NotificationEvent(_Payload):
    """commissioning or scoring → gateway (``record_notification_event``): something people
    must hear of. Ids and public facts only: the gateway resolves who hears it and writes the
    letters. Job id ``notify-{event_id}``.

    ``tender`` holds the public facts a letter quotes (``title``, ``submission_deadline``,
    ``organisation_id`` of the buyer); ``data`` per event type (docs/architecture.md,
    "Notifications"): ``QuestionAsked`` and ``BidSubmitted`` ``{organisation_id}`` (the asker or
    bidder, never passed on to anyone), ``AnswerPublished`` ``{question_id}``, ``TenderAmended``
    ``{version}``, ``TenderCancelled`` ``{}``, ``TenderClosed`` ``{receipts:
    [{organisation_id, bid_id, version, content_sha256, submitted_at}]}`` (each organisation
    hears only its own),
    ``PanelAppointed``, ``BidsOpenForScoring``, ``ModerationWaiting`` and ``ScoresMissing``
    ``{user_ids, key}``, ``AwardDecided`` ``{awarded_bid_id, standstill_ends_at, bids:
    [{bid_id, organisation_id}]}``, ``ReportToAssess`` ``{key, user_ids, contract_id,
    metric_id, period}`` (the contract's reviewers), ``ReportDue`` and ``ReportLate`` ``{key,
    organisation_id, contract_id, metric_id, period, due}`` (the provider).
    """

    event_type = fields.String(required=True, validate=validate.OneOf(NOTIFICATION_EVENTS))
    tender_id = fields.String(required=True)
    tender = fields.Dict(load_default=dict)
    data = fields.Dict(load_default=dict)


class SendNotification(_Payload):
    """gateway → gateway (``send_notification``): send one letter. Job id ``mail-{delivery_id}``
    (``-r{n}`` when an admin retries a failed one)."""

    delivery_id = fields.String(required=True)


class Tick(Schema):
    """scheduler → a service: a periodic sweep (``send_reminders``, ``remind_missing_scores``,
    ``remind_reports``)."""

    class Meta:
        unknown = EXCLUDE

    schema_version = fields.Integer(required=True)
    slot = fields.Integer(load_default=None, allow_none=True)


class CloseDueTenders(Schema):
    """scheduler → commissioning (``close_due_tenders``): the sweeper tick (or one tender)."""

    class Meta:
        unknown = EXCLUDE

    schema_version = fields.Integer(required=True)
    slot = fields.Integer(load_default=None, allow_none=True)
    tender_id = fields.String(load_default=None, allow_none=True)


class PublishTreeHead(Schema):
    """scheduler → scoring (``publish_tree_head``): the periodic signed tree head."""

    class Meta:
        unknown = EXCLUDE

    schema_version = fields.Integer(required=True)
    slot = fields.Integer(load_default=None, allow_none=True)


def load_payload(schema: type[Schema], payload: Any) -> dict[str, Any]:
    """Validate a job payload; a bad payload is a bug, so it raises for the failed registry."""
    try:
        return schema().load(payload)
    except ValidationError as exc:
        raise ValueError(f"invalid {schema.__name__} payload: {exc.messages}") from exc
