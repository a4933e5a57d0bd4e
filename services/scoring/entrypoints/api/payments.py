"""``/contracts/{id}/payments`` (public) and payment-run replays (auditor)."""

from __future__ import annotations

from flask.views import MethodView

from services.scoring.entrypoints.api import ctx
from services.scoring.entrypoints.api.schemas import payments as schemas
from services.scoring.service_layer import payments
from shared.blueprint import Blueprint
from shared.web import require_roles

bp = Blueprint("payments", __name__, url_prefix="",
               description="Outcome payments from the rate card and validated results")


@bp.route("/contracts/<contract_id>/payments")
class PaymentsView(MethodView):
    @bp.response(200, schemas.Payments)
    def get(self, contract_id: str):
        """The rate card, payments due per period (planned vs actual) and every run."""
        return payments.get_payments(ctx(), contract_id)


@bp.route("/payment-runs/<run_id>/replay")
class PaymentReplayView(MethodView):
    @bp.response(200, schemas.PaymentReplay)
    def post(self, run_id: str):
        """Recompute a payment run from its frozen inputs; compare with the audit log."""
        return payments.replay_payments(ctx(), require_roles("auditor"), run_id)
