"""Clarification questions: bidders ask until the clarification deadline, answers are public."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.commissioning.adapters.outbox import emit_notification, send_events_now
from services.commissioning.adapters.tables import Document, Question, Tender
from services.commissioning.context import Context
from services.commissioning.domain import lifecycle
from services.commissioning.service_layer.access import (
    is_owner,
    load_owned_tender,
    load_tender,
    not_found,
)
from services.commissioning.service_layer.documents import (
    Upload,
    document_doc,
    upload_tender_document,
)
from services.commissioning.service_layer.tenders import transition
from shared.db import transaction
from shared.errors import Conflict
from shared.identity import Identity
from shared.ids import new_id
from shared.time import rfc3339

MAX_QUESTIONS = 1000


def question_doc(q: Question, tender: Tender, identity: Identity) -> dict[str, Any]:
    """A question as the caller may see it: the asker only for the owner commissioner."""
    doc: dict[str, Any] = {
        "id": q.id, "tender_id": q.tender_id, "question": q.question,
        "status": "answered" if q.answer is not None else "open",
        "asked_at": rfc3339(q.asked_at), "answer": q.answer, "answered_at": rfc3339(q.answered_at),
        "asked_by_my_organisation": bool(identity.organisation_id)
        and q.asker_organisation_id == identity.organisation_id,
    }
    if is_owner(tender, identity):
        doc["asker_organisation_id"] = q.asker_organisation_id
        doc["asker_organisation_name"] = q.asker_organisation_name
    return doc


def ask_question(ctx: Context, identity: Identity, tender_id: str, text: str) -> dict[str, Any]:
    """A bidder asks a question before the clarification deadline."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        tender = load_tender(session, tender_id, identity, lock=True)
        transition(tender, "ask")
        if tender.clarification_deadline is None or now >= tender.clarification_deadline:
            raise Conflict("the clarification deadline has passed",
                           title="Clarification period over")
        count = session.scalars(select(Question.id).where(Question.tender_id == tender.id)
                                .limit(MAX_QUESTIONS)).all()
        if len(count) >= MAX_QUESTIONS:
            raise Conflict("This tender has reached its limit of questions")
        q = Question(id=new_id("q"), tender_id=tender.id, asker_user_id=identity.user_id,
                     asker_organisation_id=identity.organisation_id,
                     asker_organisation_name=identity.organisation_name, question=text,
                     asked_at=now)
        session.add(q)
        # The buyer hears of it; the asker's organisation follows the tender from now on.
        emit_notification(session, tender, "QuestionAsked", q.id,
                          {"question_id": q.id, "organisation_id": identity.organisation_id})
        return question_doc(q, tender, identity)


def answer_question(ctx: Context, identity: Identity, tender_id: str, question_id: str,
                    text: str) -> dict[str, Any]:
    """The owner publishes an answer to every bidder."""
    now = ctx.clock()
    with transaction(ctx.session_factory) as session:
        tender = load_owned_tender(session, tender_id, identity)
        if tender.status in (lifecycle.DRAFT, lifecycle.CANCELLED):
            transition(tender, "ask")  # 409 naming the state
        q = session.scalars(select(Question).where(Question.id == question_id,
                                                   Question.tender_id == tender.id)).first()
        if q is None:
            raise not_found("question", question_id)
        if q.answer is not None:
            raise Conflict("This question has already been answered")
        q.answer, q.answered_at, q.answered_by_user_id = text, now, identity.user_id
        job = emit_notification(session, tender, "AnswerPublished", q.id,
                                {"question_id": q.id})
        doc = question_doc(q, tender, identity)
    send_events_now(ctx, [job])  # every follower at the same moment, not at the relay's poll
    return doc


def attach_to_answer(ctx: Context, identity: Identity, tender_id: str, question_id: str,
                     upload: Upload) -> dict[str, Any]:
    """Attach a document to a published answer (owner commissioner; published tender, before
    the deadline): public with the answer, listed with the tender's documents."""

    def answered(session: Session, tender: Tender) -> str:
        q = session.scalars(select(Question).where(Question.id == question_id,
                                                   Question.tender_id == tender.id)).first()
        if q is None:
            raise not_found("question", question_id)
        if q.answer is None:
            raise Conflict("Answer the question first: attachments are published with the "
                           "answer, to every bidder at once.")
        return q.id

    upload.replaces = None  # an attachment is not a new version of a tender document
    return upload_tender_document(ctx, identity, tender_id, upload, question=answered)


def _attachments(session: Session, question_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    if question_ids:
        for doc in session.scalars(select(Document).where(Document.question_id.in_(
                question_ids)).order_by(Document.uploaded_at, Document.id)):
            found.setdefault(doc.question_id, []).append(document_doc(doc))
    return found


def list_questions(ctx: Context, identity: Identity, tender_id: str) -> dict[str, Any]:
    """Answered questions for everyone, the caller's own open ones, all for the owner."""
    with ctx.session_factory() as session:
        tender = load_tender(session, tender_id, identity)
        stmt = select(Question).where(Question.tender_id == tender.id)
        if not is_owner(tender, identity):
            mine = (Question.asker_organisation_id == identity.organisation_id
                    if identity.organisation_id else Question.asker_user_id == identity.user_id)
            stmt = stmt.where(or_(Question.answer.is_not(None), mine))
        rows = session.scalars(stmt.order_by(Question.asked_at, Question.id)
                               .limit(MAX_QUESTIONS)).all()
        attached = _attachments(session, [q.id for q in rows if q.answer is not None])
        return {"items": [question_doc(q, tender, identity)
                          | {"attachments": attached.get(q.id, [])} for q in rows],
                "next_cursor": None}
