"""Document use cases: a tender's documents (public once published, versioned) and a bid's
documents (sealed like the bid), streamed in and out in blocks (docs/architecture.md,
"Documents").

Every document is encrypted with its tender's data key, block by block, as it streams: the
plaintext is never held whole, nor written anywhere. The blocks are stored first and the row
last, so a refused upload (wrong type, too large, deadline passed meanwhile) leaves nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.commissioning.adapters.crypto import decrypt_block, encrypt_block, unwrap_data_key
from services.commissioning.adapters.tables import Bid, Document, Tender
from services.commissioning.context import Context
from services.commissioning.domain import lifecycle
from services.commissioning.domain.bids import SUBMITTED, bid_access, is_open_for_bids
from services.commissioning.domain.documents import (
    Sniffer,
    bid_document_visible,
    check_type,
    media_type,
    safe_filename,
)
from services.commissioning.service_layer.access import (
    facts_of,
    is_owner,
    load_tender,
    not_found,
    viewer_of,
)
from services.commissioning.service_layer.read_models import receipt
from services.commissioning.service_layer.tenders import deadline_passed
from shared.db import transaction
from shared.errors import Conflict, Forbidden, Invalid, TooLarge
from shared.identity import Identity
from shared.ids import new_id
from shared.time import rfc3339

# Checks a tender document's question and returns its id (raising NotFound / Conflict).
QuestionCheck = Callable[[Session, Tender], str]

BLOCK = 64 * 1024
MAX_DOCUMENTS = 50  # per tender, per bid
CURRENT, SUPERSEDED, REMOVED = "current", "superseded", "removed"


@dataclass
class Upload:
    """An upload as it arrives: the raw name, the body stream and what the request says."""

    filename: str | None
    stream: BinaryIO
    length: int | None = None  # Content-Length, when the client sent one
    title: str | None = None
    price_schedule: bool = False
    replaces: str | None = None


@dataclass
class Download:
    """A document a caller may read: its metadata and its plaintext, block by block."""

    filename: str
    media_type: str
    size: int
    sha256: str
    blocks: Iterator[bytes]


def document_doc(doc: Document) -> dict[str, Any]:
    """A document's metadata as readers see it."""
    out = {"id": doc.id, "tender_id": doc.tender_id, "filename": doc.filename,
           "title": doc.title, "media_type": doc.media_type, "size": doc.size,
           "sha256": doc.sha256, "status": doc.status, "uploaded_at": rfc3339(doc.uploaded_at)}
    if doc.bid_id is None:
        out.update(version=doc.version, supersedes=doc.supersedes,
                   superseded_by=doc.superseded_by, tender_version=doc.tender_version)
        if doc.question_id:
            out["question_id"] = doc.question_id
    else:
        out.update(bid_id=doc.bid_id, price_schedule=doc.price_schedule)
    return out


def receipt_entry(doc: Document) -> dict[str, Any]:
    """What a bid's receipt says of one document: enough to prove what was attached."""
    return {"document_id": doc.id, "filename": doc.filename, "size": doc.size,
            "sha256": doc.sha256, "price_schedule": doc.price_schedule}


def bid_documents(session: Session, bid_ids: list[str]) -> dict[str, list[Document]]:
    """The current documents of each bid, in upload order."""
    if not bid_ids:
        return {}
    rows = session.scalars(select(Document).where(Document.bid_id.in_(bid_ids),
                                                  Document.status == CURRENT)
                           .order_by(Document.uploaded_at, Document.id))
    out: dict[str, list[Document]] = {}
    for row in rows:
        out.setdefault(row.bid_id, []).append(row)
    return out


# --- streaming ---------------------------------------------------------------------------


def _too_large(detail: str) -> TooLarge:
    return TooLarge(detail, errors={"file": [detail]})


def _check_declared(upload: Upload, limit: int, what: str) -> None:
    if upload.length is not None and upload.length > limit:
        raise _too_large(f"The file is larger than {what} ({limit} bytes).")


