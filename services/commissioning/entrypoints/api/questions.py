"""``/tenders/{id}/questions``: clarification questions and published answers."""

from __future__ import annotations

from flask.views import MethodView

from services.commissioning.entrypoints.api.schemas.questions import (
    AnswerCreate,
    Question,
    QuestionCreate,
    QuestionList,
)
from services.commissioning.entrypoints.api.tenders import ctx
from services.commissioning.service_layer import questions as svc
from shared.blueprint import Blueprint
from shared.web import current_identity, require_roles

bp = Blueprint("questions", __name__, url_prefix="/tenders",
               description="Clarification questions (asker hidden) and answers")


@bp.route("/<tender_id>/questions")
class Questions(MethodView):
    @bp.response(200, QuestionList)
    def get(self, tender_id):
        """Answered questions, plus your own open ones (all of them for the owner)."""
        return svc.list_questions(ctx(), current_identity(), tender_id)

    @bp.arguments(QuestionCreate)
    @bp.response(201, Question)
    def post(self, data, tender_id):
        """Ask a question before the clarification deadline (bidder)."""
        return svc.ask_question(ctx(), require_roles("bidder"), tender_id, data["question"])


@bp.route("/<tender_id>/questions/<question_id>/answer")
class Answer(MethodView):
    @bp.arguments(AnswerCreate)
    @bp.response(200, Question)
    def post(self, data, tender_id, question_id):
        """Publish an answer to every bidder (owner commissioner)."""
        return svc.answer_question(ctx(), require_roles("commissioner"), tender_id, question_id,
                                   data["answer"])
