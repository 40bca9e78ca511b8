"""Writes of the statistics tables: applied on each approval, or rebuilt from all approved reviews."""

from collections.abc import Iterator, Mapping, Sequence

from django.db import connection, transaction
from django.db.models import F, Func, IntegerField

from households.aggregates import Cell, ReviewFacts, add_up, contributions, subtract
from households.models import HouseholdReview, ReviewState, StatisticCount, StatisticSource
from households.registry_rules import GROUP_FLAGS

_BATCH = 5000


class MembersCount(Func):
    """Number of members in a review's ``facts`` JSON (the people counted), computed by the database."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="json_array_length(%(expressions)s, '$.members')")

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="jsonb_array_length((%(expressions)s)::jsonb -> 'members')")


_FIELDS = (
    "pk",
    "household_id",
    "round__year",
    "round__standard__code",
    "commune_id",
    "status",
    "transition",
    "causes",
    "deprived",
    "people",
    "household__head_ethnicity__code",
    *(f"household__{flag}" for flag in GROUP_FLAGS.values()),
)


def _approved_rows(reviews=None):
    queryset = HouseholdReview.objects.all() if reviews is None else reviews
    return queryset.filter(state=ReviewState.APPROVED).annotate(people=MembersCount(F("facts"))).values_list(*_FIELDS)


def _facts(row: tuple) -> ReviewFacts:
    _pk, _household, year, standard, commune, status, transition, causes, deprived, people, ethnicity, *flags = row
    return ReviewFacts(
        year=year,
        standard=standard,
        commune_id=commune,
        status=status,
        transition=transition,
        people=people or 1,
        ethnicity=ethnicity or "",
        groups=frozenset(group for group, flag in zip(GROUP_FLAGS, flags, strict=True) if flag),
        causes=tuple(causes or ()),
        deprived=tuple(deprived or ()),
    )


def _standing_reviews() -> Iterator[tuple]:
    """For each household, year and standard, the approved review approved last (it replaces the earlier ones)."""
    rows = (
        _approved_rows()
        .order_by("household_id", "round__year", "round__standard__code", "approved_at", "pk")
        .iterator(chunk_size=_BATCH)
    )
    previous = None
    for row in rows:
        if previous is not None and row[1:4] != previous[1:4]:
            yield previous
        previous = row
    if previous is not None:
        yield previous


_UPSERT = (
    "INSERT INTO reports_statisticcount (year, standard, commune_id, dimension, key, status, households, people) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (year, standard, dimension, commune_id, key, status) DO UPDATE SET "
    "households = reports_statisticcount.households + excluded.households, "
    "people = reports_statisticcount.people + excluded.people"
)


def _apply_deltas(deltas: Mapping[Cell, tuple[int, int]]) -> None:
    # One upsert adding to the stored counts: concurrent approvals add up instead of overwriting each other.
    rows = [(*cell, h, p) for cell, (h, p) in deltas.items() if h or p]
    with connection.cursor() as cursor:
        cursor.executemany(_UPSERT, rows)
    touched = {cell[:3] for cell in deltas}
    for year, standard in {(y, s) for y, s, _c in touched}:
        communes = [c for y, s, c in touched if (y, s) == (year, standard)]
        StatisticCount.objects.filter(year=year, standard=standard, commune_id__in=communes, households=0).delete()


@transaction.atomic
def statistics_apply(*, reviews: Sequence[HouseholdReview]) -> None:
    """Count newly approved reviews, taking back the review each one replaces for its household and year.

    A review replaces only the earlier review of the same standard: the end-of-period annual review gives
    the year's figures under the old standard and the next period's baseline under the new one, and both stand.
    """
    ids = [r.pk for r in reviews]
    rows = {row[0]: row for row in _approved_rows(HouseholdReview.objects.filter(pk__in=ids))}
    sources = {
        (s.household_id, s.year, s.standard): s
        for s in StatisticSource.objects.select_for_update().filter(household__in=[r.household_id for r in reviews])
    }
    replaced_ids = [s.review_id for s in sources.values() if s.review_id not in rows]
    replaced = {row[0]: row for row in _approved_rows(HouseholdReview.objects.filter(pk__in=replaced_ids))}
    deltas: dict[Cell, list[int]] = {}

    def add(cells: Mapping[Cell, tuple[int, int]]) -> None:
        for cell, (h, p) in cells.items():
            total = deltas.setdefault(cell, [0, 0])
            total[0] += h
            total[1] += p

    new_sources, changed_sources = [], []
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            continue
        key = (row[1], row[2], row[3])
        source = sources.get(key)
        if source is not None and source.review_id == pk:
            continue
        if source is not None:
            old = replaced.get(source.review_id) or rows.get(source.review_id)
            if old is not None:
                add(subtract(contributions(_facts(old))))
            source.review_id = pk
            changed_sources.append(source)
        else:
            source = sources[key] = StatisticSource(household_id=row[1], year=row[2], standard=row[3], review_id=pk)
            new_sources.append(source)
        add(contributions(_facts(row)))
    StatisticSource.objects.bulk_create(new_sources)
    StatisticSource.objects.bulk_update(changed_sources, ["review"])
    _apply_deltas({cell: (h, p) for cell, (h, p) in deltas.items()})


@transaction.atomic
def statistics_rebuild() -> int:
    """Recompute every statistic from the approved reviews. Returns the number of households-years counted
    (a household counted under two standards in a year counts twice)."""
    StatisticCount.objects.all().delete()
    StatisticSource.objects.all().delete()
    counted = 0
    sources: list[StatisticSource] = []
    facts: list[ReviewFacts] = []
    for row in _standing_reviews():
        sources.append(StatisticSource(household_id=row[1], year=row[2], standard=row[3], review_id=row[0]))
        facts.append(_facts(row))
        counted += 1
        if len(sources) >= _BATCH:
            StatisticSource.objects.bulk_create(sources)
            sources = []
    StatisticSource.objects.bulk_create(sources)
    totals = add_up(facts)
    StatisticCount.objects.bulk_create(
        (
            StatisticCount(year=y, standard=sd, commune_id=c, dimension=d, key=k, status=s, households=h, people=p)
            for (y, sd, c, d, k, s), (h, p) in totals.items()
        ),
        batch_size=_BATCH,
    )
    return counted
