"""Whole journeys in a real Chromium: a commune registers and reviews a household, the chair approves it,
the dashboards show it. Screenshots of the main pages go to docs/screenshots/."""

import datetime
import io

import pytest
from pypdf import PdfReader

from households.models import Household, HouseholdReview, ReviewState
from tests.browser.conftest import log_in, screenshot
from tests.live_world import approved_review

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


def dd_mm_yyyy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_register_review_approve_and_see_the_dashboard_change(page, live_world):
    world = live_world
    today = datetime.date.today()
    log_in(page, "can.bo.xa")
    assert "Lương Thị Hà" in page.inner_text("header")

    page.goto("/dashboard/")
    assert "Chưa có kết quả rà soát" in page.inner_text("main")

    # A household with two members, on one page.
    page.goto("/households/new/")
    page.get_by_label("Thôn").select_option(str(world["village"].pk))
    page.get_by_label("Mã hộ").fill("VL-0001")
    page.fill("#id_members-0-full_name", "Triệu Thị Mỷ")
    page.select_option("#id_members-0-sex", "female")
    page.fill("#id_members-0-date_of_birth", "1984-05-17")
    page.select_option("#id_members-0-relation", "head")
    page.select_option("#id_members-0-employment", "self_employed")
    page.select_option("#id_members-0-education", "lower_secondary")
    page.select_option("#id_members-0-has_health_insurance", "true")
    page.fill("#id_members-1-full_name", "Triệu Văn Dũng")
    page.select_option("#id_members-1-sex", "male")
    page.fill("#id_members-1-date_of_birth", "2015-09-02")
    page.select_option("#id_members-1-relation", "child")
    page.select_option("#id_members-1-in_school", "true")
    page.select_option("#id_members-1-at_age_appropriate_level", "true")
    page.select_option("#id_members-1-has_health_insurance", "true")
    screenshot(page, "household-form")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/households/*/")
    assert "Triệu Văn Dũng" in page.inner_text("main")
    household = Household.objects.get(code="VL-0001")
    assert household.members.count() == 2
    screenshot(page, "household-page")

    # The annual round of this year and the household's review.
    page.goto("/reviews/")
    page.get_by_label("Xã").select_option(str(world["commune"].pk))
    page.get_by_label("Năm").fill(str(today.year))
    page.get_by_label("Loại").select_option("annual")
    page.get_by_role("button", name="Mở").click()
    page.wait_for_url("**/reviews/rounds/*/")
    page.get_by_role("link", name="Rà soát một hộ").click()
    page.get_by_label("Hộ gia đình").select_option(str(household.pk))
    page.get_by_label("Thu nhập bình quân đầu người/tháng (đồng)").fill("1.100.000")
    page.get_by_label("Nhà ở").select_option("simple")
    page.get_by_label("Diện tích ở (m²)").fill("24")
    page.get_by_label("Nguồn nước sinh hoạt").select_option("surface")
    page.get_by_label("Nhà tiêu").select_option("none")
    page.get_by_label("Thuê bao điện thoại").check()
    page.get_by_label("Rác thải sinh hoạt").select_option("collected")
    page.get_by_label("Thiếu vốn").check()
    screenshot(page, "review-form")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/reviews/*/")
    assert "Hộ nghèo" in page.inner_text("main")
    review = HouseholdReview.objects.get(household=household)

    # Village meeting, posting, submission.
    page.get_by_role("link", name=str(review.round)).click()
    meeting = page.locator('form[data-step="confirm_meeting"]')
    meeting.locator(f"input[name='confirm_meeting-reviews'][value='{review.pk}']").check()
    meeting.locator("select[name='confirm_meeting-village']").select_option(str(world["village"].pk))
    meeting.get_by_label("Ngày họp").fill(dd_mm_yyyy(today - datetime.timedelta(days=10)))
    meeting.get_by_label("Số người dự họp").fill("32")
    meeting.get_by_label("Số người đồng ý").fill("29")
    meeting.get_by_role("button", name="Xác nhận").click()
    page.wait_for_load_state()
    posting = page.locator('form[data-step="post"]')
    posting.locator(f"input[name='post-reviews'][value='{review.pk}']").check()
    posting.get_by_label("Ngày niêm yết").fill(dd_mm_yyyy(today - datetime.timedelta(days=8)))
    posting.get_by_role("button", name="Xác nhận").click()
    page.wait_for_load_state()
    submitting = page.locator('form[data-step="submit"]')
    submitting.locator(f"input[name='submit-reviews'][value='{review.pk}']").check()
    submitting.get_by_role("button", name="Xác nhận").click()
    page.wait_for_load_state()
    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED
    assert page.locator('form[data-step="approve"]').count() == 0
    screenshot(page, "review-round")

    # The chair approves from the approval queue.
    log_in(page, "chu.tich.xa")
    page.get_by_role("link", name="Hồ sơ chờ phê duyệt").click()
    page.wait_for_load_state()
    assert page.get_by_label(f"Phê duyệt {review.household.code}").is_checked()
    page.get_by_label("Số quyết định").fill("215/QĐ-UBND")
    page.get_by_label("Ngày ký").fill(dd_mm_yyyy(today))
    screenshot(page, "approval-queue")
    page.get_by_role("button", name="Phê duyệt các hộ đã đánh dấu").click()
    page.wait_for_load_state()
    review.refresh_from_db()
    assert review.state == ReviewState.APPROVED
    assert "Không có hồ sơ nào chờ phê duyệt" in page.inner_text("main")

    # The dashboard now counts the household.
    page.goto(f"/dashboard/?unit={world['commune'].pk}&year={today.year}")
    assert page.inner_text('[data-figure="households"]') == "1"
    assert page.inner_text('[data-figure="poor"]') == "1"
    assert not page.console_errors


def test_the_province_dashboard_draws_its_chart_and_map(page, live_world):
    world = live_world
    # Data for the province: one approved review, entered through the services.
    year = approved_review(world, "VL-0002").round.year

    log_in(page, "can.bo.tinh")
    page.goto("/dashboard/")
    page.wait_for_selector("#unit-map .leaflet-interactive")
    assert page.evaluate("() => Chart.getChart('trend-chart') !== undefined")
    assert page.locator("#unit-map .leaflet-interactive").count() >= 1
    assert "Tỉnh Thái Nguyên" in page.inner_text("h1")
    screenshot(page, "province-dashboard")
    assert not page.console_errors

    # The provincial plan of seed 002, downloaded as PDF from the reports page.
    from demo.history import plans_load
    from programmes.models import Plan

    plans_load()
    plan = Plan.objects.get(decision_number="397/QĐ-UBND")
    page.goto("/reports/plan/")
    page.get_by_label("Kế hoạch").select_option(str(plan.pk))
    page.get_by_role("button", name="Xem").click()
    page.wait_for_load_state()
    assert "78.200" in page.inner_text("main")
    screenshot(page, "plan-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải PDF").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        content = pdf.read()
    assert content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "397/QĐ-UBND" in text
    assert "78.200" in text

    # The list of poor households of the province, with the household's members.
    page.goto(f"/reports/lists/?unit={world['province'].units.get(code='19').pk}&year={year}&status=poor")
    assert "Nông Văn Páo" in page.inner_text("main")
    assert "VL-0002" in page.inner_text("main")
    screenshot(page, "lists-report")
    assert not page.console_errors
