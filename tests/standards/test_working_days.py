"""Periods in working days and the public holidays they skip (Labour Code 2019, art. 112; Civil Code 2015,
art. 147; the complaint period of Decision 24/2021/QĐ-TTg, art. 4, step 4)."""

import datetime

import pytest

from standards.models import PublicHoliday
from standards.selectors import public_holidays
from standards.working_days import add_working_days, is_working_day

D = datetime.date

# Written out by hand from the calendar, independently of the migration: Tết (1/1 lunar) and the Hùng Kings
# (10/3 lunar) in solar dates.
TET = {2021: D(2021, 2, 12), 2022: D(2022, 2, 1), 2023: D(2023, 1, 22), 2024: D(2024, 2, 10), 2025: D(2025, 1, 29)}
TET |= {2026: D(2026, 2, 17), 2027: D(2027, 2, 6)}
HUNG_KINGS = {2021: D(2021, 4, 21), 2022: D(2022, 4, 10), 2023: D(2023, 4, 29), 2024: D(2024, 4, 18)}
HUNG_KINGS |= {2025: D(2025, 4, 7), 2026: D(2026, 4, 26), 2027: D(2027, 4, 16)}


def test_the_day_of_the_event_is_not_counted_and_weekends_are_skipped():
    """Civil Code 2015, art. 147(1): a period starts the day after the event; public servants work Monday to
    Friday (Decision 188/1999/QĐ-TTg)."""
    assert add_working_days(D(2024, 10, 2), 3, ()) == D(2024, 10, 7)  # Wednesday → Thu, Fri, Mon
    assert add_working_days(D(2024, 10, 4), 3, ()) == D(2024, 10, 9)  # Friday → Mon, Tue, Wed
    assert add_working_days(D(2024, 10, 5), 3, ()) == D(2024, 10, 9)  # posted on a Saturday
    assert add_working_days(D(2024, 10, 4), 0, ()) == D(2024, 10, 4)
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2024, 10, 4), -1, ())


def test_holidays_are_skipped():
    holidays = {D(2024, 4, 29), D(2024, 4, 30), D(2024, 5, 1)}
    # Posted on Friday 26 April 2024: 29/4 (swapped day off), 30/4 and 1/5 are off; Thu 2, Fri 3, Mon 6 May.
    assert add_working_days(D(2024, 4, 26), 3, holidays) == D(2024, 5, 6)
    assert not is_working_day(D(2024, 4, 30), holidays)
    assert not is_working_day(D(2024, 5, 4), holidays)  # a Saturday
    assert is_working_day(D(2024, 5, 2), holidays)


@pytest.mark.django_db
def test_the_seeded_holidays_hold_the_lunar_days_of_each_year():
    """Labour Code 2019, art. 112: Tết and the Hùng Kings' day, every year 2021-2027."""
    days = set(PublicHoliday.objects.values_list("date", flat=True))
    for year in range(2021, 2028):
        assert TET[year] in days, year
        assert TET[year] - datetime.timedelta(days=1) in days, year  # the last day of the lunar year
        assert HUNG_KINGS[year] in days, year
        assert {D(year, 1, 1), D(year, 4, 30), D(year, 5, 1), D(year, 9, 2)} <= days, year


@pytest.mark.django_db
@pytest.mark.parametrize("year", range(2021, 2028))
def test_each_year_gives_at_least_the_eleven_days_of_the_labour_code(year):
    """Labour Code 2019, art. 112: 11 days a year (1 + 5 + 1 + 1 + 1 + 2); one that falls on a weekend gives a
    day off in lieu (art. 112(3)), so at least 11 weekdays are off."""
    weekdays = [
        day
        for day in public_holidays(start=D(year, 1, 1), end=D(year, 12, 31))
        if day.weekday() < 5  # a Tết break lists its weekend too
    ]
    assert len(weekdays) >= 11


@pytest.mark.django_db
def test_a_holiday_that_falls_on_a_weekend_gives_a_day_off_in_lieu():
    """Labour Code 2019, art. 112(3): the next working day. 2022: 1/1 Saturday, 10/3 lunar Sunday 10/4, 30/4 and
    1/5 on the weekend."""
    days = public_holidays(start=D(2022, 1, 1), end=D(2022, 12, 31))
    assert {D(2022, 1, 3), D(2022, 4, 11), D(2022, 5, 2), D(2022, 5, 3)} <= days


@pytest.mark.django_db
def test_what_is_not_confirmed_is_marked_to_check():
    not_confirmed = PublicHoliday.objects.filter(note__icontains="kiểm tra")
    assert not_confirmed.filter(date=D(2027, 2, 4)).exists()  # Tết 2027, not announced yet
    assert not not_confirmed.filter(date=D(2024, 2, 10)).exists()
