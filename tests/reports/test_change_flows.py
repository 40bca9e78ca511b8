"""The change table of Circular 07/2021/TT-BLĐTBXH, Appendix VII reads the households' flows from
``StatisticFlow``, kept on approval (``statistics_apply``) and recomputed by ``statistics_rebuild``. Its answers
must be those of the query it replaced, which scanned the approved reviews of two years: that query is kept
below as the oracle, and both are asked the same questions after every approval and after a rebuild."""

import datetime
import importlib
from collections import Counter, defaultdict
from collections.abc import Sequence

import pytest
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from households.aggregates import Standing, flow_changes
from households.models import (
    AdministrativeUnit,
    HouseholdReview,
    ReviewKind,
    ReviewState,
    StatisticFlow,
    StatisticSource,
)
from households.selectors.rollup import rollup
from households.services import review_create
from households.services.reviews import _set_transition
from households.services.statistics import statistics_apply, statistics_rebuild
from reports.changes import Flow, change_flows
from standards.classification import Status
from tests.conftest import AFTER_REFORM, find_unit
from tests.reports.test_change_table import AFTER, BEFORE, EARLIER, MAIN, World
from tests.reviews import FACTS

# --- the oracle: the query the change table ran before StatisticFlow, unchanged ----------------------------


def oracle_flows(*, user, units: Sequence[AdministrativeUnit], year: int, standard: str):
    parts = rollup(user=user, units=units, years=[year - 1, year])
    owner: dict[int, dict[int, int]] = {year - 1: {}, year: {}}
    notes: set[str] = set()
    for (unit_pk, part_year), part in parts.items():
        notes.update(part.notes)
        owner[part_year].update(dict.fromkeys(part.commune_ids, unit_pk))
    start_communes, end_communes = list(owner[year - 1]), list(owner[year])
    if not start_communes and not end_communes:
        return [], sorted(notes)

    def standing(of_year: int):
        return StatisticSource.objects.filter(household=OuterRef("household_id"), year=of_year, standard=standard)

    def approved(of_year: int, communes: list[int]):
        return HouseholdReview.objects.filter(
            commune_id__in=communes,
            round__year=of_year,
            round__standard__code=standard,
            state=ReviewState.APPROVED,
        ).filter(Exists(StatisticSource.objects.filter(review=OuterRef("pk"))))

    found: dict[tuple, int] = defaultdict(int)
    ends = (
        approved(year, end_communes)
        .annotate(
            start_commune=Subquery(standing(year - 1).values("review__commune_id")[:1]),
            start_status=Subquery(standing(year - 1).values("review__status")[:1]),
        )
        .values_list("commune_id", "status", "transition", "start_commune", "start_status")
        .annotate(households=Count("pk"))
        .order_by()
    )
    for commune, status, transition, start_commune, start_status, n in ends:
        start_unit = owner[year - 1].get(start_commune)
        key = (start_unit, start_status if start_unit is not None else "", owner[year][commune], status, transition)
        found[key] += n
    starts = (
        approved(year - 1, start_communes)
        .filter(status__in=[Status.POOR.value, Status.NEAR_POOR.value])
        .exclude(Exists(standing(year).filter(review__commune_id__in=end_communes)))
        .values_list("commune_id", "status")
        .annotate(households=Count("pk"))
        .order_by()
    )
    for commune, status, n in starts:
        found[(owner[year - 1][commune], status, None, "", "")] += n
    flows = [Flow(*key, households=n) for key, n in found.items()]
    return flows, sorted(notes)


# --- the pure change ---------------------------------------------------------------------------------------

BOC_BO, KIM_HY = 1, 2
P = Standing(BOC_BO, "poor", "stayed_poor")
N = Standing(BOC_BO, "near_poor", "poor_to_near_poor")
A = Standing(KIM_HY, "average", "baseline")


def test_a_changed_review_moves_the_flows_of_its_year_and_the_next():
    """A household's review of 2024 is the end of its flow of 2024 and the start of its flow of 2025."""
    before = {(7, 2023, MAIN): P, (7, 2024, MAIN): P, (7, 2025, MAIN): P}
    after = {**before, (7, 2024, MAIN): N}
    assert flow_changes(before, after) == {
        (2024, MAIN, BOC_BO, "poor", BOC_BO, "poor", "stayed_poor"): -1,
        (2024, MAIN, BOC_BO, "poor", BOC_BO, "near_poor", "poor_to_near_poor"): 1,
        (2025, MAIN, BOC_BO, "poor", BOC_BO, "poor", "stayed_poor"): -1,
        (2025, MAIN, BOC_BO, "near_poor", BOC_BO, "poor", "stayed_poor"): 1,
    }


