"""The interface in the field, in a real Chromium: every main page fits a 390 px phone without sideways
scrolling (and a 1366 px laptop), the menu folds away on a phone, controls are big enough to touch; the
household form adds members on the page, sums its errors up at the top and reads dates typed dd/mm/yyyy."""

import datetime

import pytest
from PIL import Image

from households.models import Household, ReviewKind
from households.services import (
    household_create,
    review_create,
    review_meeting_confirm,
    review_post,
    review_submit,
    round_open,
)
from tests.browser.conftest import log_in
from tests.factories import member_data
from tests.reviews import approve_all, step_days

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

# The page's width beyond the window, and the elements that stick out (to say what to fix).
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && el.getClientRects().length) {
      let scrolled = false;
      for (let up = el.parentElement; up && getComputedStyle(el).position !== "absolute"; up = up.parentElement) {
        const style = getComputedStyle(up);
        if (["auto", "scroll", "hidden"].includes(style.overflowX)) { scrolled = true; break; }
      }
      if (!scrolled) wide.push(`${el.tagName.toLowerCase()}.${el.className}#${el.id}: ${Math.round(box.right)}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, window: width, wide: wide.slice(0, 8)};
}"""

# Controls and menu links smaller than 44 px in either direction (WCAG 2.5.5), on the visible page.
SMALL_TARGETS = """() => {
  const small = [];
  const targets = document.querySelectorAll(
    "main button, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main select, " +
    "main textarea, header a, header button, header summary, label:has(> input[type=checkbox]), " +
    "label:has(> input[type=radio])");
  for (const el of targets) {
    if (!el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    const box = el.getBoundingClientRect();
    if (box.height < 44 - 0.5 || box.width < 44 - 0.5)
      small.push(`${el.tagName.toLowerCase()}${el.name ? "[" + el.name + "]" : ""} ${el.innerText?.slice(0, 20) || ""}:`
        + ` ${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  return small.slice(0, 10);
}"""


@pytest.fixture
def field_world(live_world):
    """The year's annual round and three households in it, entered through the services: a household of two whose
    review is entered (its pages and forms), one approved (figures on the dashboard and the reports), one waiting
    for the chair (the approval queue)."""
    world = live_world
    household = household_create(
        user=world["officer"],
        village=world["village"],
        data={"code": "VL-0101", "address": "Thôn Nà Làng, Xã Văn Lang"},
        members=[
            member_data(
                full_name="Hoàng Thị Mai", sex="female", employment="self_employed", education="lower_secondary"
            ),
            member_data(
                full_name="Hoàng Văn Tùng",
                relation="child",
                date_of_birth=datetime.date(2014, 4, 2),
                in_school=True,
                at_age_appropriate_level=True,
            ),
        ],
    )
    review_round = round_open(
        user=world["officer"], commune=world["commune"], year=datetime.date.today().year, kind=ReviewKind.ANNUAL
    )
    facts = {
        "housing": "simple",
        "living_area_m2": "20",
        "water_source": "surface",
        "latrine": "none",
        "telecom": ["phone"],
        "waste": "collected",
    }
    review = review_create(
        user=world["officer"],
        review_round=review_round,
        household=household,
        income_per_capita=900_000,
        facts=facts,
    )
    # A second household, approved: the dashboard, the reports and the lists then have figures, a chart and a map.
    approved = household_create(
        user=world["officer"],
        village=world["village"],
        data={"code": "VL-0102"},
        members=[member_data(full_name="Nông Văn Páo", employment="self_employed", education="lower_secondary")],
    )
    approved_review = review_create(
        user=world["officer"], review_round=review_round, household=approved, income_per_capita=700_000, facts=facts
    )
    approve_all(
        [approved_review],
        officer=world["officer"],
        chair=world["chair"],
        village=world["village"],
        year=review_round.year,
    )
    # A third, submitted: the chair's approval queue lists it.
    submitted = household_create(
        user=world["officer"],
        village=world["village"],
        data={"code": "VL-0103"},
        members=[member_data(full_name="Triệu Văn Dũng", employment="self_employed", education="lower_secondary")],
    )
    waiting = [
        review_create(
            user=world["officer"],
            review_round=review_round,
            household=submitted,
            income_per_capita=800_000,
            facts=facts,
        )
    ]
    days = step_days(review_round.year)
    review_meeting_confirm(
        user=world["officer"],
        reviews=waiting,
        village=world["village"],
        held_on=days["held_on"],
        attendance=40,
        agreeing=30,
    )
    review_post(user=world["officer"], reviews=waiting, posted_on=days["posted_on"])
    review_submit(user=world["officer"], reviews=waiting, submitted_on=days["submitted_on"])
    return {**world, "household": household, "round": review_round, "review": review}


def main_pages(world) -> list[tuple[str, str]]:
    household, review_round, review = world["household"], world["round"], world["review"]
    year = review_round.year
    province = world["commune"].parent
    return [
        (None, "/accounts/login/"),
        ("can.bo.xa", "/"),
        ("can.bo.xa", "/households/"),
        ("can.bo.xa", "/households/new/"),
        ("can.bo.xa", f"/households/{household.pk}/"),
        ("can.bo.xa", f"/households/{household.pk}/edit/"),
        ("can.bo.xa", "/reviews/"),
        ("can.bo.xa", f"/reviews/rounds/{review_round.pk}/"),
        ("can.bo.xa", f"/reviews/{review.pk}/"),
        ("can.bo.xa", f"/reviews/{review.pk}/edit/"),
        ("can.bo.xa", "/households/import/"),
        ("can.bo.xa", "/dashboard/"),
        ("chu.tich.xa", "/reviews/queue/"),
        ("chu.tich.xa", f"/reviews/rounds/{review_round.pk}/"),
        ("can.bo.tinh", "/dashboard/"),
        ("can.bo.tinh", f"/dashboard/?unit={world['commune'].pk}&year={year}"),
        ("can.bo.tinh", "/reports/circular07/"),
        ("can.bo.tinh", f"/reports/circular07/?unit={province.pk}&year={year}"),
        ("can.bo.tinh", f"/reports/lists/?unit={province.pk}&year={year}&status=poor"),
        ("can.bo.tinh", "/plans/"),
        ("can.bo.tinh", "/units/"),
        ("can.bo.tinh", "/residents/"),
        ("bo.nnmt", "/national/"),
        ("bo.nnmt", f"/national/?year={year}&by=region"),
        ("bo.nnmt", "/dashboard/"),
        ("bo.nnmt", "/households/"),
    ]


def visit(page, world, check) -> dict[str, object]:
    """``check(page)`` on every main page, as the user who would open it; the pages where it found something."""
    found = {}
    user = "nobody"
    for username, path in main_pages(world):
        if username != user:
            if username:
                log_in(page, username)
            else:
                page.context.clear_cookies()
            user = username
        page.goto(path)
        page.wait_for_load_state()
        if result := check(page):
            found[path if username is None else f"{username} {path}"] = result
    return found


def overflow(page):
    measured = page.evaluate(OVERFLOW)
    return measured if measured["scroll"] > measured["window"] else None


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1366px"])
def test_no_page_scrolls_sideways(page, field_world, viewport):
    page.set_viewport_size(viewport)
    assert visit(page, field_world, overflow) == {}
    assert not page.console_errors


def test_controls_are_big_enough_to_touch_on_a_phone(page, field_world):
    page.set_viewport_size(PHONE)
    assert visit(page, field_world, lambda p: p.evaluate(SMALL_TARGETS)) == {}


def shot(page, name: str, *, full_page: bool = True) -> None:
    """A screenshot for docs/screenshots/: PNG in 64 colours (a third of the size, the same to the eye)."""
    path = f"docs/screenshots/{name}.png"
    page.screenshot(path=path, full_page=full_page)
    Image.open(path).convert("RGB").quantize(colors=64, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)


def test_the_menu_folds_on_a_phone_and_opens_with_its_button(page, field_world):
    page.set_viewport_size(PHONE)
    log_in(page, "can.bo.xa")
    page.goto("/households/")
    menu_link = page.locator("header nav a[href='/households/']")
    toggle = page.locator("[data-menu-toggle]")
    assert toggle.is_visible()
    assert not menu_link.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert menu_link.is_visible()
    shot(page, "menu-390", full_page=False)
    page.keyboard.press("Escape")
    assert not menu_link.is_visible()

    page.set_viewport_size(LAPTOP)
    assert not toggle.is_visible()
    assert menu_link.is_visible()


def test_without_scripts_the_menu_stays_open_and_the_page_fits(browser, live_server, field_world):
    context = browser.new_context(locale="vi-VN", viewport=PHONE, base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "can.bo.xa")
    page.goto("/households/new/")
    assert page.locator("header nav a[href='/households/']").is_visible()
    assert overflow(page) is None
    context.close()


def test_a_third_and_a_fourth_member_are_added_on_the_page_and_saved(page, field_world):
    """Also the screenshots of the household list and form, on a phone and on a laptop."""
    world = field_world
    page.set_viewport_size(PHONE)
    log_in(page, "can.bo.xa")
    page.goto("/households/")
    shot(page, "household-list-390")
    page.set_viewport_size(LAPTOP)
    shot(page, "household-list-1366")

    page.set_viewport_size(PHONE)
    page.goto("/households/new/")
    page.select_option("#id_village", str(world["village"].pk))
    page.fill("#id_code", "VL-0404")
    shot(page, "household-form-390", full_page=False)
    members = [
        ("Hà Thị Lụa", "female", "12/03/1981", "head"),
        ("Lò Văn Sáng", "male", "5/6/1979", "spouse"),
        ("Lò Thị Mây", "female", "01/07/2012", "child"),
        ("Lò Văn Suối", "male", "01072015", "child"),  # typed on a number pad: no "/"
    ]
    assert page.locator("[data-member]").count() == 2  # the head and one empty place
    for index, (name, sex, born, relation) in enumerate(members):
        if index >= page.locator("[data-member]").count():
            page.locator("[data-add-member]").click()
            # The new member's first field has the cursor.
            assert page.evaluate("() => document.activeElement.id") == f"id_members-{index}-full_name"
        page.fill(f"#id_members-{index}-full_name", name)
        page.select_option(f"#id_members-{index}-sex", sex)
        page.fill(f"#id_members-{index}-date_of_birth", born)
        if index < 3:  # the fourth member's relation is forgotten at first
            page.select_option(f"#id_members-{index}-relation", relation)
    assert page.input_value("#id_members-TOTAL_FORMS") == "4"
    assert page.locator("#member-4 legend").is_visible()
    page.locator("#id_members-3-date_of_birth").blur()  # the 8 digits typed become 01/07/2015
    assert page.input_value("#id_members-3-date_of_birth") == "01/07/2015"
    # A fifth added by mistake, then removed with its box: it is not saved.
    page.locator("[data-add-member]").click()
    page.fill("#id_members-4-full_name", "Nhầm")
    page.locator("label[for='id_members-4-DELETE']").click()
    assert "is-removed" in page.get_attribute("#member-5", "class")
    assert overflow(page) is None
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    # Refused: the members added on the page come back as typed, the removed one still folded.
    page.set_viewport_size(PHONE)
    summary = page.locator("[data-error-summary]")
    assert summary.locator("a[href='#id_members-3-relation']").count() == 1
    assert page.input_value("#id_members-TOTAL_FORMS") == "5"
    assert page.input_value("#id_members-3-full_name") == "Lò Văn Suối"
    assert page.input_value("#id_members-3-date_of_birth") == "01/07/2015"
    assert "is-removed" in page.get_attribute("#member-5", "class")
    shot(page, "household-form-errors-390", full_page=False)
    summary.locator("a[href='#id_members-3-relation']").click()
    assert page.evaluate("() => document.activeElement.id") == "id_members-3-relation"
    page.select_option("#id_members-3-relation", "child")
    page.set_viewport_size(LAPTOP)
    shot(page, "household-form-1366")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/households/*/")
    household = Household.objects.get(code="VL-0404")
    assert household.members.count() == 4
    assert household.members.get(full_name="Lò Thị Mây").date_of_birth == datetime.date(2012, 7, 1)
    assert household.members.get(full_name="Lò Văn Sáng").date_of_birth == datetime.date(1979, 6, 5)
    assert household.members.get(full_name="Lò Văn Suối").date_of_birth == datetime.date(2015, 7, 1)
    assert not page.console_errors


def test_the_error_summary_links_put_the_cursor_in_the_field(page, field_world):
    page.set_viewport_size(PHONE)
    log_in(page, "can.bo.xa")
    page.goto("/households/new/")
    page.fill("#id_members-0-full_name", "Hà Thị Lụa")
    page.fill("#id_members-0-date_of_birth", "31/02/1981")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    # Read first: the summary has the focus when the page opens.
    assert page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    links = summary.locator("a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert {"#id_village", "#id_code", "#id_members-0-date_of_birth", "#id_members-0-sex"} <= set(hrefs)
    # What was typed is kept.
    assert page.input_value("#id_members-0-full_name") == "Hà Thị Lụa"
    assert page.input_value("#id_members-0-date_of_birth") == "31/02/1981"
    summary.locator("a[href='#id_members-0-date_of_birth']").click()
    assert page.evaluate("() => document.activeElement.id") == "id_members-0-date_of_birth"
    assert page.locator("label[for='id_members-0-date_of_birth']").is_visible()
    summary.locator("a[href='#id_code']").click()
    assert page.evaluate("() => document.activeElement.id") == "id_code"
    # Required fields were marked before sending.
    assert page.get_attribute("#id_code", "required") is not None
    assert page.get_attribute("#id_members-0-full_name", "aria-required") == "true"
    assert overflow(page) is None
    assert not page.console_errors


def test_a_day_typed_or_picked_is_the_first_of_july(page, field_world):
    world = field_world
    log_in(page, "can.bo.xa")
    page.goto(f"/households/{world['household'].pk}/edit/")
    page.fill("#id_status_date", "01/07/2025")
    # The calendar button beside a day: what the phone's calendar gives (ISO) is written back dd/mm/yyyy.
    button = page.locator("#id_members-0-date_of_birth ~ .day-button")
    assert button.is_visible()
    page.evaluate(
        """() => {
          const picker = document.querySelector("#id_members-0-date_of_birth ~ .day-picker");
          picker.value = "1975-03-02";
          picker.dispatchEvent(new Event("change"));
        }"""
    )
    assert page.input_value("#id_members-0-date_of_birth") == "02/03/1975"
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**/households/{world['household'].pk}/")
    world["household"].refresh_from_db()
    assert world["household"].status_date == datetime.date(2025, 7, 1)
    # In English too.
    page.get_by_role("button", name="EN").click()
    page.wait_for_load_state()
    page.goto(f"/households/{world['household'].pk}/edit/")
    assert page.input_value("#id_status_date") == "01/07/2025"
    page.fill("#id_status_date", "02/07/2025")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**/households/{world['household'].pk}/")
    world["household"].refresh_from_db()
    assert world["household"].status_date == datetime.date(2025, 7, 2)
    assert not page.console_errors


def test_the_income_per_person_is_worked_out_on_the_review_form(page, field_world):
    world = field_world
    page.set_viewport_size(PHONE)
    log_in(page, "can.bo.xa")
    page.goto(f"/reviews/{world['review'].pk}/edit/")
    helper = page.locator("[data-income-helper]")
    helper.locator("summary").click()
    assert page.input_value("[data-helper-size]") == "2"  # the household's members
    page.fill("[data-helper-income]", "3.000.000")
    assert helper.locator("[data-helper-result]").inner_text() == "1.500.000 đ"
    page.fill("[data-helper-size]", "4")
    assert helper.locator("[data-helper-result]").inner_text() == "750.000 đ"
    page.fill("[data-helper-income]", "ba triệu")
    assert helper.locator("[data-helper-error]").is_visible()
    page.fill("[data-helper-income]", "3000000")
    helper.locator("[data-helper-fill]").click()
    assert page.input_value("#id_income_per_capita") == "750.000"
    assert page.evaluate("() => document.activeElement.id") == "id_income_per_capita"
    page.fill("#id_income_per_capita", "1,2 triệu")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"**/reviews/{world['review'].pk}/")
    world["review"].refresh_from_db()
    assert world["review"].income_per_capita == 1_200_000
    assert not page.console_errors
