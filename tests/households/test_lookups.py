"""``any_of``: a filter on many values in one query (PostgreSQL: one array parameter; elsewhere ``IN``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common import lookups
from common.lookups import array_literal, value_parts
from households.models import Household, Member
from tests.factories import HouseholdFactory, MemberFactory

# Texts an array literal must quote: a quote, a backslash, a comma, braces, a space, the word NULL.
AWKWARD = ['Lò "Văn" Páo', "a\\b", "x,y", "{z}", "Hoàng Thị Mai", "NULL", "null", ""]


def test_an_array_literal_quotes_every_text_and_leaves_numbers_and_nulls_bare():
    assert array_literal([1, 2, None, 3]) == "{1,2,3}"
    assert array_literal(['a"b', "c\\d", "", None]) == '{"a\\"b","c\\\\d",""}'
    assert array_literal([True, False]) == "{t,f}"


@pytest.mark.django_db
def test_any_of_finds_exactly_the_rows_holding_one_of_the_values(village):
    household = HouseholdFactory(village=village, code="BB-01")
    for name in [*AWKWARD, "Lò Văn Páo", "a\\\\b"]:
        MemberFactory(household=household, full_name=name)
    found = Member.objects.filter(full_name__any_of=[*AWKWARD, None, "nobody"])
    assert sorted(found.values_list("full_name", flat=True)) == sorted(AWKWARD)


@pytest.mark.django_db
def test_a_value_longer_than_the_column_is_not_cut_to_match(village):
    household = HouseholdFactory(village=village, code="BB-01")
    MemberFactory(household=household, national_id="012345678901")
    assert not Member.objects.filter(national_id__any_of=["0123456789012"]).exists()
    assert Member.objects.filter(national_id__any_of=["012345678901"]).exists()
    assert not Household.objects.filter(code__any_of=["BB-01" + "x" * 40]).exists()


@pytest.mark.django_db
def test_any_of_on_a_foreign_key_and_a_primary_key(village):
    first, second, third = (HouseholdFactory(village=village) for _ in range(3))
    for household in (first, second, third, third):
        MemberFactory(household=household)
    by_household = Member.objects.filter(household_id__any_of=[first.pk, third.pk])
    assert sorted(by_household.values_list("household_id", flat=True)) == [first.pk, third.pk, third.pk]
    assert set(Member.objects.filter(household__any_of=[second.pk]).values_list("household_id", flat=True)) == {
        second.pk
    }
    assert set(Household.objects.filter(pk__any_of={second.pk, third.pk}).values_list("pk", flat=True)) == {
        second.pk,
        third.pk,
    }


@pytest.mark.django_db
def test_any_of_nothing_finds_nothing_without_a_query(village, django_assert_num_queries):
    HouseholdFactory(village=village)
    with django_assert_num_queries(0):
        assert list(Household.objects.filter(code__any_of=[])) == []
        assert list(Household.objects.filter(code__any_of=[None])) == []


@pytest.mark.django_db
def test_any_of_a_subquery_is_an_in(village):
    household = HouseholdFactory(village=village)
    MemberFactory(household=household)
    codes = Household.objects.filter(pk=household.pk).values("pk")
    assert Member.objects.filter(household_id__any_of=codes).count() == 1


@pytest.mark.django_db
def test_the_values_go_as_one_array_parameter_on_postgresql_and_as_in_elsewhere(village):
    HouseholdFactory(village=village, code="BB-01")
    codes = ["BB-01", *(f"X{n}" for n in range(lookups.PART - 1))]
    with CaptureQueriesContext(connection) as queries:
        assert list(Household.objects.filter(code__any_of=codes).values_list("code", flat=True)) == ["BB-01"]
    (sql,) = [q["sql"] for q in queries.captured_queries]
    if connection.vendor == "postgresql":
        assert " = ANY(" in sql
        assert "::varchar[]" in sql
    else:
        assert " IN (" in sql
        assert " = ANY(" not in sql


def test_value_parts_are_one_query_on_postgresql_and_parts_of_5000_elsewhere():
    values = list(range(12_001))
    parts = list(value_parts(values))
    if connection.vendor == "postgresql":
        assert parts == [values]
    else:
        assert [len(p) for p in parts] == [lookups.PART, lookups.PART, 2001]
    assert [v for part in parts for v in part] == values
    assert list(value_parts([])) == []
