"""The classification rule, pure: every boundary of every period, both areas, both sides of the cut-off.

Boundaries follow the texts: "từ X trở xuống" (X and below) is poor at X and not at X + 1.
- Decision 1143/2000/QĐ-LĐTBXH (2001-2005), Decision 170/2005/QĐ-TTg, art. 1 (2006-2010), Decision
  09/2011/QĐ-TTg, art. 1 (2011-2015): income only.
- Decision 59/2015/QĐ-TTg, art. 2 (2016-2020): poor at or below the poor line, OR up to the minimum living
  standard with at least 3 deprivations.
- Decree 07/2021/NĐ-CP, art. 4 (2021-2025) and Decree 351/2025/NĐ-CP (2026-2030): poor at or below the
  poor line AND with at least 3 deprivations; near-poor with fewer.
"""

import pytest
from django.utils import translation

from standards.classification import (
    Area,
    ClassificationError,
    IncomeLines,
    IndicatorRule,
    Method,
    StandardRules,
    Status,
    classify,
    format_vnd,
)
from tests.standards.legal import PERIODS, rules_for


def _cases(period):
    """(year, area, income, number deprived, expected status) at each boundary of the period's lines."""
    k, d = period.cutoff, len(period.indicators)
    for lines in period.lines:
        for year in sorted({lines.year_from, lines.year_to}):
            for area in Area:
                line = lines.for_area(area)
                poor = line.poor
                if period.method == Method.INCOME_ONLY:
                    yield year, area, 0, 0, Status.POOR
                    yield year, area, poor, 0, Status.POOR
                    if line.near_poor is None:
                        yield year, area, poor + 1, 0, Status.NOT_POOR
                    else:
                        yield year, area, poor + 1, 0, Status.NEAR_POOR
                        yield year, area, line.near_poor, 0, Status.NEAR_POOR
                        yield year, area, line.near_poor + 1, 0, Status.NOT_POOR
                elif period.method == Method.INCOME_OR_DEPRIVATION:
                    minimum, average = line.minimum_living, line.average
                    yield year, area, poor, 0, Status.POOR
                    yield year, area, poor + 1, k, Status.POOR
                    yield year, area, poor + 1, k - 1, Status.NEAR_POOR
                    yield year, area, minimum, k, Status.POOR
                    yield year, area, minimum, k - 1, Status.NEAR_POOR
                    yield year, area, minimum + 1, d, Status.AVERAGE
                    yield year, area, average, d, Status.AVERAGE
                    yield year, area, average + 1, d, Status.NOT_POOR
                else:
                    yield year, area, 0, k, Status.POOR
                    yield year, area, poor, k, Status.POOR
                    yield year, area, poor, k - 1, Status.NEAR_POOR
                    yield year, area, 0, 0, Status.NEAR_POOR
                    yield year, area, poor + 1, d, Status.AVERAGE
                    yield year, area, line.average, d, Status.AVERAGE
                    yield year, area, line.average + 1, d, Status.NOT_POOR


BOUNDARIES = [
    pytest.param(
        period.code,
        year,
        area,
        income,
        deprived,
        status,
        id=f"{period.code}-{year}-{area}-{income}-d{deprived}-{status}-{period.cite}",
    )
    for period in PERIODS.values()
    for year, area, income, deprived, status in _cases(period)
]


@pytest.mark.parametrize(("code", "year", "area", "income", "deprived", "expected"), BOUNDARIES)
def test_every_boundary_of_every_period(code, year, area, income, deprived, expected):
    """Each case cites its text in its id; the lines are those of ``tests/programmes/legal.py``."""
    period = PERIODS[code]
    codes = period.indicators[:deprived]
    result = classify(rules_for(period), year=year, area=area, income=income, deprived=codes)
    assert result.status == expected
    assert result.deprived_count == deprived
    assert result.deprived == codes


def test_the_boundary_cases_cover_every_period_and_both_sides_of_the_cutoff():
    ids = [case.id for case in BOUNDARIES]
    for period in PERIODS.values():
        assert any(period.code in case_id and "-rural-" in case_id for case_id in ids)
        assert any(period.code in case_id and "-urban-" in case_id for case_id in ids)
        if period.cutoff:
            assert any(f"{period.code}-" in i and f"-d{period.cutoff}-poor" in i for i in ids)
            assert any(f"{period.code}-" in i and f"-d{period.cutoff - 1}-near_poor" in i for i in ids)


@pytest.mark.parametrize(
    ("mountain_island", "area", "income", "expected"),
    [
        (True, Area.RURAL, 80_000, Status.POOR),
        (True, Area.RURAL, 80_001, Status.NOT_POOR),
        (False, Area.RURAL, 80_001, Status.POOR),
        (False, Area.RURAL, 100_000, Status.POOR),
        (False, Area.RURAL, 100_001, Status.NOT_POOR),
        # The mountainous and island line is rural only: urban households keep 150.000đ.
        (True, Area.URBAN, 150_000, Status.POOR),
        (True, Area.URBAN, 150_001, Status.NOT_POOR),
    ],
)
def test_2001_2005_has_a_lower_line_for_rural_mountainous_and_island_areas(mountain_island, area, income, expected):
    """Decision 1143/2000/QĐ-LĐTBXH, art. 1: 80.000đ in rural mountainous and island areas."""
    rules = rules_for(PERIODS["2001-2005"])
    result = classify(rules, year=2003, area=area, income=income, mountain_island=mountain_island)
    assert result.status == expected


