"""Demo plans (seed 002: Bắc Kạn 397/QĐ-UBND; seed 000: Bắc Giang 2006-2010), the national programme's
projects, and synthetic households with approved reviews for Bắc Kạn 2016-2019.

The generated counts reproduce seed 002's start-of-2016 table per district exactly, and seed 004's
province rates: poor 26.61% (2016) → 19.57% (2019), near-poor 12.93% → 11.33%; the two poor districts
(Pác Nặm, Ba Bể) reach 27.55% in 2019. (Seed 004 gives them 40.18% in 2016, which seed 002's own rows
contradict — 36.02% — so the 2016 figure follows seed 002.) Every review stores what
``households.review_outcome.review_outcome`` decides from its income and facts under the 2016-2020 standard,
as the review form and the import store it. Generation is seeded, the households written with
``bulk_create`` and the reviews with raw ``INSERT``s, in batches.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from psycopg2.extras import execute_values

from households.models import (
    AdministrativeUnit,
    Ethnicity,
    Household,
    HouseholdReview,
    Member,
    ReviewDecision,
    ReviewKind,
    ReviewRound,
    ReviewState,
    UnitLevel,
    UnitType,
)
from households.provinces import province_of
from households.review_facts import household_facts
from households.review_outcome import Classifications, review_outcome
from households.search_words import search_text
from households.services.statistics import statistics_rebuild
from programmes.models import (
    Direction,
    FundingSource,
    GoalGroup,
    GoalKind,
    Plan,
    PlanTask,
    Programme,
    Project,
    ProjectBudget,
    ProjectOutput,
)
from programmes.progress import comparison_in
from programmes.services import goal_create, plan_create, target_rows_replace, task_create
from standards.classification import Area, StandardRules
from standards.indicators import HouseholdFacts
from standards.selectors import rules_year, standard_get, standard_rules
from standards.services import standard_lock

D = Decimal

# --- seed 002 ----------------------------------------------------------------------------------------

SEED_002_DECISION = "397/QĐ-UBND"
# (unit, households, poor households, rate as printed, planned reduction, reduction % as printed)
SEED_002_TABLE = [
    ("Thành phố Bắc Kạn", 11125, 320, D("2.88"), 30, D("0.27")),
    ("Huyện Na Rì", 9875, 3531, D("35.76"), 332, D("3.36")),
    ("Huyện Bạch Thông", 8410, 2021, D("24.03"), 190, D("2.26")),
    ("Huyện Pác Nặm", 6850, 3070, D("44.82"), 288, D("4.21")),
    ("Huyện Chợ Mới", 10120, 2360, D("23.32"), 222, D("2.19")),
    ("Huyện Ngân Sơn", 7251, 3347, D("46.16"), 240, D("3.31")),
    ("Huyện Chợ Đồn", 12830, 2534, D("19.75"), 238, D("1.86")),
    ("Huyện Ba Bể", 11739, 3626, D("30.89"), 407, D("3.47")),
]
SEED_002_PRINTED_TOTAL = {
    "households": 78200,
    "poor_households": 20809,
    "poor_rate": D("26.61"),
    "reduction_households": 1955,
    "reduction_pp": D("2.50"),
}
SEED_002_GOALS = [
    (GoalKind.REDUCTION_PP, GoalGroup.ALL, "Giảm tỷ lệ hộ nghèo 2-2,5%", D(2), D("2.5"), "%", ()),
    (
        GoalKind.REDUCTION_PP,
        GoalGroup.POOR_DISTRICTS,
        "Huyện nghèo, xã nghèo giảm 3,5-4%",
        D("3.5"),
        D(4),
        "%",
        ("Huyện Pác Nặm", "Huyện Ba Bể"),
    ),
    (GoalKind.OUTPUT, GoalGroup.ALL, "Giải quyết việc làm", D(5000), None, "người", ()),
    (GoalKind.OUTPUT, GoalGroup.ALL, "Tổng số học sinh đào tạo", D(6000), None, "người", ()),
    (GoalKind.OUTPUT, GoalGroup.ALL, "Tỷ lệ hộ được dùng điện", D("96.5"), None, "%", ()),
    (GoalKind.OUTPUT, GoalGroup.ALL, "Tỷ lệ dân số nông thôn được dùng nước hợp vệ sinh", D("96.5"), None, "%", ()),
    (GoalKind.OUTPUT, GoalGroup.ALL, "Số xã phường có trạm truyền thanh cơ sở hoạt động tốt", D(81), None, "xã", ()),
]
_VPDP = "Văn phòng Điều phối xây dựng Nông thôn mới và Giảm nghèo tỉnh"
_MEMBERS = "Các Sở, Ngành thành viên Ban Chỉ đạo, UBND các huyện, thành phố"
# (task, lead agency, partners, approving body, deadline as printed, last day)
SEED_002_TASKS = [
    (
        "Kiện toàn, bổ sung Ban Chỉ đạo thực hiện các Chương trình mục tiêu quốc gia tỉnh Bắc Kạn, giai đoạn "
        "2016 - 2020 (khi có thay đổi về nhân sự)",
        "Sở Kế hoạch và Đầu tư",
        "Các Sở, Ngành liên quan",
        "UBND tỉnh",
        "Năm 2017",
        datetime.date(2017, 12, 31),
    ),
    (
        "Xây dựng Quy chế hoạt động của Ban Chỉ đạo thực hiện các Chương trình mục tiêu quốc gia",
        "Sở Kế hoạch và Đầu tư",
        "Các Sở, Ngành thành viên Ban Chỉ đạo",
        "UBND tỉnh",
        "Quý II năm 2017",
        datetime.date(2017, 6, 30),
    ),
    (
        "Xây dựng nguyên tắc, tiêu chí, định mức phân bổ nguồn vốn ngân sách nhà nước thực hiện Chương trình mục "
        "tiêu quốc gia Giảm nghèo bền vững giai đoạn 2016 - 2020 trên địa bàn tỉnh Bắc Kạn",
        "Sở Kế hoạch và Đầu tư",
        "Sở Tài chính, Sở Nông nghiệp và Phát triển nông thôn, Sở Lao động, Thương binh và Xã hội, Văn phòng Điều "
        "phối xây dựng Nông thôn mới và Giảm nghèo, các Sở, Ngành liên quan, Ủy ban nhân dân các huyện, thành phố",
        "HĐND tỉnh",
        "Quý II năm 2017",
        datetime.date(2017, 6, 30),
    ),
    (
        "Xây dựng Kế hoạch triển khai Thông tư số: 39/2016/TT-BLĐTBXH ngày 25/10/2016 của Bộ Lao động, Thương binh "
        "và Xã hội hướng dẫn quy trình kiểm tra và giám sát, đánh giá thực hiện Chương trình mục tiêu quốc gia giảm "
        "nghèo bền vững giai đoạn 2016 - 2020",
        _VPDP,
        "Các Sở, Ngành liên quan, UBND các huyện, thành phố",
        "UBND tỉnh",
        "Quý II năm 2017",
        datetime.date(2017, 6, 30),
    ),
    (
        "Ban hành văn bản hướng dẫn rà soát hộ nghèo, hộ cận nghèo thường xuyên (phát sinh)",
        _VPDP,
        "UBND các huyện, thành phố",
        "",
        "Quý II năm 2017",
        datetime.date(2017, 6, 30),
    ),
    (
        "Tổng kết dự án thí điểm tuyển chọn tri thức trẻ có trình độ Đại học tăng cường về làm Phó Chủ tịch Ủy ban "
        "nhân dân xã thuộc huyện nghèo Chương trình 30a",
        "Sở Nội vụ",
        "UBND các huyện nghèo theo Chương trình 30a",
        "UBND tỉnh",
        "Tháng 6/2017",
        datetime.date(2017, 6, 30),
    ),
    (
        "Xây dựng báo cáo kết quả triển khai công tác giảm nghèo 06 tháng đầu năm, nhiệm vụ 06 tháng cuối năm",
        _VPDP,
        _MEMBERS,
        "UBND tỉnh",
        "Cuối quý II năm 2017",
        datetime.date(2017, 6, 30),
    ),
    (
        "Tổ chức Hội nghị giao ban 06 tháng về thực hiện công tác giảm nghèo năm 2017",
        _VPDP,
        _MEMBERS,
        "UBND tỉnh",
        "Đầu quý III năm 2017",
        datetime.date(2017, 7, 31),
    ),
    (
        "Xây dựng Kế hoạch rà soát hộ nghèo, hộ cận nghèo năm 2017",
        _VPDP,
        _MEMBERS,
        "UBND tỉnh",
        "Quý III năm 2017",
        datetime.date(2017, 9, 30),
    ),
    (
        "Xây dựng Kế hoạch kiểm tra công tác giảm nghèo tại cơ sở",
        _VPDP,
        _MEMBERS,
        "UBND tỉnh",
        "Quý III năm 2017",
        datetime.date(2017, 9, 30),
    ),
    (
        "Tổ chức Hội nghị tổng kết công tác giảm nghèo năm 2017",
        _VPDP,
        _MEMBERS,
        "UBND tỉnh",
        "Cuối quý IV năm 2017",
        datetime.date(2017, 12, 31),
    ),
]

# --- seed 000 ----------------------------------------------------------------------------------------

SEED_000_GOALS = [
    (GoalKind.END_RATE, GoalGroup.ALL, "Giảm tỷ lệ hộ nghèo xuống còn dưới 15% vào cuối năm 2010", D(15), None, "%"),
    (GoalKind.REDUCTION_PP, GoalGroup.ALL, "Bình quân giảm trên 3%/năm", D(3), None, "%"),
    (GoalKind.REDUCTION_HOUSEHOLDS, GoalGroup.ALL, "Giảm trên 11 nghìn hộ nghèo/năm", D(11000), None, "hộ"),
    (GoalKind.OUTPUT, GoalGroup.ALL, "Đào tạo ngắn hạn cho người nghèo", D(6000), None, "người/năm"),
    (GoalKind.OUTPUT, GoalGroup.ALL, "Đào tạo dài hạn", D(400), None, "người/năm"),
    (GoalKind.OUTPUT, GoalGroup.ALL, "Tạo việc làm cho người nghèo", D(6000), None, "người/năm"),
    (GoalKind.OUTPUT, GoalGroup.ALL, "Xuất khẩu lao động", D(1000), None, "người/năm"),
]

# --- national target programme -----------------------------------------------------------------------

# Decision 90/QĐ-TTg (2022): the projects of the 2021-2025 programme.
PROJECTS_2021_2025 = [
    ("1", "Hỗ trợ đầu tư phát triển hạ tầng kinh tế - xã hội các huyện nghèo, các xã đặc biệt khó khăn", None),
    ("2", "Đa dạng hóa sinh kế, phát triển mô hình giảm nghèo", None),
    ("3", "Hỗ trợ phát triển sản xuất, cải thiện dinh dưỡng", None),
    ("4", "Phát triển giáo dục nghề nghiệp, việc làm bền vững", None),
    ("4.1", "Phát triển giáo dục nghề nghiệp vùng nghèo, vùng khó khăn", "4"),
    ("4.2", "Hỗ trợ người lao động đi làm việc ở nước ngoài theo hợp đồng", "4"),
    ("4.3", "Hỗ trợ việc làm bền vững", "4"),
    ("5", "Hỗ trợ nhà ở cho hộ nghèo, hộ cận nghèo trên địa bàn các huyện nghèo", None),
    ("6", "Truyền thông và giảm nghèo về thông tin", None),
    ("6.1", "Giảm nghèo về thông tin", "6"),
    ("6.2", "Truyền thông về giảm nghèo đa chiều", "6"),
    ("7", "Nâng cao năng lực và giám sát, đánh giá Chương trình", None),
    ("7.1", "Nâng cao năng lực thực hiện Chương trình", "7"),
    ("7.2", "Giám sát, đánh giá", "7"),
]
# Resolution 257/2025/QH15: one programme for new rural areas, poverty reduction and ethnic-minority areas.
PROJECTS_2026_2035 = [
    (
        "1",
        "Xây dựng nông thôn mới, giảm nghèo bền vững và phát triển kinh tế - xã hội vùng đồng bào dân tộc "
        "thiểu số và miền núi (chương trình hợp nhất)",
        None,
    ),
]


# --- the household generator -------------------------------------------------------------------------

YEARS = (2016, 2017, 2018, 2019)
# Seed 004: province totals per year (2017 and 2018 on the straight line between the reported years).
POOR_RATE = {2016: D("26.61"), 2019: D("19.57")}
NEAR_POOR_RATE = {2016: D("12.93"), 2019: D("11.33")}
POOR_DISTRICTS = ("Huyện Pác Nặm", "Huyện Ba Bể")
POOR_DISTRICTS_RATE_2019 = D("27.55")
# How far each district got towards its 2017 target (a demo that has units behind and ahead of target).
REACH_2017 = {
    "Thành phố Bắc Kạn": D("1.10"),
    "Huyện Na Rì": D("0.95"),
    "Huyện Bạch Thông": D("1.05"),
    "Huyện Pác Nặm": D("0.80"),
    "Huyện Chợ Mới": D("1.00"),
    "Huyện Ngân Sơn": D("1.15"),
    "Huyện Chợ Đồn": D("0.85"),
    "Huyện Ba Bể": D("0.90"),
}

FAMILY_NAMES = {
    "Tày": ["Hoàng", "Nông", "Ma", "Hà", "Lương", "Bế", "Lục", "Đàm", "Hứa", "Mông", "Lâm", "Dương"],
    "Nùng": ["Lục", "Lăng", "Hoàng", "Nông", "Vi", "Sầm", "Chu"],
    "Dao": ["Triệu", "Bàn", "Lý", "Đặng", "Phùng"],
    "Mông": ["Giàng", "Lù", "Vàng", "Sùng"],
    "Kinh": ["Nguyễn", "Trần", "Lê", "Phạm", "Đinh", "Vũ", "Đỗ", "Ngô"],
}
ETHNIC_WEIGHTS = [("Tày", 54), ("Nùng", 10), ("Dao", 17), ("Mông", 7), ("Kinh", 12)]
MALE_GIVEN = [
    "Văn Páo",
    "Văn Thắng",
    "Văn Chàn",
    "Văn Khánh",
    "Văn Slử",
    "Văn Đức",
    "Văn Tùng",
    "Văn Hùng",
    "Văn Sơn",
    "Văn Quân",
    "Văn Minh",
    "Văn Nghĩa",
    "Văn Thào",
    "Văn Pụt",
    "Văn Lầu",
    "Đức Thịnh",
    "Văn Cường",
    "Văn Hải",
    "Văn Kiên",
    "Văn Tâm",
]
FEMALE_GIVEN = [
    "Thị Slao",
    "Thị Mẩy",
    "Thị Hương",
    "Thị Lan",
    "Thị Hà",
    "Thị Nhung",
    "Thị Dìn",
    "Thị Hoa",
    "Thị Thu",
    "Thị Mai",
    "Thị Nga",
    "Thị Pha",
    "Thị Chiên",
    "Thị Mây",
    "Thị Xuân",
    "Thị Vân",
    "Thị Liên",
    "Thị Nhàn",
    "Thị Thắm",
    "Thị Hạnh",
]
VILLAGE_NAMES = [
    "Nà Pài",
    "Khuổi Slắng",
    "Nà Cà",
    "Pù Mắt",
    "Khuổi Hát",
    "Nà Làng",
    "Nặm Dất",
    "Cốc Sâu",
    "Bản Đăng",
    "Phiêng Toản",
    "Nà Mòn",
    "Khau Bản",
    "Pác Ngòi",
    "Nà Hán",
    "Bó Lù",
    "Cốc Tộc",
    "Nà Slảo",
    "Khuổi Luông",
    "Lủng Pjầu",
    "Nà Ỏi",
    "Phja Khao",
    "Nà Tùm",
    "Thạch Ngõa",
    "Nà Chang",
]

_GOOD_FACTS = {
    "housing": "permanent",
    "living_area_m2": "48",
    "water_source": "drilled_well",
    "latrine": "pour_flush",
    "telecom": ["phone"],
    "devices": ["tv"],
    "village_loudspeaker": True,
}
# One deprivation (water): near-poor above the poor line (fewer than three).
_SOME_FACTS = {**_GOOD_FACTS, "water_source": "unprotected_spring"}
# Three deprivations (housing, water, latrine): poor up to the minimum living standard (Decision 59/2015).
_POOR_FACTS = {**_GOOD_FACTS, "housing": "simple", "water_source": "unprotected_spring", "latrine": "none"}
FACT_TEMPLATES = (_GOOD_FACTS, _SOME_FACTS, _POOR_FACTS)


def largest_remainder(total: int, weights: Sequence[float | Decimal], caps: Sequence[int] | None = None) -> list[int]:
    """Split ``total`` in proportion to ``weights`` into whole numbers that add up to it exactly."""
    weights = [Decimal(w) for w in weights]
    whole = sum(weights)
    shares = [Decimal(total) * w / whole for w in weights]
    parts = [int(s) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    if caps is not None:
        # Move anything above a cap to the rows with room, largest room first.
        excess = sum(max(p - c, 0) for p, c in zip(parts, caps, strict=True))
        parts = [min(p, c) for p, c in zip(parts, caps, strict=True)]
        for i in sorted(range(len(parts)), key=lambda i: -(caps[i] - parts[i])):
            move = min(excess, caps[i] - parts[i])
            parts[i] += move
            excess -= move
        if excess:
            raise ValueError("The caps leave no room for the total.")
    return parts


@dataclass
class DistrictPlan:
    unit: AdministrativeUnit
    households: int
    poor: dict[int, int]
    near_poor: dict[int, int]


def district_trajectories(households: dict[str, int], poor_2016: dict[str, int]) -> dict[str, tuple[dict, dict]]:
    """Poor and near-poor households per district and year, adding up to the province figures of seed 004."""
    names = list(households)
    total = sum(households.values())
    province_poor = {y: _count(POOR_RATE, y, total) for y in YEARS}
    province_near = {y: _count(NEAR_POOR_RATE, y, total) for y in YEARS}
    poor = {y: {} for y in YEARS}
    poor[2016] = dict(poor_2016)
    target = {row[0]: row[4] for row in SEED_002_TABLE}
    reduction = largest_remainder(province_poor[2016] - province_poor[2017], [target[n] * REACH_2017[n] for n in names])
    poor[2017] = {n: poor_2016[n] - r for n, r in zip(names, reduction, strict=True)}
    poor_district_households = sum(households[n] for n in POOR_DISTRICTS)
    poor_in_poor_districts = int(
        (POOR_DISTRICTS_RATE_2019 * poor_district_households / 100).quantize(D(1), rounding="ROUND_HALF_UP")
    )
    others = [n for n in names if n not in POOR_DISTRICTS]
    split_poor = largest_remainder(poor_in_poor_districts, [poor[2017][n] for n in POOR_DISTRICTS])
    split_other = largest_remainder(province_poor[2019] - poor_in_poor_districts, [poor[2017][n] for n in others])
    poor[2019] = dict(zip(POOR_DISTRICTS, split_poor, strict=True)) | dict(zip(others, split_other, strict=True))
    middle = largest_remainder(province_poor[2018], [poor[2017][n] + poor[2019][n] for n in names])
    poor[2018] = dict(zip(names, middle, strict=True))
    near = {}
    for y in YEARS:
        # Near-poor households are spread like households, with room left by the poor.
        parts = largest_remainder(
            province_near[y], [households[n] for n in names], caps=[households[n] - poor[y][n] for n in names]
        )
        near[y] = dict(zip(names, parts, strict=True))
    return {n: ({y: poor[y][n] for y in YEARS}, {y: near[y][n] for y in YEARS}) for n in names}


def _count(rates: dict[int, Decimal], year: int, total: int) -> int:
    """The province count of a year: the reported rate, or the straight line between the reported years."""
    first, last = min(rates), max(rates)
    value = rates[first] + (rates[last] - rates[first]) * (year - first) / (last - first)
    return int((value * total / 100).quantize(D(1), rounding="ROUND_HALF_UP"))


@dataclass(frozen=True)
class GeneratorResult:
    households: int
    reviews: int
    seconds: float


def households_generate(
    *,
    signer,
    scale: float = 1.0,
    districts: Sequence[str] | None = None,
    seed: int = 397,
    batch_size: int = 5000,
    log: Callable[[str], None] = lambda _message: None,
) -> GeneratorResult:
    """Generate Bắc Kạn's households and their approved annual reviews 2016-2019 (seed 002 / seed 004).

    ``scale`` shrinks every count (1.0: seed 002's 78,200 households); ``districts`` limits it to some
    districts (their counts stay exactly those of seed 002). Returns early if the demo households exist.
    """
    started = timezone.now()
    if Household.objects.filter(code__startswith="BK").exists():
        return GeneratorResult(0, 0, 0.0)
    province = AdministrativeUnit.objects.get(level=UnitLevel.PROVINCE, name="Tỉnh Bắc Kạn", valid_to__isnull=False)
    units = {u.name: u for u in province.children.filter(level=UnitLevel.DISTRICT)}
    households = {row[0]: _scaled(row[1], scale) for row in SEED_002_TABLE}
    poor_2016 = {row[0]: _scaled(row[2], scale) for row in SEED_002_TABLE}
    trajectories = district_trajectories(households, poor_2016)
    chosen = list(districts) if districts else list(households)

    standard = standard_get("2016-2020")
    rules = standard_rules(standard)
    ethnicities = {e.name: e for e in Ethnicity.objects.filter(name__in=list(FAMILY_NAMES))}
    # The JSON of the causes, prepared once for the database.
    prepared = {
        "causes": {True: _prepared("causes", ["no_capital", "no_skills"]), False: _prepared("causes", [])},
    }

    def line_year(year: int) -> int:
        # The annual round of ``year`` gives the next year's list, under that year's line.
        return rules_year(year=year, kind=ReviewKind.ANNUAL, standard=standard)

    outcomes = _Outcomes(rules=rules, income_year=line_year)
    total_households = total_reviews = 0
    with transaction.atomic():
        standard_lock(standard=standard)
        for name in chosen:
            district = units[name]
            poor, near = trajectories[name]
            made = _generate_district(
                seed=seed,
                district=district,
                households=households[name],
                poor=poor,
                near=near,
                standard=standard,
                signer=signer,
                ethnicities=ethnicities,
                lines=lambda year, urban: rules.lines_for(line_year(year), Area.URBAN if urban else Area.RURAL),
                outcomes=outcomes,
                prepared=prepared,
                batch_size=batch_size,
            )
            total_households += made[0]
            total_reviews += made[1]
            log(f"{name}: {made[0]} households, {made[1]} reviews")
        # The reviews were written without the approval services, which keep the statistics tables up to
        # date: rebuild them from every approved review.
        statistics_rebuild()
        log("statistics rebuilt")
    # Fresh statistics for the query planner: without them the first progress page scans for seconds.
    with connection.cursor() as cursor:
        for model in (Household, Member, HouseholdReview, ReviewRound):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    seconds = (timezone.now() - started).total_seconds()
    return GeneratorResult(total_households, total_reviews, seconds)


def _scaled(value: int, scale: float) -> int:
    return value if scale == 1.0 else max(1, round(value * scale))


def _villages_for(rng: random.Random, commune: AdministrativeUnit) -> list[AdministrativeUnit]:
    existing = list(AdministrativeUnit.objects.filter(parent=commune, level=UnitLevel.VILLAGE).order_by("pk"))
    if existing:
        return existing
    count = rng.randint(3, 6)
    if commune.is_urban:
        names = [(f"Tổ dân phố {i}", UnitType.TO_DAN_PHO) for i in range(1, count + 1)]
    else:
        names = [
            (f"{'Bản' if rng.random() < 0.35 else 'Thôn'} {n}", UnitType.BAN) for n in rng.sample(VILLAGE_NAMES, count)
        ]
        names = [(n, UnitType.BAN if n.startswith("Bản") else UnitType.THON) for n, _t in names]
    return AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(
            name=n,
            short_name=n,
            level=UnitLevel.VILLAGE,
            unit_type=t,
            parent=commune,
            valid_from=commune.valid_from,
            valid_to=commune.valid_to,
            is_urban=commune.is_urban,
        )
        for n, t in names
    )


def _generate_district(
    *,
    seed,
    district,
    households,
    poor,
    near,
    standard,
    signer,
    ethnicities,
    lines,
    outcomes,
    prepared,
    batch_size,
) -> tuple[int, int]:
    # One generator per district and per commune: the same seed gives the same rows whatever else exists.
    rng = random.Random(f"{seed}:{district.code}")
    communes = list(district.children.filter(level=UnitLevel.COMMUNE).order_by("code"))
    sizes = largest_remainder(households, [rng.uniform(0.6, 1.4) for _ in communes])
    propensity = [rng.uniform(0.4, 1.6) if not c.is_urban else rng.uniform(0.1, 0.5) for c in communes]
    caps = sizes
    poor_by_commune = {
        y: largest_remainder(poor[y], [s * p for s, p in zip(sizes, propensity, strict=True)], caps) for y in YEARS
    }
    near_by_commune = {
        y: largest_remainder(near[y], sizes, caps=[s - p for s, p in zip(sizes, poor_by_commune[y], strict=True)])
        for y in YEARS
    }
    made_households = made_reviews = 0
    ethnic_names = [n for n, _w in ETHNIC_WEIGHTS]
    ethnic_weights = [w for _n, w in ETHNIC_WEIGHTS]
    for index, commune in enumerate(communes):
        size = sizes[index]
        if not size:
            continue
        villages = _villages_for(random.Random(f"{seed}:villages:{commune.code}"), commune)
        province = province_of(commune.pk)  # the sharding key of the commune's households, members and reviews
        rng = random.Random(f"{seed}:{commune.code}")
        new_households, members, scores = [], [], []
        for n in range(size):
            ethnic = "Kinh" if commune.is_urban and rng.random() < 0.6 else rng.choices(ethnic_names, ethnic_weights)[0]
            family = rng.choice(FAMILY_NAMES[ethnic])
            female = rng.random() < 0.22
            head = f"{family} {rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)}"
            village = villages[n % len(villages)]
            household = Household(
                code=f"BK{commune.code}-{n + 1:05d}",
                commune=commune,
                province_id=province,
                village=village,
                head_name=head,
                address=f"{village.name}, {commune.name}",
                head_ethnicity=ethnicities.get(ethnic),
                is_ethnic_minority=ethnic != "Kinh",
                is_female_headed=female,
            )
            new_households.append(household)
            born = rng.randint(1945, 1995)
            members.append((household, head, "female" if female else "male", born, ethnic, "head"))
            if rng.random() < 0.7:
                spouse_family = rng.choice(FAMILY_NAMES[ethnic])
                spouse = f"{spouse_family} {rng.choice(MALE_GIVEN if female else FEMALE_GIVEN)}"
                members.append(
                    (household, spouse, "male" if female else "female", born + rng.randint(-4, 4), ethnic, "spouse")
                )
            scores.append(rng.random())
        names = defaultdict(list)  # by id(): a household without a primary key cannot be hashed
        for household, name, *_rest in members:
            names[id(household)].append((name, ""))
        for household in new_households:
            household.search_text = search_text(household.code, household.head_name, names[id(household)])
        Household.objects.bulk_create(new_households, batch_size=batch_size)
        created_members = Member.objects.bulk_create(
            [
                Member(
                    household=h,
                    province_id=province,
                    full_name=name,
                    sex=sex,
                    date_of_birth=datetime.date(born, rng.randint(1, 12), rng.randint(1, 28)),
                    relation=relation,
                    ethnicity=ethnicities.get(ethnic),
                    education="lower_secondary",
                    in_school=False,
                    has_health_insurance=True,
                    employment="self_employed",
                )
                for h, name, sex, born, ethnic, relation in members
            ],
            batch_size=batch_size,
        )
        # The facts a review keeps, as ``review_create`` stores them: the template's household facts and
        # the members' facts from the registry (the statistics count people from them).
        facts_for = _ReviewFacts(created_members)
        # Each household's approved (round year, standard code, status) triples, as the services read them.
        histories: list[list[tuple[int, str, str]]] = [[] for _ in range(size)]
        reviews = _ReviewRows()
        now = timezone.now()
        for year in YEARS:
            review_round = ReviewRound.objects.create(
                commune=commune,
                year=year,
                kind=ReviewKind.ANNUAL,
                standard=standard,
                starts_on=ReviewRound.annual_period(year)[0],
                ends_on=ReviewRound.annual_period(year)[1],
                created_by=signer,
            )
            decision = ReviewDecision.objects.create(
                round=review_round,
                number=f"{100 + year - 2000 + index}/QĐ-UBND",
                signed_on=datetime.date(year, 12, 10),
                signer=signer,
            )
            # Each year households drift a little: the poorest by this year's score are poor, the next near-poor.
            scores = [min(max(s + rng.gauss(0, 0.04), 0.0), 1.0) for s in scores]
            ranked = sorted(range(size), key=lambda i: scores[i])
            n_poor, n_near = poor_by_commune[year][index], near_by_commune[year][index]
            wanted = {}
            for position, i in enumerate(ranked):
                wanted[i] = "poor" if position < n_poor else "near_poor" if position < n_poor + n_near else "other"
            approved_at = timezone.make_aware(datetime.datetime(year, 12, 10, 9, 0))
            base = reviews.base(
                round_id=review_round.pk,
                commune_id=commune.pk,
                province_id=province,
                is_urban=commune.is_urban,
                is_mountain_island=commune.is_mountain_island,
                state=ReviewState.APPROVED.value,
                posted_on=datetime.date(year, 11, 1),
                complaints_until=datetime.date(year, 11, 4),
                submitted_at=approved_at - datetime.timedelta(days=20),
                decision_id=decision.pk,
                approved_at=approved_at,
                created_at=now,
                updated_at=now,
                created_by_id=signer.pk,
            )
            for i, household in enumerate(new_households):
                income, template = _income_for(rng, wanted[i], lines(year, commune.is_urban))
                outcome = outcomes.columns(review_round, facts_for, household.pk, template, income, histories[i])
                if outcome["status"] not in _WANTED[wanted[i]]:
                    raise AssertionError(f"{income} with template {template} is {outcome['status']}, not {wanted[i]}")
                reviews.add(
                    base,
                    **outcome,
                    household_id=household.pk,
                    village_id=household.village_id,
                    income_per_capita=income,
                    facts=facts_for.prepared(household.pk, template),
                    causes=prepared["causes"][outcome["status"] == "poor"],
                )
                histories[i].append((year, standard.code, outcome["status"]))
            if len(reviews) >= batch_size:
                made_reviews += reviews.flush()
        made_reviews += reviews.flush()
        made_households += size
    return made_households, made_reviews


class _Outcomes:
    """What each generated review stores, decided by ``households.review_outcome.review_outcome`` as the review
    form and the import decide it, the columns prepared for the database.

    The generated members are adults with health insurance and schooling, so only the template's household
    facts deprive: the reviews of a round year with the same area, template, income and past have the same
    outcome, decided once, from the first of them (each review keeps its own facts)."""

    def __init__(self, *, rules: StandardRules, income_year: Callable[[int], int]):
        self.rules = rules
        self.income_year = income_year
        self.language = get_language()  # read once: every explanation is written in it
        self.classifications: Classifications = {}
        self.found: dict[tuple[Any, ...], dict[str, Any]] = {}
        # The JSON of the deprivations and explanations, which households of different pasts share.
        self.lists: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[Any, Any]] = {}

    def columns(
        self,
        review_round: ReviewRound,
        facts_for: _ReviewFacts,
        household_id: int,
        template: int,
        income: int,
        history: list[tuple[int, str, str]],
    ) -> dict[str, Any]:
        """The review's outcome columns; ``history`` is the household's approved (round year, standard code,
        status) triples, as the services read them."""
        commune = review_round.commune
        key = (review_round.year, commune.is_urban, commune.is_mountain_island, template, income, tuple(history))
        found = self.found.get(key)
        if found is None:
            outcome = review_outcome(
                rules=self.rules,
                year=review_round.year,
                income_year=self.income_year(review_round.year),
                is_urban=commune.is_urban,
                income=income,
                facts=facts_for.facts(household_id, template),
                on=review_round.ages_on,
                mountain_island=commune.is_mountain_island,
                history=history,
                language=self.language,
                classifications=self.classifications,
            )
            lists = (outcome.deprived, outcome.explanation)
            if lists not in self.lists:
                self.lists[lists] = (_prepared("deprived", list(lists[0])), _prepared("explanation", list(lists[1])))
            deprived, explanation = self.lists[lists]
            found = self.found[key] = {
                "status": outcome.status.value,
                "deprived": deprived,
                "deprived_count": outcome.deprived_count,
                "explanation": explanation,
                "previous_status": outcome.previous_status,
                "transition": outcome.transition.value,
            }
        return found


class _ReviewFacts:
    """The facts a review is decided from and keeps, as ``review_create`` takes them: the template's household
    facts with the members' facts from the registry (the statistics count people from them)."""

    def __init__(self, members: list[Member]):
        self.members: dict[int, list[Member]] = {}
        for member in members:
            self.members.setdefault(member.household_id, []).append(member)
        self.cache: dict[tuple[int, int], Any] = {}

    def facts(self, household_id: int, template: int) -> HouseholdFacts:
        return household_facts(FACT_TEMPLATES[template], self.members[household_id])

    def prepared(self, household_id: int, template: int) -> Any:
        """The facts' JSON prepared for the database, once per household and template."""
        key = (household_id, template)
        if key not in self.cache:
            self.cache[key] = _prepared("facts", self.facts(household_id, template).to_json())
        return self.cache[key]


# The statuses a review drawn as poor, near-poor or other may have (``_income_for``).
_WANTED = {"poor": {"poor"}, "near_poor": {"near_poor"}, "other": {"average", "not_poor"}}


def _prepared(field: str, value):
    return HouseholdReview._meta.get_field(field).get_db_prep_save(value, connection)


class _ReviewRows:
    """Approved reviews written with ``executemany`` in batches, their values already in database form.

    Through ``bulk_create`` the per-field preparation of 312,800 reviews took most of the generation time;
    here the JSON of each household's facts and of the outcomes (``_Outcomes``) is prepared once and reused.
    """

    def __init__(self):
        self.fields = [f for f in HouseholdReview._meta.concrete_fields if not f.primary_key]
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {qn(HouseholdReview._meta.db_table)} ({columns}) VALUES ({marks})"
        # PostgreSQL: many rows per statement (executemany would send one statement per row).
        self.values_sql = f"INSERT INTO {qn(HouseholdReview._meta.db_table)} ({columns}) VALUES %s"
        self.rows: list[tuple] = []

    def base(self, **values) -> dict:
        """The values shared by a round's reviews (and the model's defaults), prepared for the database."""
        row = {f.attname: f.get_default() for f in self.fields}
        row.update(values)
        return {name: _prepared_attname(name, value) for name, value in row.items()}

    def add(self, base: dict, **values) -> None:
        row = {**base, **values}
        self.rows.append(tuple(row[f.attname] for f in self.fields))

    def __len__(self) -> int:
        return len(self.rows)

    def flush(self) -> int:
        count = len(self.rows)
        if count:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    execute_values(cursor.cursor, self.values_sql, self.rows, page_size=1000)
                else:
                    cursor.executemany(self.sql, self.rows)
        self.rows = []
        return count


def _prepared_attname(attname: str, value):
    field = next(f for f in HouseholdReview._meta.concrete_fields if f.attname == attname)
    return field.get_db_prep_save(value, connection)


def _income_for(rng: random.Random, wanted: str, lines) -> tuple[int, int]:
    """An income (VND, in steps of 10,000) and a facts template that classify as ``wanted`` under 2016-2020."""
    step = 10_000
    if wanted == "poor":
        if rng.random() < 0.7:
            return rng.randrange(300_000, lines.poor + 1, step), rng.choice((0, 1, 2))
        # Above the poor line, poor by three deprivations (Decision 59/2015/QĐ-TTg, art. 2).
        return rng.randrange(lines.poor + step, lines.minimum_living + 1, step), 2
    if wanted == "near_poor":
        return rng.randrange(lines.poor + step, lines.minimum_living + 1, step), rng.choice((0, 1))
    return rng.randrange(lines.minimum_living + step, 3 * lines.poor + 1, step), rng.choice((0, 0, 1))


# --- plans -------------------------------------------------------------------------------------------


def plans_load() -> list[Plan]:
    """Seed 002's plan (goals, target table as printed, tasks) and seed 000's goals; idempotent."""
    made = []
    backan = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, name="Tỉnh Bắc Kạn").order_by("pk").first()
    if backan is not None and not Plan.objects.filter(decision_number=SEED_002_DECISION).exists():
        made.append(_seed_002_plan(backan))
    bacgiang = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, name="Tỉnh Bắc Giang").order_by("pk").first()
    if bacgiang is not None and not Plan.objects.filter(decision_number="52-NQ/TU").exists():
        made.append(_seed_000_plan(bacgiang))
    if backan is not None and not Project.objects.filter(unit=backan).exists():
        projects_load(unit=backan)
    return made


