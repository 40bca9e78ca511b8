"""The indicators that read ages and unrecorded facts: working age by sex (employment, dependants), the adult
education bands of the appendix, and "not recorded" never counted as deprived. Pure, no database."""

import json
from datetime import date
from pathlib import Path

import pytest

from standards.classification import IncomeLines, IndicatorRule, Method, StandardRules
from standards.indicators import HouseholdFacts, MemberFacts, MissingFact, MissingFactsError, decide_indicators

ON = date(2024, 9, 1)  # the reference date of the 2024 annual review
STATUSES = ["unemployed", "employee_without_contract"]
EMPLOYMENT = {"working_age": True, "deprived_statuses": STATUSES}
DEPENDANTS = {
    "child_age_below": 16,
    "elderly_past_working_age": True,
    "elderly_requires_allowance": False,
    "disabled_levels": ["severe", "especially_severe"],
    "disabled_requires_allowance": False,
    "share_above": 0.5,
}
ACCEPTED_16 = ["lower_secondary", "upper_secondary", "vocational", "higher", "employer_training"]
ACCEPTED_18 = ["upper_secondary", "vocational", "higher", "employer_training"]
ADULT_EDUCATION = {
    "groups": [
        {"age_from": 16, "age_below": 18, "accepted": ACCEPTED_16},
        {"age_from": 18, "age_to": 30, "accepted": ACCEPTED_18},
    ]
}


def rules_with(code: str, thresholds: dict) -> StandardRules:
    return StandardRules(
        code="test",
        name="test",
        method=Method.INCOME_AND_DEPRIVATION,
        deprivation_cutoff=3,
        year_from=2021,
        year_to=2026,
        lines=(IncomeLines(2021, 2026, 1_500_000, 2_000_000),),
        indicators=(IndicatorRule(code, code, code, "d", "d", thresholds=thresholds),),
    )


def decide(code: str, thresholds: dict, members, on: date = ON):
    facts = HouseholdFacts(members=tuple(members))
    return decide_indicators(rules_with(code, thresholds), facts, on=on)[code]


def worker(**facts) -> MemberFacts:
    values = {"birth_date": date(1985, 3, 1), "sex": "male", "employment": "employee_with_contract", **facts}
    return MemberFacts(**values)


# Employment --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "deprived"),
    [("female", False), ("male", True)],
)
def test_employment_working_age_differs_by_sex(sex, deprived):
    """Decree 07/2021/NĐ-CP (employment) with Labour Code 2019, art. 169, and Decree 135/2020/NĐ-CP: on
    1 September 2024 a woman born in May 1967 is past her retirement age (56, reached in May 2023), a man born
    that day is of working age; unemployed, only he makes the household deprived."""
    member = MemberFacts(birth_date=date(1967, 5, 10), sex=sex, employment="unemployed")
    assert decide("employment", EMPLOYMENT, [worker(), member]).deprived is deprived


def test_employment_counts_a_man_of_61_in_2024_when_his_age_is_not_reached():
    """Labour Code 2019, art. 169: 61 in 2024; a man born in December 1963 reaches it in December 2024 and is
    of working age on 1 September 2024, though over 60 (the fixture's old upper bound)."""
    member = MemberFacts(birth_date=date(1963, 12, 5), sex="male", employment="employee_without_contract")
    assert decide("employment", EMPLOYMENT, [member]).deprived is True
    assert decide("employment", EMPLOYMENT, [member], on=date(2025, 1, 1)).deprived is False


def test_employment_asks_for_the_sex_only_where_it_decides():
    """Facts stored before the sex was kept: a member of 58 unemployed needs it (a man works, a woman has
    retired), a member of 40 does not."""
    old = MemberFacts(birth_date=date(1966, 1, 1), employment="unemployed")
    with pytest.raises(MissingFactsError) as error:
        decide("employment", EMPLOYMENT, [old])
    assert error.value.missing == (MissingFact("employment", "members[1].sex"),)
    forty = MemberFacts(birth_date=date(1984, 1, 1), employment="unemployed")
    assert decide("employment", EMPLOYMENT, [forty]).deprived is True
    employed = MemberFacts(birth_date=date(1966, 1, 1), employment="employee_with_contract")
    assert decide("employment", EMPLOYMENT, [employed]).deprived is False  # deprived for neither sex


def test_employment_old_thresholds_are_still_read():
    """A locked standard keeps the thresholds its approved reviews were decided under: 15 to 60 in full years.
    On 20 December 2024 a man born on 5 December 1963 is 61: outside them, though of working age until the end
    of the month (Labour Code 2019, art. 169: 61 in 2024)."""
    old = {"age_from": 15, "age_to": 60, "deprived_statuses": STATUSES}
    member = MemberFacts(birth_date=date(1963, 12, 5), sex="male", employment="unemployed")
    assert decide("employment", old, [member], on=date(2024, 12, 20)).deprived is False
    assert decide("employment", EMPLOYMENT, [member], on=date(2024, 12, 20)).deprived is True


# Dependants --------------------------------------------------------------------------------------------------


def test_dependants_count_members_past_working_age():
    """Decree 07/2021/NĐ-CP (dependants over half the household), the elderly being those past working age by
    sex and year (Labour Code 2019, art. 169; Decree 135/2020/NĐ-CP): a woman of 57 in 2024 is a dependant, a
    man of 57 is not."""
    woman = MemberFacts(birth_date=date(1967, 5, 10), sex="female")
    man = MemberFacts(birth_date=date(1967, 5, 10), sex="male")
    child = MemberFacts(birth_date=date(2015, 1, 1), sex="male")
    assert decide("dependants", DEPENDANTS, [worker(), woman, child]).deprived is True
    assert decide("dependants", DEPENDANTS, [worker(), man, child]).deprived is False


