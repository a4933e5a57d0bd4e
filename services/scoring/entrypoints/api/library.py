"""``/library`` and ``/library/frameworks/{id}``: the public evidence library."""

from __future__ import annotations

from flask.views import MethodView

from services.scoring.entrypoints.api import ctx
from services.scoring.entrypoints.api.schemas import library as schemas
from services.scoring.service_layer import library
from shared.blueprint import Blueprint

bp = Blueprint("library", __name__, url_prefix="",
               description="What worked: validated outcomes by indicator and co-production depth")


@bp.route("/library")
class LibraryView(MethodView):
    @bp.response(200, schemas.Library)
    def get(self):
        """Per outcome indicator: targeted, validated and achieved counts by Four-Co depth."""
        return library.get_library(ctx())


@bp.route("/library/frameworks/<framework_id>")
class FrameworkView(MethodView):
    @bp.response(200, schemas.Framework)
    def get(self, framework_id: str):
        """A proven outcome framework and the tender body that starts from it."""
        return library.get_framework(ctx(), framework_id)
