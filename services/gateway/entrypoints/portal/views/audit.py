"""The auditor's pages: scoring history, inclusion proofs, tree head, export."""

from __future__ import annotations

import json

from flask import Response, render_template, request, session, stream_with_context

from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.api import _http, base_url
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.verify import verify_tree_head
from services.gateway.entrypoints.portal.web import login_required

FILTERS = ("tender_id", "bid_id", "actor_id", "criterion_key", "type", "since", "until")


@portal.route("/audit")
@login_required("auditor")
def audit_events():
    """Filter the scoring history (cursor pages)."""
    query = {k: request.args.get(k, "").strip()[:200] for k in FILTERS}
    params = dict(query, limit=50, cursor=request.args.get("cursor"))
    page = api.get("/audit/events", params=params)
    # Completed runs matching the same tender/time filters, whatever page of events is shown.
    run_query = {k: query[k] for k in ("tender_id", "since", "until")}
    runs = api.try_get("/audit/events", {"items": []},
                       params=dict(run_query, type="scoring_run_completed", limit=20))["items"]
    head = api.try_get("/audit/tree-head")
    return render_template("portal/audit.html", title="Scoring history", query=query,
                           events=page.get("items", []), next_cursor=page.get("next_cursor"),
                           runs=runs,
                           head=head, verified=verify_tree_head(head,
                                                                api.try_get("/audit/public-key")))


@portal.route("/audit/events/<int:seq>/proof")
@login_required("auditor")
def audit_proof(seq: int):
    """An inclusion proof of one entry in the current signed tree."""
    head = api.get("/audit/tree-head")
    proof = api.get(f"/audit/events/{seq}/proof", params={"tree_size": head["tree_size"]})
    if request.args.get("download"):
        return Response(json.dumps({"entry": seq, "tree_head": head, "proof": proof}, indent=2),
                        mimetype="application/json",
                        headers={"Content-Disposition":
                                 f'attachment; filename="inclusion-proof-{seq}.json"'})
    return render_template("portal/proof.html", title=f"Inclusion proof for entry {seq}",
                           seq=seq, head=head, proof=proof)


@portal.route("/audit/tree-head.json")
@login_required("auditor")
def audit_tree_head():
    """Download the current signed tree head and the public key."""
    body = {"tree_head": api.get("/audit/tree-head"), "public_key": api.get("/audit/public-key")}
    return Response(json.dumps(body, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="tree-head.json"'})


@portal.route("/audit/export.<fmt>")
@login_required("auditor")
def audit_export(fmt: str):
    """Stream the export through (JSON lines or CSV)."""
    if fmt not in ("jsonl", "csv"):
        return Response("Unknown format", status=404)
    url = f"{base_url()}/api/v1/audit/export"
    headers = {"Authorization": f"Bearer {session.get('token')}"}
    req = _http().build_request("GET", url, params={"format": fmt}, headers=headers)
    upstream = _http().send(req, stream=True)
    if upstream.status_code >= 400:
        upstream.read()
        upstream.close()
        api.get("/audit/export", params={"format": fmt})  # raises the problem page
    mimetype = "text/csv" if fmt == "csv" else "application/jsonl"

    def chunks():
        try:
            yield from upstream.iter_bytes()
        finally:
            upstream.close()

    return Response(stream_with_context(chunks()), mimetype=mimetype,
                    headers={"Content-Disposition":
                             f'attachment; filename="coprocure-audit.{fmt}"'})
