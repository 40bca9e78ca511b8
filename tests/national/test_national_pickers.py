"""The ministry's lists of units: the country's 14,000 units never go into one list."""

import pytest
from django.urls import reverse

from accounts.models import Role
from households import filters as household_filters
from reports import forms as report_forms
from tests.households.test_unit_picker import listed

pytestmark = pytest.mark.django_db


@pytest.fixture
def ministry_client(client, make_user):
    client.force_login(make_user(Role.MINISTRY_OFFICER))
    return client


def test_the_dashboard_lists_the_top_levels_and_the_units_around_the_one_shown(ministry_client, unit, monkeypatch):
    monkeypatch.setattr(report_forms, "UNITS_LISTED", 50)
    page = ministry_client.get("/dashboard/")
    names = {label.split(" — ")[0].split(" (")[0] for label in listed(page, "unit")}
    assert {"Tỉnh Bắc Kạn", "Huyện Na Rì", "Huyện Pác Nặm"} <= names
    assert "Xã Bộc Bố" not in names
    assert 'id="id_unit_helptext"' in page.text
    # A district shown: its communes are offered, and a commune of another district is still accepted.
    page = ministry_client.get("/dashboard/", {"unit": unit("Huyện Pác Nặm").pk})
    names = {label.split(" — ")[0] for label in listed(page, "unit")}
    assert "Xã Bộc Bố" in names
    assert "Xã Lương Thượng" not in names
    assert ministry_client.get("/dashboard/", {"unit": unit("Xã Lương Thượng").pk}).status_code == 200


def test_a_province_officer_s_units_are_all_listed(client, province_officer):
    client.force_login(province_officer)
    names = {label.split(" — ")[0] for label in listed(client.get("/dashboard/"), "unit")}
    assert "Xã Bộc Bố" in names


def test_the_household_list_asks_for_a_province_when_the_communes_are_too_many(
    ministry_client, reviewed, unit, monkeypatch
):
    monkeypatch.setattr(household_filters, "COMMUNES_LISTED", 5)
    url = reverse("households:household-list")
    page = ministry_client.get(url)
    assert listed(page, "commune") == [str(household_filters.UnitChoiceFilter().extra["empty_label"])]
    assert 'id="id_commune_helptext"' in page.text
    provinces = listed(page, "province")
    assert any(label.startswith("Tỉnh Bắc Kạn") for label in provinces)
    backan = unit("Tỉnh Bắc Kạn")
    page = ministry_client.get(url, {"province": backan.pk})
    communes = listed(page, "commune")
    assert "Xã Bộc Bố — Huyện Pác Nặm" in communes
    assert not any("Thái Nguyên" in label for label in communes)  # the new tree's communes are Thái Nguyên's
    # The filter itself: Bắc Kạn's households of the legacy tree only (its communes are grandchildren).
    codes = {h.code for h in page.context["page"]}
    assert codes
    assert all(h.commune.is_valid_on(backan.valid_to) for h in page.context["page"])


def test_an_officer_with_few_communes_is_not_asked_for_a_province(client, province_officer):
    client.force_login(province_officer)
    page = client.get(reverse("households:household-list"))
    assert '<select name="province"' not in page.text
