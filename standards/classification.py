"""The poverty classification of a household under a standard: plain data in, plain data out.

This is the one implementation of the rule; forms, imports, the API and the reports all call
``classify``. Nothing here touches the database: the rules arrive as a ``StandardRules`` value, built
from the standard's rows by ``standards.selectors.standard_rules`` (or by hand in tests).

Boundaries follow the texts: "từ X trở xuống" (X and below) is ``income <= X``; "trên X đến Y" is
``X < income <= Y``. Incomes are whole VND per person per month.

The explanation is written for a commune officer. Its sentences are English msgids translated to
Vietnamese in ``locale/vi`` (Vietnamese is the default language), money is written Vietnamese style
("1.500.000đ") and indicators are named in the active language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import get_language, gettext, gettext_noop, pgettext, pgettext_lazy


class Status(StrEnum):
    POOR = "poor"
    NEAR_POOR = "near_poor"
    AVERAGE = "average"
    NOT_POOR = "not_poor"


class Area(StrEnum):
    RURAL = "rural"
    URBAN = "urban"


class Method(StrEnum):
    # Decisions 1143/2000/QĐ-LĐTBXH, 170/2005/QĐ-TTg, 09/2011/QĐ-TTg: income alone decides.
    INCOME_ONLY = "income_only"
    # Decision 59/2015/QĐ-TTg, art. 2: poor by income, OR between the poor line and the minimum living
    # standard with at least the cut-off number of deprivations.
    INCOME_OR_DEPRIVATION = "income_or_deprivation"
    # Decree 07/2021/NĐ-CP, arts. 3-4, and Decree 351/2025/NĐ-CP: poor by income AND deprivations.
    INCOME_AND_DEPRIVATION = "income_and_deprivation"


# Words used inside the explanation's sentences (lower case), not the review's status column labels.
STATUS_LABELS: Mapping[Status, Any] = {
    Status.POOR: pgettext_lazy("classification", "poor household"),
    Status.NEAR_POOR: pgettext_lazy("classification", "near-poor household"),
    Status.AVERAGE: pgettext_lazy("classification", "household with an average living standard"),
    Status.NOT_POOR: pgettext_lazy("classification", "not poor"),
}


class ClassificationError(ValueError):
    """Input the standard cannot classify. ``field`` names the input at fault (year, area, income, deprived)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class AreaLines:
    """The lines that apply to one area in one year. ``None``: the standard has no such line."""

    poor: int
    near_poor: int | None = None  # upper bound of the near-poor band (income-only standards)
    minimum_living: int | None = None  # minimum living standard (2016-2020)
    average: int | None = None  # upper bound of the average living standard
    mountain_island: bool = False  # the rural mountainous and island line was applied (2001-2005)


@dataclass(frozen=True)
class IncomeLines:
    """Income lines (VND per person per month) of a standard for the years ``year_from``..``year_to``."""

    year_from: int
    year_to: int
    poor_rural: int
    poor_urban: int
    near_poor_rural: int | None = None
    near_poor_urban: int | None = None
    minimum_living_rural: int | None = None
    minimum_living_urban: int | None = None
    average_rural: int | None = None
    average_urban: int | None = None
    # Decision 1143/2000/QĐ-LĐTBXH: a lower line for rural mountainous and island areas.
    poor_rural_mountain: int | None = None

    def covers(self, year: int) -> bool:
        return self.year_from <= year <= self.year_to

    def for_area(self, area: Area, *, mountain_island: bool = False) -> AreaLines:
        if area == Area.URBAN:
            return AreaLines(self.poor_urban, self.near_poor_urban, self.minimum_living_urban, self.average_urban)
        if mountain_island and self.poor_rural_mountain is not None:
            return AreaLines(self.poor_rural_mountain, mountain_island=True)
        return AreaLines(self.poor_rural, self.near_poor_rural, self.minimum_living_rural, self.average_rural)


@dataclass(frozen=True)
class IndicatorRule:
    """A deprivation indicator; ``thresholds`` are the facts that decide it (see ``standards.indicators``)."""

    code: str
    name_vi: str
    name_en: str
    dimension_code: str
    dimension_name_vi: str
    dimension_name_en: str = ""
    thresholds: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "thresholds", MappingProxyType(dict(self.thresholds)))

    @property
    def name(self) -> str:
        return self.name_vi if _speaks_vietnamese() else (self.name_en or self.name_vi)

    @property
    def dimension_name(self) -> str:
        return self.dimension_name_vi if _speaks_vietnamese() else (self.dimension_name_en or self.dimension_name_vi)


