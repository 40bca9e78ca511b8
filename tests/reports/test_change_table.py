"""The change tables of Circular 07/2021/TT-BLĐTBXH, Appendix VII: every column counted from the households'
start and end (``reports.changes``), so "end = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8" is a check that a wrong
transition breaks, shown on the report when it does."""

import datetime
import io
from collections import defaultdict

import pytest
from django.db import transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from accounts.models import Role
from households.models import Household, HouseholdReview, ReviewKind, ReviewState
from households.services import review_create, round_open
from households.services.reviews import _set_transition
from households.services.statistics import statistics_apply, statistics_rebuild
from households.transitions import Transition
from reports.changes import NEAR_POOR_CHANGES, POOR_CHANGES, Flow, change_flows, change_row
from reports.definitions.circular07 import circular07_report
from standards.models import PovertyStandard
from tests.conftest import AFTER_REFORM, find_unit
from tests.factories import VillageFactory
from tests.reviews import FACTS, new_household

MAIN, EARLIER = "2021-2025", "2016-2020"
T = Transition


# --- the pure count -------------------------------------------------------------------------------------------


def test_every_column_is_counted_and_a_move_is_out_of_one_row_and_into_another():
    """Circular 07/2021/TT-BLĐTBXH, Appendix VII, columns 4 and 8 ("other"): a poor household that moved from
    unit 1 to unit 2 and stayed poor leaves unit 1 in (4) and enters unit 2 in (8)."""
    flows = [
        Flow(1, "poor", 1, "poor", T.STAYED_POOR, 3),
        Flow(1, "poor", 1, "near_poor", T.POOR_TO_NEAR_POOR, 2),
        Flow(1, "poor", 2, "poor", T.STAYED_POOR, 1),  # moved
        Flow(1, "poor", None, "", "", 1),  # not reviewed again
        Flow(None, "", 1, "poor", T.NEWLY_POOR, 2),
        Flow(None, "", 1, "poor", T.BASELINE, 1),  # first review under this standard
    ]
    one = change_row(flows, unit=1, kinds=POOR_CHANGES)
    assert one.as_dict() == {"c1": 7, "c2": 2, "c3": 0, "c4": 2, "c5": 0, "c6": 0, "c7": 2, "c8": 1, "end": 6}
    assert one.adds_up
    two = change_row(flows, unit=2, kinds=POOR_CHANGES)
    assert (two.c1, two.c8, two.end, two.adds_up) == (0, 1, 1, True)
    near = change_row(flows, unit=1, kinds=NEAR_POOR_CHANGES)
    assert (near.c1, near.c5, near.end, near.adds_up) == (0, 2, 2, True)


def test_a_transition_that_contradicts_the_start_breaks_the_identity():
    """Circular 07/2021/TT-BLĐTBXH, Appendix VII: end = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 is a real check. A
    household poor at the start whose stored transition says "near-poor became poor" (an annual review compared
    with an ongoing review of its own year) is counted in (1) and in (5): the identity fails by one."""
    flows = [Flow(1, "poor", 1, "poor", T.STAYED_POOR, 2), Flow(1, "poor", 1, "poor", T.NEAR_POOR_TO_POOR, 1)]
    row = change_row(flows, unit=1, kinds=POOR_CHANGES)
    assert (row.c1, row.c5, row.end) == (3, 1, 3)
    assert row.formula == 4
    assert not row.adds_up
    assert min(row.as_dict().values()) >= 0


# --- a small world built through the services ---------------------------------------------------------------


