"""The rows the benchmarks COPY straight into the tables carry the sharding key (households.sharding): each line has
one value per column, the province last, and PostgreSQL takes them (the NOT NULL province included)."""

import random

import pytest
from django.db import connection, transaction

from bench import national
from bench.database import HOUSEHOLD_COPY_COLUMNS, commune_provinces
from bench.statistics import REVIEW_COPY_COLUMNS, household_line, review_line
from households.models import AdministrativeUnit, Household, HouseholdReview, Member, UnitLevel
from households.provinces import province_of
from tests.conftest import AFTER_REFORM
from tests.factories import VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def where(unit):
    commune = unit("Xã Văn Lang", on=AFTER_REFORM)
    village = VillageFactory(parent=commune)
    return commune, village


def chunk(commune, village, count=3):
    where = {
        "village_ids": {commune.pk: [village.pk] * national.VILLAGES},
        "year_rounds": {(commune.pk, y): n for n, y in enumerate(national.YEARS, start=1)},  # a round a year
        "year_decisions": dict.fromkeys(((commune.pk, y) for y in national.YEARS), 1),
        "provinces": {commune.pk: province_of(commune.pk)},
    }
    return national._chunk(10**8, count, where, [commune.pk], [1.0], random.Random(1))


def fields(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines()]


def test_each_line_has_a_value_per_column_the_province_last(where):
    commune, village = where
    province = province_of(commune.pk)
    rng = random.Random(1)
    household = fields(household_line(7, commune.pk, village.pk, "Hoàng Văn Páo", rng, province_id=province))
    assert [len(household[0]), household[0][-1]] == [1 + len(HOUSEHOLD_COPY_COLUMNS), str(province)]
    review = fields(review_line(1, 7, commune.pk, village.pk, 1, rng, province_id=province))
    assert [len(review[0]), review[0][-1]] == [len(REVIEW_COPY_COLUMNS), str(province)]
    households, members, reviews = (part.getvalue() for part in chunk(commune, village))
    assert {len(line) for line in fields(members)} == {len(national.member_copy_columns())}
    assert {line[-1] for text in (households, members, reviews) for line in fields(text)} == {str(province)}


def test_the_provinces_the_benchmarks_read_are_the_application_s(where):
    commune, village = where
    old = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to__isnull=False).first()
    with connection.cursor() as cursor:
        found = commune_provinces(cursor)
    for unit in (commune, village, old):
        assert found[unit.pk] == province_of(unit.pk)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_postgresql_takes_the_lines(where):
    commune, village = where
    households, members, reviews = chunk(commune, village)
    with transaction.atomic(), connection.cursor() as cursor:
        for text, model, columns in (
            (households, Household, ("id", *HOUSEHOLD_COPY_COLUMNS)),
            (members, Member, national.member_copy_columns()),
            (reviews, HouseholdReview, REVIEW_COPY_COLUMNS),
        ):
            text.seek(0)
            # The NOT NULL province is checked row by row; the foreign keys (rounds and decisions made up here)
            # wait for a commit, which the rollback below never makes.
            cursor.cursor.copy_from(text, model._meta.db_table, columns=columns)
        assert set(Household.objects.filter(pk__gte=10**8).values_list("province_id", flat=True)) == {
            province_of(commune.pk)
        }
        assert Member.objects.filter(household_id__gte=10**8).count() >= 6
        assert HouseholdReview.objects.filter(household_id__gte=10**8).count() == 3 * len(national.YEARS)
        transaction.set_rollback(True)