def test_the_mountainous_line_does_not_apply_where_a_standard_has_none():
    rules = rules_for(PERIODS["2021-2025"])
    result = classify(rules, year=2024, area="rural", income=1_500_000, deprived=["water", "latrine", "telecom"])
    assert result.status == Status.POOR
    assert classify(rules, year=2024, area="rural", income=1_500_000, mountain_island=True).status == Status.NEAR_POOR


def test_2026_is_classified_by_decree_07_and_2027_by_the_new_lines():
    """Decree 351/2025/NĐ-CP keeps Decree 07/2021/NĐ-CP art. 3 (1.500.000đ / 2.000.000đ and its 12 indicators)
    until 31/12/2026; 2027-2030 use 2.200.000đ / 2.800.000đ and the new indicators."""
    decree_07 = rules_for(PERIODS["2021-2025"])
    decree_351 = rules_for(PERIODS["2026-2030"])
    assert classify(decree_07, year=2026, area="rural", income=1_600_000, deprived=["employment"]).status == (
        Status.AVERAGE
    )
    three = ["employment", "waste", "telecom"]
    assert classify(decree_351, year=2027, area="rural", income=1_600_000, deprived=three).status == Status.POOR
    assert classify(decree_351, year=2030, area="urban", income=2_500_000, deprived=three).status == Status.POOR
    with pytest.raises(ClassificationError) as error:
        classify(decree_07, year=2026, area="rural", income=1_000_000, deprived=["waste"])
    assert error.value.field == "deprived"
    with pytest.raises(ClassificationError) as error:
        classify(decree_351, year=2026, area="rural", income=1_000_000)
    assert error.value.field == "year"


def test_the_issue_example():
    """Decree 07/2021/NĐ-CP, art. 4: 1.400.000đ ≤ 1.500.000đ (rural) and 3 deprivations is poor."""
    rules = rules_for(PERIODS["2021-2025"])
    deprived = ["health_insurance", "water", "latrine"]
    result = classify(rules, year=2024, area=Area.RURAL, income=1_400_000, deprived=deprived)
    assert result.status == Status.POOR
    assert result.deprived_count == 3


def test_repeated_codes_count_once_and_come_back_in_the_standards_order():
    rules = rules_for(PERIODS["2021-2025"])
    result = classify(rules, year=2024, area="urban", income=100, deprived=["water", "latrine", "water", "employment"])
    assert result.deprived == ("employment", "water", "latrine")
    assert result.deprived_count == 3
    assert result.status == Status.POOR


@pytest.mark.parametrize("code", list(PERIODS))
@pytest.mark.parametrize("edge", ["before", "after"])
def test_a_year_outside_the_period_is_refused(code, edge):
    period = PERIODS[code]
    year = period.years[0] - 1 if edge == "before" else period.years[1] + 1
    with pytest.raises(ClassificationError) as error:
        classify(rules_for(period), year=year, area="rural", income=0)
    assert error.value.field == "year"
    assert str(year) in error.value.message


@pytest.mark.parametrize("area", ["suburban", "", "Rural", None])
def test_an_unknown_area_is_refused(area):
    with pytest.raises(ClassificationError) as error:
        classify(rules_for(PERIODS["2021-2025"]), year=2024, area=area, income=0)
    assert error.value.field == "area"


@pytest.mark.parametrize("income", [-1, 1.5, 1_000_000.0, "1000000", True, None])
def test_an_income_that_is_not_a_non_negative_whole_number_is_refused(income):
    with pytest.raises(ClassificationError) as error:
        classify(rules_for(PERIODS["2021-2025"]), year=2024, area="rural", income=income)
    assert error.value.field == "income"
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize(
    ("code", "deprived"),
    [
        ("2026-2030", ["information_means"]),  # dropped by Decree 351/2025/NĐ-CP
        ("2021-2025", ["waste"]),  # added only by Decree 351/2025/NĐ-CP
        ("2016-2020", ["employment"]),  # not among the 10 indicators of Decision 59/2015/QĐ-TTg
        ("2011-2015", ["health_insurance"]),  # income-only standards have no indicators
        ("2021-2025", ["water", "no_such_indicator"]),
    ],
)
def test_an_indicator_the_standard_does_not_have_is_refused(code, deprived):
    period = PERIODS[code]
    with pytest.raises(ClassificationError) as error:
        classify(rules_for(period), year=period.years[0], area="rural", income=0, deprived=deprived)
    assert error.value.field == "deprived"
    assert deprived[-1] in error.value.message


# Explanations --------------------------------------------------------------------------------------

