"""Pure rules of targets and progress: rates, totals against printed figures, verdicts, projection, bands.

Plain data in, plain data out; no database. The selectors (``programmes.selectors``) feed these with
counts aggregated from approved reviews, and reports, the API and the pages show what they return.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from households.rates import CENT, HUNDRED, OfficialRates, rate


def difference(printed: Decimal | int | None, computed: Decimal | int | None) -> Decimal | int | None:
    """Printed minus computed; ``None`` when the document printed nothing (or nothing could be computed)."""
    if printed is None or computed is None:
        return None
    return printed - computed


@dataclass(frozen=True)
class TargetFigures:
    """The figures of one target-table row (or of nothing but the parts, for a total)."""

    households: int
    poor: int
    reduction: int
    near_poor: int | None = None
    near_poor_reduction: int | None = None

    @property
    def poor_rate(self) -> Decimal | None:
        return rate(self.poor, self.households)

    @property
    def reduction_pp(self) -> Decimal | None:
        return rate(self.reduction, self.households)

    @property
    def near_poor_rate(self) -> Decimal | None:
        return rate(self.near_poor, self.households)

    @property
    def near_poor_reduction_pp(self) -> Decimal | None:
        return rate(self.near_poor_reduction, self.households)

    @property
    def target_poor(self) -> int:
        return self.poor - self.reduction

    @property
    def target_rate(self) -> Decimal | None:
        return rate(self.target_poor, self.households)


def total(rows: Iterable[TargetFigures]) -> TargetFigures:
    """The sum of the rows; a near-poor figure is summed only when every row has it."""
    rows = list(rows)

    def optional(name: str) -> int | None:
        values = [getattr(r, name) for r in rows]
        return None if not values or any(v is None for v in values) else sum(values)

    return TargetFigures(
        households=sum(r.households for r in rows),
        poor=sum(r.poor for r in rows),
        reduction=sum(r.reduction for r in rows),
        near_poor=optional("near_poor"),
        near_poor_reduction=optional("near_poor_reduction"),
    )


@dataclass(frozen=True)
class Check:
    """A computed figure beside the printed one."""

    name: str
    computed: Decimal | int | None
    printed: Decimal | int | None

    @property
    def difference(self) -> Decimal | int | None:
        return difference(self.printed, self.computed)

    @property
    def differs(self) -> bool:
        return bool(self.difference)


def total_checks(computed: TargetFigures, printed: dict[str, Decimal | int | None]) -> list[Check]:
    """Compare a computed total with the printed total row (keys as in ``CHECKED_FIGURES``)."""
    values = {
        "households": computed.households,
        "poor": computed.poor,
        "poor_rate": computed.poor_rate,
        "reduction": computed.reduction,
        "reduction_pp": computed.reduction_pp,
        "near_poor": computed.near_poor,
        "near_poor_rate": computed.near_poor_rate,
    }
    return [Check(name, values[name], printed.get(name)) for name in CHECKED_FIGURES]


CHECKED_FIGURES = ("households", "poor", "poor_rate", "reduction", "reduction_pp", "near_poor", "near_poor_rate")


class Comparison(StrEnum):
    """How a goal's wording compares a value with its target.

    Vietnamese legal drafting reads "dưới" (below) and "trên" (above) as excluding the figure itself, and
    "không quá"/"tối đa" (not more than), "ít nhất"/"tối thiểu" (at least) and "đạt" (reaching) as including
    it. The seeds use the words so: seed 000 bands communes "từ 20% đến dưới 25%" next to "từ 25% đến 40%"
    (25% is not "dưới 25%") and sets "dưới 15% vào cuối năm 2010", "trên 3%/năm"; seed 003 sets "dưới 2,5%",
    "trên 80%" and "từ 1,0% trở lên" (1,0% itself is enough).
    """

    BELOW = "below"  # dưới: strictly below
    AT_MOST = "at_most"  # không quá, tối đa, từ … trở xuống: the target itself is reached
    ABOVE = "above"  # trên: strictly above
    AT_LEAST = "at_least"  # ít nhất, tối thiểu, đạt, từ … trở lên: the target itself is reached

    @property
    def ceiling(self) -> bool:
        """True for the wordings that keep a value down ("dưới", "không quá")."""
        return self in (Comparison.BELOW, Comparison.AT_MOST)


def meets(value: Decimal | int, target: Decimal | int, comparison: Comparison | str) -> bool:
    """Whether ``value`` satisfies "``comparison`` ``target``": the one reading of a goal's wording."""
    value, target = Decimal(value), Decimal(target)
    match Comparison(comparison):
        case Comparison.BELOW:
            return value < target
        case Comparison.AT_MOST:
            return value <= target
        case Comparison.ABOVE:
            return value > target
        case Comparison.AT_LEAST:
            return value >= target


