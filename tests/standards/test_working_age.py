"""Working age by sex and date (standards.working_age), against the Labour Code 2019 and Decree 135/2020/NĐ-CP."""

from datetime import date

import pytest

from standards.working_age import (
    is_past_working_age,
    is_working_age,
    retirement_age,
    retirement_date,
    working_age_if_known,
)

# Labour Code 2019, art. 169(2): 60 years 3 months (men) and 55 years 4 months (women) in 2021, then 3 and 4
# months more each year until 62 in 2028 and 60 in 2035. Before 2021, Labour Code 2012, art. 187: 60 and 55.
MEN = {2020: (60, 0), 2021: (60, 3), 2022: (60, 6), 2023: (60, 9), 2024: (61, 0), 2027: (61, 9), 2028: (62, 0)}
WOMEN = {2020: (55, 0), 2021: (55, 4), 2022: (55, 8), 2023: (56, 0), 2034: (59, 8), 2035: (60, 0), 2040: (60, 0)}


@pytest.mark.parametrize(
    ("sex", "year", "age"),
    [*(("male", y, a) for y, a in MEN.items()), *(("female", y, a) for y, a in WOMEN.items())],
)
def test_the_retirement_age_of_each_year(sex, year, age):
    """Labour Code 2019, art. 169(2), and Decree 135/2020/NĐ-CP, art. 4: the roadmap by year."""
    assert retirement_age(sex, year) == age


@pytest.mark.parametrize(
    ("sex", "born", "last_day"),
    [
        # Decree 135/2020/NĐ-CP, Appendix I: men born 1-9/1961 retire at 60 years 3 months, 10/1961-6/1962 at
        # 60 years 6 months, 7/1962 at 60 years 9 months; a man born 4/1966 reaches 62 in 4/2028.
        ("male", date(1961, 1, 10), date(2021, 4, 30)),
        ("male", date(1961, 9, 30), date(2021, 12, 31)),
        ("male", date(1961, 10, 1), date(2022, 4, 30)),
        ("male", date(1962, 6, 15), date(2022, 12, 31)),
        ("male", date(1962, 7, 15), date(2023, 4, 30)),
        ("male", date(1966, 4, 2), date(2028, 4, 30)),
        ("male", date(1960, 12, 31), date(2020, 12, 31)),  # 60 before the roadmap
        # Women born 1-8/1966 retire at 55 years 4 months, 9/1966-4/1967 at 55 years 8 months; born 5/1975,
        # 60 in 5/2035.
        ("female", date(1966, 1, 31), date(2021, 5, 31)),
        ("female", date(1966, 8, 20), date(2021, 12, 31)),
        ("female", date(1966, 9, 1), date(2022, 5, 31)),
        ("female", date(1967, 4, 30), date(2022, 12, 31)),
        ("female", date(1975, 5, 5), date(2035, 5, 31)),
        # 31 July + 60 years 9 months: the month is what counts (April has no 31st).
        ("male", date(1962, 7, 31), date(2023, 4, 30)),
    ],
)
def test_the_last_day_of_working_age_by_month_of_birth(sex, born, last_day):
    """Decree 135/2020/NĐ-CP, Appendix I (by month of birth) and art. 3(1): retirement at the end of the last
    day of the month in which the retirement age is reached."""
    assert retirement_date(born, sex) == last_day
    assert is_working_age(born, sex, last_day)
    assert not is_working_age(born, sex, date.fromordinal(last_day.toordinal() + 1))
    assert is_past_working_age(born, sex, date.fromordinal(last_day.toordinal() + 1))


def test_working_age_starts_on_the_15th_birthday():
    """Labour Code 2019, art. 3(1): the minimum working age is 15 full years."""
    born = date(2009, 10, 2)
    assert not is_working_age(born, "female", date(2024, 10, 1))
    assert is_working_age(born, "female", date(2024, 10, 2))
    assert not is_past_working_age(born, "female", date(2024, 10, 1))  # a child is not past working age


def test_the_same_age_differs_by_sex():
    """Labour Code 2019, art. 169: a woman born in June 1967 reached her retirement age, 56 (the age of 2023), in
    June 2023; a man born the same day is of working age until 62, in June 2029."""
    born, on = date(1967, 6, 1), date(2024, 9, 1)
    assert is_past_working_age(born, "female", on)
    assert is_working_age(born, "male", on)
    assert working_age_if_known(born, None, on) is None  # the sex decides
    assert working_age_if_known(date(1990, 1, 1), None, on) is True  # 34: the same for both
    assert working_age_if_known(date(1950, 1, 1), None, on) is False


def test_an_unknown_sex_is_an_error_where_it_must_be_known():
    with pytest.raises(ValueError, match="Unknown sex"):
        retirement_age("other", 2024)


@pytest.mark.parametrize(
    ("sex", "born", "on", "past"),
    [
        # Labour Code 2012, art. 187: 55 for women before 2021; past working age the month after.
        ("female", date(1960, 1, 20), date(2015, 1, 31), False),
        ("female", date(1960, 1, 20), date(2015, 2, 1), True),
        ("male", date(1962, 1, 20), date(2022, 7, 31), False),  # 60 years 6 months: July 2022
        ("male", date(1962, 1, 20), date(2022, 8, 1), True),
        ("male", date(1966, 12, 20), date(2028, 12, 31), False),  # 62 from 2028
        ("male", date(1966, 12, 20), date(2029, 1, 1), True),
        ("female", date(1980, 12, 31), date(2040, 12, 31), False),  # 60 from 2035
        ("female", date(1980, 12, 31), date(2041, 1, 1), True),
    ],
)
def test_the_first_day_past_working_age_at_the_bounds(sex, born, on, past):
    """Labour Code 2012, art. 187 (55 and 60 before 2021), Labour Code 2019, art. 169 (55 years 4 months to 60,
    60 years 3 months to 62), Decree 135/2020/NĐ-CP, art. 3(1) (the end of the month)."""
    assert is_past_working_age(born, sex, on) is past
    assert working_age_if_known(born, sex, on) is (not past)