def test_a_first_review_makes_a_flow_without_a_start_and_one_without_an_end():
    assert flow_changes({}, {(7, 2024, MAIN): A}) == {
        (2024, MAIN, None, "", KIM_HY, "average", "baseline"): 1,
        (2025, MAIN, KIM_HY, "average", None, "", ""): 1,
    }
    # The next year's review takes the household out of the flow without an end.
    assert flow_changes({(7, 2024, MAIN): A}, {(7, 2024, MAIN): A, (7, 2025, MAIN): P}) == {
        (2025, MAIN, KIM_HY, "average", None, "", ""): -1,
        (2025, MAIN, KIM_HY, "average", BOC_BO, "poor", "stayed_poor"): 1,
        (2026, MAIN, BOC_BO, "poor", None, "", ""): 1,
    }


def test_another_review_with_the_same_place_and_status_changes_nothing():
    """An ongoing review that confirms the annual one replaces it in the sources, not in the flows."""
    assert flow_changes({(7, 2024, MAIN): P}, {(7, 2024, MAIN): Standing(BOC_BO, "poor", "stayed_poor")}) == {}


def test_standards_are_counted_apart():
    """The end-of-period annual review under the next standard is its baseline: no flow from the old one."""
    assert flow_changes({(7, 2024, EARLIER): P}, {(7, 2024, EARLIER): P, (7, 2025, MAIN): N}) == {
        (2025, MAIN, None, "", BOC_BO, "near_poor", "poor_to_near_poor"): 1,
        (2026, MAIN, BOC_BO, "near_poor", None, "", ""): 1,
    }


# --- the aggregate against the oracle ----------------------------------------------------------------------


class Approvals(World):
    """The tests' world, with approvals gathered and counted by ``statistics_apply`` in batches (as
    ``review_approve`` counts a round's decision in one call)."""

    def approve(self, code: str, commune, year: int, status: str, *, kind=ReviewKind.ANNUAL, standard=MAIN):
        household = self.household(code, commune)
        review_round = self.round(commune, year, kind, standard)
        if HouseholdReview.objects.filter(round=review_round, household=household).exists():
            return None  # one review per household and round
        income, facts = FACTS[status]
        review = review_create(
            user=self.officer,
            review_round=review_round,
            household=household,
            income_per_capita=income,
            facts={**facts, "village_loudspeaker": True},
        )
        self.clock += datetime.timedelta(hours=1)
        review.state = ReviewState.APPROVED
        review.approved_at = self.clock
        _set_transition(review)
        review.save()
        return review


def _unit(name: str) -> AdministrativeUnit:
    return find_unit(name, on=AFTER_REFORM) if name in AFTER or name == "Tỉnh Thái Nguyên" else find_unit(name)


# The row units asked: the districts before the reform, one of them (a move to the other leaves the units), one
# commune, the new communes after it and one of them (each also asked across the reform), and the province.
UNIT_SETS = [
    ("Huyện Pác Nặm", "Huyện Na Rì"),
    ("Huyện Pác Nặm",),
    ("Xã Kim Hỷ",),
    ("Xã Bằng Thành", "Xã Văn Lang"),
    ("Xã Văn Lang",),
    ("Tỉnh Thái Nguyên",),
]


def _answer(flows_notes) -> tuple[Counter, list[str]]:
    flows, notes = flows_notes
    return Counter(flows), notes


def assert_same_answers(users, years: Sequence[int], standards=(MAIN, EARLIER)) -> int:
    """Ask the aggregate and the oracle every combination; returns the households the aggregate counted."""
    counted = 0
    for user in users:
        for names in UNIT_SETS:
            units = [_unit(name) for name in names]
            for year in years:
                for standard in standards:
                    asked = {"user": user, "units": units, "year": year, "standard": standard}
                    got = _answer(change_flows(**asked))
                    assert got == _answer(oracle_flows(**asked)), (names, year, standard)
                    counted += sum(got[0].values())
    return counted


def _stored() -> Counter:
    rows = StatisticFlow.objects.values_list(
        "year", "standard", "start_commune", "start_status", "end_commune", "end_status", "transition", "households"
    )
    assert all(row[-1] > 0 for row in rows)  # a row that falls to zero goes
    return Counter({row[:-1]: row[-1] for row in rows})


def assert_rebuild_agrees(users, years: Sequence[int]) -> None:
    """The table kept by the approvals is the one a rebuild (and migration 0018's fill) makes, and the answers
    after the rebuild are the oracle's."""
    kept = _stored()
    statistics_rebuild()
    assert _stored() == kept
    assert_same_answers(users, years)
    fill = importlib.import_module("households.migrations.0018_statistic_flows").FILL
    StatisticFlow.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(fill)
    assert _stored() == kept


