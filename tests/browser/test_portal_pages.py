"""The portal's public pages in a real browser: layout, forms, errors, accessibility."""

from __future__ import annotations

from playwright.sync_api import expect


def test_root_redirects_to_sign_in_and_page_is_accessible(page, gateway_server, axe_check,
                                                           screenshot):
    page.goto(gateway_server + "/")
    assert page.url.startswith(gateway_server + "/portal/sign-in")
    assert page.locator("h1").inner_text() == "Sign in to coprocure"
    assert "coprocure" in page.locator(".app-header__brand").inner_text()
    # No GOV.UK crown or logotype in our header.
    assert page.locator(".govuk-header__logotype").count() == 0
    screenshot(page, "sign-in")
    axe_check(page, "sign-in")


def test_sign_in_errors_show_in_an_error_summary(page, gateway_server, axe_check, screenshot):
    page.goto(gateway_server + "/portal/sign-in")
    page.fill("#f-email", "someone@example.org")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter your password" in summary.inner_text()
    assert page.title().startswith("Error:")
    # What was typed is kept; the summary links to the field.
    assert page.input_value("#f-email") == "someone@example.org"
    summary.get_by_role("link", name="Enter your password").click()
    assert page.evaluate("document.activeElement.id") == "f-password"
    screenshot(page, "sign-in-errors")
    axe_check(page, "sign-in with errors")


def test_registration_keeps_what_was_typed(page, gateway_server, axe_check, screenshot):
    page.goto(gateway_server + "/portal/register")
    axe_check(page, "register")
    page.fill("#f-organisation-name", "Brightside Connect CIC")
    page.check("input[name='organisation.kind'][value='cic']")
    page.fill("#f-email", "not-an-email")
    page.fill("#f-password", "short")
    page.get_by_role("button", name="Register").click()
    text = page.locator(".govuk-error-summary").inner_text()
    assert "email address in the correct format" in text
    assert "at least 12 characters" in text
    assert page.input_value("#f-organisation-name") == "Brightside Connect CIC"
    assert page.is_checked("input[name='organisation.kind'][value='cic']")
    screenshot(page, "register-errors")
    axe_check(page, "register with errors")


def test_forms_without_csrf_token_are_refused(page, gateway_server, axe_check, screenshot):
    resp = page.request.post(gateway_server + "/portal/sign-in",
                             form={"email": "a@b.org", "password": "x"})
    assert resp.status == 400
    assert "form expired" in resp.text()


def test_session_cookie_flags(page, gateway_server, axe_check, screenshot):
    page.goto(gateway_server + "/portal/sign-in")
    cookie = next(c for c in page.context.cookies() if c["name"] == "coprocure_portal")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"


def test_tender_form_prefills_default_criteria_and_totals_weights_live(
        page, gateway_server, axe_check, screenshot, signed_in):
    signed_in(page, gateway_server, ["commissioner"])
    page.goto(gateway_server + "/portal/tenders/new")
    assert page.input_value("#f-criteria-0-key") == "Q1"
    assert page.input_value("#f-criteria-5-key") == "SV"
    total = page.locator("[data-weights-total]")
    assert "add up to 100" in total.inner_text()
    page.fill("#f-criteria-0-weight", "25")  # JavaScript updates the total as you type
    assert "add up to 105" in total.inner_text()
    assert "app-weights--bad" in total.get_attribute("class")
    screenshot(page, "tender-form")
    axe_check(page, "tender form")
    # Without relying on JavaScript, the server refuses weights that don't add up to 100,
    # keeps what was typed and links the error summary to the total.
    page.fill("#f-title", "Community wellbeing and loneliness service")
    page.get_by_role("button", name="Save draft").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "add up to 105" in summary
    assert page.input_value("#f-title") == "Community wellbeing and loneliness service"
    assert page.input_value("#f-criteria-0-weight") == "25"
    axe_check(page, "tender form with errors")


