"""The demo province as it is on 7 December 2026: Thái Nguyên, merged with Bắc Kạn on 1 July 2025.

Loaded after Bắc Kạn 2016-2019 (``demo.history``), everything through the app's own services:

1. villages for the old Thái Nguyên communes (``village_create``; Bắc Kạn's exist already);
2. resident households per commune for 2024 and the end-2024 annual review on the old communes, approved;
   the registry holds the *listed* households (poor, near-poor, applicants and those leaving), not every
   resident household (Decision 24/2021/QĐ-TTg, art. 4): Bắc Kạn's come from its registry, Thái Nguyên's
   are registered through the Excel import;
3. the carry-over of the 2025 reform (``carry_over_commit``), the villages of a split commune assigned to
   the package's default successor (a demo choice: a province assigns them one by one);
4. resident households for 2025 and 2026 on the new communes, the end-2025 annual review (Decree 07, the
   round's default standard) approved everywhere, the end-2026 round (2026-2030 lines) in progress on
   today's date: some communes approved, others at the village meeting, the posting or the chair;
5. a 2026-2030 plan in the shape of seed 003 with targets per new commune.

The figures are demo figures, not official statistics. ``scale`` shrinks the province: the workflow
services write each review one by one with its history at every step, about 13 ms a review on SQLite, so
the whole province (about 480,000 resident households, some 35,000 listed a year) would take half an hour.
At ``SCALE`` the resident counts and the listed households are scaled alike, so the rates stay those of a
real province; Bắc Kạn's registry of 2016-2019 keeps its full size, so there it holds more households than
the scaled resident count.
"""

from __future__ import annotations

import datetime
import io
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from accounts.models import Role, User
from accounts.services import user_create
from households.access import check_can_edit_unit
from households.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, Sheet
from households.imports.services import ImportRefused, import_commit
from households.imports.template import build_workbook
from households.models import (
    LAST_LEGACY_DAY,
    REFORM_DATE,
    AdministrativeUnit,
    Household,
    HouseholdReview,
    ReviewKind,
    ReviewRound,
    UnitLevel,
    UnitSuccession,
    UnitType,
)
from households.selectors import carry_over_plan
from households.services import (
    carry_over_commit,
    review_approve,
    review_create,
    review_district_consult,
    review_meeting_confirm,
    review_post,
    review_submit,
    round_open,
    village_assign,
    village_create,
)
from households.services.residents import resident_count_set
from households.workflow import consults_district
from programmes.models import Direction, GoalGroup, GoalKind, Plan
from programmes.progress import comparison_in
from programmes.services import goal_actual_set, goal_create, plan_create, target_rows_replace
from standards.classification import Area
from standards.selectors import rules_year, standard_for_round, standard_get, standard_rules

from .history import FAMILY_NAMES, FEMALE_GIVEN, MALE_GIVEN, VILLAGE_NAMES

D = Decimal
TODAY = datetime.date(2026, 12, 7)
# Share of the real province loaded by ``make run`` (see the module's docstring).
SCALE = 0.04
PROVINCE_CODE = "19"  # Thái Nguyên kept its code in the merger (Decision 19/2025/QĐ-TTg)
OLD_PROVINCES = ("Tỉnh Thái Nguyên", "Tỉnh Bắc Kạn")
CARRY_OVER_DECISION = "Nghị quyết 202/2025/QH15"
# Resident households of old Thái Nguyên (about 400,000 in 2024); Bắc Kạn's are its registry, grown since 2016.
THAI_NGUYEN_HOUSEHOLDS = 400_000
BAC_KAN_GROWTH_SINCE_2016 = 1.04
PEOPLE_PER_HOUSEHOLD = (3.3, 3.9)
# Poor and near-poor shares (%) at the end of 2024 under Decree 07/2021/NĐ-CP, before the commune's own draw;
# demo figures of the order the provinces reported (Thái Nguyên a few percent, Bắc Kạn much higher).
RATES_2024 = {"Tỉnh Thái Nguyên": (1.6, 2.2), "Tỉnh Bắc Kạn": (9.0, 6.5)}
URBAN_FACTOR = 0.3  # phường and thị trấn
# Old Thái Nguyên districts of ethnic-minority, mountainous communes (the demo's choice): higher rates.
MOUNTAIN_DISTRICTS = {"Huyện Định Hóa": 2.5, "Huyện Võ Nhai": 2.8, "Huyện Đại Từ": 1.4, "Huyện Phú Lương": 1.4}
LEAVING_SHARE = 0.15  # listed households beyond the poor and near-poor: applicants and those leaving
# The end-2026 round on today's date: share of new communes at each stage (the rest are approved).
STAGES_2026 = (("meeting", 0.2), ("posted", 0.2), ("submitted", 0.05))
PLAN_DECISION = "15-NQ/TU"
PLAN_BODY = "Ban Chấp hành Đảng bộ tỉnh Thái Nguyên"

