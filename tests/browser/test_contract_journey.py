"""After award in the browser: the provider reports, a reviewer gives their view (also without
JavaScript), the commissioner disputes and reads the charts, the auditor replays a rating."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from services.demo import scenario
from services.demo.contract import RESULTS, ContractStage


@pytest.fixture(scope="module")
def contract_stage(world):
    """The example tender awarded and its contract ready, assessors invited (through the API)."""
    demo = world.demo(deadline_seconds=12)
    demo.through_award()
    stage = ContractStage(demo)
    stage.create_assessors()
    stage.wait_for_contract()
    stage.invite()
    return stage


def _report_by_api(stage, metric: dict, period: int) -> dict:
    value, engaged, achieved = RESULTS[metric["id"]][period]
    report = stage.demo.clients["strong"].post(f"/contracts/{stage.contract['id']}/reports", {
        "metric_id": metric["id"], "period": period, "value": value,
        "unit": metric["indicator"]["unit"], "method": "Survey by peer researchers",
        "cohort": {"people_engaged": engaged, "people_with_outcome": achieved}})
    stage.reports[(metric["id"], period)] = report
    return report


def test_contract_pages_for_every_role(page, browser, world, contract_stage, sign_in, axe_check,
                                       screenshot):
    stage, cid = contract_stage, contract_stage.contract["id"]
    url = f"{world.url}/portal/contracts/{cid}"

    # The provider: schedule with states, then the reporting form (an error, then a report).
    sign_in(page, world, "strong", axe_check)
    page.goto(f"{world.url}/portal/tenders/{stage.demo.tender['id']}")
    page.get_by_role("link", name=re.compile("The contract")).click()
    expect(page.locator("h1")).to_contain_text(stage.contract["title"])
    expect(page.locator("main")).to_contain_text("Open")
    axe_check(page, "contract page (provider)")
    page.get_by_role("link", name="Report M1 period 1").click()
    page.fill("#f-value", "6.8")
    page.select_option("#f-unit", "percent")  # the wrong unit for a scale score
    page.fill("#f-cohort-people_engaged", "42")
    page.fill("#f-cohort-people_with_outcome", "25")
    page.fill("#f-method", "UCLA-3 at intake and at three months, by peer researchers")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("scale")
    axe_check(page, "report form with an error")
    page.select_option("#f-unit", "scale")
    page.fill("#f-evidence-0-description", "Anonymised survey summary")
    screenshot(page, "contract-report-form")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Report submitted")
    for metric in stage.contract["metrics"][1:]:
        _report_by_api(stage, metric, 1)
    reports = stage.demo.clients["strong"].get(f"/contracts/{cid}/reports")["items"]
    m1 = next(r for r in reports if r["metric_id"] == "M1")
    assert m1["value"] == 6.8 and m1["unit"] == "scale"
    stage.reports[("M1", 1)] = m1

    # The reviewer, without JavaScript: plain words, an error kept, then the view recorded.
    nojs = browser.new_context(java_script_enabled=False, viewport={"width": 1000, "height": 900})
    reviewer = nojs.new_page()
    reviewer.goto(world.url + "/portal/sign-in")
    reviewer.fill("#f-email", stage.demo.users["reviewer"]["email"])
    reviewer.fill("#f-password", scenario.PASSWORD)
    reviewer.get_by_role("button", name="Sign in").click()
    reviewer.goto(url)
    reviewer.get_by_role("link", name="Give your view on M1 period 1").click()
    expect(reviewer.locator("main")).to_contain_text("42 people took part, and 25 of them")
    reviewer.get_by_role("button", name="Send your view").click()
    expect(reviewer.locator(".govuk-error-summary")).to_contain_text("Choose whether you agree")
    reviewer.get_by_label("Partly").check()
    reviewer.fill("#f-comment", "It helped, but the Tuesday group closed twice.")
    reviewer.get_by_role("button", name="Send your view").click()
    expect(reviewer.locator(".govuk-notification-banner")).to_contain_text("Thank you")
    nojs.close()
    # ...and with JavaScript (axe needs it): the same page for M2, checked and pictured.
    page.context.clear_cookies()
    sign_in(page, world, "reviewer", axe_check)
    page.goto(url)
    page.get_by_role("link", name="Give your view on M2 period 1").click()
    page.get_by_role("button", name="Send your view").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Tell us why")
    axe_check(page, "review page with errors")
    page.get_by_label("Yes, I agree").check()
    page.fill("#f-comment", "My wellbeing score went up, and I see it in others too.")
    screenshot(page, "contract-review")
    page.get_by_role("button", name="Send your view").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Thank you")
    for metric in stage.contract["metrics"][2:]:
        stage.demo.clients["reviewer"].post(
            f"/reports/{stage.reports[(metric['id'], 1)]['id']}/reviews",
            {"verdict": "agree", "comment": "Matches what members said."})

    # The commissioner disputes M1 in the browser; the provider replies; the validator validates.
    page.context.clear_cookies()
    sign_in(page, world, "commissioner", axe_check)
    page.goto(url)
    m1_id = stage.reports[("M1", 1)]["id"]
    page.select_option(f"#decision-{m1_id}", "disputed")
    page.fill(f"#reason-{m1_id}", "25 of 42, but the survey log shows 23")
    page.get_by_role("button", name="Record the decision on M1 period 1").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Result disputed")
    stage.demo.clients["strong"].post(f"/reports/{m1_id}/replies",
                                      {"comment": "Two answered by phone; see the log."})
    for metric in stage.contract["metrics"]:
        stage.demo.clients["validator"].post(
            f"/reports/{stage.reports[(metric['id'], 1)]['id']}/decisions",
            {"decision": "validated"})
    stage.wait_for_performance(periods=1)
    page.goto(url)
    expect(page.locator("main")).to_contain_text("Performance")
    assert page.locator("svg.app-chart").count() == len(stage.contract["metrics"])
    expect(page.locator("main")).to_contain_text("reply")
    axe_check(page, "contract page (commissioner)")
    screenshot(page, "contract-commissioner")

    # The auditor replays the period's rating against the audit log.
    page.context.clear_cookies()
    sign_in(page, world, "auditor", axe_check)
    page.goto(url)
    page.get_by_role("button", name="Replay period 1").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("The replay matches")
    axe_check(page, "rating replay")
    screenshot(page, "contract-rating-replay")
