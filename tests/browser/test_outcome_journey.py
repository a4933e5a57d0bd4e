"""Paying for outcomes in the browser: the rate card on the tender page, the contract's payments
for its commissioner, the public evidence library with its charts, a framework page, and a
tender started from it with the rate card prefilled in the form; axe on every page."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_rate_card_payments_library_and_a_tender_from_a_framework(page, world, paid_stage,
                                                                  sign_in, axe_check,
                                                                  screenshot):
    stage, cid = paid_stage, paid_stage.contract["id"]
    page.goto(f"{world.url}/portal/tenders/{stage.demo.tender['id']}")
    expect(page.locator("main")).to_contain_text("Paying for outcomes")
    axe_check(page, "tender page with a rate card")

    page.goto(f"{world.url}/portal/library")
    expect(page.locator("main")).to_contain_text("UCLA 3-item loneliness score")
    expect(page.locator("svg.app-chart").first).to_be_visible()
    axe_check(page, "evidence library")
    screenshot(page, "evidence-library")
    page.get_by_role("link", name=f"fw-{cid}").first.click()
    expect(page.locator("main")).to_contain_text("Evidence from this contract")
    axe_check(page, "framework page")

    sign_in(page, world, "commissioner", axe_check)
    page.goto(f"{world.url}/portal/contracts/{cid}")
    expect(page.locator("main")).to_contain_text("Outcome payments")
    expect(page.locator("main")).to_contain_text("Total due")
    axe_check(page, "contract page with payments")
    screenshot(page, "contract-payments")
    page.goto(f"{world.url}/portal/library/frameworks/fw-{cid}")
    page.get_by_role("button", name="Start a tender from this framework").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("started from the "
                                                                         "framework")
    expect(page.locator("main")).to_contain_text("Started from the evidence library")
    axe_check(page, "tender started from a framework")
    page.get_by_role("link", name=re.compile("Edit")).first.click()
    expect(page.locator("#f-rate_card-outcomes-0-price-amount")).to_have_value("400.00")
    axe_check(page, "tender form with a rate card")