class World:
    """Households reviewed in a few communes, years and standards.

    Rounds and reviews are made by the services (``round_open``, ``review_create``: classification and
    transition). The workflow steps between entry and the chair's decision (meeting, posting, submission),
    covered by tests/households/test_reviews.py, are left out so that hypothesis can build many worlds: the
    approval is the minimal path below, which sets the approval time, recomputes the transition with the
    services' own ``_set_transition`` and counts the review with ``statistics_apply``, as ``review_approve``
    does.
    """

    def __init__(self, make_user):
        provinces = [find_unit("Tỉnh Bắc Kạn"), find_unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)]
        self.province = make_user(Role.PROVINCE_OFFICER, provinces)
        self.officer = make_user(Role.DISTRICT_OFFICER, provinces)
        self.rounds: dict[tuple, object] = {}
        self.villages: dict[int, object] = {}
        self.clock = timezone.make_aware(datetime.datetime(2020, 1, 1))
        self.households: dict[str, Household] = {}
        # (household code, year, standard) → (commune name, status) of the review that stands for it.
        self.standing: dict[tuple[str, int, str], tuple[str, str]] = {}

    def village(self, commune):
        if commune.pk not in self.villages:
            self.villages[commune.pk] = VillageFactory(parent=commune, name=f"Thôn Nà Mò {commune.code}")
        return self.villages[commune.pk]

    def household(self, code: str, commune) -> Household:
        village = self.village(commune)
        if code not in self.households:
            self.households[code] = new_household(self.officer, village, code)
        household = self.households[code]
        if household.commune_id != commune.pk:
            # The household moved (or was carried over the 2025 reform) to this commune's village.
            Household.objects.filter(pk=household.pk).update(commune=commune, village=village)
            household.refresh_from_db()
        return household

    def round(self, commune, year: int, kind: str, standard: str):
        if kind == ReviewKind.ONGOING:
            # A fresh ongoing round per review: a household may have several in a year.
            on = datetime.date(year, 8, 1) if commune.valid_from and commune.valid_from.year == year else None
            return round_open(
                user=self.province,
                commune=commune,
                year=year,
                kind=kind,
                starts_on=on or datetime.date(year, 3, 15),
                standard=PovertyStandard.objects.get(code=standard),
            )
        key = (commune.pk, year, standard)
        if key not in self.rounds:
            self.rounds[key] = round_open(
                user=self.province,
                commune=commune,
                year=year,
                kind=kind,
                standard=PovertyStandard.objects.get(code=standard),
            )
        return self.rounds[key]

    def review(self, code: str, commune, year: int, status: str, *, kind=ReviewKind.ANNUAL, standard=MAIN):
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
            facts={**facts, "village_loudspeaker": True},  # a fact of 2016-2020 (Decision 59/2015/QĐ-TTg)
        )
        self.clock += datetime.timedelta(hours=1)
        review.state = ReviewState.APPROVED
        review.approved_at = self.clock
        _set_transition(review)
        review.save()
        statistics_apply(reviews=[review])
        self.standing[(code, year, standard)] = (commune.name, review.status)
        return review


def _rows(user, units, year, kinds):
    flows, _notes = change_flows(user=user, units=units, year=year, standard=MAIN)
    return {u.name: change_row(flows, unit=u.pk, kinds=kinds) for u in units}


@pytest.mark.django_db
def test_a_commune_merged_in_the_reform_is_not_a_move(make_user):
    """Resolution 202/2025/QH15 and Decision 19/2025/QĐ-TTg merged communes on 1 July 2025 (domain notes §1):
    a household of Xã Bộc Bố in 2024 reviewed in Xã Bằng Thành in 2025 stayed where it was; one that went to
    Xã Văn Lang moved (Circular 07/2021/TT-BLĐTBXH, Appendix VII, columns 4 and 8)."""
    world = World(make_user)
    boc_bo, bang_thanh, van_lang = (
        find_unit("Xã Bộc Bố"),
        find_unit("Xã Bằng Thành", on=AFTER_REFORM),
        find_unit("Xã Văn Lang", on=AFTER_REFORM),
    )
    for code in ("R1", "R2", "R3"):
        world.review(code, boc_bo, 2024, "P")
    world.review("R1", bang_thanh, 2025, "P")
    world.review("R2", bang_thanh, 2025, "N")
    world.review("R3", van_lang, 2025, "P")
    rows = _rows(world.province, [bang_thanh, van_lang], 2025, POOR_CHANGES)
    assert rows["Xã Bằng Thành"].as_dict() == {
        "c1": 3, "c2": 1, "c3": 0, "c4": 1, "c5": 0, "c6": 0, "c7": 0, "c8": 0, "end": 1
    }  # fmt: skip
    assert rows["Xã Văn Lang"].as_dict() == {
        "c1": 0, "c2": 0, "c3": 0, "c4": 0, "c5": 0, "c6": 0, "c7": 0, "c8": 1, "end": 1
    }  # fmt: skip
    assert all(row.adds_up for row in rows.values())


