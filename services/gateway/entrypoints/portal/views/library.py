"""The evidence library (public): outcomes by indicator and co-production depth, a contract's
outcome framework, and starting a tender from it (commissioners)."""

from __future__ import annotations

from flask import render_template

from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.charts import evidence_chart
from services.gateway.entrypoints.portal.web import done, login_required, roles


@portal.route("/library")
def library():
    """Every outcome indicator with completed periods: counts and a chart per indicator."""
    shelf = api.get("/library")
    charts = {i["key"]: evidence_chart(i["name"], i["by_depth"]) for i in shelf["indicators"]}
    return render_template("portal/library.html", title="Evidence library", shelf=shelf,
                           charts=charts)


@portal.route("/library/frameworks/<framework_id>")
def framework_show(framework_id: str):
    """A proven outcome framework: its indicators, rate card and evidence."""
    framework = api.get(f"/library/frameworks/{framework_id}")
    return render_template("portal/framework.html", title=framework["title"],
                           framework=framework, roles=roles())


@portal.route("/library/frameworks/<framework_id>/start", methods=["POST"])
@login_required("commissioner")
def framework_start(framework_id: str):
    """A new draft tender with the framework's criteria, indicators and rate card, citing it."""
    template = api.get(f"/library/frameworks/{framework_id}")["tender_template"]
    draft = api.post("/tenders", {k: v for k, v in template.items() if v is not None})
    return done("Draft tender started from the framework: add the deadlines, check and "
                "publish.", "portal.tender_show", tender_id=draft["id"])
