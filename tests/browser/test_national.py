"""The ministry's national table in Chromium, on a phone and on a desktop."""

import datetime

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_dashboard_map import approved_review_with_a_rate
from tests.browser.test_field_ready import overflow, shot

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 900)])
def test_the_national_table_reads_on_a_phone_and_a_desktop(page, live_world, width, height):
    approved_review_with_a_rate(live_world)
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, "bo.nnmt")
    if width < 700:
        page.locator("[data-menu-toggle]").click()  # the menu folds on a phone
    page.get_by_role("link", name="Số liệu toàn quốc").click()
    page.wait_for_load_state()
    year = datetime.date.today().year
    assert page.locator("h1").inner_text() == f"Số liệu toàn quốc — {year}"
    total = page.locator('tr[data-row="total"]')
    assert total.locator("th").inner_text() == "Toàn quốc"
    assert total.locator("td").nth(1).inner_text() == "1"  # the one approved household
    # Thái Nguyên's row opens its dashboard.
    page.locator('tr[data-row="19"] a').click()
    page.wait_for_load_state()
    assert "Tỉnh Thái Nguyên" in page.locator("h1").inner_text()
    page.go_back()
    page.get_by_label("Hàng").select_option("region")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_load_state()
    assert page.locator('tr[data-row="northern_mountains"] th').inner_text() == "Trung du và miền núi phía Bắc"
    assert overflow(page) is None
    assert not page.console_errors
    shot(page, f"national-{width}")
