"""Which standard a year's statistics are read under when none is asked for."""

from collections.abc import Iterable

from django.db.models import Sum

from households.models import ReviewKind, ReviewRound, StatisticCount


def default_standards(*, years: Iterable[int]) -> dict[int, str]:
    """The standard each year's statistics are read under when none is asked for (two queries at most).

    A year can have official figures under two standards: the annual review at the end of a period's last
    year is the next period's baseline (domain notes §2; seed 003: 2021 under 2016-2020 and 2021-2025). The
    year's figures are those of its latest annual round: of the year's annual rounds, the one whose standard
    is the newest. A year with no annual round takes the standard with most households counted that year.
    Years with neither are left out.
    """
    years = set(years)
    found: dict[int, str] = {}
    # Distinct in the database: every commune of the country has its annual round (3,321 rows a year).
    rounds = (
        ReviewRound.objects.filter(year__in=years, kind=ReviewKind.ANNUAL)
        .values_list("year", "standard__year_from", "standard__code")
        .distinct()
        .order_by("year", "standard__year_from", "standard__code")
    )
    for year, _year_from, code in rounds:
        found[year] = code  # the newest comes last
    rest = years - set(found)
    if rest:
        counted = (
            StatisticCount.objects.filter(year__in=rest, dimension="status")
            .values_list("year", "standard")
            .annotate(households=Sum("households"))
            .order_by("year", "households", "standard")
        )
        for year, code, _households in counted:
            found[year] = code
    return found


def default_standard(*, year: int) -> str | None:
    """``default_standards`` of one year."""
    return default_standards(years=[year]).get(year)
