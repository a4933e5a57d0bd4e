"""The portal on a phone (issue 15): at 320 CSS px no signed-in page scrolls sideways, chart
labels stay 12 px or more, and links and buttons are at least 24 by 24 px (WCAG 1.4.10, 1.4.4,
2.5.8). Each role walks every page its links reach, one page per route (ids aside)."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest

from services.demo import scenario

PHONE = {"width": 320, "height": 640}
ROLES = ("commissioner", "strong", "evaluator1", "moderator", "auditor", "reviewer", "validator",
         "admin")
# Downloads and machine-readable answers are not pages; sign-out is a form.
NOT_PAGES = re.compile(r"\.(pdf|json|jsonl|csv)$|/documents/|/audit/export|/sign-out")
ID = re.compile(r"^(?=.*\d)[0-9A-Za-z_-]{6,}$|^\d+$|^fw-")
MAX_PAGES = 30  # per role: a bound, should a page ever link to endless distinct routes

# The phone's width is passed in: a mobile browser zooms out to fit a page that is too wide,
# and then window.innerWidth grows with it.
MEASURE = """(width) => {
  const problems = [];
  const visible = el => { const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && getComputedStyle(el).visibility !== 'hidden'; };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' +
    (el.innerText || el.textContent || '').trim().slice(0, 40) + '"';
  const scrollWidth = document.scrollingElement.scrollWidth;
  if (scrollWidth > width) {
    for (const el of document.querySelectorAll('body *')) {
      // Inside a scroll region only what escapes it counts: placed (absolute or fixed) boxes,
      // hidden ones too (a visually hidden text past the edge widens the page as well).
      const placed = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
      if (el.closest('.app-table-scroll, .app-chart-wrap') && !placed) continue;
      if (el.getBoundingClientRect().right > width + 0.5) problems.push('too wide: ' + name(el) +
        ' in ' + (el.parentElement ? name(el.parentElement).slice(0, 30) : ''));
    }
    // A long unbroken word (an id, a URL) overflows a box that itself fits: only its text is wide.
    const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node; node = texts.nextNode()) {
      if (!node.parentElement || node.parentElement.closest('.app-table-scroll, .app-chart-wrap'))
        continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      if (range.getBoundingClientRect().right > width + 0.5)
        problems.push('text too wide: "' + node.textContent.trim().slice(0, 40) + '" in ' +
                      name(node.parentElement).slice(0, 30));
    }
    problems.unshift(`page ${scrollWidth} px wide in a ${width} px window`);
  }
  for (const el of document.querySelectorAll('a[href], button, summary')) {
    if (!visible(el) || el.closest('.govuk-skip-link')) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 24 || r.height < 24)
      problems.push(`target ${Math.round(r.width)}x${Math.round(r.height)}: ` + name(el));
  }
  for (const text of document.querySelectorAll('svg.app-chart text')) {
    const m = text.getScreenCTM();  // rotated labels too: the scale is |(a, b)|
    const px = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
    if (px < 12) problems.push(`chart label ${px.toFixed(1)} px: ` + name(text));
  }
  for (const region of document.querySelectorAll('.app-table-scroll, .app-chart-wrap'))
    if (region.tabIndex !== 0 || !region.getAttribute('aria-label'))
      problems.push('scroll region not focusable or not labelled: ' + name(region));
  return problems;
}"""


def route(url: str) -> str:
    """A page's route: its path with ids replaced (one visit per route is enough)."""
    return "/".join("*" if ID.search(part) else part for part in urlsplit(url).path.split("/"))


@pytest.fixture(scope="module")
def phone_world(world, paid_stage):
    """An awarded tender with a paid contract (shared), plus an open tender with bids; the walk
    starts at both tenders' pages as well as home (one tender per route would miss the other's
    state: the open one's bid forms, the awarded one's evaluation, runs and contract)."""
    demo = world.demo(deadline_seconds=600)
    demo.publish_tender()
    demo.submit_bids()
    world.phone_starts = [f"{world.url}/portal/tenders/{tender['id']}"
                          for tender in (paid_stage.demo.tender, demo.tender)]
    return world


def _sign_in(page, world, who: str) -> None:
    email = world.admin_email if who == "admin" else world.email(who)
    page.goto(world.url + "/portal/sign-in")
    page.fill("#f-email", email)
    page.fill("#f-password", scenario.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(world.url + "/portal/")


def _walk(page, world, who: str) -> tuple[dict[str, str], list[str]]:
    """Visit every route reachable from home by links; (route → url, problems found)."""
    seen: dict[str, str] = {}
    starts = [world.url + "/portal/", *world.phone_starts]
    queue, problems = list(starts), []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if route(url) in seen and url not in starts:
            continue
        seen.setdefault(route(url), url)
        started = time.monotonic()
        response = page.goto(url)
        assert response is not None and "text/html" in response.headers.get("content-type", "")
        found = page.evaluate(MEASURE, PHONE["width"])
        problems += [f"{who} {urlsplit(url).path}: {problem}" for problem in found]
        print(f"{who} {urlsplit(url).path} {time.monotonic() - started:.2f}s")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            href = href.split("#")[0]
            ours = href.startswith(world.url + "/portal/")
            if ours and not NOT_PAGES.search(urlsplit(href).path) and route(href) not in seen:
                queue.append(href)
    return seen, problems


@pytest.mark.parametrize("who", ROLES)
def test_every_page_fits_a_320_px_phone(browser, phone_world, who, axe_check, screenshot):
    context = browser.new_context(viewport=PHONE, bypass_csp=True, is_mobile=True,
                                  has_touch=True, device_scale_factor=1)
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        _sign_in(page, phone_world, who)
        seen, problems = _walk(page, phone_world, who)
        print(who, len(seen), sorted(seen))
        assert len(seen) >= 4, f"{who} reached too few pages: {sorted(seen)}"
        assert not problems, "\n".join(problems[:40])
        if who != "commissioner":
            return
        # Four pages at phone size for the docs (docs/img/portal/phone-*.png), and axe on them
        # at this width: home, the awarded tender's evaluation, an assessment summary, the contract.
        for path, name in (("/portal/", "home"), ("/portal/tenders/*/evaluation", "evaluation"),
                           ("/portal/bids/*/summary", "assessment-summary"),
                           ("/portal/contracts/*", "contract")):
            assert path in seen, f"the commissioner never reached {path}: {sorted(seen)}"
            page.goto(seen[path])
            axe_check(page, f"{path} at 320 px")
            screenshot(page, f"phone-{name}")
    finally:
        context.close()
