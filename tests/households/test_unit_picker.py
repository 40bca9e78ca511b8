"""Choosing a unit (households.widgets): every unit list is grouped by parent and labelled with its path, keeps to
the user's area, costs one query however many units it lists, and refuses what is not one of its units."""

import re
from datetime import date

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from households import filters as household_filters
from households.forms import HouseholdForm, RoundForm
from households.imports.forms import ImportForm
from households.models import AdministrativeUnit, UnitLevel
from households.selectors import visible_unit_ids
from households.widgets import UnitChoiceField, UnitSelect, grouped_unit_choices, unit_path
from programmes.forms import TargetRowFormSet
from reports.forms import ReportForm
from tests.conftest import AFTER_REFORM, BEFORE_REFORM
from tests.factories import HouseholdFactory, VillageFactory

TODAY = date(2026, 12, 7)


def built(pk, name, level, parent=None, valid_from=None, valid_to=None) -> AdministrativeUnit:
    return AdministrativeUnit(
        pk=pk, name=name, level=level, parent=parent, valid_from=valid_from, valid_to=valid_to, code=str(pk)
    )


def options(html: str) -> list[str]:
    return re.findall(r"<option value=\"[^\"]*\"[^>]*>([^<]*)</option>", html)


def groups(html: str) -> list[str]:
    return re.findall(r'<optgroup label="([^"]*)"', html)


# The pure grouping: no database.


def test_the_options_are_grouped_under_their_parent_and_named_by_their_path():
    province = built(1, "Tỉnh Bắc Kạn", UnitLevel.PROVINCE)
    district = built(2, "Huyện Pác Nặm", UnitLevel.DISTRICT, province)
    binh = built(3, "Xã Bình Trung", UnitLevel.COMMUNE, district)
    bang = built(4, "Xã Bằng Thành", UnitLevel.COMMUNE, district)
    choices = grouped_unit_choices([binh, district, bang, province], today=TODAY)
    assert choices == [
        (1, "Tỉnh Bắc Kạn"),
        ("Tỉnh Bắc Kạn", [(2, "Huyện Pác Nặm — Tỉnh Bắc Kạn")]),
        # As Vietnamese reads it: "Bằng" before "Bình" (by code point, "ì" came before "ằ").
        ("Huyện Pác Nặm — Tỉnh Bắc Kạn", [(4, "Xã Bằng Thành — Huyện Pác Nặm"), (3, "Xã Bình Trung — Huyện Pác Nặm")]),
    ]


def test_the_two_sides_of_the_reform_are_told_apart_and_today_s_tree_comes_first():
    old_province = built(1, "Tỉnh Bắc Kạn", UnitLevel.PROVINCE, valid_to=BEFORE_REFORM)
    district = built(2, "Huyện Pác Nặm", UnitLevel.DISTRICT, old_province, valid_to=BEFORE_REFORM)
    old = built(3, "Xã Bằng Thành", UnitLevel.COMMUNE, district, valid_to=BEFORE_REFORM)
    province = built(4, "Tỉnh Thái Nguyên", UnitLevel.PROVINCE, valid_from=AFTER_REFORM)
    new = built(5, "Xã Bằng Thành", UnitLevel.COMMUNE, province, valid_from=AFTER_REFORM)
    with translation.override("en"):
        choices = grouped_unit_choices([old, new, district], today=TODAY)
    assert choices == [
        ("Tỉnh Thái Nguyên (from 1/7/2025)", [(5, "Xã Bằng Thành — Tỉnh Thái Nguyên (from 1/7/2025)")]),
        ("Tỉnh Bắc Kạn (until 30/6/2025)", [(2, "Huyện Pác Nặm — Tỉnh Bắc Kạn (until 30/6/2025)")]),
        ("Huyện Pác Nặm — Tỉnh Bắc Kạn (until 30/6/2025)", [(3, "Xã Bằng Thành — Huyện Pác Nặm (until 30/6/2025)")]),
    ]
    # One side only: no period to tell apart.
    assert grouped_unit_choices([new], today=TODAY) == [("Tỉnh Thái Nguyên", [(5, "Xã Bằng Thành — Tỉnh Thái Nguyên")])]


def test_a_list_given_by_hand_is_shown_as_given():
    widget = UnitSelect(choices=[("1", "Một"), ("2", "Hai")])
    assert options(widget.render("unit", "2")) == ["Một", "Hai"]


@pytest.mark.parametrize("value", ["1e30", "²", "-1", "0", "2.0", "9223372036854775808", "abc"])
def test_what_is_not_an_id_is_an_invalid_choice_without_a_query(db, value, django_assert_num_queries):
    field = UnitChoiceField(queryset=AdministrativeUnit.objects.all())
    with django_assert_num_queries(0), pytest.raises(forms.ValidationError) as refused:
        field.clean(value)
    assert refused.value.code == "invalid_choice"