NAMED = StandardRules(
    code="2021-2025",
    name="Chuẩn nghèo đa chiều giai đoạn 2021-2025",
    method=Method.INCOME_AND_DEPRIVATION,
    deprivation_cutoff=3,
    year_from=2021,
    year_to=2025,
    lines=(IncomeLines(2021, 2025, 1_500_000, 2_000_000, average_rural=2_250_000, average_urban=3_000_000),),
    indicators=(
        IndicatorRule("health_insurance", "Bảo hiểm y tế", "Health insurance", "health", "Y tế", "Health"),
        IndicatorRule("water", "Nguồn nước sinh hoạt", "Domestic water", "water", "Nước sinh hoạt", "Water"),
        IndicatorRule("latrine", "Nhà tiêu hợp vệ sinh", "Hygienic latrine", "water", "Nước sinh hoạt", "Water"),
    ),
    document="07/2021/NĐ-CP",
)
EXAMPLE = {"year": 2024, "area": "rural", "income": 1_400_000, "deprived": ["health_insurance", "water", "latrine"]}


def test_money_is_written_vietnamese_style_by_default_and_english_style_in_english():
    assert format_vnd(1_500_000) == "1.500.000đ"
    assert format_vnd(0) == "0đ"
    with translation.override("en"):
        assert format_vnd(1_500_000) == "1,500,000 VND"


def test_the_explanation_gives_the_numbers_the_indicators_and_the_legal_basis():
    result = classify(NAMED, **EXAMPLE)
    income, deprivations, conclusion = result.explanation
    assert "1.400.000đ ≤" in income
    assert "1.500.000đ" in income
    assert "2024" in income
    assert "3" in deprivations
    assert "Bảo hiểm y tế, Nguồn nước sinh hoạt, Nhà tiêu hợp vệ sinh" in deprivations
    assert "07/2021/NĐ-CP" in conclusion


def test_the_explanation_in_english():
    with translation.override("en"):
        result = classify(NAMED, **EXAMPLE)
        near_poor = classify(NAMED, **{**EXAMPLE, "deprived": ["water"]})
        average = classify(NAMED, **{**EXAMPLE, "income": 2_250_000})
        above = classify(NAMED, **{**EXAMPLE, "area": "urban", "income": 3_000_001, "deprived": []})
    assert result.explanation == (
        "income 1,400,000 VND ≤ poor line 1,500,000 VND (rural, 2024)",
        "deprived in 3 of 3 indicators, reaching the cut-off of 3: Health insurance, Domestic water, Hygienic latrine",
        "result: poor household (07/2021/NĐ-CP)",
    )
    assert near_poor.explanation[1] == "deprived in 1 of 3 indicators, below the cut-off of 3: Domestic water"
    assert near_poor.explanation[2] == "result: near-poor household (07/2021/NĐ-CP)"
    assert average.explanation == (
        "poor line 1,500,000 VND < income 2,250,000 VND ≤ average living standard line 2,250,000 VND (rural, 2024)",
        "result: household with an average living standard (07/2021/NĐ-CP)",
    )
    assert above.explanation[0] == "income 3,000,001 VND > average living standard line 3,000,000 VND (urban, 2024)"


def test_the_explanation_in_the_language_given_whatever_the_active_one():
    with translation.override("vi"):
        given = classify(NAMED, **EXAMPLE, language="en")
        active = classify(NAMED, **EXAMPLE)
    assert given.explanation[0] == "income 1,400,000 VND ≤ poor line 1,500,000 VND (rural, 2024)"
    assert active.explanation[0] != given.explanation[0]


def test_the_explanation_under_the_2016_2020_or_rule_and_an_income_only_standard():
    with translation.override("en"):
        band = classify(rules_for(PERIODS["2016-2020"]), year=2018, area="urban", income=1_300_000, deprived=[])
        old = classify(rules_for(PERIODS["2011-2015"]), year=2012, area="rural", income=450_000)
    assert band.explanation[0] == (
        "poor line 900,000 VND < income 1,300,000 VND ≤ minimum living standard 1,300,000 VND (urban, 2018)"
    )
    assert band.explanation[1] == "deprived in none of the 10 indicators, below the cut-off of 3"
    assert old.explanation == (
        "poor line 400,000 VND < income 450,000 VND ≤ near-poor line 520,000 VND (rural, 2012)",
        "result: near-poor household (09/2011/QĐ-TTg)",
    )


def test_the_explanation_in_vietnamese():
    """The commune officer's reading (Decree 07/2021/NĐ-CP, art. 4), with the translations of locale/vi."""
    with translation.override("vi"):
        result = classify(NAMED, **EXAMPLE)
        near_poor = classify(NAMED, **{**EXAMPLE, "deprived": []})
    assert result.explanation == (
        "thu nhập 1.400.000đ ≤ chuẩn nghèo 1.500.000đ (nông thôn, năm 2024)",
        "thiếu hụt 3/3 chỉ số, từ 3 chỉ số trở lên: Bảo hiểm y tế, Nguồn nước sinh hoạt, Nhà tiêu hợp vệ sinh",
        "kết luận: hộ nghèo (07/2021/NĐ-CP)",
    )
    assert near_poor.explanation[1:] == (
        "không thiếu hụt chỉ số nào trong 3 chỉ số, dưới 3 chỉ số",
        "kết luận: hộ cận nghèo (07/2021/NĐ-CP)",
    )
