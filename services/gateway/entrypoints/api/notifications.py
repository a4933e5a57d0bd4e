"""Notification endpoints: the signed-in user's notices, mutes and follows; failed
deliveries for admins (docs/api.md, "Notifications")."""

from __future__ import annotations

import re

import httpx
from flask import current_app, g
from flask.views import MethodView

from services.gateway.context import Context, context_from_app
from services.gateway.entrypoints.api.schemas import notifications as s
from services.gateway.entrypoints.authn import admin_only, signed_in
from services.gateway.entrypoints.proxy import http_client, upstream_url
from services.gateway.service_layer import inbox, notifications
from shared.blueprint import Blueprint
from shared.identity import HEADER, sign_assertion
from shared.problems import Problem

blp = Blueprint("notifications", __name__, description="Notifications: notices, mutes, follows")
_ID = re.compile(r"^[A-Za-z0-9_.~-]{1,128}$")


def ctx() -> Context:
    """The use-case context of the current app."""
    return context_from_app(current_app)


def _user_id() -> str:
    return signed_in().user_id or ""


@blp.route("/notifications")
class Notifications(MethodView):
    @blp.arguments(s.NotificationQuery, location="query")
    @blp.response(200, s.NotificationList)
    def get(self, query):
        """The signed-in user's notices, newest first, with the unread count."""
        return inbox.list_notifications(ctx(), _user_id(), query["unread_only"], query["limit"])


@blp.route("/notifications/unread-count")
class Unread(MethodView):
    @blp.response(200, s.UnreadCount)
    def get(self):
        """How many of the signed-in user's notices are unread."""
        return {"unread": inbox.unread_count(ctx(), _user_id())}


@blp.route("/notifications/<notification_id>/read")
class Read(MethodView):
    @blp.response(200, s.Notification)
    def post(self, notification_id: str):
        """Mark one notice read."""
        return inbox.mark_read(ctx(), _user_id(), notification_id)


@blp.route("/notifications/read-all")
class ReadAll(MethodView):
    @blp.response(200, s.UnreadCount)
    def post(self):
        """Mark every notice read."""
        return inbox.mark_all_read(ctx(), _user_id())


@blp.route("/notifications/preferences")
class Preferences(MethodView):
    @blp.response(200, s.Preferences)
    def get(self):
        """Every kind of notice and whether the signed-in user muted it."""
        return inbox.preferences(ctx(), _user_id())

    @blp.arguments(s.PreferencesUpdate)
    @blp.response(200, s.Preferences)
    def put(self, body):
        """Mute optional kinds (the list replaces the previous one); required kinds are 422."""
        return inbox.set_muted(ctx(), _user_id(), body["muted"])


@blp.route("/follows")
class Follows(MethodView):
    @blp.response(200, s.FollowList)
    def get(self):
        """The tenders the caller's organisation follows."""
        return inbox.list_follows(ctx(), signed_in())


def _public_tender(tender_id: str) -> dict:
    """The tender as commissioning shows it to the caller; 404 if it does not."""
    if not _ID.match(tender_id):
        raise Problem(404, "Not found", "No such tender")
    cfg = current_app.config
    headers = {HEADER: sign_assertion(cfg["ASSERTION_KEY"], g.identity,
                                      cfg["ASSERTION_TTL_SECONDS"]),
               "X-Request-ID": g.request_id}
    try:
        resp = http_client(current_app._get_current_object()).get(  # type: ignore[attr-defined]
            f"{upstream_url('commissioning')}/api/v1/tenders/{tender_id}", headers=headers)
    except httpx.HTTPError as exc:
        raise Problem(502, "Bad gateway", "Could not ask the commissioning service") from exc
    if resp.status_code == 404:
        raise Problem(404, "Not found", "No such tender")
    if not resp.is_success:
        raise Problem(502, "Bad gateway", "The commissioning service did not answer")
    return resp.json()


@blp.route("/follows/<tender_id>")
class FollowOne(MethodView):
    @blp.response(200, s.Follow)
    def put(self, tender_id: str):
        """Follow a tender: hear of its answers, amendments and deadline."""
        identity = signed_in()
        inbox.list_follows(ctx(), identity)  # 403 before asking commissioning
        tender = _public_tender(tender_id)
        if tender.get("status") != "published":
            raise Problem(409, "Conflict", "Only a published tender can be followed")
        return inbox.follow_tender(ctx(), identity, tender)

    @blp.response(204)
    def delete(self, tender_id: str):
        """Stop following a tender followed by hand."""
        inbox.unfollow_tender(ctx(), signed_in(), tender_id)
        return None


@blp.route("/admin/deliveries")
class Deliveries(MethodView):
    @admin_only
    @blp.arguments(s.DeliveryQuery, location="query")
    @blp.response(200, s.DeliveryList)
    def get(self, query):
        """E-mail deliveries in a state (failed by default), newest first."""
        return {"items": notifications.failed_deliveries(ctx(), query["status"]),
                "next_cursor": None}


@blp.route("/admin/deliveries/<delivery_id>/retry")
class Retry(MethodView):
    @admin_only
    @blp.response(202, s.Delivery)
    def post(self, delivery_id: str):
        """Send a failed delivery again."""
        return notifications.retry_delivery(ctx(), delivery_id)