def _seed_wording(text: str, target: Decimal) -> Direction:
    """A seed goal's comparison as its text words it ("dưới 15%" → below; "trên 3%/năm" → above).

    A seed goal without such a word ("Giảm tỷ lệ hộ nghèo 2-2,5%", "Giải quyết việc làm") sets a figure to
    reach: at least.
    """
    stated = comparison_in(text, target)
    return Direction(stated) if stated is not None else Direction.AT_LEAST


def _seed_002_plan(province: AdministrativeUnit) -> Plan:
    plan = plan_create(
        user=None,
        title=(
            "Kế hoạch thực hiện Chương trình mục tiêu quốc gia Giảm nghèo bền vững trên địa bàn tỉnh Bắc Kạn năm 2017"
        ),
        decision_number=SEED_002_DECISION,
        decision_date=datetime.date(2017, 4, 4),
        issuing_body="Ủy ban nhân dân tỉnh Bắc Kạn",
        signer="Phạm Duy Hưng",
        unit=province,
        period_from=2016,
        period_to=2020,
        year_from=2017,
        year_to=2017,
        baseline_year=2016,
        standard=standard_get("2016-2020"),
        notes="Biểu mục tiêu in kèm: số hộ nghèo đầu năm 2016; tổng giảm in 1.955 hộ, cộng các dòng là 1.947 hộ.",
    )
    districts = {u.name: u for u in province.children.filter(level=UnitLevel.DISTRICT)}
    rows = [
        {
            "unit": districts[name],
            "households": households,
            "poor_households": poor_count,
            "poor_rate_printed": printed_rate,
            "reduction_households": reduction,
            "reduction_pp_printed": reduction_pp,
        }
        for name, households, poor_count, printed_rate, reduction, reduction_pp in SEED_002_TABLE
    ]
    target_rows_replace(user=None, plan=plan, year=2017, rows=rows, printed_total=SEED_002_PRINTED_TOTAL)
    for order, (kind, group, text, low, high, measure, unit_names) in enumerate(SEED_002_GOALS, start=1):
        goal_create(
            user=None,
            plan=plan,
            units=[districts[n] for n in unit_names],
            kind=kind,
            group=group,
            description=text,
            direction=_seed_wording(text, low),
            target_low=low,
            target_high=high,
            unit_of_measure=measure,
            year=2017,
            order=order,
        )
    for order, (title, lead, partners, approving, deadline_text, deadline) in enumerate(SEED_002_TASKS, start=1):
        task_create(
            user=None,
            plan=plan,
            order=order,
            title=title,
            lead_agency=lead,
            partner_agencies=partners,
            approving_body=approving,
            deadline_text=deadline_text,
            deadline=deadline,
        )
    return plan