# On the forms, with the units of Bắc Kạn and Thái Nguyên loaded.


@pytest.fixture
def officer_of_both(make_user, unit):
    return make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn"), unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)])


def test_the_report_s_units_read_as_a_tree_in_one_query(officer_of_both, django_assert_num_queries):
    form = ReportForm(user=officer_of_both)
    visible_unit_ids(officer_of_both)  # the scope, read once per request by every selector
    with django_assert_num_queries(1):
        html = str(form["unit"])
    assert 'data-unit-picker=""' in html
    labels = options(html)
    units = AdministrativeUnit.objects.filter(pk__in=visible_unit_ids(officer_of_both)).exclude(level="village")
    assert len(labels) == units.count() + 1  # and the empty choice
    with translation.override("en"):
        html = str(ReportForm(user=officer_of_both)["unit"])
    assert "Huyện Pác Nặm — Tỉnh Bắc Kạn (until 30/6/2025)" in groups(html)
    assert "Xã Bằng Thành — Huyện Pác Nặm (until 30/6/2025)" in options(html)
    assert "Xã Bằng Thành — Tỉnh Thái Nguyên (from 1/7/2025)" in options(html)
    # Today's tree first: Thái Nguyên's communes come before Bắc Kạn's districts.
    assert groups(html)[0] == "Tỉnh Thái Nguyên (from 1/7/2025)"


def test_the_periods_and_the_search_box_speak_vietnamese(officer_of_both):
    """Needs the compiled catalogue: the search box's words are new msgids."""
    html = str(ReportForm(user=officer_of_both)["unit"])
    assert "Xã Bằng Thành — Huyện Pác Nặm (đến 30/6/2025)" in options(html)
    assert 'data-search-label="Tìm theo tên"' in html


def test_a_commune_officer_is_offered_the_communes_of_their_area_only(make_user, unit):
    van_lang = unit("Xã Văn Lang", on=AFTER_REFORM)
    officer = make_user(Role.COMMUNE_OFFICER, [van_lang])
    html = str(RoundForm(user=officer)["commune"])
    offered = {int(pk) for pk in re.findall(r'<option value="(\d+)"', html)}
    assert van_lang.pk in offered
    assert offered <= visible_unit_ids(officer)
    assert "Bằng Thành" not in html
    outside = unit("Xã Bằng Thành", on=AFTER_REFORM)
    form = RoundForm({"commune": outside.pk, "year": 2026, "kind": "annual"}, user=officer)
    assert not form.is_valid()
    assert "commune" in form.errors


def test_the_household_form_groups_the_villages_by_commune(make_user, unit, django_assert_num_queries):
    commune = unit("Xã Văn Lang", on=AFTER_REFORM)
    officer = make_user(Role.COMMUNE_OFFICER, [commune])
    for name in ("Thôn Pò Pấu", "Thôn Nà Làng", "Bản Chang"):
        VillageFactory(parent=commune, name=name)
    VillageFactory(parent=unit("Xã Bằng Thành", on=AFTER_REFORM), name="Thôn Ngoài Vùng")
    form = HouseholdForm(user=officer)
    visible_unit_ids(officer)
    with django_assert_num_queries(1):
        html = str(form["village"])
    assert groups(html) == ["Xã Văn Lang — Tỉnh Thái Nguyên"]
    assert options(html)[1:] == [
        "Bản Chang — Xã Văn Lang",
        "Thôn Nà Làng — Xã Văn Lang",
        "Thôn Pò Pấu — Xã Văn Lang",
    ]


def test_the_import_names_each_commune_with_its_code(make_user, unit):
    commune = unit("Xã Văn Lang", on=AFTER_REFORM)
    officer = make_user(Role.COMMUNE_OFFICER, [commune])
    html = str(ImportForm(user=officer)["commune"])
    assert f"Xã Văn Lang — Tỉnh Thái Nguyên (từ 1/7/2025) · {commune.code}" in options(html)


def test_the_target_table_reads_its_units_once_for_every_row(officer_of_both, django_assert_num_queries):
    units = AdministrativeUnit.objects.filter(
        pk__in=visible_unit_ids(officer_of_both), level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE]
    ).order_by("name")
    formset = TargetRowFormSet(units=units, prefix="rows")
    with django_assert_num_queries(1):
        html = "".join(str(form["unit"]) for form in formset)
    assert html.count("<select") == 3
    assert html.count("Xã Bằng Thành — Huyện Pác Nặm") == 3


# The household list's filters: real unit lists, not id boxes.


