"""Lots in the portal (issue 17): a commissioner drafts a tender with two lots (one reserved
for charities) and publishes it; a bidder bids for a lot, sees the lot on its bid, is refused
the reserved lot and a second bid for the same lot, on the form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from shared.waiting import wait_until
from tests.browser.test_phone_layout import MEASURE, PHONE


def _fill_date(page, name: str, seconds: float) -> None:
    moment = datetime.now(UTC) + timedelta(seconds=seconds)
    for part, value in (("day", moment.day), ("month", moment.month), ("year", moment.year)):
        page.fill(f"#f-{name}-{part}", str(value))
    page.fill(f"#f-{name}-time", moment.strftime("%H:%M:%S"))


def _lot(page, row: int, key: str, title: str, value: str, ceiling: str, floor: str) -> None:
    page.fill(f"#f-lots-{row}-key", key)
    page.fill(f"#f-lots-{row}-title", title)
    page.fill(f"#f-lots-{row}-estimated_value-amount", value)
    page.fill(f"#f-lots-{row}-price-ceiling-amount", ceiling)
    page.fill(f"#f-lots-{row}-price-floor-amount", floor)


def draft_two_lots(page, world, suffix: str, deadline_seconds: float) -> str:
    """Create, check and publish a two-lot tender through the portal; its id."""
    page.get_by_role("link", name="Create a tender").click()
    page.wait_for_url(world.url + "/portal/tenders/new")
    page.fill("#f-title", f"Community wellbeing by area {suffix}")
    page.fill("#f-description", "Reduce loneliness among isolated older people, by area.")
    page.select_option("#f-service_area", "adult_social_care")
    page.fill("#f-estimated_value-amount", "450000.00")
    _fill_date(page, "clarification_deadline", deadline_seconds / 2)
    _fill_date(page, "submission_deadline", deadline_seconds)
    page.fill("#f-price-ceiling-amount", "450000.00")
    page.fill("#f-price-floor-amount", "100000.00")
    # Row 1 is left blank: the API counts only filled rows, the form names the row shown.
    _lot(page, 0, "NORTH", "North of the borough", "250000.00", "260000.00", "150000.00")
    _lot(page, 2, "SOUTH", "South of the borough", "200000.00", "210000.00", "220000.00")
    page.check("input[name='lots.2.reservation.kinds'][value='charity']")
    page.fill("#f-lots-2-reservation-reason", "Delivered by local charities")
    page.get_by_role("button", name="Save draft").click()
    floor_error = page.locator("#f-lots-2-price-floor-amount-error")
    expect(floor_error).to_contain_text("lower than the ceiling")
    assert page.input_value("#f-lots-2-key") == "SOUTH"  # kept as typed
    page.fill("#f-lots-2-price-floor-amount", "120000.00")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(f"{world.url}/portal/tenders/*")
    tid = page.url.rsplit("/", 1)[1]

    # The draft's page shows the lots; editing shows them filled in.
    lots = page.locator("table:has(caption:text('Lots'))").inner_text()
    assert "North of the borough" in lots and "£260,000.00 / £150,000.00" in lots
    assert "Reserved for charities: Delivered by local charities" in lots
    page.get_by_role("link", name="Edit the draft").click()
    assert page.input_value("#f-lots-0-key") == "NORTH"
    assert page.input_value("#f-lots-1-key") == "SOUTH"  # the blank row is gone
    assert page.is_checked("input[name='lots.1.reservation.kinds'][value='charity']")
    assert page.input_value("#f-lots-2-key") == ""  # a blank row to add a lot
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(f"{world.url}/portal/tenders/{tid}")
    page.get_by_role("button", name="Publish the tender").click()
    expect(page.locator("h1")).to_contain_text("Published")
    return tid


def fill_bid(page, price: str) -> None:
    """Answer every criterion the form shows, with a co-production plan and a price."""
    for area in page.locator("textarea[name$='.narrative']").all():
        area.fill("Peer-led groups designed with members, in every ward of the lot.")
    for stage, level in (("commissioning", "co-design"), ("design", "co-production"),
                         ("delivery", "co-production"), ("assessment", "engagement")):
        page.select_option(f"#f-coproduction-stages-{stage}", level)
    page.fill("#f-price-amount", price)


def test_tender_with_lots_drafted_published_and_bid_for_by_lot(page, world, sign_in,
                                                               axe_check):
    demo = world.demo()
    sign_in(page, world, "commissioner")
    tid = draft_two_lots(page, world, demo.suffix, 600)
    axe_check(page, "published tender with lots")
    stored = world.cast.clients["commissioner"].get(f"/tenders/{tid}")
    assert [lot["key"] for lot in stored["lots"]] == ["NORTH", "SOUTH"]
    assert stored["lots"][1]["reservation"] == {"kinds": ["charity"],
                                                "reason": "Delivered by local charities"}
    assert stored["lots"][0]["price"]["floor"]["amount"] == "150000.00"

    # A CIC bids: the tender page offers a bid per lot.
    page.context.clear_cookies()
    sign_in(page, world, "strong")
    page.goto(f"{world.url}/portal/tenders/{tid}")
    page.get_by_role("link", name="Bid for lot SOUTH").click()
    page.wait_for_url(f"{world.url}/portal/tenders/{tid}/bid?lot=SOUTH")
    assert page.input_value("#f-lot_key") == "SOUTH"
    assert "Reserved for charities" in page.locator("#f-lot_key").inner_text()
    axe_check(page, "bid form with lots")
    fill_bid(page, "200000.00")
    page.get_by_role("button", name="Submit the bid").click()
    # The reserved lot is refused at the lot select, with what was typed kept.
    expect(page.locator("#f-lot_key-error")).to_contain_text("reserved for charity")
    assert page.input_value("#f-price-amount") == "200000.00"
    page.select_option("#f-lot_key", "NORTH")
    page.get_by_role("button", name="Submit the bid").click()
    page.wait_for_url(f"{world.url}/portal/bids/*")
    bid_id = page.url.rsplit("/", 1)[1]
    expect(page.locator("main")).to_contain_text("Lot NORTH: North of the borough")
    assert world.cast.clients["strong"].get(f"/bids/{bid_id}")["lot_key"] == "NORTH"
    axe_check(page, "bid with its lot")

    # Another bid for the same lot is refused on the form, with a link to the first.
    page.get_by_role("link", name="Bid for another lot").click()
    page.select_option("#f-lot_key", "NORTH")
    fill_bid(page, "240000.00")
    page.get_by_role("button", name="Submit the bid").click()
    expect(page.locator("#f-lot_key-error")).to_contain_text("already has a bid for lot NORTH")
    page.get_by_role("link", name="See your bid for lot NORTH").click()
    page.wait_for_url(f"{world.url}/portal/bids/{bid_id}")

    # The tender page lists the bid against its lot.
    page.goto(f"{world.url}/portal/tenders/{tid}")
    expect(page.get_by_role("link", name="See your bid for lot NORTH")).to_be_visible()
    expect(page.get_by_role("link", name="Bid for lot SOUTH")).to_be_visible()
    axe_check(page, "tender with lots (bidder)")
    page.set_viewport_size(PHONE)
    for path in (f"/portal/tenders/{tid}", f"/portal/tenders/{tid}/bid?lot=NORTH",
                 f"/portal/bids/{bid_id}"):
        page.goto(world.url + path)
        assert not page.evaluate(MEASURE, PHONE["width"]), path


LOT_BOUNDS = {"ceiling": {"amount": "450000.00", "currency": "GBP"},
              "floor": {"amount": "150000.00", "currency": "GBP"}}


def _lots_through_panel(world):
    """A two-lot tender (SOUTH reserved for charities) through the API: the CIC and the social
    enterprise bid for NORTH, the charity for SOUTH; the panel scores and moderates."""
    import uuid

    from services.demo import scenario

    demo = world.demo(deadline_seconds=14)
    body = scenario.tender_body(7, 14)
    body["lots"] = [{"key": "NORTH", "title": "North of the borough", "price": LOT_BOUNDS},
                    {"key": "SOUTH", "title": "South of the borough", "price": LOT_BOUNDS,
                     "reservation": {"kinds": ["charity"], "reason": "Local charities"}}]
    commissioner = demo.clients["commissioner"]
    draft = commissioner.post("/tenders", body)
    demo.tender = commissioner.post(f"/tenders/{draft['id']}/publish")
    lots = {"strong": "NORTH", "lowprice": "NORTH", "outputs": "SOUTH"}
    for bidder in scenario.BIDDERS:
        bid_body = dict(bidder["bid"](), lot_key=lots[bidder["key"]])
        demo.bids[bidder["key"]] = demo.clients[bidder["key"]].post(
            f"/tenders/{demo.tender['id']}/bids", bid_body,
            headers={"Idempotency-Key": str(uuid.uuid4())})
    demo.set_panel()
    demo.wait_for_deadline()
    demo.wait_for_assessment()
    demo.declare_conflicts()
    demo.score()
    demo.moderate()
    return demo


def test_lots_scored_and_decided_one_by_one_in_the_portal(page, world, sign_in, axe_check):
    demo = _lots_through_panel(world)
    tid = demo.tender["id"]
    names = {key: demo.users[key]["organisation"]["name"] for key in demo.bids}
    sign_in(page, world, "commissioner")

    # The evaluation page groups the bids by lot.
    page.goto(f"{world.url}/portal/tenders/{tid}/evaluation")
    north = page.locator("table:has(caption:text('lot NORTH'))").inner_text()
    south = page.locator("table:has(caption:text('lot SOUTH'))").inner_text()
    assert names["strong"] in north and names["lowprice"] in north
    assert names["outputs"] in south and names["strong"] not in south
    axe_check(page, "evaluation by lot")

    # Score lot NORTH: the run page names the lot and leads to the award page.
    page.get_by_role("link", name="Scoring and award by lot").click()
    page.wait_for_url(f"{world.url}/portal/tenders/{tid}/award")
    assert page.locator("main").inner_text().count("Not decided") == 2
    page.get_by_role("button", name="Run scoring for lot NORTH").click()
    page.wait_for_url(f"{world.url}/portal/scoring-runs/*")
    page.get_by_role("heading", name="Ranking").wait_for(timeout=60000)
    expect(page.locator("main")).to_contain_text("NORTH: North of the borough")
    axe_check(page, "scoring run of a lot")
    page.get_by_role("link", name="Award by lot").click()
    page.wait_for_url(f"{world.url}/portal/tenders/{tid}/award")
    ranking = page.locator("table:has(caption:text('Latest ranking of lot NORTH'))").inner_text()
    assert names["strong"] in ranking and names["outputs"] not in ranking
    axe_check(page, "award by lot")
    page.get_by_role("button", name="Award lot NORTH").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Lot NORTH awarded")

    # Lot SOUTH closes unawarded: a justification is required.
    page.get_by_text("Close this lot unawarded").click()
    page.get_by_role("button", name="Close lot SOUTH unawarded").click()
    expect(page.locator("#f-no_award-SOUTH-justification-error")).to_contain_text("Explain why")
    page.fill("#f-no_award-SOUTH-justification", "The only bid does not meet the budget.")
    page.get_by_role("button", name="Close lot SOUTH unawarded").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("closed without an award")
    text = page.locator("main").inner_text()
    assert "The only bid does not meet the budget." in text and "Not decided" not in text
    axe_check(page, "award by lot, decided")

    awards = {i["lot_key"]: i for i in world.cast.clients["commissioner"].get(
        f"/tenders/{tid}/awards")["items"]}
    assert awards["NORTH"]["status"] == "awarded" and awards["SOUTH"]["status"] == "unawarded"
    assert awards["NORTH"]["bid_id"] == demo.bids["strong"]["id"]
    assert demo.wait_for_status("awarded", "concluded")["status"] in ("awarded", "concluded")

    # No standstill here: lot NORTH's contract is made, and the tender page lists it.
    wait_until(lambda: world.cast.api.get(f"/tenders/{tid}/contracts")["items"], timeout=60,
               what="the contract of lot NORTH")
    page.goto(f"{world.url}/portal/tenders/{tid}")
    page.get_by_role("link", name="Lot NORTH: North of the borough").click()
    page.wait_for_url(f"{world.url}/portal/contracts/*")
    expect(page.locator("main")).to_contain_text(names["strong"])

    # Every page of the lots fits a 320 px phone (as test_phone_layout measures them).
    page.set_viewport_size(PHONE)
    for path in (f"/portal/tenders/{tid}", f"/portal/tenders/{tid}/evaluation",
                 f"/portal/tenders/{tid}/award", "/portal/tenders/new"):
        page.goto(world.url + path)
        assert not page.evaluate(MEASURE, PHONE["width"]), path

    # The winner reads its assessment summary; the bid page names the lot.
    page.context.clear_cookies()
    sign_in(page, world, "strong")
    page.goto(f"{world.url}/portal/bids/{demo.bids['strong']['id']}")
    expect(page.locator("main")).to_contain_text("Lot NORTH: North of the borough")
    page.get_by_role("link", name="Read your assessment summary").click()
    page.wait_for_url("**/summary")
    expect(page.locator("main")).to_contain_text("Awarded the contract")
