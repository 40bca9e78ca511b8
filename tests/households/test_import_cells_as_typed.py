"""The import reads cells as an officer types them, like the review form does, and tells every problem of a row in
one pass: an amount in words ("1,5 triệu"), "Không" where no "none" is offered, a year that cannot be read."""

import pytest
from django.utils import translation

from households.imports.services import import_check, import_commit
from households.models import HouseholdReview
from tests.workbooks import household, make_workbook, person, review

pytestmark = pytest.mark.django_db


def _errors(result, column=None):
    return [e for e in result.errors if column is None or e.column == column]


def test_an_income_in_words_is_read_as_the_form_reads_it(officer, commune, village):
    source = make_workbook(
        households=[household("BB-01"), household("BB-02"), household("BB-03")],
        members=[person("BB-01", "Hoàng Văn Páo"), person("BB-02", "Lý Thị Dung"), person("BB-03", "Ma Văn Dũng")],
        reviews=[review("BB-01", "1,5 triệu"), review("BB-02", "1500k"), review("BB-03", "1tr2")],
    )
    result = import_commit(user=officer, commune=commune, source=source)
    assert result.errors == []
    incomes = dict(HouseholdReview.objects.values_list("household__code", "income_per_capita"))
    assert incomes == {"BB-01": 1_500_000, "BB-02": 1_500_000, "BB-03": 1_200_000}


@pytest.mark.parametrize(
    ("typed", "told"),
    [("1,5", "A decimal needs its unit"), ("1.500k", "can be read two ways"), ("abc", "is not a number")],
)
def test_an_income_the_form_would_refuse_gets_the_forms_reason(officer, commune, village, typed, told):
    source = make_workbook(
        households=[household("BB-01")], members=[person("BB-01", "Hoàng Văn Páo")], reviews=[review("BB-01", typed)]
    )
    with translation.override("en"):
        result = import_check(user=officer, commune=commune, source=source)
    messages = [e.message for e in _errors(result, "Income per person per month (VND)")]
    assert len(messages) == 1
    assert told in messages[0]
    assert typed in messages[0]


def test_an_income_written_as_before_is_still_read(officer, commune, village):
    source = make_workbook(
        households=[household("BB-01"), household("BB-02")],
        members=[person("BB-01", "Hoàng Văn Páo"), person("BB-02", "Lý Thị Dung")],
        reviews=[review("BB-01", "1.500.000"), review("BB-02", 1_500_000.0)],
    )
    assert import_check(user=officer, commune=commune, source=source).errors == []


def test_khong_in_the_causes_says_to_leave_the_cell_blank_and_what_is_accepted(officer, commune, village):
    source = make_workbook(
        households=[household("BB-01")],
        members=[person("BB-01", "Hoàng Văn Páo")],
        reviews=[review("BB-01", 1_000_000, **{"Nguyên nhân nghèo": "Không"})],
    )
    with translation.override("en"):
        result = import_check(user=officer, commune=commune, source=source)
    [error] = _errors(result, "Causes of poverty")
    assert "leave the cell blank" in error.message
    assert "Thiếu vốn; " in error.message  # the causes it accepts, as the template writes them


def test_a_cause_beginning_with_khong_is_read(officer, commune, village):
    source = make_workbook(
        households=[household("BB-01")],
        members=[person("BB-01", "Hoàng Văn Páo")],
        reviews=[review("BB-01", 1_000_000, **{"Nguyên nhân nghèo": "Không có tay nghề; Không biết cách làm ăn"})],
    )
    assert import_check(user=officer, commune=commune, source=source).errors == []


def test_a_row_with_an_unreadable_year_still_has_its_facts_checked(officer, commune, village):
    no_latrine = {"Nhà tiêu": None}
    source = make_workbook(
        households=[household("BB-01"), household("BB-02")],
        members=[person("BB-01", "Hoàng Văn Páo"), person("BB-02", "Lý Thị Dung")],
        # BB-02's row names the year the file is about; BB-01's cannot be read, and misses its latrine.
        reviews=[review("BB-01", 1_000_000, year="hai nghìn", **no_latrine), review("BB-02", 1_000_000)],
    )
    with translation.override("en"):
        result = import_check(user=officer, commune=commune, source=source)
    row_errors = sorted((e.column, e.row) for e in result.errors)
    assert ("Review year", 3) in row_errors
    assert ("Latrine", 3) in row_errors  # told now, not once the year is corrected
    assert len(result.errors) == 2