# The words of each comparison as the documents write them, lower case (NFC). Longer phrases first, so that
# "không dưới" (not below: at least) is not read as "dưới". "đạt" counts only before a figure ("đạt 95%"),
# never in "đạt kết quả".
_WORDS_BEFORE: tuple[tuple[str, Comparison], ...] = (
    ("không vượt quá", Comparison.AT_MOST),
    ("không quá", Comparison.AT_MOST),
    ("không trên", Comparison.AT_MOST),
    ("tối đa", Comparison.AT_MOST),
    ("không dưới", Comparison.AT_LEAST),
    ("ít nhất", Comparison.AT_LEAST),
    ("tối thiểu", Comparison.AT_LEAST),
    ("đạt", Comparison.AT_LEAST),
    ("dưới", Comparison.BELOW),
    ("trên", Comparison.ABOVE),
)
_WORDS_AFTER: tuple[tuple[str, Comparison], ...] = (
    ("trở lên", Comparison.AT_LEAST),  # "từ 1,0% trở lên" (seed 003)
    ("trở xuống", Comparison.AT_MOST),  # "từ 2% trở xuống" (seed 000)
)
_NUMBER = r"(\d+(?:[.,]\d+)*)"
_FILLER = r"(?:\s+(?:mức|là|còn))*"
_BEFORE = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w, _ in _WORDS_BEFORE) + r")" + _FILLER + r"\s*" + _NUMBER)
_AFTER = re.compile(_NUMBER + r"[^\d;.]{0,20}?(?<!\w)(" + "|".join(re.escape(w) for w, _ in _WORDS_AFTER) + r")(?!\w)")


def parse_figure(text: str) -> Decimal | None:
    """A figure as the documents print it ("2,5", "96.5", "1.000" for a thousand); None when it is not one."""
    text = text.strip()
    if not re.fullmatch(_NUMBER, text):
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        text = text.replace(".", "")
    try:
        return Decimal(text)
    except ArithmeticError:  # "1.2.3"
        return None


def comparison_in(text: str, target: Decimal | int | None = None) -> Comparison | None:
    """The comparison a goal's text states for its figure ("dưới 10%" → below), or None when it states none.

    Where the text compares several figures ("Trên 80% số xã … có tỷ lệ hộ nghèo dưới 5%"), the one equal
    to ``target`` decides; None when the words found still disagree.
    """
    text = unicodedata.normalize("NFC", text).lower()
    words = dict(_WORDS_BEFORE) | dict(_WORDS_AFTER)
    found = [(words[m.group(1)], parse_figure(m.group(2))) for m in _BEFORE.finditer(text)]
    found += [(words[m.group(2)], parse_figure(m.group(1))) for m in _AFTER.finditer(text)]
    if target is not None:
        about_target = [f for f in found if f[1] is not None and f[1] == Decimal(target)]
        found = about_target or found
    kinds = {comparison for comparison, _ in found}
    return kinds.pop() if len(kinds) == 1 else None


class Verdict(StrEnum):
    REACHED = "reached"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    # How far the actual is from the target (0 when reached), in the target's unit. A strict goal ("dưới",
    # "trên") met exactly is behind with a gap of 0: the target itself is not enough.
    gap: Decimal | None


def judge(
    *,
    target: Decimal | int | None,
    actual: Decimal | int | None,
    comparison: Comparison | str = Comparison.AT_LEAST,
    at_most: bool = False,
    expected: Decimal | int | None = None,
) -> Judgement:
    """Reached when ``actual`` meets ``target`` under ``comparison``; otherwise on track when it meets
    ``expected`` the same way (where the unit should be by now, for a goal not yet due); otherwise behind.

    ``at_most=True`` is short for ``comparison=Comparison.AT_MOST`` (a planned rate of the target table is
    reached at the planned figure). The gap is what is still missing to the target, never negative.
    """
    if target is None or actual is None:
        return Judgement(Verdict.NO_DATA, None)
    comparison = Comparison.AT_MOST if at_most else Comparison(comparison)
    target, actual = Decimal(target), Decimal(actual)
    if meets(actual, target, comparison):
        return Judgement(Verdict.REACHED, Decimal(0))
    gap = max((actual - target) if comparison.ceiling else (target - actual), Decimal(0))
    if expected is not None and meets(actual, expected, comparison):
        return Judgement(Verdict.ON_TRACK, gap)
    return Judgement(Verdict.BEHIND, gap)


@dataclass(frozen=True)
class Counts(OfficialRates):
    """Households reviewed and approved, how many of them were poor and near-poor, and the resident households
    the rates are over (Decision 24/2021/QĐ-TTg, art. 4: only listed and applying households are reviewed).

    ``resident_households`` is None when a commune of the unit has no resident count: then there is no rate,
    and ``notes`` say why. Coverage: ``communes_reported`` of ``communes`` have approved reviews in the year.
    """

    households: int
    poor: int
    near_poor: int
    resident_households: int | None = None
    # Coverage and notes say how far the figures go; two counts are equal when their figures are.
    communes: int = field(default=0, compare=False)
    communes_reported: int = field(default=0, compare=False)
    notes: tuple[str, ...] = field(default=(), compare=False)


