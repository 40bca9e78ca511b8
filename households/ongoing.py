"""The calendar of the ongoing review (rà soát thường xuyên), Decision 24/2021/QĐ-TTg, arts. 5 and 7 (domain.md §3).

Every month the commune takes the households' requests (Form 01) from the 15th; the chair's decision and the
certificate come within 15 days; the commune reports its ongoing results on the 5th of each month from February
to September. Pure: dates in, what is due and what is late out; the round page shows it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

# Decision 24/2021/QĐ-TTg, art. 5: requests are taken up from the 15th of each month (check: domain.md §3).
INTAKE_DAY = 15
# Decision 24/2021/QĐ-TTg, art. 5: the decision and the certificate within 15 days of taking the request up.
DECISION_DAYS = 15
# Decision 24/2021/QĐ-TTg, art. 7: the commune's report of the ongoing review, on the 5th, February to September.
REPORT_DAY = 5
REPORT_MONTHS = range(2, 10)


@dataclass(frozen=True)
class OngoingRequest:
    """A household's request in an ongoing round: when it came and when the chair decided (if yet)."""

    review_id: int
    household_code: str
    requested_on: datetime.date
    decided_on: datetime.date | None = None


@dataclass(frozen=True)
class RequestDue:
    request: OngoingRequest
    taken_up_on: datetime.date
    due_on: datetime.date
    late: bool


@dataclass(frozen=True)
class OngoingSchedule:
    next_intake: datetime.date
    next_report: datetime.date | None  # None once September's report is past
    reports: tuple[datetime.date, ...]  # the year's report days
    waiting: tuple[RequestDue, ...]  # not decided yet, still in time
    late: tuple[RequestDue, ...]  # decided after the due day, or not decided and past it


def _next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def taken_up_on(requested_on: datetime.date) -> datetime.date:
    """The 15th on or after the request: a request that comes after the month's 15th waits for the next one."""
    if requested_on.day <= INTAKE_DAY:
        return requested_on.replace(day=INTAKE_DAY)
    return _next_month(requested_on).replace(day=INTAKE_DAY)


def decision_due(requested_on: datetime.date) -> datetime.date:
    """The last day for the decision and the certificate on a request."""
    return taken_up_on(requested_on) + datetime.timedelta(days=DECISION_DAYS)


def report_days(year: int) -> tuple[datetime.date, ...]:
    return tuple(datetime.date(year, month, REPORT_DAY) for month in REPORT_MONTHS)


def ongoing_schedule(requests: Iterable[OngoingRequest], *, today: datetime.date, year: int) -> OngoingSchedule:
    """What is due in an ongoing round of ``year`` on ``today``: the next intake and report days, the requests
    waiting for a decision and those decided late or overdue (oldest first)."""
    waiting, late = [], []
    for request in sorted(requests, key=lambda r: (r.requested_on, r.household_code)):
        due = decision_due(request.requested_on)
        decided = request.decided_on
        is_late = decided > due if decided else today > due
        row = RequestDue(request=request, taken_up_on=taken_up_on(request.requested_on), due_on=due, late=is_late)
        if is_late:
            late.append(row)
        elif decided is None:
            waiting.append(row)
    reports = report_days(year)
    return OngoingSchedule(
        next_intake=taken_up_on(today),
        next_report=next((day for day in reports if day >= today), None),
        reports=reports,
        waiting=tuple(waiting),
        late=tuple(late),
    )