@pytest.mark.django_db
def test_the_query_count_does_not_grow_with_the_households(make_user, django_assert_num_queries):
    """The change table is read in a bounded number of queries: the communes of the roll-up and two aggregates
    (the user's area is cached)."""
    world = World(make_user)
    boc_bo, luong_thuong = find_unit("Xã Bộc Bố"), find_unit("Xã Lương Thượng")
    districts = [find_unit("Huyện Pác Nặm"), find_unit("Huyện Na Rì")]
    world.review("Q1", boc_bo, 2023, "P")
    world.review("Q1", luong_thuong, 2024, "P")
    with django_assert_num_queries(3):
        change_flows(user=world.province, units=districts, year=2024, standard=MAIN)
    for i in range(8):
        world.review(f"Q{i + 2}", luong_thuong, 2023, "PNA"[i % 3])
        world.review(f"Q{i + 2}", boc_bo if i % 2 else luong_thuong, 2024, "PNA"[(i + 1) % 3])
    with django_assert_num_queries(3):
        flows, _notes = change_flows(user=world.province, units=districts, year=2024, standard=MAIN)
    assert sum(f.households for f in flows if f.end_unit is not None) == 9


# --- the report --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_row_that_does_not_add_up_is_named_on_the_report(client, reviewed, province_officer, unit):
    """Circular 07/2021/TT-BLĐTBXH, Appendix VII: the end = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8. A stored transition
    that contradicts the household's start is not hidden in a residual column: the report names the row."""
    bac_kan = unit("Tỉnh Bắc Kạn")
    report = circular07_report(user=province_officer, unit=bac_kan, year=2024)
    assert not report.tables[1].notes
    # Xã Bộc Bố: poor in 2023 and 2024 ("stayed poor"); stored as if it had been near-poor.
    review = HouseholdReview.objects.filter(
        commune__name="Xã Bộc Bố", round__year=2024, transition=T.STAYED_POOR
    ).first()
    HouseholdReview.objects.filter(pk=review.pk).update(transition=T.NEAR_POOR_TO_POOR)
    # Written behind the services' back: the statistics tables, kept on approval, count it once rebuilt.
    statistics_rebuild()
    report = circular07_report(user=province_officer, unit=bac_kan, year=2024)
    (row,) = [r for r in report.tables[1].rows if r["unit"] == "Huyện Pác Nặm"]
    assert row["c1"] - row["c2"] - row["c3"] - row["c4"] + row["c5"] + row["c6"] + row["c7"] + row["c8"] == (
        row["end"] + 1
    )
    (note,) = report.tables[1].notes
    assert note.startswith("Huyện Pác Nặm: 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 = ")
    client.force_login(province_officer)
    page = client.get("/reports/circular07/", {"unit": bac_kan.pk, "year": 2024})
    assert "Huyện Pác Nặm: 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 = " in page.text
    pdf = client.get("/reports/circular07/", {"unit": bac_kan.pk, "year": 2024, "format": "pdf"})
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Huyện Pác Nặm: 1" in text


@pytest.mark.django_db
def test_the_near_poor_table_has_its_own_labels(reviewed, province_officer, unit):
    """Circular 07/2021/TT-BLĐTBXH, Appendix VII, the change in near-poor households: near-poor became poor,
    escaped near-poverty (thoát cận nghèo), poor became near-poor, fell back into near-poverty (tái cận nghèo),
    newly near-poor (cận nghèo phát sinh mới)."""
    with translation.override("en"):
        report = circular07_report(user=province_officer, unit=unit("Tỉnh Bắc Kạn"), year=2024)
        poor, near = ({c.key: c.label for c in t.columns} for t in report.tables[1:3])
    assert [near[k] for k in ("c2", "c3", "c5", "c6", "c7")] == [
        "(2) Near-poor became poor",
        "(3) Escaped near-poverty",
        "(5) Poor became near-poor",
        "(6) Fell back into near-poverty",
        "(7) Newly near-poor",
    ]
    assert [poor[k] for k in ("c2", "c3", "c5", "c6", "c7")] == [
        "(2) Escaped to near-poor",
        "(3) Escaped above near-poor",
        "(5) Near-poor became poor",
        "(6) Fell back into poverty",
        "(7) Newly poor",
    ]


# --- the identity on generated years -----------------------------------------------------------------------