def add_counts(parts: Sequence[Counts]) -> Counts:
    """The sum of several units' counts; resident households only when every part has them."""
    residents = [p.resident_households for p in parts]
    return Counts(
        households=sum(p.households for p in parts),
        poor=sum(p.poor for p in parts),
        near_poor=sum(p.near_poor for p in parts),
        resident_households=None if not parts or None in residents else sum(residents),
        communes=sum(p.communes for p in parts),
        communes_reported=sum(p.communes_reported for p in parts),
        notes=tuple(dict.fromkeys(n for p in parts for n in p.notes)),
    )


EMPTY = Counts(0, 0, 0)


@dataclass(frozen=True)
class RowProgress:
    """Progress of one target row: the actual reduction since the start against the planned one."""

    target: TargetFigures
    actual: Counts | None
    reduction_households: int | None  # poor at the start − poor now
    reduction_pp: Decimal | None  # rate at the start − rate now
    households: Judgement
    pp: Judgement
    near_poor_reduction_households: int | None
    near_poor: Judgement


def row_progress(target: TargetFigures, actual: Counts | None) -> RowProgress:
    """The actual reduction of a row against its target, in households and in percentage points.

    The year's review is final once approved, so a target row is reached or behind (never "on track").
    """
    if actual is None or not actual.households:
        none = Judgement(Verdict.NO_DATA, None)
        return RowProgress(target, None, None, None, none, none, None, none)
    reduction = target.poor - actual.poor
    start_rate, now_rate = target.poor_rate, actual.poor_rate
    pp = start_rate - now_rate if start_rate is not None and now_rate is not None else None
    near_reduction = None if target.near_poor is None else target.near_poor - actual.near_poor
    return RowProgress(
        target=target,
        actual=actual,
        reduction_households=reduction,
        reduction_pp=pp,
        households=judge(target=target.reduction, actual=reduction),
        pp=judge(target=target.reduction_pp, actual=pp),
        near_poor_reduction_households=near_reduction,
        near_poor=judge(target=target.near_poor_reduction, actual=near_reduction),
    )


def expected_share(*, year: int, first_year: int, last_year: int) -> Decimal:
    """The share of a period goal due by the end of ``year`` if progress were even (1 at the last year)."""
    if year >= last_year:
        return Decimal(1)
    if year < first_year:
        return Decimal(0)
    return Decimal(year - first_year + 1) / Decimal(last_year - first_year + 1)


@dataclass(frozen=True)
class Projection:
    year: int
    rate: Decimal | None
    slope: Decimal | None  # percentage points per year (negative: falling)
    method: str  # in English; the pages translate the method name
    points: tuple[tuple[int, Decimal], ...]


PROJECTION_METHOD = "linear least-squares trend of the yearly rates"


def project_rate(points: Sequence[tuple[int, Decimal | None]], *, year: int) -> Projection:
    """The rate expected in ``year`` if the yearly rates so far keep their linear trend.

    Least squares over every year with a rate; never below 0 or above 100. Needs two years.
    """
    known = tuple(sorted((y, Decimal(r)) for y, r in points if r is not None))
    if len(known) < 2:
        return Projection(year, None, None, PROJECTION_METHOD, known)
    n = Decimal(len(known))
    mean_x = sum(Decimal(y) for y, _ in known) / n
    mean_y = sum(r for _, r in known) / n
    sxx = sum((Decimal(y) - mean_x) ** 2 for y, _ in known)
    sxy = sum((Decimal(y) - mean_x) * (r - mean_y) for y, r in known)
    slope = sxy / sxx
    value = mean_y + slope * (Decimal(year) - mean_x)
    value = min(max(value, Decimal(0)), HUNDRED)
    return Projection(
        year,
        value.quantize(CENT, rounding=ROUND_HALF_UP),
        slope.quantize(CENT, ROUND_HALF_UP),
        PROJECTION_METHOD,
        known,
    )


@dataclass(frozen=True)
class Band:
    label: str
    minimum: Decimal | None  # None: everything below the other bands
    minimum_inclusive: bool = True

    def contains_from_below(self, value: Decimal) -> bool:
        if self.minimum is None:
            return True
        return value >= self.minimum if self.minimum_inclusive else value > self.minimum


# Seed 000 (Bắc Giang 2006): "trên 40%; từ 25% đến 40%; từ 20% đến dưới 25%; từ 10% đến dưới 20%;
# trên 2% đến dưới 10%; từ 2% trở xuống".
DEFAULT_BANDS: tuple[Band, ...] = (
    Band(">40%", Decimal(40), minimum_inclusive=False),
    Band("25–40%", Decimal(25)),
    Band("20–25%", Decimal(20)),
    Band("10–20%", Decimal(10)),
    Band("2–10%", Decimal(2), minimum_inclusive=False),
    Band("≤2%", None),
)


def band_for(value: Decimal | None, bands: Sequence[Band] = DEFAULT_BANDS) -> Band | None:
    """The band of a rate: the first, from the highest, whose lower bound the rate passes."""
    if value is None:
        return None
    ordered = sorted(bands, key=lambda b: (b.minimum is None, -(b.minimum or 0), not b.minimum_inclusive))
    for band in ordered:
        if band.contains_from_below(Decimal(value)):
            return band
    return None