_GOOD = {
    "housing": "permanent",
    "living_area_m2": "48",
    "water_source": "drilled_well",
    "latrine": "pour_flush",
    "telecom": ["phone"],
    "devices": ["tv", "smartphone"],
    "village_loudspeaker": True,
    "waste": "collected",
}
# One deprivation (water): near-poor at or below the line.
_SOME = {**_GOOD, "water_source": "unprotected_spring"}
# Three deprivations (housing, water, latrine): poor at or below the line (Decree 07/2021, art. 3).
_POOR = {**_GOOD, "housing": "simple", "water_source": "unprotected_spring", "latrine": "none"}
POOR, NEAR_POOR, OTHER = "poor", "near_poor", "other"
_CAUSES = {POOR: ["no_capital", "no_skills"], NEAR_POOR: ["no_capital"], OTHER: []}
_MINORITY_MIX = [("Tày", 40), ("Nùng", 12), ("Dao", 10), ("Mông", 3), ("Kinh", 35)]
_LOWLAND_MIX = [("Kinh", 88), ("Tày", 7), ("Nùng", 5)]


@dataclass
class TodayResult:
    villages: int = 0
    households_registered: int = 0
    households_moved: int = 0
    reviews: Counter = field(default_factory=Counter)  # by year
    plan: Plan | None = None
    seconds: float = 0.0


@dataclass
class _Staff:
    """Who takes the steps of a commune's review: its officer and its chair, and before the 2025 reform the
    district officer who records the district chair's opinion (Decision 24/2021/QĐ-TTg, art. 4)."""

    officer: User
    chair: User
    district: User | None = None


def today_load(
    *,
    province_officer: User,
    staff: Mapping[AdministrativeUnit, tuple[User, User]] | None = None,
    scale: float = SCALE,
    communes: Sequence[str] | None = None,
    seed: int = 2026,
    log: Callable[[str], None] = lambda _message: None,
) -> TodayResult:
    """Load today's Thái Nguyên (see the module); idempotent: nothing is loaded when its plan exists.

    ``staff`` gives the officer and chair of some communes (the demo logins); the other communes'
    steps are taken by two accounts that cannot sign in. ``communes`` limits the new communes loaded (their
    old communes with them; tests), ``scale`` the size of the province.
    """
    started = time.perf_counter()
    if Plan.objects.filter(decision_number=PLAN_DECISION, issuing_body=PLAN_BODY).exists():
        return TodayResult()
    with transaction.atomic():
        loader = _Loader(province_officer, staff or {}, scale, communes, seed, log)
        result = loader.load()
    result.seconds = time.perf_counter() - started
    return result


