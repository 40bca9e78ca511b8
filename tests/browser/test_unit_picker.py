"""Choosing a unit in a real Chromium on a 390 px phone: "bang thanh" typed in the search box over a list of
hundreds of units finds Xã Bằng Thành of both sides of the reform, the keyboard takes the choice, the list keeps
to the page's width and 44 px targets; without scripts the grouped list works alone."""

import pytest

from households.models import REFORM_DATE, AdministrativeUnit
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def bang_thanh() -> tuple[AdministrativeUnit, AdministrativeUnit]:
    communes = AdministrativeUnit.objects.filter(name="Xã Bằng Thành", level="commune")
    return communes.get(valid_from=REFORM_DATE), communes.get(valid_to__isnull=False)


def test_bang_thanh_typed_on_a_phone_finds_the_commune_and_filters_the_households(page, live_world):
    new, old = bang_thanh()
    page.set_viewport_size(PHONE)
    log_in(page, "can.bo.tinh")
    page.goto("/households/")
    page.locator("details.more-filters > summary").click()
    select = page.locator("#id_commune")
    every = select.locator("option").count()
    assert every > 100  # both provinces' communes, grouped
    search = page.locator("#id_commune_search")
    # Named by what it does, described by the field's label; the label still names the list alone.
    assert search.get_attribute("aria-label") == select.get_attribute("data-search-label")
    assert "id_commune_label" in search.get_attribute("aria-describedby")
    assert page.get_by_label("Xã", exact=True).get_attribute("id") == "id_commune"

    search.press_sequentially("bang thanh")
    labels = select.locator("option").all_inner_texts()
    assert labels[1:] == [
        "Xã Bằng Thành — Tỉnh Thái Nguyên (từ 1/7/2025)",  # today's tree first
        "Xã Bằng Thành — Huyện Pác Nặm (đến 30/6/2025)",
    ]
    assert select.input_value() == str(new.pk)  # the best match is chosen as one types
    assert "2" in page.locator("#id_commune_matches").inner_text()

    # The keyboard: Enter goes to the list (it does not send the form), an arrow takes the next match.
    search.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "id_commune"
    assert page.url.endswith("/households/")
    page.keyboard.press("ArrowDown")
    assert select.input_value() == str(old.pk)

    # On a phone: within the page's width, every control 44 px or more.
    for control in (search, select):
        box = control.bounding_box()
        assert box["height"] >= 44 - 0.5
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_load_state()
    assert f"commune={old.pk}" in page.url
    assert page.locator("#id_commune").input_value() == str(old.pk)

    # Esc empties the box and every unit is listed again, the choice kept.
    page.locator("#id_commune_search").press_sequentially("BẰNG")
    page.locator("#id_commune_search").press("Escape")
    assert page.locator("#id_commune option").count() == every
    assert page.locator("#id_commune").input_value() == str(old.pk)
    assert not page.console_errors


def test_a_name_matching_nothing_says_so_and_sends_no_unit(page, live_world):
    page.set_viewport_size(PHONE)
    log_in(page, "can.bo.tinh")
    page.goto("/reports/circular07/")
    page.locator("#id_unit_search").fill("khong co xa nao")
    assert page.locator("#id_unit").input_value() == ""
    assert "khong co xa nao" in page.locator("#id_unit_matches").inner_text()
    page.locator("#id_unit_search").fill("pac nam")
    # A district's name finds the district and every commune in it (their group is named by it).
    labels = page.locator("#id_unit option").all_inner_texts()[1:]
    assert "Huyện Pác Nặm — Tỉnh Bắc Kạn (đến 30/6/2025)" in labels
    assert len(labels) > 5
    assert all("Pác Nặm" in label for label in labels)


def test_without_scripts_the_list_is_grouped_and_has_no_search_box(browser, live_server, live_world):
    context = browser.new_context(java_script_enabled=False, locale="vi-VN", viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    log_in(page, "can.bo.tinh")
    page.goto("/reports/circular07/")
    assert page.locator("#id_unit_search").count() == 0
    assert page.locator("#id_unit optgroup[label='Huyện Pác Nặm — Tỉnh Bắc Kạn (đến 30/6/2025)'] option").count() > 5
    context.close()