def _store(ctx: Context, key: bytes, doc_id: str, upload: Upload, filename: str,
           limit: int, what: str) -> tuple[str, int, str, int]:
    """Stream the body into the store, sealed; returns (kind, size, sha256, blocks)."""
    sniffer, digest = Sniffer(), hashlib.sha256()

    def sealed() -> Iterator[bytes]:
        seq = 0
        while chunk := upload.stream.read(BLOCK):
            sniffer.feed(chunk)
            if sniffer.size > limit:
                raise _too_large(f"The file is larger than {what} ({limit} bytes).")
            digest.update(chunk)
            yield encrypt_block(key, doc_id, seq, chunk)
            seq += 1

    blocks = ctx.documents.put(doc_id, sealed())
    try:
        kind = check_type(sniffer, filename)
    except Invalid:
        ctx.documents.delete(doc_id)
        raise
    return kind, sniffer.size, digest.hexdigest(), blocks


def _plaintext(ctx: Context, key: bytes, doc: Document) -> Iterator[bytes]:
    count = 0
    for seq, blob in enumerate(ctx.documents.get(doc.id)):
        count += 1
        yield decrypt_block(key, doc.id, seq, blob)
    if count != doc.blocks:
        raise OSError(f"document {doc.id} is truncated in the store")


def _download(ctx: Context, tender: Tender, doc: Document) -> Download:
    key = unwrap_data_key(ctx.master_key, tender.wrapped_data_key, tender.id)
    return Download(filename=doc.filename, media_type=doc.media_type, size=doc.size,
                    sha256=doc.sha256, blocks=_plaintext(ctx, key, doc))


def _commit_or_forget(ctx: Context, doc_id: str, write) -> Any:
    """Run the transaction that records a stored document; forget the blocks if it fails."""
    try:
        return write()
    except BaseException:
        ctx.documents.delete(doc_id)
        raise


# --- tender documents --------------------------------------------------------------------


def _check_tender_editable(tender: Tender, now) -> None:
    if tender.status == lifecycle.DRAFT:
        return
    if tender.status != lifecycle.PUBLISHED:
        raise Conflict(f"cannot add documents to a tender that is {tender.status}",
                       current_status=tender.status)
    if not is_open_for_bids(tender.submission_deadline, now):
        raise deadline_passed()


def _owned(session: Session, tender_id: str, identity: Identity) -> Tender:
    tender = load_tender(session, tender_id, identity, lock=True)
    if not is_owner(tender, identity):
        raise Forbidden("Only the owner commissioner may do this")
    return tender


def _replaced(session: Session, tender: Tender, replaces: str | None) -> Document | None:
    if replaces is None:
        return None
    old = session.scalars(select(Document).where(Document.id == replaces)
                          .with_for_update()).first()
    if old is None or old.tender_id != tender.id or old.bid_id is not None:
        raise Invalid({"replaces": ["Not a document of this tender."]})
    if old.status != CURRENT:
        raise Invalid({"replaces": [f"That document is {old.status}; replace the current "
                                    f"version ({old.superseded_by})."]})
    return old


def upload_tender_document(ctx: Context, identity: Identity, tender_id: str,
                           upload: Upload, question: QuestionCheck | None = None
                           ) -> dict[str, Any]:
    """Add a document to a tender (owner; draft, or published before the deadline); with
    ``replaces`` it is a new version of a current document, which becomes superseded. With
    ``question`` it is attached to that clarification answer (checked in both transactions)."""
    filename = safe_filename(upload.filename)
    _check_declared(upload, ctx.max_document_bytes, "the limit for one file")
    with transaction(ctx.session_factory) as session:
        tender = _owned(session, tender_id, identity)
        _check_tender_editable(tender, ctx.clock())
        question_id = question(session, tender) if question else None
        _replaced(session, tender, upload.replaces)
        key = unwrap_data_key(ctx.master_key, tender.wrapped_data_key, tender.id)
    doc_id = new_id("doc")
    kind, size, sha, blocks = _store(ctx, key, doc_id, upload, filename,
                                     ctx.max_document_bytes, "the limit for one file")

    def write() -> dict[str, Any]:
        with transaction(ctx.session_factory) as session:
            tender = _owned(session, tender_id, identity)
            now = ctx.clock()
            _check_tender_editable(tender, now)
            if question:
                question(session, tender)
            old = _replaced(session, tender, upload.replaces)
            count = session.scalar(select(func.count()).select_from(Document).where(
                Document.tender_id == tender.id, Document.bid_id.is_(None)))
            if count >= MAX_DOCUMENTS * 4:
                raise Invalid({"file": ["This tender has as many documents as it may."]})
            doc = Document(id=doc_id, tender_id=tender.id, bid_id=None,
                           question_id=question_id, organisation_id=tender.organisation_id,
                           filename=filename,
                           title=upload.title, kind=kind, media_type=media_type(kind), size=size,
                           sha256=sha, blocks=blocks, price_schedule=False,
                           version=old.version + 1 if old else 1,
                           supersedes=old.id if old else None, status=CURRENT,
                           tender_version=tender.version, uploaded_by=identity.user_id or "",
                           uploaded_at=now)
            if old is not None:
                old.status, old.superseded_by = SUPERSEDED, doc_id
            session.add(doc)
            session.flush()
            return document_doc(doc)

    return _commit_or_forget(ctx, doc_id, write)


