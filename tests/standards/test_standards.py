"""Standards as data: the shipped fixture, the selectors, locking and versions, the admin."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management import call_command
from django.urls import reverse

from standards.admin import PovertyStandardForm
from standards.classification import Status, classify
from standards.indicators import HouseholdFacts, MemberFacts, decide_indicators, deprived_codes
from standards.models import Dimension, IncomeLine, Indicator, PovertyStandard
from standards.selectors import (
    rules_year,
    standard_for_round,
    standard_for_year,
    standard_get,
    standard_list,
    standard_rules,
)
from standards.services import (
    income_line_create,
    income_line_update,
    indicator_update,
    standard_lock,
    standard_new_version,
    standard_row_delete,
    standard_update,
    standards_load,
)
from tests.standards.legal import PERIODS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", list(PERIODS))
def test_the_fixture_holds_each_period_as_the_legal_texts_say(code, django_assert_num_queries):
    period = PERIODS[code]
    # The standard, its lines, its indicators with their dimensions.
    with django_assert_num_queries(3):
        rules = standard_rules(standard_get(code))
    assert rules.lines == period.lines
    assert rules.method == period.method
    assert rules.deprivation_cutoff == period.cutoff
    assert (rules.year_from, rules.year_to) == period.years
    assert rules.indicator_codes == period.indicators
    assert rules.document == period.document
    assert rules.version == 1


def test_the_fixture_has_the_dimensions_of_each_multidimensional_standard():
    counts = {code: Dimension.objects.filter(standard__code=code).count() for code in PERIODS}
    assert counts == {"2001-2005": 0, "2006-2010": 0, "2011-2015": 0, "2016-2020": 5, "2021-2025": 6, "2026-2030": 6}
    assert set(Indicator.objects.filter(standard__code="2026-2030", code="waste").values_list("dimension__code")) == {
        ("water_sanitation",)
    }


def test_values_not_confirmed_by_the_legal_text_are_marked_for_checking():
    """domain.md: the 2006-2010 near-poor band and the 2026-2030 average bounds are "(check)" items."""
    assert not IncomeLine.objects.get(standard__code="2006-2010").confirmed
    assert not IncomeLine.objects.filter(standard__code="2026-2030", confirmed=True).exists()
    assert IncomeLine.objects.get(standard__code="2011-2015").confirmed
    assert not Indicator.objects.get(standard__code="2021-2025", code="employment").confirmed


def test_loading_the_fixture_again_changes_nothing():
    before = [m.objects.count() for m in (PovertyStandard, IncomeLine, Dimension, Indicator)]
    call_command("loaddata", "standards", verbosity=0)
    assert [m.objects.count() for m in (PovertyStandard, IncomeLine, Dimension, Indicator)] == before == [6, 6, 17, 34]


def test_loading_the_standards_again_leaves_those_in_the_database_as_they_are():
    used = PovertyStandard.objects.get(code="2021-2025", version=1)
    standard_lock(standard=used)
    unused = PovertyStandard.objects.get(code="2016-2020", version=1)
    # Rows as the fixture does not have them (a correction, a locked standard's lines): a load keeps them.
    IncomeLine.objects.filter(standard=used).update(poor_rural=1_499_999)
    IncomeLine.objects.filter(standard=unused).update(poor_rural=1)
    Indicator.objects.filter(standard=used, code="employment").update(notes="kept")
    out = io.StringIO()
    call_command("load_standards", stdout=out)
    used.refresh_from_db()
    assert used.locked
    assert set(IncomeLine.objects.filter(standard=used).values_list("poor_rural", flat=True)) == {1_499_999}
    assert Indicator.objects.get(standard=used, code="employment").notes == "kept"
    assert IncomeLine.objects.get(standard=unused).poor_rural == 1
    assert "Standards added: -" in out.getvalue()
    assert [m.objects.count() for m in (PovertyStandard, IncomeLine, Dimension, Indicator)] == [6, 6, 17, 34]

    # --update rewrites the unlocked standards loaded from the file, never a locked one.
    call_command("load_standards", update=True, stdout=out)
    assert IncomeLine.objects.get(standard=unused).poor_rural == 700_000  # Decision 59/2015/QĐ-TTg, art. 1
    assert set(IncomeLine.objects.filter(standard=used).values_list("poor_rural", flat=True)) == {1_499_999}
    assert PovertyStandard.objects.get(pk=used.pk).locked


def test_an_empty_database_gets_every_standard_of_the_file():
    for model in (Indicator, Dimension, IncomeLine, PovertyStandard):
        model.objects.all().delete()
    loaded = standards_load(fixture=Path(settings.BASE_DIR) / "fixtures" / "standards.json")
    assert len(loaded.added) == 6
    assert loaded.kept == loaded.updated == ()
    assert [m.objects.count() for m in (PovertyStandard, IncomeLine, Dimension, Indicator)] == [6, 6, 17, 34]


def full_facts(on: date, **changes) -> HouseholdFacts:
    """Every fact any standard asks for, of a household deprived in nothing."""
    adult = MemberFacts(
        birth_date=date(on.year - 35, 1, 1),
        health_insurance=True,
        education="upper_secondary",
        employment="employee_with_contract",
    )
    child = MemberFacts(
        birth_date=date(on.year - 8, 1, 1), health_insurance=True, in_school=True, at_age_appropriate_level=True
    )
    values = {
        "members": (adult, adult, child),
        "housing": "permanent",
        "living_area_m2": 60,
        "water_source": "piped",
        "latrine": "septic",
        "telecom": {"phone", "internet"},
        "devices": {"tv", "smartphone"},
        "village_loudspeaker": True,
        "waste": "collected",
    }
    return HouseholdFacts(**{**values, **changes})


@pytest.mark.parametrize("code", ["2016-2020", "2021-2025", "2026-2030"])
def test_every_indicator_of_the_fixture_is_decided_from_facts(code):
    """The thresholds shipped in the fixture carry every key the rules read."""
    rules = standard_rules(standard_get(code))
    on = date(rules.year_from, 10, 1)
    decisions = decide_indicators(rules, full_facts(on), on=on)
    assert list(decisions) == list(rules.indicator_codes)
    assert deprived_codes(decisions) == []

    poor_facts = full_facts(on, housing="simple", water_source="surface", latrine="none", living_area_m2=10)
    deprived = deprived_codes(decide_indicators(rules, poor_facts, on=on))
    assert deprived == ["housing_quality", "housing_area", "water", "latrine"]
    line = rules.lines_for(on.year, "rural").poor
    assert classify(rules, year=on.year, area="rural", income=line, deprived=deprived).status == Status.POOR


@pytest.mark.parametrize(
    ("year", "code"),
    [
        (2001, "2001-2005"),
        (2005, "2001-2005"),
        (2006, "2006-2010"),
        (2010, "2006-2010"),
        (2011, "2011-2015"),
        (2015, "2011-2015"),
        (2016, "2016-2020"),
        (2020, "2016-2020"),
        # Decree 07/2021/NĐ-CP kept the 2016-2020 standard during 2021.
        (2021, "2016-2020"),
        (2022, "2021-2025"),
        (2025, "2021-2025"),
        # Decree 351/2025/NĐ-CP keeps Decree 07's art. 3 (lines and 12 indicators) until 31/12/2026.
        (2026, "2021-2025"),
        (2027, "2026-2030"),
        (2030, "2026-2030"),
    ],
)
def test_standard_for_year(year, code):
    assert standard_for_year(year).code == code


@pytest.mark.parametrize("year", [2000, 2031])
def test_no_standard_outside_the_periods(year):
    with pytest.raises(PovertyStandard.DoesNotExist):
        standard_for_year(year)


def test_an_unknown_standard():
    with pytest.raises(PovertyStandard.DoesNotExist):
        standard_get("1999-2000")


def test_standard_list_is_the_newest_version_of_each_period_and_reads_its_rules_in_three_queries(
    django_assert_num_queries,
):
    standard_new_version(standard=standard_get("2021-2025"))
    with django_assert_num_queries(3):
        rules = [standard_rules(s) for s in standard_list()]
    assert [(r.code, r.version) for r in rules] == [
        ("2001-2005", 1),
        ("2006-2010", 1),
        ("2011-2015", 1),
        ("2016-2020", 1),
        ("2021-2025", 2),
        ("2026-2030", 1),
    ]


# Edits, locking and versions ------------------------------------------------------------------------


def test_an_unlocked_standard_is_edited_through_the_services():
    standard = standard_get("2026-2030")
    indicator = standard.indicators.get(code="waste")
    indicator_update(indicator=indicator, thresholds={"adequate": ["collected"]}, confirmed=True)
    line = standard.income_lines.get(year_from=2027)
    income_line_update(line=line, average_rural=3_000_000)
    rules = standard_rules(standard_get("2026-2030"))
    assert rules.indicator("waste").thresholds == {"adequate": ["collected"]}
    assert rules.lines_for(2028, "rural").average == 3_000_000


def test_edits_are_validated():
    line = standard_get("2021-2025").income_lines.get()
    with pytest.raises(ValidationError) as error:
        income_line_update(line=line, average_rural=1_000_000)
    assert "average_rural" in error.value.message_dict
    with pytest.raises(TypeError):
        income_line_update(line=line, standard=None)
    with pytest.raises(ValidationError) as error:
        income_line_create(standard=line.standard, year_from=2026, year_to=2027, poor_rural=1, poor_urban=2)
    assert set(error.value.message_dict) == {"year_from", "year_to"}
    with pytest.raises(ValidationError) as error:
        income_line_update(line=standard_get("2016-2020").income_lines.get(), minimum_living_urban=None)
    assert "minimum_living_urban" in error.value.message_dict


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: standard_update(standard=s, deprivation_cutoff=2),
        lambda s: standard_update(standard=s, notes="changed"),
        lambda s: income_line_update(line=s.income_lines.get(), poor_rural=1_600_000),
        lambda s: income_line_create(standard=s, year_from=2027, year_to=2027, poor_rural=1, poor_urban=2),
        lambda s: indicator_update(indicator=s.indicators.get(code="water"), thresholds={}),
        lambda s: standard_row_delete(row=s.indicators.get(code="water")),
    ],
    ids=["rule", "notes", "line", "new-line", "indicator", "delete"],
)
def test_a_locked_standard_refuses_every_edit(edit):
    standard = standard_lock(standard=standard_get("2021-2025"))
    with pytest.raises(ValidationError) as error:
        edit(standard)
    assert error.value.code == "locked"
    rules = standard_rules(standard_get("2021-2025"))
    assert rules.deprivation_cutoff == 3
    assert rules.lines_for(2024, "rural").poor == 1_500_000
    assert "water" in rules.indicator_codes
    assert rules.indicator("water").thresholds != {}


def test_the_lock_is_read_from_the_database_not_from_a_stale_instance():
    stale = standard_get("2021-2025")
    standard_lock(standard=standard_get("2021-2025"))
    assert stale.locked is False
    with pytest.raises(ValidationError):
        standard_update(standard=stale, name="changed")


def test_a_new_version_copies_the_standard_and_becomes_the_one_in_force(make_user):
    admin = make_user(is_superuser=True)
    old = standard_lock(standard=standard_get("2021-2025"))
    new = standard_new_version(standard=old, user=admin)

    assert (new.code, new.version, new.locked, new.based_on, new.created_by) == ("2021-2025", 2, False, old, admin)
    old_rules, new_rules = standard_rules(standard_get("2021-2025", version=1)), standard_rules(new)
    assert new_rules.lines == old_rules.lines
    assert new_rules.indicators == old_rules.indicators
    assert new.dimensions.count() == 6
    assert not Indicator.objects.filter(standard=new).exclude(dimension__standard=new).exists()
    assert standard_for_year(2024) == new
    assert standard_get("2021-2025") == new

    # The new version is editable; the old one, used by approved reviews, is not and stays as it was.
    indicator_update(indicator=new.indicators.get(code="housing_area"), thresholds={"min_m2_per_person": 10})
    assert standard_rules(standard_for_year(2024)).indicator("housing_area").thresholds["min_m2_per_person"] == 10
    assert standard_rules(standard_get("2021-2025", version=1)).indicator("housing_area").thresholds == {
        "min_m2_per_person": 8
    }
    assert standard_get("2021-2025", version=1).locked


def test_a_new_version_of_an_old_version_takes_the_next_number():
    first = standard_get("2016-2020")
    standard_new_version(standard=first)
    third = standard_new_version(standard=first)
    assert third.version == 3
    assert third.based_on == first


# Admin ------------------------------------------------------------------------------------------------


def change_url(standard):
    return reverse("admin:standards_povertystandard_change", args=[standard.pk])


def test_the_admin_lists_the_standards(admin_client):
    response = admin_client.get(reverse("admin:standards_povertystandard_changelist"))
    assert response.status_code == 200
    assert "07/2021/NĐ-CP" in response.text
    assert "351/2025/NĐ-CP" in response.text


def test_the_admin_edits_an_unlocked_standard(admin_client):
    response = admin_client.get(change_url(standard_get("2026-2030")))
    assert response.status_code == 200
    assert 'name="_save"' in response.text
    assert 'name="indicators-0-thresholds"' in response.text


def test_the_admin_shows_a_locked_standard_read_only_and_refuses_changes(admin_client):
    standard = standard_lock(standard=standard_get("2021-2025"))
    response = admin_client.get(change_url(standard))
    assert response.status_code == 200
    assert 'name="_save"' not in response.text
    assert 'name="indicators-0-thresholds"' not in response.text
    assert reverse("admin:standards_povertystandard_new_version", args=[standard.pk]) in response.text
    assert admin_client.post(change_url(standard), {"name": "changed"}).status_code == 403
    assert standard_get("2021-2025").name == standard.name


def test_the_admin_form_refuses_a_standard_locked_meanwhile():
    standard = standard_get("2021-2025")
    data = {
        field: getattr(standard, field)
        for field in PovertyStandardForm._meta.fields
        if getattr(standard, field) is not None
    }
    standard_lock(standard=PovertyStandard.objects.get(pk=standard.pk))
    form = PovertyStandardForm(data={**data, "name": "changed"}, instance=standard)
    assert not form.is_valid()
    assert form.has_error(NON_FIELD_ERRORS, "locked")


def test_the_admin_makes_a_new_version(admin_client):
    standard = standard_lock(standard=standard_get("2021-2025"))
    url = reverse("admin:standards_povertystandard_new_version", args=[standard.pk])
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url)
    new = standard_get("2021-2025")
    assert new.version == 2
    assert response.status_code == 302
    assert response["Location"] == change_url(new)
    assert 'name="_save"' in admin_client.get(change_url(new)).text


def test_the_admin_action_makes_new_versions(admin_client):
    ids = list(PovertyStandard.objects.filter(code__in=["2016-2020", "2026-2030"]).values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:standards_povertystandard_changelist"),
        {"action": "new_version", "_selected_action": ids},
    )
    assert response.status_code == 302
    assert standard_get("2016-2020").version == standard_get("2026-2030").version == 2


@pytest.mark.parametrize(
    ("year", "kind", "code", "rules"),
    [
        # Decision 24/2021/QĐ-TTg, art. 4: the annual review at the end of Y gives the list of Y+1.
        (2015, "annual", "2016-2020", 2016),
        (2020, "annual", "2016-2020", 2021),
        (2021, "annual", "2021-2025", 2022),
        # Decree 351/2025/NĐ-CP: Decree 07's lines and indicators for 2026, the new lines from 2027.
        (2025, "annual", "2021-2025", 2026),
        (2026, "annual", "2026-2030", 2027),
        # Nothing is in force in 2031 yet: the standard of the round's own year.
        (2030, "annual", "2026-2030", 2030),
        # Decree 07/2021/NĐ-CP kept 2016-2020 during 2021; an ongoing review uses the standard of its year.
        (2021, "ongoing", "2016-2020", 2021),
        (2022, "ongoing", "2021-2025", 2022),
        (2026, "ongoing", "2021-2025", 2026),
        (2027, "ongoing", "2026-2030", 2027),
    ],
)
def test_the_standard_of_a_round_follows_the_legal_calendar(year, kind, code, rules):
    standard = standard_for_round(year=year, kind=kind)
    assert standard.code == code
    assert rules_year(year=year, kind=kind, standard=standard) == rules


def test_a_round_given_another_standard_uses_the_nearest_year_of_it():
    # An end-of-2021 round kept under 2016-2020 by the province uses its 2021 line.
    assert rules_year(year=2021, kind="annual", standard=standard_get("2016-2020")) == 2021
    assert rules_year(year=2026, kind="ongoing", standard=standard_get("2026-2030")) == 2027


def test_a_used_standard_keeps_its_years_through_a_reload():
    """A load leaves a used standard as it is; the years are corrected by migration programmes 0003."""
    used = standard_lock(standard=standard_get("2026-2030"))
    call_command("load_standards", update=True, stdout=io.StringIO())
    used.refresh_from_db()
    assert (used.year_from, used.year_to, used.locked) == (2027, 2030, True)
    assert [(line.year_from, line.year_to) for line in used.income_lines.all()] == [(2027, 2030)]
