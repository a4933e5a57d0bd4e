"""A commissioner's journey, from a new tender to award, in a real browser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect


def _fill_date(page, name: str, seconds: float) -> None:
    """Type a GOV.UK date and time (UTC, with seconds) ``seconds`` from now."""
    moment = datetime.now(UTC) + timedelta(seconds=seconds)
    for part, value in (("day", moment.day), ("month", moment.month), ("year", moment.year)):
        page.fill(f"#f-{name}-{part}", str(value))
    page.fill(f"#f-{name}-time", moment.strftime("%H:%M:%S"))


def test_commissioner_creates_publishes_answers_scores_and_awards(page, world, sign_in, axe_check,
                                                                  screenshot):
    demo = world.demo()
    sign_in(page, world, "commissioner", axe_check)

    # Create a tender: the default criteria are prefilled and add up with price to 100.
    page.get_by_role("link", name="Create a tender").click()
    page.wait_for_url(world.url + "/portal/tenders/new")
    assert page.input_value("#f-criteria-0-key") == "Q1"
    page.fill("#f-title", f"Community wellbeing and loneliness service {demo.suffix}")
    page.fill("#f-description", "Reduce loneliness among isolated older people, co-produced "
                                "with the people who use the service.")
    page.select_option("#f-service_area", "adult_social_care")
    page.fill("#f-estimated_value-amount", "450000.00")
    _fill_date(page, "clarification_deadline", 14)
    _fill_date(page, "submission_deadline", 24)
    page.fill("#f-price-ceiling-amount", "450000.00")
    page.fill("#f-price-floor-amount", "250000.00")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(f"{world.url}/portal/tenders/*")
    tid = page.url.rsplit("/", 1)[1]
    expect(page.locator("h1")).to_contain_text("Draft")
    page.get_by_role("button", name="Publish the tender").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is published")
    expect(page.locator("h1")).to_contain_text("Published")
    axe_check(page, "published tender (owner)")
    demo.tender = demo.clients["commissioner"].get(f"/tenders/{tid}")
    assert [c["key"] for c in demo.tender["criteria"]] == ["Q1", "Q2", "Q3", "Q4", "Q5", "SV"]

    # Bidders ask and bid through the API while the tender is open.
    question = demo.clients["outputs"].post(f"/tenders/{tid}/questions", {
        "question": "Can outcomes be reported annually rather than quarterly?"})
    demo.submit_bids()

    # The question waits on the home page; answer it on the tender page.
    page.goto(world.url + "/portal/")
    assert question["question"] in page.locator("main").inner_text()
    screenshot(page, "commissioner-home")
    page.goto(f"{world.url}/portal/tenders/{tid}")
    page.fill(f"#f-answer-{question['id']}", "Quarterly reporting is required.")
    page.get_by_role("button", name="Publish the answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Answer published")
    assert "A: Quarterly reporting is required." in page.locator("main").inner_text()

    # Set the panel (three evaluators, one with lived experience, and a moderator).
    page.get_by_role("link", name="Set the panel").click()
    page.wait_for_url(f"{world.url}/portal/tenders/{tid}/panel")
    axe_check(page, "panel form")
    ids = [demo.users[f"evaluator{i}"]["id"] for i in (1, 2, 3)]
    page.fill("#f-evaluators", "\n".join(ids))
    page.fill("#f-moderator", demo.users["moderator"]["id"])
    page.get_by_role("button", name="Save the panel").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Panel saved")

    # After the deadline: the panel declares, scores and moderates (through the API).
    demo.wait_for_deadline()
    demo.wait_for_assessment()
    demo.declare_conflicts()
    demo.score()
    demo.moderate()

    # Compare the bids side by side, with co-production depth charts.
    page.goto(f"{world.url}/portal/tenders/{tid}")
    page.get_by_role("link", name="Evaluation and bids").click()
    page.wait_for_url(f"{world.url}/portal/tenders/{tid}/evaluation")
    text = page.locator("main").inner_text()
    for key in ("strong", "outputs", "lowprice"):
        assert demo.users[key]["organisation"]["name"] in text
    assert "Abnormally low price" in text
    assert page.locator("svg.app-chart").count() >= 3
    assert page.locator("svg.app-chart rect").count() >= 3  # depth bars drawn from assessments
    screenshot(page, "evaluation")
    axe_check(page, "evaluation (commissioner)")

    # Run scoring: the run page shows progress, then the ranking chart.
    page.get_by_role("button", name="Run scoring").first.click()
    page.wait_for_url(f"{world.url}/portal/scoring-runs/*")
    page.get_by_role("heading", name="Ranking").wait_for(timeout=60000)
    expect(page.locator("h1")).to_contain_text("Completed")
    assert page.locator("svg.app-chart").count() == 1
    rows = page.locator("table.govuk-table tbody tr")
    assert demo.users["strong"]["organisation"]["name"] in rows.first.inner_text()
    screenshot(page, "scoring-run")
    axe_check(page, "scoring run")
    with page.expect_download() as report:
        page.get_by_role("link", name="Download the evaluation report (PDF)").click()
    assert report.value.path().read_bytes().startswith(b"%PDF")

    # Award to the top-ranked passing bid (checked by default).
    page.get_by_role("button", name="Award the contract").click()
    page.wait_for_url(f"{world.url}/portal/tenders/{tid}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Awarded")
    award = demo.wait_for_status("awarded", "concluded")
    assert award["status"] in ("awarded", "concluded")

    # Read the assessment summaries (HTML and PDF).
    page.get_by_role("link", name="Evaluation and bids").click()
    strong = demo.users["strong"]["organisation"]["name"]
    page.get_by_role("link", name=f"Assessment summary of {strong}").click()
    page.wait_for_url("**/summary")
    text = page.locator("main").inner_text()
    assert "Awarded the contract" in text and "Rank\t1 of 3" in text
    assert "Evaluator: “Scored" in text and "Moderation: “Panel agreed" in text
    screenshot(page, "assessment-summary")
    axe_check(page, "assessment summary")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download as PDF").click()
    assert pdf.value.path().read_bytes().startswith(b"%PDF")

    # The winning bidder reads its own assessment summary after award.
    page.context.clear_cookies()
    sign_in(page, world, "strong")
    page.goto(f"{world.url}/portal/bids/{demo.bids['strong']['id']}")
    page.get_by_role("link", name="Read your assessment summary").click()
    page.wait_for_url("**/summary")
    text = page.locator("main").inner_text()
    assert "Scores per criterion" in text and "Awarded the contract" in text
    axe_check(page, "assessment summary (bidder)")