def _seed_000_plan(province: AdministrativeUnit) -> Plan:
    plan = plan_create(
        user=None,
        title="Chương trình giảm nghèo tỉnh Bắc Giang giai đoạn 2006-2010",
        decision_number="52-NQ/TU",
        decision_date=datetime.date(2006, 5, 10),
        issuing_body="Tỉnh ủy Bắc Giang",
        signer="",
        unit=province,
        period_from=2006,
        period_to=2010,
        year_from=2006,
        year_to=2010,
        baseline_year=2005,
        standard=standard_get("2006-2010"),
        notes="Năm 2005: 111.300 hộ nghèo, 30,67% (chuẩn 2006-2010).",
    )
    for order, (kind, group, text, low, high, measure) in enumerate(SEED_000_GOALS, start=1):
        goal_create(
            user=None,
            plan=plan,
            kind=kind,
            group=group,
            description=text,
            direction=_seed_wording(text, low),
            target_low=low,
            target_high=high,
            unit_of_measure=measure,
            year=2010 if kind == GoalKind.END_RATE else None,
            order=order,
        )
    return plan


@transaction.atomic
def projects_load(*, unit: AdministrativeUnit) -> list[Project]:
    """The projects of both programmes for a province, with demo budgets and outputs for 2022-2024."""
    made: dict[str, Project] = {}
    for code, name, parent in PROJECTS_2021_2025:
        made[code] = Project.objects.create(
            programme=Programme.NTP_2021_2025, code=code, name=name, parent=made.get(parent or ""), unit=unit
        )
    for code, name, _parent in PROJECTS_2026_2035:
        Project.objects.create(programme=Programme.NTP_2026_2035, code=code, name=name, unit=unit)
    rng = random.Random(90)
    budgets = []
    for project in made.values():
        if project.parent_id is None and project.subprojects.exists():
            continue
        for year in (2022, 2023, 2024):
            for source in FundingSource.values:
                allocated = D(rng.randrange(500, 20000)) if source != FundingSource.PEOPLE else D(rng.randrange(0, 800))
                share = D(rng.randrange(55, 100)) / 100
                budgets.append(
                    ProjectBudget(
                        project=project,
                        year=year,
                        source=source,
                        allocated=allocated,
                        disbursed=(allocated * share).quantize(D("0.01")),
                    )
                )
    ProjectBudget.objects.bulk_create(budgets)
    ProjectOutput.objects.bulk_create(
        [
            ProjectOutput(
                project=made["5"],
                name="Nhà ở được hỗ trợ xây mới",
                unit_of_measure="căn",
                year=2023,
                target=D(850),
                actual=D(812),
            ),
            ProjectOutput(
                project=made["4.1"],
                name="Người được đào tạo nghề",
                unit_of_measure="người",
                year=2023,
                target=D(3000),
                actual=D(3140),
            ),
            ProjectOutput(
                project=made["4.2"],
                name="Người lao động đi làm việc ở nước ngoài",
                unit_of_measure="người",
                year=2023,
                target=D(150),
                actual=D(97),
            ),
        ]
    )
    return list(made.values())


def plan_tasks(plan: Plan):
    return PlanTask.objects.filter(plan=plan)