@dataclass(frozen=True)
class StandardRules:
    code: str
    name: str
    method: Method
    deprivation_cutoff: int | None
    year_from: int
    year_to: int
    lines: tuple[IncomeLines, ...]
    indicators: tuple[IndicatorRule, ...] = ()
    version: int = 1
    document: str = ""  # the legal basis, e.g. "07/2021/NĐ-CP"

    def __post_init__(self):
        object.__setattr__(self, "method", Method(self.method))
        object.__setattr__(self, "lines", tuple(self.lines))
        object.__setattr__(self, "indicators", tuple(self.indicators))

    @cached_property  # writes the instance's ``__dict__`` directly, which a frozen dataclass allows
    def indicator_codes(self) -> tuple[str, ...]:
        return tuple(indicator.code for indicator in self.indicators)

    @property
    def uses_deprivation(self) -> bool:
        return self.method != Method.INCOME_ONLY

    def indicator(self, code: str) -> IndicatorRule:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def lines_for(self, year: int, area: Area | str, *, mountain_island: bool = False) -> AreaLines:
        """The lines of ``area`` in ``year``; raises ``ClassificationError`` when the year has none."""
        area = _area(area)
        _check_year(self, year)
        for lines in self.lines:
            if lines.covers(year):
                return lines.for_area(area, mountain_island=mountain_island)
        raise ClassificationError(
            "year", gettext("Standard {code} has no income line for {year}.").format(code=self.code, year=year)
        )


@dataclass(frozen=True)
class Classification:
    status: Status
    deprived_count: int
    deprived: tuple[str, ...]
    explanation: tuple[str, ...]


def classify(
    rules: StandardRules,
    *,
    year: int,
    area: Area | str,
    income: int,
    deprived: Iterable[str] = (),
    mountain_island: bool = False,
    language: str | None = None,
) -> Classification:
    """Classify a household with ``income`` (VND per person per month) and the ``deprived`` indicator codes.

    ``mountain_island`` matters only under a standard with a separate line for rural mountainous and
    island areas (2001-2005). The explanation is written in ``language``, by default the active one (a large
    import reads the active language once and passes it: reading it costs as much as a classification).
    Raises ``ClassificationError`` for a year outside the standard, an unknown
    area, an income that is not a non-negative whole number, or an indicator the standard does not have.
    """
    if isinstance(income, bool) or not isinstance(income, int):
        raise ClassificationError("income", gettext("The income must be a whole number of VND."))
    if income < 0:
        raise ClassificationError("income", gettext("The income cannot be negative."))
    lines = rules.lines_for(year, area, mountain_island=mountain_island)
    codes = _deprived_codes(rules, deprived)
    text = _Explanation(
        rules,
        year=year,
        area=_area(area),
        income=income,
        mountain_island=lines.mountain_island,
        language=language or get_language(),
    )

    if rules.method == Method.INCOME_ONLY:
        status = _income_only(lines, income, text)
    elif rules.method == Method.INCOME_OR_DEPRIVATION:
        status = _income_or_deprivation(rules, lines, income, codes, text)
    else:
        status = _income_and_deprivation(rules, lines, income, codes, text)
    text.conclude(status)
    return Classification(status=status, deprived_count=len(codes), deprived=codes, explanation=tuple(text.lines))


def _income_only(lines: AreaLines, income: int, text: _Explanation) -> Status:
    # "từ X trở xuống" is poor; the near-poor band runs from above the poor line to its upper bound
    # (Decision 09/2011/QĐ-TTg, art. 1: "từ 401.000 đồng đến 520.000 đồng" is read as above 400.000đ).
    if income <= lines.poor:
        text.add(gettext_noop("income {income} ≤ poor line {poor} ({area}, {year})"), poor=lines.poor)
        return Status.POOR
    if lines.near_poor is not None and income <= lines.near_poor:
        text.add(
            gettext_noop("poor line {poor} < income {income} ≤ near-poor line {near_poor} ({area}, {year})"),
            poor=lines.poor,
            near_poor=lines.near_poor,
        )
        return Status.NEAR_POOR
    if lines.near_poor is not None:
        text.add(
            gettext_noop("income {income} > near-poor line {near_poor} ({area}, {year})"), near_poor=lines.near_poor
        )
    else:
        text.add(gettext_noop("income {income} > poor line {poor} ({area}, {year})"), poor=lines.poor)
    return Status.NOT_POOR


