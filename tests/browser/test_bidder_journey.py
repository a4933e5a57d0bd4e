"""A bidder's journey in a real browser against the real platform."""

from __future__ import annotations

import hashlib
import json
import re
import uuid

import rfc8785
from playwright.sync_api import expect

from services.demo.client import Client


def _open_tender(world) -> dict:
    """A published tender with one answered question (set up through the API)."""
    demo = world.demo(deadline_seconds=600)
    tender = demo.publish_tender()
    demo.clarify()
    return tender


def test_bidder_registers_reads_asks_bids_amends_and_withdraws(page, world, axe_check,
                                                                screenshot, tmp_path):
    tender = _open_tender(world)
    tid = tender["id"]
    suffix = uuid.uuid4().hex[:6]
    email = f"bids+{suffix}@brightside.example"

    # Register the organisation (the first user is a bidder) and land on the home page.
    page.goto(world.url + "/portal/register")
    page.fill("#f-organisation-name", f"Brightside Connect CIC {suffix}")
    page.check("input[name='organisation.kind'][value='cic']")
    page.fill("#f-email", email)
    page.fill("#f-password", "a-long-enough-password")
    page.fill("#f-password_confirm", "a-long-enough-password")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(world.url + "/portal/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is registered")
    assert tender["title"] in page.content()  # open tenders, with a countdown
    axe_check(page, "bidder home")

    # The countdown: the server renders the time left (read here without running scripts)...
    html = page.request.get(world.url + "/portal/").text()
    served = re.search(rf'/portal/tenders/{tid}".*?data-countdown-seconds="(\d+)">([^<]+)<',
                       html, re.S)
    assert served and int(served.group(1)) > 0 and served.group(2).endswith("min left"), served
    # ...and where JavaScript runs it counts down every second.
    countdown = page.locator(f"li:has(a[href='/portal/tenders/{tid}']) [data-countdown-seconds]")
    expect(countdown).to_have_text(re.compile(r"^\d+ min \d+ sec left$"))
    shown = countdown.inner_text()
    expect(countdown).not_to_have_text(shown, timeout=10000)

    # Sign out and back in through the form.
    page.get_by_role("button", name="Sign out").click()
    page.fill("#f-email", email)
    page.fill("#f-password", "a-long-enough-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(world.url + "/portal/")

    # Browse and search open tenders.
    page.goto(world.url + "/portal/tenders")
    page.fill("#q", "loneliness")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=loneliness**")
    page.get_by_role("link", name=tender["title"]).first.click()
    page.wait_for_url(f"{world.url}/portal/tenders/{tid}")
    screenshot(page, "tender")
    axe_check(page, "tender page")

    # Read the criteria (with their descriptors) and the published Q&A.
    body = page.locator("main").inner_text()
    for criterion in tender["criteria"]:
        assert criterion["title"] in body
    assert "Quarterly reporting is required" in body
    assert world.cast.users["outputs"]["organisation"]["name"] not in body  # asker hidden

    # Ask a question.
    page.fill("#f-question", "Can volunteers' travel be costed within the price?")
    page.get_by_role("button", name="Send the question").click()
    page.wait_for_url(f"{world.url}/portal/tenders/{tid}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your question was sent")
    commissioner = world.cast.clients["commissioner"]
    asked = commissioner.get(f"/tenders/{tid}/questions")["items"]
    assert any(q["question"].startswith("Can volunteers' travel") for q in asked)

    # Write the bid criterion by criterion, with a structured outcome commitment.
    page.get_by_role("link", name="Write your bid").click()
    page.wait_for_url(f"{world.url}/portal/tenders/{tid}/bid")
    axe_check(page, "bid form")
    for i, criterion in enumerate(c for c in tender["criteria"] if c["key"] != "PRICE"):
        page.fill(f"#f-responses-{i}-narrative",
                  f"Our response to {criterion['key']}: peer-led groups designed with members.")
    c = "#f-responses-0-outcome_commitments-0-"
    page.fill(c + "statement", "Isolated older people feel less lonely")
    page.select_option(c + "declared_level", "outcome")
    page.fill(c + "indicator-name", "UCLA 3-item loneliness score")
    page.select_option(c + "indicator-unit", "scale")
    page.fill(c + "indicator-instrument", "UCLA-3")
    page.fill(c + "baseline-value", "7.1")
    page.fill(c + "baseline-date", "2026-09-01")
    page.fill(c + "baseline-source", "intake survey")
    page.fill(c + "target-value", "5.5")
    page.fill(c + "target-by", "2028-03-31")
    page.fill(c + "sustainment_period_months", "9")
    page.select_option(c + "validation_method", "pre_post")
    page.select_option(c + "reporting_frequency", "quarterly")
    page.check("input[name='responses.0.outcome_commitments.0.assessed_by']"
               "[value='people_using_service']")
    page.check("input[name='responses.0.outcome_commitments.0.assessed_by'][value='independent']")
    page.check("input[name='responses.0.outcome_commitments.0.co_defined_with_users']")
    for stage, level in (("commissioning", "co-design"), ("design", "co-production"),
                         ("delivery", "co-production"), ("assessment", "engagement")):
        page.select_option(f"#f-coproduction-stages-{stage}", level)
    page.check("input[name='coproduction.power_sharing'][value='governance_seats']")
    page.check("input[name='coproduction.principles'][value='reciprocity']")
    page.check("input[name='coproduction.reciprocity_offers'][value='training']")
    page.fill("#f-price-amount", "398000.00")
    screenshot(page, "bid-form")
    page.get_by_role("button", name="Submit the bid").click()
    page.wait_for_url(f"{world.url}/portal/bids/*")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Bid submitted (version 1)")
    bid_id = page.url.rsplit("/", 1)[1]
    sha1 = page.locator("text=/^[0-9a-f]{64}$/").first.inner_text()
    screenshot(page, "bid-receipt")
    axe_check(page, "bid with receipt")

    # The receipt downloads, and its hash is of the canonical JSON the API stored.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the receipt").click()
    receipt = json.loads(download.value.path().read_text())
    assert receipt["bid_id"] == bid_id and receipt["version"] == 1
    assert receipt["content_sha256"] == sha1
    token = Client(world.url).login(email, "a-long-enough-password")
    stored = token.get(f"/bids/{bid_id}")
    q1 = next(r for r in stored["responses"] if r["criterion_key"] == "Q1")
    commitment = q1["outcome_commitments"][0]
    assert commitment["indicator"]["instrument"] == "UCLA-3"
    assert commitment["baseline"]["value"] == 7.1 and commitment["target"]["by"] == "2028-03-31"
    assert set(commitment["assessed_by"]) == {"people_using_service", "independent"}
    assert stored["coproduction"]["stages"]["design"] == "co-production"
    content = {k: stored[k] for k in ("price", "responses", "coproduction")}
    assert hashlib.sha256(rfc8785.dumps(content)).hexdigest() == sha1

    # Amend: a new version and a new receipt.
    page.get_by_role("link", name="Amend the bid").click()
    assert page.input_value(c + "indicator-instrument") == "UCLA-3"  # what was sent is kept
    page.fill("#f-price-amount", "391500.00")
    page.get_by_role("button", name="Submit the amended bid").click()
    page.wait_for_url(f"{world.url}/portal/bids/{bid_id}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("version 2")
    assert page.locator("text=/^[0-9a-f]{64}$/").first.inner_text() != sha1

    # The home page lists the bid (version, receipt, time left); then withdraw it.
    page.goto(world.url + "/portal/")
    bids_table = page.locator("table.govuk-table").first.inner_text()
    assert tender["title"] in bids_table and "Version 2 and receipt" in bids_table
    assert "left" in bids_table
    screenshot(page, "bidder-home")
    axe_check(page, "bidder home with a bid")
    page.goto(f"{world.url}/portal/bids/{bid_id}")
    page.get_by_role("button", name="Withdraw the bid").click()
    page.wait_for_url(f"{world.url}/portal/bids/{bid_id}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("withdrawn")
    assert token.get(f"/bids/{bid_id}")["status"] == "withdrawn"
    axe_check(page, "withdrawn bid")
