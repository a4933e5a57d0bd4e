"""The notification pages in a real browser against the real platform: follow a tender, read
the notice of an answer, mute optional notices, and the development mail page."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from services.demo import scenario
from shared.waiting import wait_until


def test_follow_read_mute_and_the_development_mail_page(page, world, sign_in, axe_check,
                                                        screenshot):
    demo = world.demo(deadline_seconds=600)
    tender = demo.publish_tender()
    tid = tender["id"]
    strong = world.cast.clients["strong"]

    # A bidder follows the tender from its page.
    sign_in(page, world, "strong")
    page.goto(f"{world.url}/portal/tenders/{tid}")
    page.get_by_role("button", name="Follow this tender").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You follow this tender")
    expect(page.get_by_role("button", name="Stop following")).to_be_visible()
    axe_check(page, "tender page, following")

    # An answer is published: the follower hears of it, with an unread count in the menu.
    # Wait for this tender's notice itself: the shared world's other tenders may notify the
    # same bidder meanwhile (a deadline reminder), which an unread count cannot tell apart.
    demo.clarify()

    def answer_notices():
        items = strong.get("/notifications?unread_only=true&limit=200")["items"]
        return [n for n in items if n["tender_id"] == tid and n["kind"] == "answer_published"]

    wait_until(answer_notices, timeout=60, what="the notice of the answer")
    # What the page will show: every notice there before it loads (the reminder tick may add
    # this tender's deadline reminder at any moment, also after the button is pressed).
    shown = {n["id"] for n in strong.get("/notifications?limit=200")["items"]}
    page.goto(f"{world.url}/portal/notifications")
    expect(page.locator("h1")).to_have_text("Notifications")
    expect(page.get_by_role("link", name="unread")).to_be_visible()
    notice = page.locator(".app-notification--unread", has_text=tender["title"]).filter(
        has_text="Clarification answer published").first
    expect(notice).to_be_visible()
    screenshot(page, "notifications")
    axe_check(page, "notifications")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("marked as read")
    # Every notice shown was marked read (a notice that arrived since is new, not one the
    # button left unread).
    unread = strong.get("/notifications?unread_only=true&limit=200")["items"]
    assert [n for n in unread if n["id"] in shown] == []
    assert answer_notices() == []
    page.locator(".app-notification", has_text=tender["title"]).filter(
        has_text="Clarification answer published").first.get_by_role(
        "button", name="Open").click()
    page.wait_for_url(f"{world.url}/portal/tenders/{tid}")
    page.goto(f"{world.url}/portal/notifications")

    # Optional notices can be muted; the award decision and amendments cannot.
    page.get_by_role("link", name="Notification settings").click()
    axe_check(page, "notification settings")
    required = page.locator("ul.govuk-list--bullet").inner_text()
    assert "award decision" in required and "amended" in required
    assert page.locator("#muted-award_decision").count() == 0
    page.check("#muted-answer_published")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved")
    assert page.is_checked("#muted-answer_published")
    screenshot(page, "notification-settings")
    assert strong.get("/notifications/preferences")["muted"] == ["answer_published"]
    strong.request("PUT", "/notifications/preferences", json={"muted": []}, expect=200)

    # On a laptop the letters are kept locally and an admin reads them in the portal.
    email = f"mail-admin+{uuid.uuid4().hex[:6]}@example.org"
    world.cast.api.as_user(world.admin_token).post("/users", {
        "email": email, "password": scenario.PASSWORD, "roles": ["admin"],
        "organisation_id": None})
    page.get_by_role("button", name="Sign out").click()
    page.goto(world.url + "/portal/sign-in")
    page.fill("#f-email", email)
    page.fill("#f-password", scenario.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(world.url + "/portal/")
    page.get_by_role("link", name="Mail (development)").click()
    expect(page.locator("h1")).to_have_text("Development mail")
    letter = page.locator(".app-letter", has_text=world.email("strong")).filter(
        has_text="Clarification answer published").first
    expect(letter).to_be_visible()
    screenshot(page, "development-mail")
    axe_check(page, "development mail")