def _income_or_deprivation(
    rules: StandardRules, lines: AreaLines, income: int, codes: tuple[str, ...], text: _Explanation
) -> Status:
    # Decision 59/2015/QĐ-TTg, art. 2: poor at or below the poor line whatever the deprivations; above
    # it up to the minimum living standard, poor with at least 3 deprivations (the cut-off), near-poor
    # with fewer; above that up to the upper bound, average living standard.
    if income <= lines.poor:
        text.add(gettext_noop("income {income} ≤ poor line {poor} ({area}, {year})"), poor=lines.poor)
        return Status.POOR
    minimum = _required(lines.minimum_living, rules, "minimum living standard")
    if income <= minimum:
        text.add(
            gettext_noop("poor line {poor} < income {income} ≤ minimum living standard {minimum} ({area}, {year})"),
            poor=lines.poor,
            minimum=minimum,
        )
        return Status.POOR if text.deprivations(codes) else Status.NEAR_POOR
    if lines.average is not None and income <= lines.average:
        text.add(
            gettext_noop(
                "minimum living standard {minimum} < income {income} ≤ average living standard line {average} "
                "({area}, {year})"
            ),
            minimum=minimum,
            average=lines.average,
        )
        return Status.AVERAGE
    if lines.average is not None:
        text.add(
            gettext_noop("income {income} > average living standard line {average} ({area}, {year})"),
            average=lines.average,
        )
    else:
        text.add(gettext_noop("income {income} > minimum living standard {minimum} ({area}, {year})"), minimum=minimum)
    return Status.NOT_POOR


def _income_and_deprivation(
    rules: StandardRules, lines: AreaLines, income: int, codes: tuple[str, ...], text: _Explanation
) -> Status:
    # Decree 07/2021/NĐ-CP, art. 4 (and Decree 351/2025/NĐ-CP for 2026-2030): at or below the poor line,
    # poor with at least 3 deprivations (the cut-off), near-poor with fewer; above the poor line up to
    # the upper bound, average living standard.
    if income <= lines.poor:
        text.add(gettext_noop("income {income} ≤ poor line {poor} ({area}, {year})"), poor=lines.poor)
        return Status.POOR if text.deprivations(codes) else Status.NEAR_POOR
    if lines.average is not None and income <= lines.average:
        text.add(
            gettext_noop(
                "poor line {poor} < income {income} ≤ average living standard line {average} ({area}, {year})"
            ),
            poor=lines.poor,
            average=lines.average,
        )
        return Status.AVERAGE
    if lines.average is not None:
        text.add(
            gettext_noop("income {income} > average living standard line {average} ({area}, {year})"),
            average=lines.average,
        )
    else:
        text.add(gettext_noop("income {income} > poor line {poor} ({area}, {year})"), poor=lines.poor)
    return Status.NOT_POOR


class _Explanation:
    """Collects the sentences of an explanation, translated when written.

    The language is read once per classification, or given by the caller: reading it, and each ``gettext``,
    goes through Django's per-thread state, which costs more than the rest of ``classify`` in a large import.
    So the sentences are translated through ``Translated``, which keeps each translation by language."""

    def __init__(
        self, rules: StandardRules, *, year: int, area: Area, income: int, mountain_island: bool, language: str | None
    ):
        self.rules = rules
        self.lines: list[str] = []
        self.text = Translated(language)
        self.vietnamese = self.text.vietnamese
        self.context = {
            "income": _vnd(income, self.vietnamese),
            "area": self.text.area_label(area, mountain_island),
            "year": year,
        }

    def add(self, template: str, **amounts: int) -> None:
        # The template is a msgid marked with ``gettext_noop`` where it is written; translated here.
        money = {key: _vnd(value, self.vietnamese) for key, value in amounts.items()}
        self.lines.append(self.text.gettext(template).format(**self.context, **money))

    def deprivations(self, codes: tuple[str, ...]) -> bool:
        """Write the deprivation count against the cut-off; True when it reaches the cut-off."""
        cutoff = _required(self.rules.deprivation_cutoff, self.rules, "deprivation cut-off")
        vietnamese = self.vietnamese
        names = ", ".join(
            rule.name_vi if vietnamese else (rule.name_en or rule.name_vi)  # ``IndicatorRule.name``
            for rule in (self.rules.indicator(code) for code in codes)
        )
        values = {"count": len(codes), "total": len(self.rules.indicators), "cutoff": cutoff, "names": names}
        reached = len(codes) >= cutoff
        gettext = self.text.gettext
        if reached:
            template = gettext("deprived in {count} of {total} indicators, reaching the cut-off of {cutoff}: {names}")
        elif codes:
            template = gettext("deprived in {count} of {total} indicators, below the cut-off of {cutoff}: {names}")
        else:
            template = gettext("deprived in none of the {total} indicators, below the cut-off of {cutoff}")
        self.lines.append(template.format(**values))
        return reached

    def conclude(self, status: Status) -> None:
        label = self.text.status_label(status)
        gettext = self.text.gettext
        if self.rules.document:
            self.lines.append(
                gettext("result: {status} ({document})").format(status=label, document=self.rules.document)
            )
        else:
            self.lines.append(gettext("result: {status}").format(status=label))