@pytest.mark.django_db
def test_the_aggregate_answers_as_the_reviews_did_in_each_case(make_user):
    """Circular 07/2021/TT-BLĐTBXH, Appendix VII, every kind of household of the columns: one that moved
    between communes and districts, one whose annual review an ongoing review replaced at either end (also
    after its end was decided), one with a start and no end (column 4), one with an end and no start
    (column 8), one under the previous standard, one that moved out of the asked units; the aggregate is
    compared with the oracle after every approval and after a rebuild."""
    world = Approvals(make_user)
    pac_nam_only = make_user(Role.DISTRICT_OFFICER, [find_unit("Huyện Pác Nặm")])
    users = [world.province, pac_nam_only]
    boc_bo, luong_thuong, kim_hy = (find_unit(name) for name in BEFORE)
    bang_thanh, van_lang = (find_unit(name, on=AFTER_REFORM) for name in AFTER)
    ongoing = ReviewKind.ONGOING
    steps = [
        ("MOVED", boc_bo, 2023, "P", {}),
        ("MOVED", luong_thuong, 2024, "P", {}),
        ("REPLACED", luong_thuong, 2023, "N", {}),
        ("REPLACED", luong_thuong, 2024, "P", {}),
        ("REPLACED", luong_thuong, 2024, "N", {"kind": ongoing}),  # the end replaced
        ("REPLACED", luong_thuong, 2023, "P", {"kind": ongoing}),  # the start replaced after the end
        ("START_ONLY", kim_hy, 2023, "P", {}),
        ("END_ONLY", boc_bo, 2024, "N", {}),
        ("EARLIER", boc_bo, 2023, "P", {"standard": EARLIER}),
        ("EARLIER", boc_bo, 2024, "N", {}),
        ("MOVED_OUT", boc_bo, 2023, "N", {}),
        ("MOVED_OUT", kim_hy, 2024, "N", {}),
        ("STAYED", boc_bo, 2023, "P", {}),
        ("STAYED", boc_bo, 2024, "A", {}),
        ("STAYED", bang_thanh, 2025, "A", {}),
        ("MOVED", van_lang, 2025, "N", {}),
        ("MOVED_OUT", van_lang, 2025, "N", {"kind": ongoing}),
    ]
    with transaction.atomic():
        for code, commune, year, status, options in steps:
            review = world.approve(code, commune, year, status, **options)
            statistics_apply(reviews=[review])
            assert assert_same_answers(users, [2024, 2025]) > 0
        assert_rebuild_agrees(users, [2023, 2024, 2025, 2026])
        # Each case in the stored flows of 2024 under the main standard: (start, end, transition) → households.
        names = dict(AdministrativeUnit.objects.values_list("pk", "name"))
        stored = {
            (names.get(start, "-"), start_status, names.get(end, "-"), end_status, transition): n
            for (year, standard, start, start_status, end, end_status, transition), n in _stored().items()
            if (year, standard) == (2024, MAIN)
        }
        assert stored == {
            ("Xã Bộc Bố", "poor", "Xã Lương Thượng", "poor", "stayed_poor"): 1,  # MOVED
            # REPLACED at both ends: the end's transition was decided against the start it replaced.
            ("Xã Lương Thượng", "poor", "Xã Lương Thượng", "near_poor", "stayed_near_poor"): 1,
            ("Xã Kim Hỷ", "poor", "-", "", ""): 1,  # START_ONLY
            ("-", "", "Xã Bộc Bố", "near_poor", "newly_near_poor"): 1,  # END_ONLY
            ("-", "", "Xã Bộc Bố", "near_poor", "baseline"): 1,  # EARLIER: no start under this standard
            ("Xã Bộc Bố", "near_poor", "Xã Kim Hỷ", "near_poor", "stayed_near_poor"): 1,  # MOVED_OUT of Pác Nặm
            ("Xã Bộc Bố", "poor", "Xã Bộc Bố", "average", "poor_escaped"): 1,  # STAYED
        }
        transaction.set_rollback(True)


