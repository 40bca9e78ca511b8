"""Keyboard and screen-reader basics on the main pages, checked in Chromium: the first Tab reaches the skip
link, every form control and button has a name, images have text, one h1 per page, the menu marks the page;
and axe-core finds no serious or critical violation on them."""

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_dashboard_map import approved_review_with_a_rate

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

# Controls without an accessible name, buttons and links without text, images without alt, the h1 count.
PROBLEMS = """() => {
  const visible = (el) => el.offsetParent !== null || el.getClientRects().length > 0;
  const named = (el) => (el.labels && el.labels.length) || el.getAttribute("aria-label")
    || el.getAttribute("aria-labelledby") || el.title;
  const problems = [];
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (visible(el) && !named(el)) problems.push(`control without a label: ${el.outerHTML.slice(0, 120)}`);
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (visible(el) && !(el.innerText.trim() || el.getAttribute("aria-label") || el.title))
      problems.push(`${el.tagName.toLowerCase()} without text: ${el.outerHTML.slice(0, 120)}`);
  }
  for (const el of document.querySelectorAll("img:not([alt])")) problems.push(`image without alt: ${el.src}`);
  const headings = document.querySelectorAll("h1").length;
  if (headings !== 1) problems.push(`${headings} h1 elements`);
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  return problems;
}"""

PAGES = [
    ("can.bo.tinh", "/dashboard/", "Bảng điều khiển"),
    ("can.bo.tinh", "/reports/circular07/", "Báo cáo"),
    ("can.bo.tinh", "/reports/lists/", "Báo cáo"),
    ("can.bo.tinh", "/plans/", "Kế hoạch"),
    ("can.bo.xa", "/households/", "Hộ gia đình"),
    ("can.bo.xa", "/households/new/", None),
    ("can.bo.xa", "/reviews/", "Rà soát"),
    ("can.bo.xa", "/households/import/", "Nhập dữ liệu"),
    ("chu.tich.xa", "/reviews/queue/", "Hồ sơ chờ phê duyệt"),
    ("bo.nnmt", "/national/", "Số liệu toàn quốc"),
]


def test_the_main_pages_by_keyboard_and_screen_reader(page, live_world):
    user = None
    for username, path, menu_item in PAGES:
        if username != user:
            log_in(page, username)
            user = username
        page.goto(path)
        assert page.evaluate(PROBLEMS) == [], path
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.className") == "skip-link", path
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "content", path
        if menu_item:
            assert page.locator('header nav a[aria-current="page"]').inner_text() == menu_item, path
    assert not page.console_errors
    # The check itself finds what it looks for.
    page.evaluate("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<input id=unnamed>')")
    assert any("control without a label" in problem for problem in page.evaluate(PROBLEMS))


# axe-core (static/vendor/axe-core, the rules of WCAG 2.1 A and AA and best practices), injected from our own
# static files: the pages' Content-Security-Policy allows scripts from 'self' only.
AXE = "/static/vendor/axe-core/axe.min.js"
RUN_AXE = """async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] });
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}"""


def test_axe_finds_no_serious_or_critical_violation_on_the_main_pages(page, live_world):
    # A dashboard with figures, so that its chart, map and legend are checked too.
    approved_review_with_a_rate(live_world)
    user = None
    found = {}
    for username, path, _menu_item in PAGES:
        if username != user:
            log_in(page, username)
            user = username
        page.goto(path)
        if path == "/dashboard/":
            page.wait_for_selector("#unit-map .leaflet-interactive")  # axe checks the drawn map and its buttons
        page.add_script_tag(url=AXE)
        violations = page.evaluate(RUN_AXE)
        if violations:
            found[path] = violations
    assert found == {}
    # The check itself finds what it looks for: an image without a text alternative is critical.
    page.evaluate("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x.png>')")
    assert any("image-alt" in violation for violation in page.evaluate(RUN_AXE))
