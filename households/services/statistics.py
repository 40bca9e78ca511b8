"""Writes of the statistics tables: applied on each approval, or rebuilt from all approved reviews."""

from collections.abc import Iterator, Mapping, Sequence

from django.db import connection, transaction
from django.db.models import F, Func, IntegerField

from households.aggregates import (
    Cell,
    FlowKey,
    ReviewFacts,
    SourceKey,
    Standing,
    add_up,
    contributions,
    flow_changes,
    subtract,
)
from households.models import HouseholdReview, ReviewState, StatisticCount, StatisticFlow, StatisticSource
from households.provinces import provinces_of
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
    "household__province_id",  # the source's sharding key: its household's province
)
_PROVINCE = len(_FIELDS) - 1


def _approved_rows(reviews=None):
    queryset = HouseholdReview.objects.all() if reviews is None else reviews
    return queryset.filter(state=ReviewState.APPROVED).annotate(people=MembersCount(F("facts"))).values_list(*_FIELDS)


def _facts(row: tuple) -> ReviewFacts:
    _pk, _household, year, standard, commune, status, transition, causes, deprived, people, ethnicity, *flags, _ = row
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
    "INSERT INTO reports_statisticcount "
    "(year, standard, commune_id, dimension, key, status, households, people, province_id) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (year, standard, dimension, commune_id, key, status, province_id) DO UPDATE SET "
    "households = reports_statisticcount.households + excluded.households, "
    "people = reports_statisticcount.people + excluded.people"
)


def _apply_deltas(deltas: Mapping[Cell, tuple[int, int]]) -> None:
    # One upsert adding to the stored counts: concurrent approvals add up instead of overwriting each other.
    provinces = provinces_of(cell[2] for cell in deltas)  # the cells' sharding key: their commune's province
    rows = [(*cell, h, p, provinces[cell[2]]) for cell, (h, p) in deltas.items() if h or p]
    with connection.cursor() as cursor:
        cursor.executemany(_UPSERT, rows)
    touched = {cell[:3] for cell in deltas}
    for year, standard in {(y, s) for y, s, _c in touched}:
        communes = [c for y, s, c in touched if (y, s) == (year, standard)]
        StatisticCount.objects.filter(year=year, standard=standard, commune_id__in=communes, households=0).delete()


_FLOW_COLUMNS = "year, standard, start_commune_id, start_status, end_commune_id, end_status, transition"
_FLOW_UPSERT = (
    f"INSERT INTO households_statisticflow ({_FLOW_COLUMNS}, households) VALUES {{rows}} "
    "ON CONFLICT (year, standard, (COALESCE(start_commune_id, 0)), start_status, (COALESCE(end_commune_id, 0)), "
    "end_status, transition) DO UPDATE SET households = households_statisticflow.households + excluded.households"
)
# Every household's flow of each year from the sources, in one statement: those with an end (a source of the
# year), with their start if they have one (a source of the year before); then those with a start and no end.
# Migration 0018 fills the table with a copy of it.
_FLOWS_FROM_SOURCES = f"""
INSERT INTO households_statisticflow ({_FLOW_COLUMNS}, households)
SELECT {_FLOW_COLUMNS}, COUNT(*) FROM (
    SELECT e.year AS year, e.standard AS standard,
        sr.commune_id AS start_commune_id, COALESCE(sr.status, '') AS start_status,
        er.commune_id AS end_commune_id, er.status AS end_status, er.transition AS transition
    FROM reports_statisticsource e
    JOIN households_householdreview er ON er.id = e.review_id
    LEFT JOIN reports_statisticsource s
        ON s.household_id = e.household_id AND s.year = e.year - 1 AND s.standard = e.standard
    LEFT JOIN households_householdreview sr ON sr.id = s.review_id
    UNION ALL
    SELECT s.year + 1, s.standard, sr.commune_id, sr.status, NULL, '', ''
    FROM reports_statisticsource s
    JOIN households_householdreview sr ON sr.id = s.review_id
    WHERE NOT EXISTS (
        SELECT 1 FROM reports_statisticsource e
        WHERE e.household_id = s.household_id AND e.year = s.year + 1 AND e.standard = s.standard
    )
) flows
GROUP BY {_FLOW_COLUMNS}
"""
# Rows of one upsert: 8 parameters each, within SQLite's limit of 32,766 per statement.
_FLOW_ROWS = 1000


def _apply_flow_deltas(deltas: Mapping[FlowKey, int]) -> None:
    # Added to the stored counts like the cells, in the key's order: concurrent approvals wait for each other
    # on a shared row instead of deadlocking.
    rows = sorted(
        ((*key, n) for key, n in deltas.items() if n),
        key=lambda row: (row[0], row[1], row[2] or 0, row[3], row[4] or 0, row[5], row[6]),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _FLOW_ROWS):
            chunk = rows[start : start + _FLOW_ROWS]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(_FLOW_UPSERT.format(rows=values), [value for row in chunk for value in row])
    if rows:
        StatisticFlow.objects.filter(year__in={row[0] for row in rows}, households=0).delete()


