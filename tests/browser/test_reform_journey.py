"""In a real Chromium: the province carries Lương Thượng's registry over to Xã Văn Lang, whose commune
officer then registers a household in a carried village and reviews a carried household."""

import datetime

import pytest

from households.models import AdministrativeUnit, Household, HouseholdReview, UnitType
from households.services import household_create, village_create
from tests.browser.conftest import log_in, screenshot
from tests.factories import member_data

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


def test_a_carried_household_is_registered_and_reviewed_in_the_new_commune(page, live_world):
    world = live_world
    old = AdministrativeUnit.objects.get(name="Xã Lương Thượng", valid_to__isnull=False, level="commune")
    pjac = village_create(commune=old, name="Bản Pjạc", unit_type=UnitType.BAN)
    carried = household_create(
        user=world["province"],
        village=pjac,
        data={"code": "LT-0361"},
        members=[member_data(full_name="Hoàng Văn Páo", employment="self_employed", education="lower_secondary")],
    )

    # Before the carry-over, the new commune offers no village of Lương Thượng.
    log_in(page, "can.bo.xa")
    page.goto("/households/new/")
    assert "Bản Pjạc" not in page.inner_text("#id_village")

    # The province runs the dry run, then commits.
    log_in(page, "can.bo.tinh")
    page.goto("/units/")
    page.locator("a[href='/units/carry-over/']").click()
    page.select_option("#carry-over-province select[name=province]", "19")
    page.locator("#carry-over-province button").click()
    page.wait_for_load_state()
    totals = page.inner_text("#carry-over-totals")
    assert "Xã Văn Lang" in totals
    screenshot(page, "carry-over")
    page.fill("#carry-over-commit input[name=decision]", "Nghị quyết 1683/NQ-UBTVQH15")
    page.locator("#carry-over-commit button").click()
    page.wait_for_load_state()
    carried.refresh_from_db()
    assert carried.commune == world["commune"]
    assert carried.code == "LT-0361"
    assert "1683/NQ-UBTVQH15" in carried.history.latest().history_change_reason

    # The new commune's officer registers a household in the carried village…
    log_in(page, "can.bo.xa")
    page.goto("/households/new/")
    new_pjac = AdministrativeUnit.objects.get(parent=world["commune"], name="Bản Pjạc")
    page.select_option("#id_village", str(new_pjac.pk))
    page.fill("#id_code", "VL-0362")
    page.fill("#id_members-0-full_name", "Nông Thị Slao")
    page.select_option("#id_members-0-sex", "female")
    page.fill("#id_members-0-date_of_birth", "1979-02-11")
    page.select_option("#id_members-0-relation", "head")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/households/*/")
    assert Household.objects.get(code="VL-0362").commune == world["commune"]

    # …and reviews the carried one in this year's round of the new commune.
    page.goto(f"/households/{carried.pk}/")
    assert "Xã Văn Lang" in page.inner_text("main")
    page.goto("/reviews/")
    page.select_option("select[name=commune]", str(world["commune"].pk))
    page.fill("input[name=year]", str(datetime.date.today().year))
    page.select_option("select[name=kind]", "annual")
    page.locator("form:has(select[name=kind]) button[type=submit]").click()
    page.wait_for_url("**/reviews/rounds/*/")
    page.get_by_role("link", name="Rà soát một hộ").click()
    page.select_option("select[name=household]", str(carried.pk))
    page.get_by_label("Thu nhập bình quân đầu người/tháng (đồng)").fill("1.100.000")
    page.get_by_label("Nhà ở").select_option("simple")
    page.get_by_label("Diện tích ở (m²)").fill("24")
    page.get_by_label("Nguồn nước sinh hoạt").select_option("surface")
    page.get_by_label("Nhà tiêu").select_option("none")
    page.get_by_label("Thuê bao điện thoại").check()
    page.get_by_label("Rác thải sinh hoạt").select_option("collected")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/reviews/*/")
    review = HouseholdReview.objects.get(household=carried)
    assert review.commune == world["commune"]
    assert review.village == new_pjac
    assert "Hộ nghèo" in page.inner_text("main")
    assert not page.console_errors
