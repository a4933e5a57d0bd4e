"""Evaluator and moderator journeys: conflicts, price-blind scoring, moderation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from services.demo import scenario


@pytest.fixture(scope="module")
def closed(world):
    """A tender past its deadline, with a panel, three bids and their automated assessments."""
    demo = world.demo(deadline_seconds=12)
    demo.publish_tender()
    demo.submit_bids()
    demo.set_panel()
    demo.wait_for_deadline()
    demo.wait_for_assessment()
    return demo


def _score_by_api(demo, evaluator: int, skip: str | None = None) -> None:
    tid = demo.tender["id"]
    for key, bid in demo.bids.items():
        if key == skip:
            continue
        for criterion, scores in scenario.PANEL_SCORES[key].items():
            demo.clients[f"evaluator{evaluator}"].post(
                f"/tenders/{tid}/bids/{bid['id']}/scores",
                {"criterion_key": criterion, "score": scores[evaluator - 1],
                 "justification": f"Scored against the descriptors for {criterion}."})


def _work(page, tid: str):
    """The home page's card of panel work for one tender."""
    return page.locator(f".app-panel-work[data-tender-id='{tid}']")


def _row(card, key: str):
    return card.locator(".govuk-summary-list__row", has_text=key)


def _declare_no_conflicts(page, names: list[str], axe_check) -> None:
    page.get_by_role("link", name="Declare conflicts of interest").click()
    expect(page.locator("main")).to_contain_text("Before you see any bid")
    axe_check(page, "conflicts form")
    for name in names:
        page.get_by_role("group", name=f"Do you have a conflict of interest with {name}?") \
            .get_by_label("No").check()
    page.get_by_role("button", name="Submit declarations").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Declarations recorded")


def test_evaluator_declares_and_scores_criterion_by_criterion_without_price(
        page, world, closed, sign_in, axe_check, screenshot):
    demo, tid = closed, closed.tender["id"]
    names = [demo.users[k]["organisation"]["name"] for k in ("strong", "outputs", "lowprice")]
    title = demo.tender["title"]
    sign_in(page, world, "evaluator1", axe_check)
    # The home page says what is waiting on this tender: conflicts first, then scores.
    card = _work(page, tid)
    expect(card).to_contain_text(title)
    expect(_row(card, "Conflicts of interest")).to_contain_text("To declare")
    expect(_row(card, "Conflicts of interest")).to_contain_text("for 3 bidders")
    expect(_row(card, "Scores to give")).to_contain_text("Declare your conflicts first")
    assert card.get_by_text("Divergences to moderate").count() == 0  # not the moderator
    expect(card.get_by_role("link", name=f"Declare conflicts for {title}")) \
        .to_have_attribute("href", f"/portal/tenders/{tid}/conflicts")
    page.goto(f"{world.url}/portal/tenders/{tid}/evaluation")
    _declare_no_conflicts(page, names, axe_check)

    strong = demo.bids["strong"]["id"]
    page.get_by_role("link", name=f"Score {names[0]}").click()
    page.wait_for_url(f"{world.url}/portal/tenders/{tid}/bids/{strong}/score*")
    screenshot(page, "score")
    axe_check(page, "score form")
    for criterion, scores in scenario.PANEL_SCORES["strong"].items():
        expect(page.locator("h1")).to_contain_text(f"Score {criterion}")
        text = page.locator("main").inner_text()
        assert "398,000" not in text and "398000" not in text  # price hidden
        assert "What each score means" in text and "Automated assessment" in text
        page.locator(f"input[name='score'][value='{scores[0]}']").check()
        page.fill("#f-justification", f"{criterion}: matches descriptor {scores[0]}.")
        page.get_by_role("button", name="Save and continue").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            re.compile("scored|recorded"))
    history = demo.clients["evaluator1"].get(f"/tenders/{tid}/bids/{strong}/scores")["items"]
    assert {s["criterion_key"] for s in history} == set(scenario.PANEL_SCORES["strong"])

    # Home: conflicts declared, and how many bid × criterion scores remain (one bid done).
    page.goto(world.url + "/portal/")
    card = _work(page, tid)
    total = sum(len(criteria) for criteria in scenario.PANEL_SCORES.values())
    left = total - len(scenario.PANEL_SCORES["strong"])
    expect(_row(card, "Conflicts of interest")).to_contain_text("Declared")
    expect(_row(card, "Scores to give")).to_contain_text(
        f"{left} of {total} bid criteria still to score")
    axe_check(page, "evaluator home with scores to give")
    card.get_by_role("link", name=f"Continue scoring {title}").click()
    page.wait_for_url(re.compile(rf"/portal/tenders/{tid}/bids/[^/]+/score\?criterion_key="))
    assert strong not in page.url  # the next bid still to score
    expect(page.locator("h1")).to_contain_text("Score")

    # A missing justification is caught and what was chosen is kept.
    page.goto(f"{world.url}/portal/tenders/{tid}/bids/{strong}/score?criterion_key=Q1")
    page.locator("input[name='score'][value='3']").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Explain the score")
    assert page.is_checked("input[name='score'][value='3']")
    axe_check(page, "score form with errors")