@pytest.fixture
def list_world(make_user, unit):
    van_lang = unit("Xã Văn Lang", on=AFTER_REFORM)
    villages = [VillageFactory(parent=van_lang, name=f"Thôn Khuổi {n}") for n in range(3)]
    outside = VillageFactory(parent=unit("Xã Bằng Thành", on=AFTER_REFORM), name="Thôn Ngoài Vùng")
    return {
        "commune": van_lang,
        "villages": villages,
        "outside": outside,
        "households": [HouseholdFactory(village=v) for v in villages],
        "officer": make_user(Role.PROVINCE_OFFICER, [van_lang, unit("Xã Bằng Thành", on=AFTER_REFORM)]),
    }


def listed(response, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', response.text, re.S).group(0)
    return options(select)


def test_the_household_list_filters_by_a_commune_and_a_village_chosen_from_lists(client, list_world):
    client.force_login(list_world["officer"])
    url = reverse("households:household-list")
    page = client.get(url)
    assert "Xã Văn Lang — Tỉnh Thái Nguyên (từ 1/7/2025)" in listed(page, "commune")
    assert "Xã Văn Lang — Huyện Na Rì (đến 30/6/2025)" in listed(page, "commune")  # went whole into it
    assert "Thôn Khuổi 0 — Xã Văn Lang" in listed(page, "village")
    assert "Thôn Ngoài Vùng — Xã Bằng Thành" in listed(page, "village")
    # A commune chosen: its villages only (and the one chosen, wherever it is).
    page = client.get(url, {"commune": list_world["commune"].pk})
    assert [label.split(" — ")[0] for label in listed(page, "village")[1:]] == [
        "Thôn Khuổi 0",
        "Thôn Khuổi 1",
        "Thôn Khuổi 2",
    ]
    assert len(page.context["page"]) == 3
    page = client.get(url, {"village": list_world["villages"][1].pk})
    assert [h.code for h in page.context["page"]] == [list_world["households"][1].code]
    assert f'<option value="{list_world["villages"][1].pk}" selected>' in page.text


def test_a_unit_outside_the_area_is_the_field_s_error(client, make_user, list_world, unit):
    officer = make_user(Role.COMMUNE_OFFICER, [list_world["commune"]])
    client.force_login(officer)
    url = reverse("households:household-list")
    page = client.get(url)
    assert "Thôn Ngoài Vùng" not in page.text
    assert "Bằng Thành" not in page.text
    for name, outside in (("commune", unit("Xã Bằng Thành", on=AFTER_REFORM)), ("village", list_world["outside"])):
        page = client.get(url, {name: outside.pk})
        assert name in page.context["filter"].form.errors
        assert f'id="id_{name}_errors"' in page.text
        assert outside.name not in page.text
        assert client.get(reverse("households:household-export", args=["csv"]), {name: outside.pk}).status_code == 400


def test_too_many_villages_wait_for_a_commune(client, list_world, monkeypatch):
    monkeypatch.setattr(household_filters, "VILLAGES_LISTED", 2)
    client.force_login(list_world["officer"])
    url = reverse("households:household-list")
    page = client.get(url)
    assert listed(page, "village") == [str(household_filters.UnitChoiceFilter().extra["empty_label"])]
    assert 'id="id_village_helptext"' in page.text
    chosen = list_world["villages"][2]
    page = client.get(url, {"village": chosen.pk})
    assert listed(page, "village")[1:] == [unit_path(chosen)]
    page = client.get(url, {"commune": list_world["commune"].pk})
    assert len(listed(page, "village")) == 4
    assert 'id="id_village_helptext"' not in page.text


def test_the_household_list_costs_the_same_queries_with_more_units(client, list_world, django_assert_max_num_queries):
    client.force_login(list_world["officer"])
    url = reverse("households:household-list")
    # Session, user, the scope's version and the scope (3), count, the commune and the village lists, page, its
    # villages and communes. New villages change the version: the scope is read again.
    with django_assert_max_num_queries(12):
        client.get(url)
    for n in range(30):
        VillageFactory(parent=list_world["commune"], name=f"Thôn Mới {n}")
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert "Thôn Mới 29 — Xã Văn Lang" in listed(page, "village")


def test_the_select_is_the_html_django_s_template_writes(officer_of_both):
    """UnitSelect writes its options itself (one template include an option is 0.2 ms); the HTML must stay the
    template's, escaping and boolean attributes included."""
    field = ReportForm(user=officer_of_both).fields["unit"]
    widget = field.widget
    widget.attrs.update({"data-quote": 'say "hi" <b>', "disabled": True, "hidden": False})
    chosen = next(iter(field.queryset.exclude(level="village").values_list("pk", flat=True)))
    ours = widget.render("unit", chosen, {"id": "id_unit"})
    djangos = forms.Select.render(widget, "unit", chosen, {"id": "id_unit"})
    assert ours == djangos
    assert 'data-quote="say &quot;hi&quot; &lt;b&gt;"' in ours
    assert f'<option value="{chosen}" selected>' in ours
    assert " hidden" not in ours
