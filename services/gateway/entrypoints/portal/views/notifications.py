"""Notification pages: the list with unread counts, muting optional notices, following a
tender, and on a laptop the development mail page (letters kept in the local maildir)."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for

from services.gateway.adapters.mail import read_maildir
from services.gateway.entrypoints.portal import api
from services.gateway.entrypoints.portal.blueprint import portal
from services.gateway.entrypoints.portal.web import done, login_required, user


@portal.route("/notifications")
@login_required()
def notifications():
    """The signed-in user's notices, newest first."""
    page = api.get("/notifications", params={"limit": 100})
    return render_template("portal/notifications.html", title="Notifications",
                           items=page["items"], unread=page["unread"])


@portal.route("/notifications/<notification_id>/read", methods=["POST"])
@login_required()
def notification_read(notification_id: str):
    """Mark a notice read and go where it points (inside the portal only)."""
    note = api.post(f"/notifications/{notification_id}/read")
    link = note.get("link") or ""
    target = "/portal/" + link.split("/portal/", 1)[1] if "/portal/" in link else None
    return redirect(target or url_for("portal.notifications"))


@portal.route("/notifications/read-all", methods=["POST"])
@login_required()
def notifications_read_all():
    """Mark every notice read."""
    api.post("/notifications/read-all")
    return done("Every notification is marked as read.", "portal.notifications")


@portal.route("/notifications/preferences", methods=["GET", "POST"])
@login_required()
def notification_preferences():
    """Choose the optional notices to mute (required ones are listed, not offered)."""
    if request.method == "POST":
        api.put("/notifications/preferences", {"muted": request.form.getlist("muted")})
        return done("Your notification settings are saved.", "portal.notification_preferences")
    prefs = api.get("/notifications/preferences")
    return render_template("portal/notification_preferences.html",
                           title="Notification settings", kinds=prefs["kinds"])


@portal.route("/tenders/<tender_id>/follow", methods=["POST"])
@login_required("bidder")
def tender_follow(tender_id: str):
    """Follow (or stop following) a tender."""
    if request.form.get("follow") == "no":
        api.call("DELETE", f"/follows/{tender_id}")
        return done("You no longer follow this tender.", "portal.tender_show",
                    tender_id=tender_id)
    api.put(f"/follows/{tender_id}")
    return done("You follow this tender: you will hear of its answers, amendments and "
                "deadline.", "portal.tender_show", tender_id=tender_id)


@portal.route("/dev/mail")
@login_required("admin")
def dev_mail():
    """Letters kept locally when no SMTP server is configured (never in production)."""
    mail = current_app.config.get("MAIL")
    if mail is None or mail.scheme != "maildir" or current_app.config.get("ENV") == \
            "production":
        abort(404)
    return render_template("portal/dev_mail.html", title="Development mail",
                           letters=read_maildir(mail.folder), folder=mail.folder)


def unread_badge() -> int | None:
    """The signed-in user's unread count for the menu (None when it cannot be asked)."""
    if not user():
        return None
    try:  # best effort: a menu badge must never break the page it decorates
        found = api.get("/notifications/unread-count")
    except (api.ApiProblem, api.ApiUnavailable):
        return None
    return found.get("unread") if isinstance(found, dict) else None
