"""Periods counted in working days (the review's complaint period, Decision 24/2021/QĐ-TTg, art. 4, step 4).

Pure: dates and a set of days off in, a date out. The days off are data (``programmes.PublicHoliday``, read by
``standards.selectors.public_holidays``).
"""

import datetime
from collections.abc import Collection

# Public servants work Monday to Friday (the 40-hour week, Decision 188/1999/QĐ-TTg): Saturday and Sunday are off.
WEEKEND = frozenset({5, 6})
# A period of n working days never spans more calendar days than this (Tết: up to 9 days off in a row), so a
# caller reads the holidays of [start, start + n + SPAN_MARGIN] before counting.
SPAN_MARGIN = 21


def is_working_day(day: datetime.date, holidays: Collection[datetime.date]) -> bool:
    return day.weekday() not in WEEKEND and day not in holidays


def add_working_days(start: datetime.date, n: int, holidays: Collection[datetime.date]) -> datetime.date:
    """The last day of a period of ``n`` working days that begins after ``start``.

    The day of the event is not counted: a period in days starts on the next day (Civil Code 2015, art. 147(1)).
    So a list posted on Friday 4 October 2024 is open to complaints on Monday 7, Tuesday 8 and Wednesday 9:
    ``add_working_days(date(2024, 10, 4), 3, ())`` is 9 October 2024.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    counted = 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day