def list_tender_documents(ctx: Context, identity: Identity, tender_id: str) -> dict[str, Any]:
    """Every document of a tender the caller may see, superseded versions included."""
    with ctx.session_factory() as session:
        tender = load_tender(session, tender_id, identity)
        rows = session.scalars(select(Document).where(
            Document.tender_id == tender.id, Document.bid_id.is_(None))
            .order_by(Document.uploaded_at, Document.id))
        return {"items": [document_doc(d) for d in rows]}


def _tender_document(session: Session, identity: Identity, tender_id: str,
                     doc_id: str) -> tuple[Tender, Document]:
    tender = load_tender(session, tender_id, identity)
    doc = session.get(Document, doc_id)
    if doc is None or doc.tender_id != tender.id or doc.bid_id is not None:
        raise not_found("document", doc_id)
    return tender, doc


def get_tender_document(ctx: Context, identity: Identity, tender_id: str,
                        doc_id: str) -> dict[str, Any]:
    """One tender document's metadata."""
    with ctx.session_factory() as session:
        return document_doc(_tender_document(session, identity, tender_id, doc_id)[1])


def tender_document_content(ctx: Context, identity: Identity, tender_id: str,
                            doc_id: str) -> Download:
    """A tender document's bytes, streamed."""
    with ctx.session_factory() as session:
        tender, doc = _tender_document(session, identity, tender_id, doc_id)
        return _download(ctx, tender, doc)


# --- bid documents -----------------------------------------------------------------------


def _own_open_bid(session: Session, identity: Identity, bid_id: str, now,
                  lock: bool = False) -> tuple[Bid, Tender]:
    stmt = select(Bid).where(Bid.id == bid_id)
    bid = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if bid is None or not identity.organisation_id or \
            bid.organisation_id != identity.organisation_id:
        raise not_found("bid", bid_id)
    stmt = select(Tender).where(Tender.id == bid.tender_id)
    # The tender lock orders an upload before or after closing, never across it.
    tender = session.scalars(stmt.with_for_update() if lock else stmt).one()
    if tender.status == lifecycle.CANCELLED:
        raise Conflict("the tender is cancelled", current_status=tender.status)
    if not is_open_for_bids(tender.submission_deadline, now):
        raise deadline_passed()
    if bid.status != SUBMITTED:
        raise Conflict(f"cannot attach documents to a bid that is {bid.status}",
                       current_status=bid.status)
    return bid, tender


def _bid_total(session: Session, bid_id: str) -> tuple[int, int]:
    count, total = session.execute(select(func.count(), func.coalesce(func.sum(Document.size), 0))
                                   .where(Document.bid_id == bid_id,
                                          Document.status == CURRENT)).one()
    return int(count), int(total)


