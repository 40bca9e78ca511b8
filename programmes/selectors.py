"""Reads of poverty standards. Standards are public reference data: every signed-in user may read them."""

from django.db.models import Prefetch, prefetch_related_objects

from .classification import IncomeLines, IndicatorRule, StandardRules
from .models import IncomeLine, Indicator, PovertyStandard, PovertyStandardQuerySet

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

    The years a standard covers are data (``year_from``, ``year_to``): Decree 07/2021/NĐ-CP kept the
    2016-2020 standard in force during 2021, but the review at the end of 2021 already used the new one,
    so the fixture gives 2021 to the 2021-2025 standard. Where periods overlap, the later one wins.
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
