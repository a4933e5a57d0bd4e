"""Documents in the portal: a tender's (public once published) and a bid's (sealed), uploaded
with a plain file form (a progress bar where scripts run) and streamed on to the API."""

from __future__ import annotations

from flask import (
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    request,
    stream_with_context,
    url_for,
)

from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.api import ApiProblem
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.web import done, login_required, user

BLOCK = 64 * 1024
PASSED_ON = ("Content-Type", "Content-Disposition", "Content-Length", "X-Content-Type-Options",
             "ETag")


def _blocks(stream):
    while block := stream.read(BLOCK):
        yield block


def _upload(path: str, params: dict, back: str, **values):
    """Stream the form's file part to the API; flash the outcome and go back (for the
    progress bar's request, say where, so the flash shows on the page it then opens)."""
    answer = _send(path, params, back, **values)
    if request.headers.get("X-Portal-Upload") == "1" and answer.status_code in (302, 303):
        return jsonify(location=answer.location)
    return answer


def _send(path: str, params: dict, back: str, **values):
    part = request.files.get("file")
    if part is None or not part.filename:
        flash("Choose a file to upload.", "error")
        return redirect(url_for(back, **values))
    part.stream.seek(0, 2)
    size = part.stream.tell()
    part.stream.seek(0)
    try:
        api.call("POST", path, params={"filename": part.filename, **params},
                 content=_blocks(part.stream),
                 headers={"Content-Type": "application/octet-stream",
                          "Content-Length": str(size)})
    except ApiProblem as exc:
        if exc.status >= 500 or exc.status == 401:
            raise
        flash(f"{part.filename} was not uploaded: {exc.message}", "error")
        return redirect(url_for(back, **values))
    return done(f"{part.filename} uploaded.", back, **values)


def _download(path: str) -> Response:
    """Pass a document through block by block, with the API's safe headers."""
    upstream = api.call("GET", path, stream=True, anonymous=not user())

    def blocks():
        try:
            yield from upstream.iter_raw(BLOCK)
        finally:
            upstream.close()

    headers = {k: v for k in PASSED_ON if (v := upstream.headers.get(k))}
    return Response(stream_with_context(blocks()), status=200, headers=headers)


@portal.route("/tenders/<tender_id>/documents", methods=["POST"])
@login_required("commissioner")
def tender_document_upload(tender_id: str):
    """Add a document (or a new version of one) to a tender."""
    params = {"title": request.form.get("title", "").strip()[:300],
              "replaces": request.form.get("replaces", "").strip()}
    return _upload(f"/tenders/{tender_id}/documents", params, "portal.tender_show",
                   tender_id=tender_id)


@portal.route("/tenders/<tender_id>/documents/<doc_id>")
def tender_document(tender_id: str, doc_id: str):
    """Download a tender document."""
    return _download(f"/tenders/{tender_id}/documents/{doc_id}/content")


@portal.route("/bids/<bid_id>/documents", methods=["POST"])
@login_required("bidder")
def bid_document_upload(bid_id: str):
    """Attach a document to your bid."""
    params = {"title": request.form.get("title", "").strip()[:300],
              "price_schedule": "true" if request.form.get("price_schedule") else ""}
    return _upload(f"/bids/{bid_id}/documents", params, "portal.bid_show", bid_id=bid_id)


@portal.route("/bids/<bid_id>/documents/<doc_id>")
@login_required()
def bid_document(bid_id: str, doc_id: str):
    """Download one of a bid's documents (under the bid's rules)."""
    return _download(f"/bids/{bid_id}/documents/{doc_id}/content")


@portal.route("/bids/<bid_id>/documents/<doc_id>/remove", methods=["POST"])
@login_required("bidder")
def bid_document_remove(bid_id: str, doc_id: str):
    """Remove a document from your bid before the deadline."""
    api.call("DELETE", f"/bids/{bid_id}/documents/{doc_id}")
    return done("Document removed.", "portal.bid_show", bid_id=bid_id)


def max_document_bytes() -> int:
    """The largest file the forms accept (shown to the user)."""
    return int(current_app.config["MAX_DOCUMENT_BYTES"])