def test_tender_form_works_without_javascript(browser, gateway_server, signed_in):
    """No script at all: the form renders complete, and the server does the checking."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        signed_in(page, gateway_server, ["commissioner"])
        page.goto(gateway_server + "/portal/tenders/new")
        assert page.input_value("#f-criteria-5-key") == "SV"  # defaults served, not scripted
        page.fill("#f-title", "Peer support for carers")
        page.fill("#f-criteria-0-weight", "30")
        page.get_by_role("button", name="Save draft").click()
        summary = page.locator(".govuk-error-summary")
        assert "add up to 110" in summary.inner_text()
        assert page.input_value("#f-title") == "Peer support for carers"
        assert page.input_value("#f-criteria-0-weight") == "30"
    finally:
        context.close()


def test_unknown_portal_pages_and_wrong_methods_answer_html_pages(page, gateway_server,
                                                                  axe_check, signed_in):
    signed_in(page, gateway_server, ["commissioner"])
    missing = page.goto(gateway_server + "/portal/no-such-page/42")
    assert missing.status == 404 and missing.headers["content-type"].startswith("text/html")
    assert page.locator("h1").inner_text() == "Page not found"
    assert missing.headers["content-security-policy"].startswith("default-src 'self'")
    axe_check(page, "page not found")
    wrong = page.request.post(gateway_server + "/portal/library", form={"csrf_token": "t" * 32})
    assert wrong.status == 405 and wrong.headers["content-type"].startswith("text/html")
    assert "GET" in wrong.headers["allow"] and "<h1" in wrong.text()
    # The API keeps answering problem documents.
    api = page.request.get(gateway_server + "/api/v1/no-such-thing")
    assert api.status == 404 and api.headers["content-type"] == "application/problem+json"


def test_sign_out_by_address_asks_to_confirm_then_signs_out(page, gateway_server, axe_check,
                                                           signed_in):
    signed_out = page.goto(gateway_server + "/portal/sign-out")
    assert page.url.startswith(gateway_server + "/portal/sign-in")  # nobody to sign out
    assert signed_out.headers["content-type"].startswith("text/html")
    signed_in(page, gateway_server, ["commissioner"])
    confirm = page.goto(gateway_server + "/portal/sign-out")
    assert confirm.status == 200 and confirm.headers["content-type"].startswith("text/html")
    assert page.locator("h1").inner_text() == "Sign out of coprocure"
    axe_check(page, "sign-out confirmation")
    page.locator("main").get_by_role("button", name="Sign out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out")


def test_deadlines_are_govuk_date_inputs_checked_in_plain_english(page, gateway_server,
                                                                  axe_check, signed_in):
    signed_in(page, gateway_server, ["commissioner"])
    page.goto(gateway_server + "/portal/tenders/new")
    assert page.locator("input[type='datetime-local']").count() == 0
    for part in ("day", "month", "year", "time"):  # prefilled five weeks ahead
        assert page.input_value(f"#f-submission_deadline-{part}")
    page.fill("#f-submission_deadline-month", "")
    page.fill("#f-clarification_deadline-day", "31")
    page.fill("#f-clarification_deadline-month", "2")
    page.fill("#f-title", "Peer support for carers")
    page.get_by_role("button", name="Save draft").click()
    summary = page.locator(".govuk-error-summary")
    assert "Bids accepted until must include a month" in summary.inner_text()
    assert "Questions accepted until must be a real date" in summary.inner_text()
    assert page.input_value("#f-clarification_deadline-day") == "31"  # kept as typed
    summary.get_by_role("link", name="Bids accepted until must include a month").click()
    assert page.evaluate("document.activeElement.id") == "f-submission_deadline-day"
    axe_check(page, "tender form with date errors")


def test_tender_form_adds_lot_rows_and_keeps_what_was_typed(page, gateway_server, axe_check,
                                                            signed_in):
    signed_in(page, gateway_server, ["commissioner"])
    page.goto(gateway_server + "/portal/tenders/new")
    assert page.locator("input[name$='.title'][name^='lots.']").count() == 3  # blank rows
    page.fill("#f-lots-0-key", "NORTH")
    page.fill("#f-lots-0-title", "North of the borough")
    page.check("input[name='lots.0.reservation.kinds'][value='charity']")
    page.get_by_role("button", name="Add more lot rows").click()
    expect(page.locator("input[name$='.title'][name^='lots.']")).to_have_count(6)
    assert page.input_value("#f-lots-0-key") == "NORTH"
    assert page.is_checked("input[name='lots.0.reservation.kinds'][value='charity']")
    assert page.locator(".govuk-error-summary").count() == 0  # nothing was saved
    axe_check(page, "tender form with lot rows")
    # Enter in a field still saves (the portal's own check answers), not "add lot rows".
    page.fill("#f-criteria-0-weight", "25")
    page.press("#f-title", "Enter")
    expect(page.locator(".govuk-error-summary")).to_contain_text("add up to 105")
    expect(page.locator("input[name$='.title'][name^='lots.']")).to_have_count(6)  # retried
