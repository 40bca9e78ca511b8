"""Reads of poverty standards. Standards are public reference data: every signed-in user may read them."""

import datetime

from django.db.models import Prefetch, prefetch_related_objects

from .classification import IncomeLines, IndicatorRule, StandardRules
from .models import IncomeLine, Indicator, PovertyStandard, PovertyStandardQuerySet, PublicHoliday

# What ``standard_rules`` reads: two queries for any number of standards (the dimension comes with its
# indicator).
RULES_PREFETCH = (
    Prefetch("income_lines", queryset=IncomeLine.objects.order_by("year_from")),
    Prefetch("indicators", queryset=Indicator.objects.select_related("dimension").order_by("order", "code")),
)


def standard_list() -> PovertyStandardQuerySet:
    """The newest version of every standard, oldest period first, ready for ``standard_rules``."""
    return PovertyStandard.objects.latest_versions().prefetch_related(*RULES_PREFETCH).order_by("year_from")


def standard_get(code: str, *, version: int | None = None) -> PovertyStandard:
    """The newest version (or ``version``) of the standard of a period such as ``"2021-2025"``.

    Raises ``PovertyStandard.DoesNotExist``.
    """
    standards = PovertyStandard.objects.filter(code=code).prefetch_related(*RULES_PREFETCH)
    if version is not None:
        return standards.get(version=version)
    standard = standards.order_by("-version").first()
    if standard is None:
        raise PovertyStandard.DoesNotExist(f"No poverty standard {code!r}.")
    return standard


def standard_for_year(year: int) -> PovertyStandard:
    """The newest version of the standard in force in ``year``. Raises ``PovertyStandard.DoesNotExist``.

    The years a standard is in force for reviews are data (``year_from``, ``year_to``), the legal
    calendar: Decree 07/2021/NĐ-CP kept the 2016-2020 standard during 2021 (2016-2021), and Decree
    351/2025/NĐ-CP keeps Decree 07's lines and indicators until 31/12/2026 (2021-2025 in force 2022-2026,
    2026-2030 from 2027). Where periods overlap, the later one wins. The standard of a review round is
    ``standard_for_round``, not this.
    """
    standard = (
        PovertyStandard.objects.in_force(year)
        .prefetch_related(*RULES_PREFETCH)
        .order_by("-year_from", "-version")
        .first()
    )
    if standard is None:
        raise PovertyStandard.DoesNotExist(f"No poverty standard in force in {year}.")
    return standard


def standard_applying(standard: PovertyStandard, *, year: int) -> PovertyStandard:
    """The standard whose rules classify ``year`` under the period ``standard`` is named for.

    A period's name is not the years its standard is in force: Decree 07/2021/NĐ-CP kept the 2016-2020
    standard during 2021, and Decree 351/2025/NĐ-CP (the 2026-2030 standard) keeps Decree 07's art. 3, its
    lines and its 12 indicators, until 31/12/2026. So a year of the period's name outside those years is
    classified under the standard in force that year; any other year is left to ``standard`` (and refused
    by ``classify`` when it lies outside it).
    """
    if standard.year_from <= year <= standard.year_to:
        return standard
    first, last = (int(part) for part in standard.code.split("-"))
    if first <= year <= last:
        try:
            return standard_for_year(year)
        except PovertyStandard.DoesNotExist:
            pass
    return standard


# ``households.models.ReviewKind.ANNUAL``: programmes sits below households and does not import it.
ANNUAL = "annual"


def standard_for_round(*, year: int, kind: str) -> PovertyStandard:
    """The default standard of a review round of ``year``, from the legal calendar.

    Decision 24/2021/QĐ-TTg, art. 4: the annual review, made from 1 September to 14 December, sets the list
    of poor and near-poor households for the next year, so an annual round of ``year`` uses the standard in
    force in ``year + 1`` (the end-of-2015 review is the 2016-2020 baseline, the end-of-2021 review the
    2021-2025 one; under Decree 351/2025/NĐ-CP the end-of-2025 review uses Decree 07's lines for 2026 and
    the end-of-2026 review the new lines of 2027). Where no standard is in force in ``year + 1`` yet, the
    standard of ``year``. An ongoing review uses the standard in force in its own year. The province may
    still give a round another standard (``households.services.round_open``).
    Raises ``PovertyStandard.DoesNotExist``.
    """
    if kind == ANNUAL:
        try:
            return standard_for_year(year + 1)
        except PovertyStandard.DoesNotExist:
            pass
    return standard_for_year(year)


def rules_year(*, year: int, kind: str, standard: PovertyStandard) -> int:
    """The year whose income line a round of ``year`` is classified by, under ``standard``.

    ``year + 1`` for an annual round, whose list is that of the next year (Decision 24/2021/QĐ-TTg,
    art. 4), ``year`` for an ongoing one; brought within the years the standard is in force, so that a
    round given a standard explicitly uses its nearest year (an end-of-2021 round kept under 2016-2020
    uses the 2021 lines).
    """
    wanted = year + 1 if kind == ANNUAL else year
    return min(max(wanted, standard.year_from), standard.year_to)


def standard_rules(standard: PovertyStandard) -> StandardRules:
    """The plain rules of a standard for ``classify`` and ``decide_indicators``.

    Uses the rows already prefetched by the selectors above; otherwise fetches them in two queries.
    """
    prefetch_related_objects([standard], *RULES_PREFETCH)
    lines = tuple(
        IncomeLines(
            year_from=line.year_from,
            year_to=line.year_to,
            poor_rural=line.poor_rural,
            poor_urban=line.poor_urban,
            near_poor_rural=line.near_poor_rural,
            near_poor_urban=line.near_poor_urban,
            minimum_living_rural=line.minimum_living_rural,
            minimum_living_urban=line.minimum_living_urban,
            average_rural=line.average_rural,
            average_urban=line.average_urban,
            poor_rural_mountain=line.poor_rural_mountain,
        )
        for line in standard.income_lines.all()
    )
    indicators = tuple(
        IndicatorRule(
            code=indicator.code,
            name_vi=indicator.name_vi,
            name_en=indicator.name_en,
            dimension_code=indicator.dimension.code,
            dimension_name_vi=indicator.dimension.name_vi,
            dimension_name_en=indicator.dimension.name_en,
            thresholds=indicator.thresholds,
        )
        for indicator in standard.indicators.all()
    )
    return StandardRules(
        code=standard.code,
        name=standard.name,
        method=standard.method,
        deprivation_cutoff=standard.deprivation_cutoff,
        year_from=standard.year_from,
        year_to=standard.year_to,
        lines=lines,
        indicators=indicators,
        version=standard.version,
        document=standard.document_number,
    )


def public_holidays(*, start: datetime.date, end: datetime.date) -> frozenset[datetime.date]:
    """The days off (``PublicHoliday``) from ``start`` to ``end``, both included: what
    ``standards.working_days`` skips besides the weekends."""
    return frozenset(PublicHoliday.objects.filter(date__range=(start, end)).values_list("date", flat=True))
