"""What the legal texts say, written out by hand: the expectations the fixture and the rule are tested against.

Each period's lines are VND per person per month. ``cite`` is the ASCII form of the citation used in test
ids; the docstrings of the tests give the full text.
"""

from dataclasses import dataclass

from standards.classification import IncomeLines, IndicatorRule, Method, StandardRules


@dataclass(frozen=True)
class Period:
    code: str
    document: str
    cite: str
    method: Method
    cutoff: int | None
    years: tuple[int, int]
    lines: tuple[IncomeLines, ...]
    indicators: tuple[str, ...] = ()


# The indicator codes of the issue, in the order of the legal texts.
INDICATORS_2016 = (
    "health_access",
    "health_insurance",
    "adult_education",
    "child_schooling",
    "housing_quality",
    "housing_area",
    "water",
    "latrine",
    "telecom",
    "information_means",
)
INDICATORS_2021 = (
    "employment",
    "dependants",
    "nutrition",
    "health_insurance",
    "adult_education",
    "child_schooling",
    "housing_quality",
    "housing_area",
    "water",
    "latrine",
    "telecom",
    "information_means",
)
INDICATORS_2026 = (
    "employment",
    "dependants",
    "nutrition",
    "health_insurance",
    "adult_education",
    "child_schooling",
    "housing_quality",
    "housing_area",
    "water",
    "latrine",
    "waste",
    "telecom",
)

PERIODS = {
    # Decision 1143/2000/QĐ-LĐTBXH, art. 1: rural mountainous and island 80.000đ, rural lowland 100.000đ,
    # urban 150.000đ.
    "2001-2005": Period(
        "2001-2005",
        "1143/2000/QĐ-LĐTBXH",
        "QD1143-2000",
        Method.INCOME_ONLY,
        None,
        (2001, 2005),
        (IncomeLines(2001, 2005, poor_rural=100_000, poor_urban=150_000, poor_rural_mountain=80_000),),
    ),
    # Decision 170/2005/QĐ-TTg, art. 1: rural 200.000đ and below, urban 260.000đ and below. Near-poor up to
    # 130% of the line: domain note (check), data in the fixture.
    "2006-2010": Period(
        "2006-2010",
        "170/2005/QĐ-TTg",
        "QD170-2005-art1",
        Method.INCOME_ONLY,
        None,
        (2006, 2010),
        (IncomeLines(2006, 2010, 200_000, 260_000, near_poor_rural=260_000, near_poor_urban=338_000),),
    ),
    # Decision 09/2011/QĐ-TTg, art. 1: poor rural 400.000đ and below, urban 500.000đ and below; near-poor
    # rural 401.000-520.000đ, urban 501.000-650.000đ.
    "2011-2015": Period(
        "2011-2015",
        "09/2011/QĐ-TTg",
        "QD09-2011-art1",
        Method.INCOME_ONLY,
        None,
        (2011, 2015),
        (IncomeLines(2011, 2015, 400_000, 500_000, near_poor_rural=520_000, near_poor_urban=650_000),),
    ),
    # Decision 59/2015/QĐ-TTg, arts. 1-2: poor line 700.000đ / 900.000đ, minimum living standard
    # 1.000.000đ / 1.300.000đ, average living standard up to 1.500.000đ / 1.950.000đ; cut-off 3 of 10.
    # In force for reviews 2016-2021: Decree 07/2021/NĐ-CP kept it during 2021.
    "2016-2020": Period(
        "2016-2020",
        "59/2015/QĐ-TTg",
        "QD59-2015-art2",
        Method.INCOME_OR_DEPRIVATION,
        3,
        (2016, 2021),
        (
            IncomeLines(
                2016,
                2021,
                700_000,
                900_000,
                minimum_living_rural=1_000_000,
                minimum_living_urban=1_300_000,
                average_rural=1_500_000,
                average_urban=1_950_000,
            ),
        ),
        INDICATORS_2016,
    ),
    # Decree 07/2021/NĐ-CP, arts. 3-4: poor line 1.500.000đ / 2.000.000đ, average living standard up to
    # 2.250.000đ / 3.000.000đ; cut-off 3 of 12. In force for reviews 2022-2026: from 2022 (Decree 07), and
    # through 2026 as Decree 351/2025/NĐ-CP keeps Decree 07's art. 3, lines and 12 indicators, until 31/12/2026.
    "2021-2025": Period(
        "2021-2025",
        "07/2021/NĐ-CP",
        "ND07-2021-art4",
        Method.INCOME_AND_DEPRIVATION,
        3,
        (2022, 2026),
        (IncomeLines(2022, 2026, 1_500_000, 2_000_000, average_rural=2_250_000, average_urban=3_000_000),),
        INDICATORS_2021,
    ),
    # Decree 351/2025/NĐ-CP: in force for reviews 2027-2030 (2026 keeps Decree 07's art. 3, above), at
    # 2.200.000đ / 2.800.000đ. The average-living-standard bounds (1.5 times the line) are a domain-note
    # assumption (check).
    "2026-2030": Period(
        "2026-2030",
        "351/2025/NĐ-CP",
        "ND351-2025",
        Method.INCOME_AND_DEPRIVATION,
        3,
        (2027, 2030),
        (IncomeLines(2027, 2030, 2_200_000, 2_800_000, average_rural=3_300_000, average_urban=4_200_000),),
        INDICATORS_2026,
    ),
}


def rules_for(period: Period) -> StandardRules:
    """Pure rules with the period's lines and indicators (names are the codes; no thresholds needed)."""
    return StandardRules(
        code=period.code,
        name=period.code,
        method=period.method,
        deprivation_cutoff=period.cutoff,
        year_from=period.years[0],
        year_to=period.years[1],
        lines=period.lines,
        indicators=tuple(IndicatorRule(code, code, code, "dimension", "dimension") for code in period.indicators),
        document=period.document,
    )