def upload_bid_document(ctx: Context, identity: Identity, bid_id: str,
                        upload: Upload) -> dict[str, Any]:
    """Attach a document to your live bid before the deadline; answers the document and the
    bid's receipt, which now lists the document's SHA-256."""
    filename = safe_filename(upload.filename)
    _check_declared(upload, ctx.max_document_bytes, "the limit for one file")
    with transaction(ctx.session_factory) as session:
        bid, tender = _own_open_bid(session, identity, bid_id, ctx.clock())
        count, total = _bid_total(session, bid.id)
        room = ctx.max_bid_documents_bytes - total
        _check_declared(upload, room, "the room left for this bid's documents")
        key = unwrap_data_key(ctx.master_key, tender.wrapped_data_key, tender.id)
    doc_id = new_id("doc")
    limit, what = min((ctx.max_document_bytes, "the limit for one file"),
                      (room, "the room left for this bid's documents"))
    kind, size, sha, blocks = _store(ctx, key, doc_id, upload, filename, limit, what)

    def write() -> dict[str, Any]:
        with transaction(ctx.session_factory) as session:
            now = ctx.clock()
            bid, tender = _own_open_bid(session, identity, bid_id, now, lock=True)
            count, total = _bid_total(session, bid.id)
            if total + size > ctx.max_bid_documents_bytes:
                raise _too_large("The bid's documents would exceed "
                                 f"{ctx.max_bid_documents_bytes} bytes together.")
            if count >= MAX_DOCUMENTS:
                raise Invalid({"file": [f"A bid may carry at most {MAX_DOCUMENTS} documents."]})
            doc = Document(id=doc_id, tender_id=tender.id, bid_id=bid.id,
                           organisation_id=bid.organisation_id, filename=filename,
                           title=upload.title, kind=kind, media_type=media_type(kind), size=size,
                           sha256=sha, blocks=blocks, price_schedule=upload.price_schedule,
                           status=CURRENT, tender_version=tender.version,
                           uploaded_by=identity.user_id or "", uploaded_at=now)
            session.add(doc)
            session.flush()
            docs = bid_documents(session, [bid.id]).get(bid.id, [])
            return {"document": document_doc(doc), "receipt": _receipt(bid, docs)}

    return _commit_or_forget(ctx, doc_id, write)


def _receipt(bid: Bid, docs: list[Document]) -> dict[str, Any]:
    return receipt(bid, documents=[receipt_entry(d) for d in docs])


def remove_bid_document(ctx: Context, identity: Identity, bid_id: str,
                        doc_id: str) -> dict[str, Any]:
    """Remove a document from your live bid before the deadline; answers the new receipt."""
    with transaction(ctx.session_factory) as session:
        bid, _ = _own_open_bid(session, identity, bid_id, ctx.clock(), lock=True)
        doc = session.get(Document, doc_id)
        if doc is None or doc.bid_id != bid.id or doc.status != CURRENT:
            raise not_found("document", doc_id)
        doc.status, doc.removed_at = REMOVED, ctx.clock()
        session.flush()
        docs = bid_documents(session, [bid.id]).get(bid.id, [])
        answer = _receipt(bid, docs)
    ctx.documents.delete(doc_id)  # after the commit: a failed commit keeps the blocks
    return answer


def _readable_bid(session: Session, ctx: Context, identity: Identity,
                  bid_id: str) -> tuple[Bid, Tender, str]:
    bid = session.get(Bid, bid_id)
    tender = session.get(Tender, bid.tender_id) if bid is not None else None
    if bid is None or tender is None:
        raise not_found("bid", bid_id)
    access = bid_access(viewer_of(identity), facts_of(tender), bid.id, bid.organisation_id,
                        bid.status, ctx.clock())
    if access is None:
        raise not_found("bid", bid_id)
    return bid, tender, access


def list_bid_documents(ctx: Context, identity: Identity, bid_id: str) -> dict[str, Any]:
    """A bid's current documents, for those who may read the bid (the panel never sees a
    price schedule)."""
    with ctx.session_factory() as session:
        bid, _, access = _readable_bid(session, ctx, identity, bid_id)
        docs = bid_documents(session, [bid.id]).get(bid.id, [])
        return {"items": [document_doc(d) for d in docs
                          if bid_document_visible(access, d.price_schedule)]}


def _bid_document(session: Session, ctx: Context, identity: Identity, bid_id: str,
                  doc_id: str) -> tuple[Tender, Document]:
    bid, tender, access = _readable_bid(session, ctx, identity, bid_id)
    doc = session.get(Document, doc_id)
    if (doc is None or doc.bid_id != bid.id or doc.status != CURRENT
            or not bid_document_visible(access, doc.price_schedule)):
        raise not_found("document", doc_id)
    return tender, doc


def get_bid_document(ctx: Context, identity: Identity, bid_id: str,
                     doc_id: str) -> dict[str, Any]:
    """One of a bid's documents (metadata)."""
    with ctx.session_factory() as session:
        return document_doc(_bid_document(session, ctx, identity, bid_id, doc_id)[1])


def bid_document_content(ctx: Context, identity: Identity, bid_id: str,
                         doc_id: str) -> Download:
    """A bid document's bytes, streamed, under the bid's own rules."""
    with ctx.session_factory() as session:
        tender, doc = _bid_document(session, ctx, identity, bid_id, doc_id)
        return _download(ctx, tender, doc)