def test_moderator_resolves_a_divergence(page, world, closed, sign_in, axe_check, screenshot):
    demo, tid = closed, closed.tender["id"]
    for evaluator in (1, 2, 3):  # (evaluator 1 may have declared and scored in the browser)
        demo.clients[f"evaluator{evaluator}"].request(
            "POST", f"/tenders/{tid}/conflicts", expect=(200, 201, 409), json={"declarations": [
                {"bid_id": bid["id"], "has_conflict": False} for bid in demo.bids.values()]})
    strong = demo.bids["strong"]["id"]
    done = demo.clients["evaluator1"].get(f"/tenders/{tid}/bids/{strong}/scores")["items"]
    _score_by_api(demo, 1, skip="strong" if done else None)
    _score_by_api(demo, 2)
    _score_by_api(demo, 3)
    names = [demo.users[k]["organisation"]["name"] for k in ("strong", "outputs", "lowprice")]
    title = demo.tender["title"]
    sign_in(page, world, "moderator", axe_check)
    card = _work(page, tid)
    expect(_row(card, "Conflicts of interest")).to_contain_text("To declare")
    expect(_row(card, "Divergences to moderate")).to_contain_text("Declare your conflicts first")
    assert card.get_by_text("Scores to give").count() == 0  # a moderator does not score
    page.goto(f"{world.url}/portal/tenders/{tid}/evaluation")
    _declare_no_conflicts(page, names, axe_check)
    text = page.locator("main").inner_text()
    assert f"{names[0]}, Q4: scores 4, 4, 2" in text
    assert page.locator("svg.app-chart").count() >= 1  # the divergence chart
    screenshot(page, "moderation")
    axe_check(page, "evaluation (moderator)")
    assert page.get_by_role("link", name=f"moderate Q4 for {names[0]}").count() == 1

    # Home lists the divergences still to moderate and links to the next one.
    page.goto(world.url + "/portal/")
    row = _row(_work(page, tid), "Divergences to moderate")
    expect(row).to_contain_text("1 to moderate")
    expect(row).to_contain_text("Q4: scores 4, 4, 2")
    axe_check(page, "moderator home with a divergence")
    row.get_by_role("link", name=f"Moderate Q4 of {title}").click()
    expect(page.locator("h1")).to_contain_text("Moderate Q4")
    assert "Panel scores: 4, 4, 2" in page.locator("main").inner_text()
    axe_check(page, "moderation form")
    page.locator("input[name='score'][value='3']").check()
    page.fill("#f-justification", "Panel agreed the risk register is thin on staffing.")
    page.get_by_role("button", name="Record the consensus score").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded")
    doc = demo.clients["commissioner"].get(f"/tenders/{tid}/evaluation")
    q4 = next(d for d in doc["divergences"] if d["criterion_key"] == "Q4"
              and d["bid_id"] == demo.bids["strong"]["id"])
    assert q4["moderated"] is True and q4["moderation"]["score"] == 3
    page.goto(world.url + "/portal/")
    expect(_row(_work(page, tid), "Divergences to moderate")).to_contain_text("All 1 moderated")