def _standing(row: tuple) -> Standing:
    return Standing(commune_id=row[4], status=row[5], transition=row[6])


@transaction.atomic
def statistics_apply(*, reviews: Sequence[HouseholdReview]) -> None:
    """Count newly approved reviews, taking back the review each one replaces for its household and year.

    A review replaces only the earlier review of the same standard: the end-of-period annual review gives
    the year's figures under the old standard and the next period's baseline under the new one, and both stand.

    The flows of the households (``StatisticFlow``) change with their standing reviews: in the year of each
    changed one, where it is the end, and in the next, where it is the start. A few queries per batch,
    whatever its size: the reviews, the households' sources and the reviews those name, then the writes.
    """
    ids = [r.pk for r in reviews]
    rows = {row[0]: row for row in _approved_rows(HouseholdReview.objects.filter(pk__in=ids))}
    sources = {
        (s.household_id, s.year, s.standard): s
        for s in StatisticSource.objects.select_for_update().filter(household__in=[r.household_id for r in reviews])
    }
    replaced_ids = [s.review_id for s in sources.values() if s.review_id not in rows]
    replaced = {row[0]: row for row in _approved_rows(HouseholdReview.objects.filter(pk__in=replaced_ids))}
    # Every review standing for these households, before and after: the flows' neighbouring years included.
    standing = {pk: _standing(row) for pk, row in {**replaced, **rows}.items()}

    def held() -> dict[SourceKey, Standing]:
        # A source names an approved review, locked; one that did not would be left out, as the counts leave it.
        return {key: standing[s.review_id] for key, s in sources.items() if s.review_id in standing}

    before = held()
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
            source = sources[key] = StatisticSource(
                household_id=row[1], year=row[2], standard=row[3], review_id=pk, province_id=row[_PROVINCE]
            )
            new_sources.append(source)
        add(contributions(_facts(row)))
    StatisticSource.objects.bulk_create(new_sources)
    StatisticSource.objects.bulk_update(changed_sources, ["review"])
    _apply_deltas({cell: (h, p) for cell, (h, p) in deltas.items()})
    _apply_flow_deltas(flow_changes(before, held()))


# The registry's counts are the triggers' (migration 0017, whose key this repeats: a migration keeps its own
# SQL); a rebuild refills them from the households under a lock that keeps household writes out between the
# delete and the fill. SQLite has no triggers and counts the households on each request.
_REGISTRY_REFILL = (
    "LOCK TABLE households_household IN SHARE MODE",
    "DELETE FROM households_registrycount",
    "INSERT INTO households_registrycount (commune_id, village_id, province_id, left_in, households)"
    " SELECT commune_id, village_id, province_id, CASE WHEN status = 'active' OR status_date IS NULL THEN NULL"
    " ELSE extract(year FROM status_date)::smallint END, count(*) FROM households_household GROUP BY 1, 2, 3, 4",
)


@transaction.atomic
def statistics_rebuild() -> int:
    """Recompute every statistic from the approved reviews, and the registry's counts from the households.
    Returns the number of households-years counted (a household counted under two standards in a year counts
    twice)."""
    StatisticCount.objects.all().delete()
    StatisticFlow.objects.all().delete()
    StatisticSource.objects.all().delete()
    counted = 0

    def standing_facts() -> Iterator[ReviewFacts]:
        # Each review's facts are added up as they come, never kept all: at 10 million households (20 million
        # household-years) a list of them would take about 15 GiB (bench/national.py).
        nonlocal counted
        sources: list[StatisticSource] = []
        for row in _standing_reviews():
            sources.append(
                StatisticSource(
                    household_id=row[1], year=row[2], standard=row[3], review_id=row[0], province_id=row[_PROVINCE]
                )
            )
            counted += 1
            if len(sources) >= _BATCH:
                StatisticSource.objects.bulk_create(sources)
                sources = []
            yield _facts(row)
        StatisticSource.objects.bulk_create(sources)

    totals = add_up(standing_facts())
    provinces = provinces_of(cell[2] for cell in totals)
    StatisticCount.objects.bulk_create(
        (
            StatisticCount(
                year=y,
                standard=sd,
                commune_id=c,
                dimension=d,
                key=k,
                status=s,
                households=h,
                people=p,
                province_id=provinces[c],
            )
            for (y, sd, c, d, k, s), (h, p) in totals.items()
        ),
        batch_size=_BATCH,
    )
    with connection.cursor() as cursor:
        cursor.execute(_FLOWS_FROM_SOURCES)
        if connection.vendor == "postgresql":
            for statement in _REGISTRY_REFILL:
                cursor.execute(statement)
    return counted
