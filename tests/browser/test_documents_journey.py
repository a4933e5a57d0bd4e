"""Documents in the portal, in a real browser: the commissioner adds a new version of the
specification, a bidder attaches documents to its bid (with a progress bar) and sees their
hashes on its receipt; refused files are explained; downloads are attachments."""

from __future__ import annotations

import hashlib

from playwright.sync_api import expect

from tests.support.builders import document_bytes


def test_documents_on_the_tender_and_the_bid(page, world, sign_in, axe_check, tmp_path):
    demo = world.demo(deadline_seconds=600)
    tender = demo.publish_tender()  # with its specification
    tid = tender["id"]
    strong = demo.clients["strong"]
    from services.demo import scenario

    bid = strong.post(f"/tenders/{tid}/bids", scenario.strong_outcomes_bid())

    # The commissioner uploads a new version of the specification.
    sign_in(page, world, "commissioner")
    page.goto(f"{world.url}/portal/tenders/{tid}")
    spec = tmp_path / "specification v2.pdf"
    spec.write_bytes(document_bytes("pdf", 300_000))
    page.set_input_files("#document-file", str(spec))
    page.select_option("#document-replaces", index=1)
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("uploaded")
    expect(page.locator("main")).to_contain_text("Superseded by version 2")
    axe_check(page, "tender page with documents")
    page.get_by_role("button", name="Sign out").click()

    # The bidder attaches its price schedule, and a file that is not what its name says.
    sign_in(page, world, "strong")
    page.goto(f"{world.url}/portal/bids/{bid['id']}")
    prices = tmp_path / "prices.xlsx"
    prices.write_bytes(document_bytes("xlsx", 2_000_000))  # big enough to show progress
    page.set_input_files("#document-file", str(prices))
    page.check("#price-schedule")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("prices.xlsx uploaded")
    digest = hashlib.sha256(prices.read_bytes()).hexdigest()
    expect(page.locator("main")).to_contain_text(digest)  # on the receipt
    expect(page.locator("main")).to_contain_text("Price schedule")
    fake = tmp_path / "renamed.pdf"
    fake.write_bytes(document_bytes("docx"))
    page.set_input_files("#document-file", str(fake))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("was not uploaded")
    axe_check(page, "bid page with documents")
    with page.expect_download() as download:
        page.get_by_role("link", name="prices.xlsx").click()
    saved = download.value.path().read_bytes()
    assert hashlib.sha256(saved).hexdigest() == digest
