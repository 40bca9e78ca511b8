"""Working age by sex and date: from the 15th birthday to the retirement age in normal working conditions.

- Labour Code 2019 (Law 45/2019/QH14), art. 3(1): the minimum working age is 15 full years.
- Labour Code 2019, art. 169(2), and Decree 135/2020/NĐ-CP, art. 4 and Appendix I: from 2021 the retirement
  age is 60 years 3 months for men and 55 years 4 months for women, then 3 months more each year for men
  until 62 in 2028 and 4 months more each year for women until 60 in 2035. Before 2021 (Labour Code 2012,
  art. 187): 60 for men, 55 for women.
- The age applies in the year a person reaches it (Appendix I lists it by month of birth: men born 1-9/1961
  retire at 60 years 3 months, 10/1961-6/1962 at 60 years 6 months, …), so a person's retirement age is
  the one of the year in which they reach it.
- Decree 135/2020/NĐ-CP, art. 3(1): the moment of retirement is the end of the last day of the month in
  which the person reaches the retirement age. Until then they are of working age.

Plain functions over plain data, exact to the month; ``standards.indicators`` (employment, dependants) and
``households.registry_rules`` (households with no labour capacity) use them.
"""

from __future__ import annotations

import calendar
from datetime import date
from functools import lru_cache

MALE = "male"
FEMALE = "female"
SEXES = (MALE, FEMALE)

# Labour Code 2019, art. 3(1).
MIN_WORKING_AGE = 15

# (age in months before the roadmap, first year of the roadmap, age in its first year, months added a year,
# age at the end of the roadmap). Labour Code 2019, art. 169(2); Labour Code 2012, art. 187.
_ROADMAP = {
    MALE: (60 * 12, 2021, 60 * 12 + 3, 3, 62 * 12),
    FEMALE: (55 * 12, 2021, 55 * 12 + 4, 4, 60 * 12),
}


# No retirement age is below 55 or above 62 years: between the two bounds, the roadmap decides.
_YOUNGEST = min(roadmap[0] for roadmap in _ROADMAP.values()) // 12
_OLDEST = max(roadmap[4] for roadmap in _ROADMAP.values()) // 12


def retirement_age(sex: str, year: int) -> tuple[int, int]:
    """The retirement age in normal working conditions of a person of ``sex`` reaching it in ``year``, as
    (years, months): ``retirement_age("male", 2021) == (60, 3)``, ``retirement_age("female", 2035) == (60, 0)``."""
    return divmod(_retirement_months(sex, year), 12)


def _retirement_months(sex: str, year: int) -> int:
    try:
        before, first_year, first_age, step, final = _ROADMAP[sex]
    except KeyError:
        raise ValueError(f"Unknown sex {sex!r}: use {MALE!r} or {FEMALE!r}.") from None
    if year < first_year:
        return before
    return min(first_age + step * (year - first_year), final)


@lru_cache(maxsize=4096)
def retirement_month(birth_year: int, birth_month: int, sex: str) -> tuple[int, int]:
    """(year, month) in which a person born in that month reaches their retirement age. Only the month of
    birth matters: the retirement moment is the end of that month (Decree 135/2020/NĐ-CP, art. 3(1))."""
    born = birth_year * 12 + birth_month - 1  # months since year 0
    year = birth_year + _retirement_months(sex, 0) // 12
    while True:
        reached = born + _retirement_months(sex, year)
        if reached // 12 <= year:  # reached within ``year``: the age of that year applies
            return reached // 12, reached % 12 + 1
        year += 1


@lru_cache(maxsize=8192)
def _last_month(birth_year: int, birth_month: int, sex: str) -> int:
    # ``retirement_month`` as a count of months, compared with a date's in one step (an import asks it of
    # every member of every household reviewed).
    year, month = retirement_month(birth_year, birth_month, sex)
    return year * 12 + month


def retirement_date(birth_date: date, sex: str) -> date:
    """The last day of working age: the end of the month in which the retirement age is reached."""
    year, month = retirement_month(birth_date.year, birth_date.month, sex)
    return date(year, month, calendar.monthrange(year, month)[1])


def _under_minimum_age(birth_date: date, on: date) -> bool:
    years = on.year - birth_date.year
    if years != MIN_WORKING_AGE:
        return years < MIN_WORKING_AGE
    return (on.month, on.day) < (birth_date.month, birth_date.day)


def is_past_working_age(birth_date: date, sex: str, on: date) -> bool:
    """Past the retirement moment on ``on`` (a child is not of working age, nor past it)."""
    if sex not in SEXES:
        raise ValueError(f"Unknown sex {sex!r}: use {MALE!r} or {FEMALE!r}.")
    return on.year * 12 + on.month > _last_month(birth_date.year, birth_date.month, sex)


def is_working_age(birth_date: date, sex: str, on: date) -> bool:
    """Of working age on ``on``: 15 full years or more, and not past the retirement moment."""
    return not _under_minimum_age(birth_date, on) and not is_past_working_age(birth_date, sex, on)


def past_working_age_if_known(birth_date: date, sex: str | None, on: date) -> bool | None:
    """``is_past_working_age``, for a member whose sex may not be recorded (facts stored before it was kept):
    ``None`` only when the answer depends on the sex."""
    years = on.year - birth_date.year  # the age in full years, or one more
    if years < _YOUNGEST:
        return False
    if years > _OLDEST + 1:
        return True
    month = on.year * 12 + on.month
    if sex in SEXES:
        return month > _last_month(birth_date.year, birth_date.month, sex)
    male = month > _last_month(birth_date.year, birth_date.month, MALE)
    female = month > _last_month(birth_date.year, birth_date.month, FEMALE)
    return male if male == female else None


def working_age_if_known(birth_date: date, sex: str | None, on: date) -> bool | None:
    """``is_working_age``, ``None`` only when the answer depends on a sex not recorded."""
    years = on.year - birth_date.year
    if MIN_WORKING_AGE < years < _YOUNGEST:
        return True  # most members: no need of the roadmap
    if _under_minimum_age(birth_date, on):
        return False
    past = past_working_age_if_known(birth_date, sex, on)
    return None if past is None else not past