class _Loader:
    def __init__(self, province_officer, staff, scale, communes, seed, log):
        self.officer = province_officer
        self.scale = scale
        self.seed = seed
        started = time.perf_counter()
        self.log = lambda message: log(f"{message} ({time.perf_counter() - started:.1f} s)")
        self.result = TodayResult()
        self.province = AdministrativeUnit.objects.get(
            level=UnitLevel.PROVINCE, code=PROVINCE_CODE, valid_from=REFORM_DATE
        )
        new = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, parent=self.province).order_by("code")
        if communes:
            new = new.filter(name__in=communes)
        self.new_communes = list(new)
        links = UnitSuccession.objects.filter(successor__in=self.new_communes, predecessor__level=UnitLevel.COMMUNE)
        self.old_communes = list(
            AdministrativeUnit.objects.filter(pk__in=links.values("predecessor"))
            .select_related("parent__parent")
            .order_by("code")
        )
        old_provinces = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, name__in=OLD_PROVINCES)
        officer, chair, district = _staff_accounts([self.province, *old_provinces.filter(valid_to=LAST_LEGACY_DAY)])
        self.default_staff = _Staff(officer, chair, district)
        self.staff = {commune.pk: _Staff(*users) for commune, users in staff.items()}
        # Old Thái Nguyên's resident households are spread over all its communes, loaded or not.
        self.thai_nguyen_communes = AdministrativeUnit.objects.filter(
            level=UnitLevel.COMMUNE, parent__parent__name="Tỉnh Thái Nguyên", parent__parent__valid_to=LAST_LEGACY_DAY
        ).count()
        self.scores: dict[int, float] = {}  # listed household → how poor it is (lower: poorer), drifting yearly
        self.statuses: dict[tuple[int, int], Counter] = {}  # (commune id, year) → statuses approved
        self.residents: dict[tuple[int, int], int] = {}

    def rng(self, *parts) -> random.Random:
        # One generator per purpose and unit: the same seed gives the same figures whatever else is loaded.
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    def staff_of(self, commune: AdministrativeUnit) -> _Staff:
        return self.staff.get(commune.pk, self.default_staff)

    def load(self) -> TodayResult:
        self.villages_create()
        self.year_2024()
        self.carry_over()
        self.year_2025()
        plan = self.plan_create()
        self.year_2026(plan)
        self.result.plan = plan
        return self.result

    # --- 2024 on the old communes ---------------------------------------------------------------------

    def villages_create(self) -> None:
        """A few villages for each old Thái Nguyên commune, which no package lists (domain.md §1)."""
        with_villages = set(
            AdministrativeUnit.objects.filter(level=UnitLevel.VILLAGE, parent__in=self.old_communes).values_list(
                "parent", flat=True
            )
        )
        todo = [c for c in self.old_communes if c.pk not in with_villages]
        # The officer's area is checked once: each village saved renews the cached area (``scope_cache``),
        # and checking it again for each of 700 villages took half a minute.
        for commune in todo:
            check_can_edit_unit(self.officer, commune)
        for commune in todo:
            rng = self.rng("villages", commune.code)
            count = rng.randint(3, 5)
            if commune.is_urban:
                names = [(f"Tổ dân phố {i}", UnitType.TO_DAN_PHO) for i in range(1, count + 1)]
            else:
                names = [(f"Xóm {name}", UnitType.THON) for name in rng.sample(_XOM_NAMES, count)]
            for name, unit_type in names:
                village_create(commune=commune, name=name, unit_type=unit_type)
                self.result.villages += 1
        self.log(f"villages created: {self.result.villages}")

    def year_2024(self) -> None:
        registry = _registry_by_commune(self.old_communes)
        for commune in self.old_communes:
            province = commune.parent.parent.name
            rng = self.rng("2024", commune.code)
            if province == "Tỉnh Bắc Kạn" and registry.get(commune.pk):
                real = len(registry[commune.pk]) * BAC_KAN_GROWTH_SINCE_2016
            else:
                real = (
                    THAI_NGUYEN_HOUSEHOLDS
                    / self.thai_nguyen_communes
                    * rng.uniform(0.6, 1.4)
                    * (1.6 if commune.is_urban else 1)
                )
            residents = max(20, round(real * self.scale))
            self.residents_set(commune, 2024, residents)
            poor_share, near_share = RATES_2024.get(province, RATES_2024["Tỉnh Thái Nguyên"])
            factor = URBAN_FACTOR if commune.is_urban else MOUNTAIN_DISTRICTS.get(commune.parent.name, 1.0)
            poor = round(residents * poor_share * factor * rng.uniform(0.5, 1.6) / 100)
            near = round(residents * near_share * min(factor, 1.5) * rng.uniform(0.6, 1.4) / 100)
            # At least two listed households (an applicant, one leaving): every commune reports its review.
            listed = min(residents, max(2, math.ceil((poor + near) * (1 + LEAVING_SHARE))))
            households = self.listed_households(commune, listed, registry.get(commune.pk, []))
            wanted = _by_rank(households, poor, near, self.scores)
            self.review(commune, 2024, wanted, stage="approved")
        self.log(f"2024: {self.result.reviews[2024]} reviews approved on {len(self.old_communes)} old communes")

    def listed_households(self, commune: AdministrativeUnit, count: int, registered: list[tuple[int, str]]):
        """``count`` listed households of ``commune``: from the registry, poorest in 2019 first, then new ones."""
        rng = self.rng("listed", commune.code)
        rank = {POOR: 0, NEAR_POOR: 1}
        ordered = sorted(registered, key=lambda row: (rank.get(row[1], 2), rng.random()))[:count]
        chosen = [pk for pk, _status in ordered]
        for position, pk in enumerate(chosen):
            self.scores[pk] = position / max(count, 1) + rng.gauss(0, 0.05)
        missing = count - len(chosen)
        if missing > 0:
            created = self.register(commune, missing, start=len(chosen), total=count)
            chosen.extend(created)
        return (
            Household.objects.filter(pk__in=chosen)
            .select_related("village", "commune")
            .prefetch_related("members")
            .order_by("code")
        )

    def register(self, commune: AdministrativeUnit, count: int, *, start: int, total: int) -> list[int]:
        """Register ``count`` households of ``commune`` through the Excel import (households and members)."""
        rng = self.rng("register", commune.code)
        villages = list(commune.children.filter(level=UnitLevel.VILLAGE).order_by("name"))
        mountain = commune.parent.name in MOUNTAIN_DISTRICTS or commune.parent.parent.name == "Tỉnh Bắc Kạn"
        mix = _MINORITY_MIX if mountain and not commune.is_urban else _LOWLAND_MIX
        prefix = "TN" if commune.parent.parent.name == "Tỉnh Thái Nguyên" else "BC"
        households, members = [], []
        codes = []
        for n in range(count):
            code = f"{prefix}{commune.code}-{n + 1:04d}"
            codes.append(code)
            ethnic = rng.choices([e for e, _w in mix], [w for _e, w in mix])[0]
            family = rng.choice(FAMILY_NAMES.get(ethnic, FAMILY_NAMES["Kinh"]))
            female_head = rng.random() < 0.2
            village = villages[n % len(villages)]
            households.append(
                _row(
                    HOUSEHOLD_COLUMNS,
                    code=code,
                    village=village.name,
                    address=f"{village.name}, {commune.name}",
                    head_ethnicity=ethnic,
                )
            )
            born = rng.randint(1958, 1992)
            people = [("head", "female" if female_head else "male", born)]
            if rng.random() < 0.8:
                people.append(("spouse", "male" if female_head else "female", born + rng.randint(-4, 4)))
            for relation, sex, year in people:
                given = rng.choice(FEMALE_GIVEN if sex == "female" else MALE_GIVEN)
                members.append(
                    _row(
                        MEMBER_COLUMNS,
                        household=code,
                        full_name=f"{family} {given}",
                        sex=sex,
                        date_of_birth=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                        relation=relation,
                        ethnicity=ethnic,
                        education="upper_secondary",
                        in_school=False,
                        has_health_insurance=True,
                        employment="self_employed",
                        has_labour_capacity=True,
                    )
                )
        workbook = build_workbook({Sheet.HOUSEHOLDS: households, Sheet.MEMBERS: members, Sheet.REVIEWS: []})
        try:
            import_commit(user=self.staff_of(commune).officer, commune=commune, source=io.BytesIO(workbook))
        except ImportRefused as refused:  # the demo's own rows: a refusal is a bug in this module
            raise RuntimeError(f"{commune.name}: {refused.result.error_dicts()[:3]}") from refused
        self.result.households_registered += count
        ids = dict(Household.objects.filter(code__in=codes).values_list("code", "pk"))
        for position, code in enumerate(codes, start=start):
            self.scores[ids[code]] = position / max(total, 1) + rng.gauss(0, 0.05)
        return list(ids.values())

    def residents_set(self, commune: AdministrativeUnit, year: int, households: int) -> None:
        people = round(households * self.rng("people", commune.code, year).uniform(*PEOPLE_PER_HOUSEHOLD))
        resident_count_set(
            user=self.officer,
            commune=commune,
            year=year,
            households=households,
            people=people,
            source="Dữ liệu mẫu (demo)",
        )
        self.residents[(commune.pk, year)] = households

    # --- the reform -----------------------------------------------------------------------------------

    def carry_over(self) -> None:
        plan = carry_over_plan(user=self.officer, code=PROVINCE_CODE)
        defaults = dict(
            UnitSuccession.objects.filter(is_default=True, predecessor__level=UnitLevel.COMMUNE).values_list(
                "predecessor", "successor"
            )
        )
        successors = {u.pk: u for u in AdministrativeUnit.objects.filter(pk__in=set(defaults.values()))}
        for move in plan.unassigned:
            # A split commune's villages go to the package's default successor: the demo's choice; a province
            # assigns each village to the commune it really went to.
            village_assign(
                user=self.officer, village=move.village, successor=successors[defaults[move.village.parent_id]]
            )
        done = carry_over_commit(user=self.officer, code=PROVINCE_CODE, decision=CARRY_OVER_DECISION)
        self.result.households_moved = done.households_moved
        self.log(f"carry-over: {done.villages_created} villages, {done.households_moved} households moved")

    # --- 2025 and 2026 on the new communes ------------------------------------------------------------

    def listed_on_new(self, commune: AdministrativeUnit):
        # The households listed in 2024 that the carry-over brought to the commune.
        return (
            Household.objects.filter(commune=commune, reviews__round__year=2024, reviews__round__kind=ReviewKind.ANNUAL)
            .distinct()
            .select_related("village", "commune")
            .prefetch_related("members")
            .order_by("code")
        )

    def predecessors(self) -> dict[int, list[tuple[int, int]]]:
        """New commune → [(old commune, number of new communes it went into)]."""
        links = UnitSuccession.objects.filter(
            successor__in=self.new_communes, predecessor__in=self.old_communes
        ).values_list("successor", "predecessor")
        shares = Counter(
            UnitSuccession.objects.filter(
                predecessor__in=self.old_communes, successor__level=UnitLevel.COMMUNE
            ).values_list("predecessor", flat=True)
        )
        found = defaultdict(list)
        for successor, predecessor in links:
            found[successor].append((predecessor, shares[predecessor]))
        return found

    def year_2025(self) -> None:
        predecessors = self.predecessors()
        for commune in self.new_communes:
            rng = self.rng("2025", commune.code)
            residents = sum(self.residents.get((old, 2024), 0) / parts for old, parts in predecessors[commune.pk])
            residents = max(20, round(residents * 1.008))
            self.residents_set(commune, 2025, residents)
            self.residents_set(commune, 2026, round(residents * 1.008))
            households = list(self.listed_on_new(commune))
            before = Counter(self.status_2024(households))
            poor = round(before[POOR] * rng.uniform(0.62, 0.85))
            near = min(len(households) - poor, round(before[NEAR_POOR] * rng.uniform(0.85, 1.0)))
            self.drift(households, rng)
            self.review(commune, 2025, _by_rank(households, poor, near, self.scores), stage="approved")
        self.log(f"2025: {self.result.reviews[2025]} reviews approved on {len(self.new_communes)} new communes")

    def status_2024(self, households) -> list[str]:
        statuses = dict(
            HouseholdReview.objects.filter(
                household__in=households, round__year=2024, round__kind=ReviewKind.ANNUAL
            ).values_list("household", "status")
        )
        found = []
        for household in households:
            status = statuses.get(household.pk, OTHER)
            found.append(status if status in (POOR, NEAR_POOR) else OTHER)
            # Households listed before this demo (Lương Thượng's) are ranked by their approved status.
            self.scores.setdefault(household.pk, {POOR: 0.1, NEAR_POOR: 0.5}.get(status, 0.9))
        return found

    def drift(self, households, rng: random.Random) -> None:
        for household in households:
            self.scores[household.pk] += rng.gauss(0, 0.08)

    def year_2026(self, plan: Plan) -> None:
        targets = {row.unit_id: row for row in plan.target_rows.filter(year=2026)}
        rng = self.rng("2026 stages")
        for commune in self.new_communes:
            stage = "approved"
            draw = rng.random()
            for name, share in STAGES_2026:
                if draw < share:
                    stage = name
                    break
                draw -= share
            if commune.pk in self.staff:
                stage = "submitted"  # the demo commune's chair has a decision to sign today
            households = list(self.listed_on_new(commune))
            target = targets[commune.pk]
            reach = self.rng("reach", commune.code).uniform(0.3, 1.3)
            poor = max(0, target.poor_households - round(target.reduction_households * reach))
            last = self.statuses.get((commune.pk, 2025), Counter())
            near = min(len(households) - poor, round(last[NEAR_POOR] * rng.uniform(0.9, 1.05)))
            self.drift(households, rng)
            self.review(commune, 2026, _by_rank(households, poor, near, self.scores), stage=stage)
        self.log(f"2026: {self.result.reviews[2026]} reviews, in progress on {TODAY:%d/%m/%Y}")

    # --- one commune's round --------------------------------------------------------------------------

    def review(self, commune: AdministrativeUnit, year: int, wanted: list[tuple[Household, str]], *, stage: str):
        """The annual round of ``year`` in ``commune``, its reviews taken through the steps up to ``stage``."""
        if not wanted:
            return
        staff = self.staff_of(commune)
        standard = standard_for_round(year=year, kind=ReviewKind.ANNUAL)
        review_round = ReviewRound.objects.filter(
            commune=commune, year=year, kind=ReviewKind.ANNUAL, standard=standard
        ).first() or round_open(user=staff.officer, commune=commune, year=year, kind=ReviewKind.ANNUAL)
        rules = standard_rules(review_round.standard)
        line_year = rules_year(year=year, kind=ReviewKind.ANNUAL, standard=review_round.standard)
        done = set(HouseholdReview.objects.filter(round=review_round).values_list("household", flat=True))
        rng = self.rng("incomes", commune.code, year)
        reviews = []
        for household, status in wanted:
            if household.pk in done:
                continue
            lines = rules.lines_for(line_year, Area.URBAN if household.village.is_urban else Area.RURAL)
            income, facts = _income_and_facts(rng, status, lines.poor, lines.average or lines.poor * 3 // 2)
            reviews.append(
                review_create(
                    user=staff.officer,
                    review_round=review_round,
                    household=household,
                    income_per_capita=income,
                    facts=facts,
                    causes=_CAUSES[status],
                )
            )
        self.result.reviews[year] += len(reviews)
        steps = self.rng("dates", commune.code, year)
        meeting_day = datetime.date(year, 10, steps.randint(1, 25))
        by_village = defaultdict(list)
        for review in reviews:
            by_village[review.village].append(review)
        for village, in_village in sorted(by_village.items(), key=lambda item: item[0].name):
            present = len(in_village) + steps.randint(15, 40)
            review_meeting_confirm(
                user=staff.officer,
                reviews=in_village,
                village=village,
                held_on=meeting_day,
                attendance=present,
                agreeing=round(present * steps.uniform(0.75, 0.95)),
            )
        if stage == "meeting":
            return
        posted_on = meeting_day + datetime.timedelta(days=steps.randint(3, 10))
        review_post(user=staff.officer, reviews=reviews, posted_on=posted_on)
        if stage == "posted":
            return
        # A week after the posting, and always after the complaint period (3 working days, holidays skipped).
        complaints_until = max(r.complaints_until for r in reviews)
        submitted_on = max(posted_on + datetime.timedelta(days=7), complaints_until + datetime.timedelta(days=1))
        review_submit(user=staff.officer, reviews=reviews, submitted_on=submitted_on)
        last_step = submitted_on
        if consults_district(review_round.starts_on):
            last_step = submitted_on + datetime.timedelta(days=2)
            district = staff.district or self.default_staff.district
            review_district_consult(user=district, reviews=reviews, consulted_on=last_step)
        if stage == "submitted":
            return
        signed_on = min(posted_on + datetime.timedelta(days=steps.randint(10, 30)), TODAY, datetime.date(year, 12, 14))
        signed_on = max(signed_on, last_step)
        review_approve(
            user=staff.chair,
            reviews=reviews,
            decision_number=f"{steps.randint(150, 480)}/QĐ-UBND",
            signed_on=signed_on,
        )
        self.statuses[(commune.pk, year)] = Counter(r.status for r in reviews) + self.statuses.get(
            (commune.pk, year), Counter()
        )

    # --- the 2026-2030 plan ---------------------------------------------------------------------------

    def plan_create(self) -> Plan:
        """A plan in the shape of seed 003 (a provincial Party resolution) for the merged province."""
        plan = plan_create(
            user=self.officer,
            title="Nghị quyết về giảm nghèo đa chiều, bao trùm, bền vững tỉnh Thái Nguyên giai đoạn 2026 - 2030",
            decision_number=PLAN_DECISION,
            decision_date=datetime.date(2026, 3, 20),
            issuing_body=PLAN_BODY,
            signer="",
            unit=self.province,
            period_from=2026,
            period_to=2030,
            year_from=2026,
            year_to=2030,
            baseline_year=2025,
            standard=standard_get("2026-2030"),
            notes=(
                "Dữ liệu mẫu, theo cấu trúc một nghị quyết của tỉnh ủy về giảm nghèo bền vững. Năm gốc: kết quả "
                "rà soát cuối năm 2025 (chuẩn nghèo áp dụng cho năm 2026, Nghị định 07/2021/NĐ-CP)."
            ),
        )
        minority = self.minority_communes()
        rows = {year: [] for year in range(2026, 2031)}
        for commune in self.new_communes:
            households = self.residents[(commune.pk, 2025)]
            poor = self.statuses.get((commune.pk, 2025), Counter())[POOR]
            per_year = D(4) if commune.pk in minority else D(1)
            for year in rows:
                # At least 1 point a year, 4 in ethnic-minority communes; less where the rate is already low.
                planned = math.ceil(households * per_year / 100)
                reduction = planned if poor >= 2 * planned else math.ceil(poor * 0.4)
                rows[year].append(
                    {
                        "unit": commune,
                        "households": households,
                        "poor_households": poor,
                        "reduction_households": reduction,
                    }
                )
                poor -= reduction
                households = round(households * 1.008)
        for year, year_rows in rows.items():
            target_rows_replace(user=self.officer, plan=plan, year=year, rows=year_rows)
        goals = [
            (
                GoalKind.REDUCTION_PP,
                GoalGroup.ALL,
                "Giảm tỷ lệ hộ nghèo đa chiều bình quân mỗi năm từ 1,0% trở lên",
                D(1),
                "%",
                None,
                (),
            ),
            (
                GoalKind.REDUCTION_PP,
                GoalGroup.ETHNIC_MINORITY_COMMUNES,
                "Xã vùng đồng bào dân tộc thiểu số giảm tỷ lệ hộ nghèo từ 4,0%/năm trở lên",
                D(4),
                "%",
                None,
                [c for c in self.new_communes if c.pk in minority],
            ),
            (
                GoalKind.OUTPUT,
                GoalGroup.ALL,
                "Trên 80% số xã, phường có tỷ lệ hộ nghèo dưới 5%",
                D(80),
                "% số xã",
                2030,
                (),
            ),
            (
                GoalKind.END_RATE,
                GoalGroup.ALL,
                "Tỷ lệ hộ nghèo phấn đấu còn dưới 2,5% theo chuẩn nghèo đa chiều giai đoạn 2026 - 2030",
                D("2.5"),
                "%",
                2030,
                (),
            ),
            (
                GoalKind.OUTPUT,
                GoalGroup.ALL,
                "Trên 80% người nghèo trong độ tuổi lao động có nhu cầu học nghề được hỗ trợ đào tạo nghề",
                D(80),
                "%",
                None,
                (),
            ),
        ]
        made = []
        for order, (kind, group, text, target, measure, year, units) in enumerate(goals, start=1):
            made.append(
                goal_create(
                    user=self.officer,
                    plan=plan,
                    units=units,
                    kind=kind,
                    group=group,
                    description=text,
                    # As worded: "dưới 2,5%" below, "Trên 80%" above, "từ 1,0% trở lên" at least.
                    direction=comparison_in(text, target) or Direction.AT_LEAST,
                    target_low=target,
                    unit_of_measure=measure,
                    year=year,
                    order=order,
                )
            )
        below = [
            c
            for c in self.new_communes
            if self.statuses.get((c.pk, 2025), Counter())[POOR] * 100 < 5 * self.residents[(c.pk, 2025)]
        ]
        goal_actual_set(
            user=self.officer,
            goal=made[2],
            actual=(D(100) * len(below) / max(len(self.new_communes), 1)).quantize(D("0.01")),
            note=f"Rà soát cuối năm 2025: {len(below)}/{len(self.new_communes)} xã, phường dưới 5%",
        )
        self.log(f"plan {PLAN_DECISION}: {len(self.new_communes)} communes, {len(minority)} ethnic-minority")
        return plan

    def minority_communes(self) -> set[int]:
        """New xã that took in a Bắc Kạn commune or one of the mountain districts' (the demo's choice)."""
        found = set()
        for successor, predecessor in UnitSuccession.objects.filter(
            successor__in=self.new_communes, predecessor__in=self.old_communes
        ).values_list("successor", "predecessor"):
            old = next(c for c in self.old_communes if c.pk == predecessor)
            new = next(c for c in self.new_communes if c.pk == successor)
            district, province = old.parent.name, old.parent.parent.name
            if not new.is_urban and (province == "Tỉnh Bắc Kạn" or MOUNTAIN_DISTRICTS.get(district, 1) >= 2):
                found.add(successor)
        return found


_XOM_NAMES = [
    "Đồng Tâm",
    "Tân Lập",
    "Hợp Thành",
    "Làng Mới",
    "Na Hoàng",
    "Khuôn Thong",
    "Đồng Vòng",
    "Bãi Chè",
    "Cây Thị",
    "Gốc Gạo",
    "Trung Tâm",
    "Đồng Chằm",
    *VILLAGE_NAMES[:8],
]


def _row(columns, **values) -> list:
    return [values.get(column.key) for column in columns]


def _staff_accounts(provinces: Sequence[AdministrativeUnit]) -> tuple[User, User, User]:
    """The accounts that take the review steps of the communes without a demo login; they cannot sign in."""
    made = []
    for username, role, name in (
        ("demo.canbo.xa", Role.COMMUNE_OFFICER, "Cán bộ các xã (dữ liệu mẫu)"),
        ("demo.chutich.xa", Role.COMMUNE_CHAIR, "Chủ tịch UBND các xã (dữ liệu mẫu)"),
        ("demo.canbo.huyen", Role.DISTRICT_OFFICER, "Cán bộ các huyện đến 30/6/2025 (dữ liệu mẫu)"),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, password=None, role=role, units=provinces, full_name=name)
        made.append(user)
    return made[0], made[1], made[2]


def _registry_by_commune(communes: Sequence[AdministrativeUnit]) -> dict[int, list[tuple[int, str]]]:
    """The registered households of each commune with their latest approved status before 2024."""
    households: dict[int, dict[int, str]] = defaultdict(dict)
    for pk, commune in Household.objects.filter(commune__in=communes).values_list("pk", "commune"):
        households[commune][pk] = ""
    latest = (
        HouseholdReview.objects.filter(household__commune__in=communes, round__year__lt=2024)
        .filter(~Q(status=""))
        .values_list("household", "household__commune", "round__year", "status")
        .order_by("round__year")
    )
    for pk, commune, _year, status in latest:
        households[commune][pk] = status
    return {commune: sorted(rows.items()) for commune, rows in households.items()}


def _by_rank(households, poor: int, near: int, scores: Mapping[int, float]) -> list[tuple[Household, str]]:
    """The poorest ``poor`` households by score are poor, the next ``near`` near-poor, the others not."""
    ranked = sorted(households, key=lambda h: (scores.get(h.pk, 1.0), h.pk))
    poor = min(poor, len(ranked))
    near = min(near, len(ranked) - poor)
    return [(h, POOR if i < poor else NEAR_POOR if i < poor + near else OTHER) for i, h in enumerate(ranked)]


def _income_and_facts(rng: random.Random, wanted: str, line: int, average: int) -> tuple[int, dict]:
    """An income (VND per person a month, in steps of 10,000) and facts that classify as ``wanted``."""
    step = 10_000

    def between(low: float, high: float) -> int:
        return rng.randrange(int(low) // step * step + step, int(high) // step * step + 1, step)

    if wanted == POOR:
        return between(0.45 * line, line), _POOR
    if wanted == NEAR_POOR:
        return between(0.6 * line, line), rng.choice((_GOOD, _SOME))
    if rng.random() < 0.6:  # average living standard, above the line up to 1.5 times it
        return between(line, average), rng.choice((_GOOD, _SOME))
    return between(average, 2.4 * line), _GOOD