def test_dependants_old_threshold_is_still_read():
    old = {key: value for key, value in DEPENDANTS.items() if key != "elderly_past_working_age"}
    old["elderly_age_from"] = 60
    woman = MemberFacts(birth_date=date(1967, 5, 10), sex="female")
    child = MemberFacts(birth_date=date(2015, 1, 1))
    assert decide("dependants", old, [worker(), woman, child]).deprived is False


def test_dependants_ask_for_the_sex_only_where_it_decides():
    unknown = MemberFacts(birth_date=date(1966, 1, 1))
    with pytest.raises(MissingFactsError) as error:
        decide("dependants", DEPENDANTS, [worker(), unknown])
    assert error.value.missing == (MissingFact("dependants", "members[2].sex"),)
    disabled = MemberFacts(birth_date=date(1966, 1, 1), disability="severe")
    assert decide("dependants", DEPENDANTS, [worker(), disabled, worker()]).deprived is False


# Adult education ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "education", "deprived"),
    [
        (date(2008, 9, 2), "primary", False),  # 15 until tomorrow
        (date(2008, 9, 1), "primary", True),  # 16: lower secondary needed
        (date(2006, 9, 2), "lower_secondary", False),  # 17, under 18
        (date(2006, 9, 1), "lower_secondary", True),  # 18 on the day: upper secondary or vocational training
        (date(2006, 9, 1), "vocational", False),
        (date(1993, 9, 2), "lower_secondary", True),  # 30 until tomorrow: "18 to 30" includes 30
        (date(1993, 9, 1), "lower_secondary", False),  # 31 on the day: outside the bands
        (date(2007, 1, 1), "employer_training", False),  # 17 with on-the-job training certified by the employer
        (date(2000, 1, 1), "employer_training", False),  # 24
    ],
)
def test_adult_education_bands_of_the_appendix(born, education, deprived):
    """Decree 07/2021/NĐ-CP, appendix: 16 to under 18 without lower secondary, 18 to 30 without upper
    secondary or vocational training, not studying; a member of 16 to 30 whose on-the-job training an employer
    certifies is not deprived."""
    member = MemberFacts(birth_date=born, education=education, in_school=False)
    assert decide("adult_education", ADULT_EDUCATION, [member]).deprived is deprived


def test_the_2016_band_is_unchanged():
    """Decision 59/2015/QĐ-TTg: 15 or over, born 1986 or later, without lower secondary and not studying."""
    thresholds = {"groups": [{"age_from": 15, "born_from_year": 1986, "accepted": ACCEPTED_16[:4]}]}
    member = MemberFacts(birth_date=date(1986, 1, 1), education="primary", in_school=False)
    assert decide("adult_education", thresholds, [member], on=date(2018, 9, 1)).deprived is True
    trained = MemberFacts(birth_date=date(1986, 1, 1), education="employer_training", in_school=False)
    assert decide("adult_education", thresholds, [trained], on=date(2018, 9, 1)).deprived is True


# Unknown is not deprived -------------------------------------------------------------------------------------


def test_unrecorded_health_insurance_is_missing_not_deprived():
    """Decree 07/2021/NĐ-CP (health insurance, from 6): an unrecorded fact is named, never read as "no"."""
    member = MemberFacts(birth_date=date(1990, 1, 1), health_insurance=None)
    with pytest.raises(MissingFactsError) as error:
        decide("health_insurance", {"age_from": 6}, [member])
    assert error.value.missing == (MissingFact("health_insurance", "members[1].health_insurance"),)


def test_unrecorded_schooling_is_missing_not_deprived():
    """Decree 07/2021/NĐ-CP (school attendance, 3 to under 16; adult education): "in school" not recorded is
    named, never read as "not in school"."""
    child = MemberFacts(birth_date=date(2015, 1, 1), in_school=None)
    with pytest.raises(MissingFactsError) as error:
        decide("child_schooling", {"age_from": 3, "age_below": 16, "require_age_appropriate_level": True}, [child])
    assert error.value.missing == (MissingFact("child_schooling", "members[1].in_school"),)
    young = MemberFacts(birth_date=date(2000, 1, 1), education="lower_secondary", in_school=None)
    with pytest.raises(MissingFactsError) as error:
        decide("adult_education", ADULT_EDUCATION, [young])
    assert error.value.missing == (MissingFact("adult_education", "members[1].in_school"),)
    # Qualified for their age: whether they study does not matter.
    graduate = MemberFacts(birth_date=date(2000, 1, 1), education="higher", in_school=None)
    assert decide("adult_education", ADULT_EDUCATION, [graduate]).deprived is False


def test_facts_stored_before_the_sex_was_kept_are_read():
    stored = {"members": [{"birth_date": "1990-01-01", "name": "A", "in_school": False, "health_insurance": True}]}
    facts = HouseholdFacts.from_json(stored)
    assert facts.members[0].sex is None
    assert facts.to_json()["members"][0]["sex"] is None


def test_the_fixture_holds_the_corrected_thresholds():
    """fixtures/standards.json: employment by working age (Decree 07/2021/NĐ-CP and 351/2025/NĐ-CP), the
    dependants of 2021-2025 past working age, adult education in the appendix's bands."""
    rows = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "standards.json").read_text())
    thresholds = {
        (row["fields"]["standard"][0], row["fields"]["code"]): row["fields"]["thresholds"]
        for row in rows
        if row["model"] == "standards.indicator"
    }
    for standard in ("2021-2025", "2026-2030"):
        assert thresholds[(standard, "employment")] == EMPLOYMENT
        assert thresholds[(standard, "adult_education")] == ADULT_EDUCATION
    assert thresholds[("2021-2025", "dependants")] == DEPENDANTS
