"""The guided review on a 390 px phone (issue 22): from the household to its review, then to the next step, choosing
households with checkboxes and "select all in this village", which ticks that village's households only."""

import datetime

import pytest

from households.models import HouseholdReview, ReviewKind, ReviewState, UnitType
from households.services import review_create, review_meeting_confirm, round_open, village_create
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE, PROBLEMS, RUN_AXE
from tests.reviews import DEPRIVED, new_household

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FACTS = {**DEPRIVED, "waste": "collected"}
# Checkbox labels (the touch target of a checkbox) smaller than 44 px either way, and the page's sideways overflow.
SMALL_CHECKBOXES = """() => Array.from(document.querySelectorAll("main label:has(> input[type=checkbox])"))
  .filter((el) => el.getClientRects().length)
  .map((el) => el.getBoundingClientRect())
  .filter((box) => box.width < 43.5 || box.height < 43.5)
  .map((box) => `${Math.round(box.width)}x${Math.round(box.height)}`)"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def dd_mm_yyyy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_household_to_review_to_the_next_step_with_checkboxes(page, live_world):
    world = live_world
    officer, village = world["officer"], world["village"]
    today = datetime.date.today()
    review_round = round_open(user=officer, commune=world["commune"], year=today.year, kind=ReviewKind.ONGOING)
    household = new_household(officer, village, "VL-0201")
    # Another household of the village waiting for its meeting, and one of another village already met.
    neighbour = review_create(
        user=officer,
        review_round=review_round,
        household=new_household(officer, village, "VL-0202"),
        income_per_capita=900_000,
        facts=FACTS,
    )
    elsewhere = village_create(commune=world["commune"], name="Thôn Khuổi Luông", unit_type=UnitType.THON)
    far = review_create(
        user=officer,
        review_round=review_round,
        household=new_household(officer, elsewhere, "VL-0301"),
        income_per_capita=900_000,
        facts=FACTS,
    )
    review_meeting_confirm(
        user=officer,
        reviews=[far],
        village=elsewhere,
        held_on=today - datetime.timedelta(days=12),
        attendance=20,
        agreeing=15,
    )

    page.set_viewport_size(PHONE)
    log_in(page, "can.bo.xa")

    # The household: "review this household" in the open round, the form comes with it chosen.
    page.goto(household.get_absolute_url())
    page.locator(f"a[href$='/new/?household={household.pk}']").click()
    page.wait_for_url("**/new/?household=*")
    assert page.get_by_label("Hộ gia đình").input_value() == str(household.pk)
    page.get_by_label("Thu nhập bình quân đầu người/tháng (đồng)").fill("1.100.000")
    page.get_by_label("Nhà ở").select_option("simple")
    page.get_by_label("Diện tích ở (m²)").fill("24")
    page.get_by_label("Nguồn nước sinh hoạt").select_option("surface")
    page.get_by_label("Nhà tiêu").select_option("none")
    page.get_by_label("Thuê bao điện thoại").check()
    # The standard of the year's ongoing round asks one of these (2026: the 2021-2025 list; 2027-2030: waste).
    if page.locator("input[name='fact_devices'][value='tv']").count():
        page.locator("input[name='fact_devices'][value='tv']").check()
    if page.locator("select[name='fact_waste']").count():
        page.locator("select[name='fact_waste']").select_option("collected")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/reviews/*/")
    review = HouseholdReview.objects.get(household=household)

    # The review: its next step, the village meeting, taken by this officer.
    assert page.locator("[data-next-step='confirm_meeting']").count() == 1
    page.locator(".next-step a.button:not(.secondary)").click()
    page.wait_for_url("**/steps/confirm_meeting/choose/*")
    form = page.locator("form[data-step='confirm_meeting']")
    mine = form.locator(f"input[name='confirm_meeting-reviews'][value='{review.pk}']")
    other = form.locator(f"input[name='confirm_meeting-reviews'][value='{neighbour.pk}']")
    assert mine.is_checked()
    assert not other.is_checked()
    assert form.locator(f"input[value='{far.pk}']").count() == 0  # a meeting is one village's
    assert page.evaluate(SMALL_CHECKBOXES) == []
    assert page.evaluate(OVERFLOW) <= 0
    form.locator(f"[data-village='{village.pk}'] [data-select-all-box]").check()
    assert mine.is_checked()
    assert other.is_checked()
    form.get_by_label("Ngày họp").fill(dd_mm_yyyy(today - datetime.timedelta(days=10)))
    form.get_by_label("Số người dự họp").fill("32")
    form.get_by_label("Số người đồng ý").fill("29")
    form.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"**{review.get_absolute_url()}")
    states = dict(HouseholdReview.objects.values_list("pk", "state"))
    assert states[review.pk] == states[neighbour.pk] == ReviewState.MEETING_CONFIRMED

    # Next: the posting, for every village; "select all" ticks this village's households, not the other's.
    assert page.locator("[data-next-step='post']").count() == 1
    page.locator(".next-step a.button:not(.secondary)").click()
    page.wait_for_url("**/steps/post/choose/*")
    page.locator("nav.tabs a").first.click()  # every village
    page.wait_for_load_state()
    form = page.locator("form[data-step='post']")
    assert form.locator("[data-village]").count() == 2
    form.locator(f"[data-village='{village.pk}'] [data-select-all-box]").check()
    ticked = form.locator("input[name='post-reviews']:checked")
    assert sorted(int(v) for v in ticked.evaluate_all("els => els.map(e => e.value)")) == sorted(
        [review.pk, neighbour.pk]
    )
    assert not form.locator(f"input[name='post-reviews'][value='{far.pk}']").is_checked()
    assert page.evaluate(SMALL_CHECKBOXES) == []
    assert page.evaluate(OVERFLOW) <= 0
    form.get_by_label("Ngày niêm yết").fill(dd_mm_yyyy(today - datetime.timedelta(days=8)))
    form.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"**{review.get_absolute_url()}")
    states = dict(HouseholdReview.objects.values_list("pk", "state"))
    assert states[review.pk] == states[neighbour.pk] == ReviewState.POSTED
    assert states[far.pk] == ReviewState.MEETING_CONFIRMED
    assert page.console_errors == []


def test_without_scripts_the_households_are_ticked_one_by_one(browser, live_server, live_world):
    world = live_world
    officer, village = world["officer"], world["village"]
    today = datetime.date.today()
    review_round = round_open(user=officer, commune=world["commune"], year=today.year, kind=ReviewKind.ONGOING)
    reviews = [
        review_create(
            user=officer,
            review_round=review_round,
            household=new_household(officer, village, f"VL-04{n}"),
            income_per_capita=900_000,
            facts=FACTS,
        )
        for n in range(2)
    ]
    context = browser.new_context(locale="vi-VN", viewport=PHONE, base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, "can.bo.xa")
        page.goto(f"/reviews/rounds/{review_round.pk}/steps/confirm_meeting/choose/")
        form = page.locator("form[data-step='confirm_meeting']")
        assert not form.locator("[data-select-all]").is_visible()
        form.locator(f"input[name='confirm_meeting-reviews'][value='{reviews[1].pk}']").check()
        form.get_by_label("Ngày họp").fill(dd_mm_yyyy(today - datetime.timedelta(days=3)))
        form.get_by_label("Số người dự họp").fill("20")
        form.get_by_label("Số người đồng ý").fill("12")
        form.get_by_role("button", name="Xác nhận").click()
        page.wait_for_load_state()
        states = dict(HouseholdReview.objects.values_list("pk", "state"))
        assert states[reviews[1].pk] == ReviewState.MEETING_CONFIRMED
        assert states[reviews[0].pk] == ReviewState.DRAFT
    finally:
        context.close()


def test_the_guided_pages_for_keyboard_screen_reader_and_axe(page, live_world):
    world = live_world
    officer, village = world["officer"], world["village"]
    today = datetime.date.today()
    review_round = round_open(user=officer, commune=world["commune"], year=today.year, kind=ReviewKind.ONGOING)
    review = review_create(
        user=officer,
        review_round=review_round,
        household=new_household(officer, village, "VL-0501"),
        income_per_capita=900_000,
        facts=FACTS,
    )
    new_household(officer, village, "VL-0502")
    page.set_viewport_size(PHONE)
    log_in(page, "can.bo.xa")
    found = {}
    for path in (
        f"/households/{review.household_id}/",
        f"/households/{review.household_id + 1}/",
        review.get_absolute_url(),
        f"/reviews/rounds/{review_round.pk}/steps/confirm_meeting/choose/",
        f"/reviews/rounds/{review_round.pk}/",
        "/reviews/todo/",
    ):
        page.goto(path)
        problems = page.evaluate(PROBLEMS)
        page.add_script_tag(url=AXE)
        problems += page.evaluate(RUN_AXE)
        if problems:
            found[path] = problems
    assert found == {}
    assert page.locator('header nav a[aria-current="page"]').count() == 1  # the to-do list, marked in the menu
    assert page.console_errors == []