class Translated:
    """Translations into one language, each looked up once per process: ``Translated(get_language())``
    then ``.gettext(msgid)`` is ``gettext(msgid)`` while that language is active, without the cost of
    Django's per-thread lookup on every call. Only for code that reads the active language itself, at the
    start of the work, so that the language cannot change in between."""

    _cache: dict[tuple[Any, ...], str] = {}

    __slots__ = ("language", "vietnamese")

    def __init__(self, language: str | None):
        self.language = language
        self.vietnamese = (language or "vi").startswith("vi")

    def gettext(self, message: str) -> str:
        key = (self.language, "", message)
        text = self._cache.get(key)
        if text is None:
            text = self._cache[key] = gettext(message)
        return text

    def pgettext(self, context: str, message: str) -> str:
        key = (self.language, context, message)
        text = self._cache.get(key)
        if text is None:
            text = self._cache[key] = pgettext(context, message)
        return text

    def choice_label(self, choices: type[TextChoices], value: str) -> str:
        """The label of a choice (the value itself when it is not one of them)."""
        key = (self.language, choices, value)
        text = self._cache.get(key)
        if text is None:
            try:
                text = str(choices(value).label)
            except ValueError:
                text = str(value)
            self._cache[key] = text
        return text

    def area_label(self, area: Area | str, mountain_island: bool = False) -> str:
        # As ``area_label``.
        area = Area(area)
        if area == Area.URBAN:
            return self.pgettext("area", "urban")
        if mountain_island:
            return self.pgettext("area", "rural, mountainous or island")
        return self.pgettext("area", "rural")

    def status_label(self, status: Status) -> str:
        key = (self.language, "status", status)
        text = self._cache.get(key)
        if text is None:
            text = self._cache[key] = str(STATUS_LABELS[status])
        return text


def format_vnd(amount: int) -> str:
    """Money as a commune officer writes it: ``1.500.000đ`` (English: ``1,500,000 VND``)."""
    return _vnd(amount, _speaks_vietnamese())


def _vnd(amount: int, vietnamese: bool) -> str:
    grouped = f"{amount:,}"
    if vietnamese:
        return grouped.replace(",", ".") + "đ"
    return f"{grouped} VND"


def area_label(area: Area | str, mountain_island: bool = False) -> str:
    area = Area(area)
    if area == Area.URBAN:
        return pgettext("area", "urban")
    return pgettext("area", "rural, mountainous or island") if mountain_island else pgettext("area", "rural")


def _speaks_vietnamese() -> bool:
    return (get_language() or "vi").startswith("vi")


def _area(area: Area | str) -> Area:
    try:
        return Area(area)
    except ValueError:
        raise ClassificationError(
            "area", gettext("Unknown area “{area}”: use “rural” or “urban”.").format(area=area)
        ) from None


def _check_year(rules: StandardRules, year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int):
        raise ClassificationError("year", gettext("The year must be a whole number."))
    if not rules.year_from <= year <= rules.year_to:
        raise ClassificationError(
            "year",
            gettext("The year {year} is outside the period {year_from}-{year_to} of standard {code}.").format(
                year=year, year_from=rules.year_from, year_to=rules.year_to, code=rules.code
            ),
        )


def _deprived_codes(rules: StandardRules, deprived: Iterable[str]) -> tuple[str, ...]:
    """The deprived codes without repeats, in the standard's order; unknown codes are an error."""
    if isinstance(deprived, str):
        deprived = [deprived]
    given = set(deprived)
    unknown = sorted(str(code) for code in given - set(rules.indicator_codes))
    if unknown:
        raise ClassificationError(
            "deprived",
            gettext("Standard {code} has no indicator {unknown}.").format(code=rules.code, unknown=", ".join(unknown)),
        )
    return tuple(code for code in rules.indicator_codes if code in given)


def _required(value: int | None, rules: StandardRules, what: str) -> int:
    # A standard whose rule needs a value its data lacks is a data error, not the caller's.
    if value is None:
        raise ValueError(f"Standard {rules.code} v{rules.version} has no {what}.")
    return value