# Per event: household, year (0, 1, 2: the report's year minus 1, the year, the next), kind, place, status,
# standard. The events are approved in the order given, in batches: a later year before an earlier one, a
# start replaced after its end was decided, two years of one household in one batch.
event = st.tuples(
    st.integers(0, 4),
    st.integers(0, 2),
    st.sampled_from([ReviewKind.ANNUAL, ReviewKind.ONGOING]),
    st.integers(0, 2),
    st.sampled_from("PNA"),
    st.sampled_from([MAIN, MAIN, MAIN, EARLIER]),
)
# A household moved out of the units and back, its start replaced by an ongoing review after its end was
# decided, in one batch with another household's two years.
MOVES = [
    (0, 0, ReviewKind.ANNUAL, 0, "P", MAIN),
    (0, 1, ReviewKind.ANNUAL, 1, "P", MAIN),
    (0, 2, ReviewKind.ANNUAL, 0, "N", MAIN),
    (0, 0, ReviewKind.ONGOING, 2, "N", MAIN),
    (1, 0, ReviewKind.ANNUAL, 2, "N", MAIN),
    (1, 1, ReviewKind.ANNUAL, 2, "A", MAIN),
]


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(event, max_size=12), batch=st.integers(1, 4), reform=st.booleans())
@example(events=MOVES, batch=1, reform=False)
@example(events=MOVES, batch=3, reform=True)
def test_the_aggregate_answers_as_the_reviews_did_on_generated_approvals(make_user, events, batch, reform):
    """The aggregate and the oracle agree after every batch of approvals and after a rebuild, over years with
    ongoing and annual reviews (Decision 24/2021/QĐ-TTg, arts. 4–5), moves between communes, two standards
    and, when ``reform``, the 2025 merger of communes."""
    year = 2025 if reform else 2024
    with transaction.atomic():
        world = Approvals(make_user)
        users = [world.province, make_user(Role.DISTRICT_OFFICER, [find_unit("Huyện Na Rì")])]
        pending = []
        for number, (household, offset, kind, place, status, standard) in enumerate(events):
            at = year - 1 + offset
            names = AFTER if at >= 2025 else BEFORE
            commune = find_unit(names[place % len(names)], on=AFTER_REFORM if at >= 2025 else datetime.date(at, 1, 1))
            review = world.approve(f"G{household}", commune, at, status, kind=kind, standard=standard)
            if review is not None:
                pending.append(review)
            if len(pending) >= batch or number == len(events) - 1:
                statistics_apply(reviews=pending)
                pending = []
                assert_same_answers(users, [year, year + 1])
        assert_rebuild_agrees(users, [year - 1, year, year + 1])
        transaction.set_rollback(True)


# --- queries -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_change_table_reads_two_small_queries_whatever_the_households(make_user, django_assert_num_queries):
    """Besides the roll-up (the communes of the units, and their links across the reform when a unit is asked
    in a year of the other tree), two queries of ``StatisticFlow``, whatever the number of households."""
    world = World(make_user)
    boc_bo, luong_thuong = find_unit("Xã Bộc Bố"), find_unit("Xã Lương Thượng")
    van_lang = find_unit("Xã Văn Lang", on=AFTER_REFORM)
    districts = [find_unit("Huyện Pác Nặm"), find_unit("Huyện Na Rì")]
    reviewed = 0
    for households in (1, 12):
        reviewed += households
        for i in range(households):
            world.review(f"Q{households}-{i}", boc_bo if i % 2 else luong_thuong, 2024, "PNA"[i % 3])
            world.review(f"Q{households}-{i}", van_lang, 2025, "PNA"[(i + 1) % 3])
        with django_assert_num_queries(3):
            change_flows(user=world.province, units=districts, year=2024, standard=MAIN)
        with django_assert_num_queries(4):
            flows, _notes = change_flows(user=world.province, units=[van_lang], year=2025, standard=MAIN)
        assert sum(f.households for f in flows if f.end_unit is not None) == reviewed


@pytest.mark.django_db
def test_an_approval_counts_the_flows_in_the_same_queries_whatever_its_size(make_user):
    """A round's decision approves thousands of reviews in one ``statistics_apply``: the flows cost the same few
    queries for 2 reviews as for 20 (each household with its review of the year before)."""
    world = Approvals(make_user)
    counts = []
    for size, commune in ((2, find_unit("Xã Bộc Bố")), (20, find_unit("Xã Kim Hỷ"))):
        for i in range(size):
            statistics_apply(reviews=[world.approve(f"S{size}-{i}", commune, 2023, "PNA"[i % 3])])
        reviews = [world.approve(f"S{size}-{i}", commune, 2024, "PNA"[(i + 1) % 3]) for i in range(size)]
        with CaptureQueriesContext(connection) as queries:
            statistics_apply(reviews=reviews)
        counts.append(len(queries))
        flows = StatisticFlow.objects.filter(year=2024, standard=MAIN, end_commune=commune)
        assert sum(flows.values_list("households", flat=True)) == size
    # The savepoint and its release; the reviews, their households' sources and the reviews those name; the
    # new sources; the counts and their emptied cells; the flows and their emptied rows.
    assert counts == [10, 10]