# Places a household can be reviewed in. Before the reform: Xã Bộc Bố (Huyện Pác Nặm), Xã Lương Thượng and Xã
# Kim Hỷ (Huyện Na Rì); after: Xã Bằng Thành (from Bộc Bố) and Xã Văn Lang (from Lương Thượng and Kim Hỷ).
BEFORE = ("Xã Bộc Bố", "Xã Lương Thượng", "Xã Kim Hỷ")
AFTER = ("Xã Bằng Thành", "Xã Văn Lang")
# The row each commune adds up to, written out by hand as the oracle (domain notes §1).
ROW_2024 = {"Xã Bộc Bố": "Huyện Pác Nặm", "Xã Lương Thượng": "Huyện Na Rì", "Xã Kim Hỷ": "Huyện Na Rì"}
ROW_2025 = {"Xã Bộc Bố": "Xã Bằng Thành", "Xã Lương Thượng": "Xã Văn Lang", "Xã Kim Hỷ": "Xã Văn Lang"}
ROW_2025.update({name: name for name in AFTER})

event = st.tuples(
    st.sampled_from([ReviewKind.ANNUAL, ReviewKind.ONGOING]),
    st.integers(0, 2),  # place
    st.sampled_from("PNA"),
    st.sampled_from([MAIN, MAIN, MAIN, EARLIER]),  # now and then under another standard
)
# Per household, the events of the report's year minus 2, minus 1 and of the year itself, in approval order.
plans = st.lists(st.tuples(*[st.lists(event, max_size=2)] * 3), min_size=1, max_size=4)
# An ongoing review that changes the status, then the annual review of the same year.
ONGOING_THEN_ANNUAL = [
    ((), [(ReviewKind.ANNUAL, 0, "P", MAIN)], [(ReviewKind.ONGOING, 0, "N", MAIN), (ReviewKind.ANNUAL, 0, "P", MAIN)])
]


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=plans, reform=st.booleans())
@example(plans=ONGOING_THEN_ANNUAL, reform=False)
@example(plans=ONGOING_THEN_ANNUAL, reform=True)
def test_the_identity_holds_on_generated_years(make_user, plans, reform):
    """Circular 07/2021/TT-BLĐTBXH, Appendix VII: end = 1 − 2 − 3 − 4 + 5 + 6 + 7 + 8 in every row of both
    tables, no column negative, and (1), (4) and the end equal to the households counted by hand — over years
    with ongoing and annual reviews (Decision 24/2021/QĐ-TTg, arts. 4–5), moves between communes, statuses
    under another standard (domain notes §2) and, when ``reform``, the 2025 merger of communes."""
    year = 2025 if reform else 2024
    rows_of = ROW_2025 if reform else ROW_2024
    with transaction.atomic():
        world = World(make_user)
        for number, by_year in enumerate(plans):
            for at, events in zip((year - 2, year - 1, year), by_year, strict=True):
                for kind, place, status, standard in events:
                    names = AFTER if at >= 2025 else BEFORE
                    name = names[place % len(names)]
                    commune = find_unit(name, on=AFTER_REFORM if at >= 2025 else datetime.date(at, 1, 1))
                    world.review(f"H{number}", commune, at, status, kind=kind, standard=standard)
        units = [find_unit(n, on=AFTER_REFORM) for n in AFTER] if reform else [
            find_unit("Huyện Pác Nặm"), find_unit("Huyện Na Rì")
        ]  # fmt: skip
        flows, _notes = change_flows(user=world.province, units=units, year=year, standard=MAIN)
        for kinds in (POOR_CHANGES, NEAR_POOR_CHANGES):
            expected = defaultdict(lambda: {"c1": 0, "c4": 0, "end": 0})
            for (code, at, standard), (commune, status) in world.standing.items():
                if standard != MAIN or status != kinds.status or at not in (year - 1, year):
                    continue
                row = rows_of[commune]
                if at == year:
                    expected[row]["end"] += 1
                    continue
                expected[row]["c1"] += 1
                after = world.standing.get((code, year, MAIN))
                if after is None or rows_of[after[0]] != row:
                    expected[row]["c4"] += 1
            for unit in units:
                row = change_row(flows, unit=unit.pk, kinds=kinds)
                assert row.adds_up, (unit.name, kinds.status, row)
                assert min(row.as_dict().values()) >= 0
                assert {"c1": row.c1, "c4": row.c4, "end": row.end} == expected[unit.name]
        transaction.set_rollback(True)
