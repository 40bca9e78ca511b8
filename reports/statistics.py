"""Shaping statistics rows: plain counts in, rows with rates out (no database).

Rates are percentages rounded half-up to 2 decimals; totals are always sums of the parts.
"""

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

STATUSES = ("poor", "near_poor", "average", "not_poor")
# At most one of these besides "unit" and "status": the aggregate cells hold one slice dimension at a time.
SLICE_DIMENSIONS = ("ethnicity", "group", "cause", "transition", "indicator")
GROUP_BY_CHOICES = ("unit", "status", *SLICE_DIMENSIONS)


def rate(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` with 2 decimals; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def check_group_by(group_by: Sequence[str]) -> str | None:
    """Why this combination cannot be answered, or None."""
    unknown = [g for g in group_by if g not in GROUP_BY_CHOICES]
    if unknown:
        return f"unknown: {', '.join(unknown)}; use {', '.join(GROUP_BY_CHOICES)}"
    slices = [g for g in group_by if g in SLICE_DIMENSIONS]
    if len(slices) > 1:
        return f"{' and '.join(slices)} cannot be combined; combine one of them with unit and status"
    if len(set(group_by)) != len(group_by):
        return "a dimension is repeated"
    return None


def status_row(counts: Mapping[str, int], people: int | None = None, *, resident_households: int | None = None) -> dict:
    """Households reviewed, poor, near-poor, average, and their rates from counts by status.

    The rates (``poor_rate``…) are over the resident households (Decision 24/2021/QĐ-TTg, art. 4: the
    reviewed households are not the population) and are None without them; the shares (``poor_share``…) are
    of the households reviewed.
    """
    households = sum(counts.values())
    row = {
        "households": households,
        "poor": counts.get("poor", 0),
        "near_poor": counts.get("near_poor", 0),
        "average": counts.get("average", 0),
        "not_poor": counts.get("not_poor", 0),
        "resident_households": resident_households,
    }
    for status in ("poor", "near_poor", "average"):
        row[f"{status}_rate"] = rate(row[status], resident_households)
        row[f"{status}_share"] = rate(row[status], households)
    if people is not None:
        row["people"] = people
    return row


def indicator_row(deprived: Mapping[str, int], totals: Mapping[str, int]) -> dict:
    """Households deprived in an indicator among poor and near-poor households, with shares."""
    row = status_row(totals)
    row.update(
        {
            "deprived_poor": deprived.get("poor", 0),
            "deprived_near_poor": deprived.get("near_poor", 0),
            "deprived_poor_share": rate(deprived.get("poor", 0), totals.get("poor", 0)),
            "deprived_near_poor_share": rate(deprived.get("near_poor", 0), totals.get("near_poor", 0)),
        }
    )
    return row


CHANGE_FIELDS = ("households", "poor", "near_poor", "average", "poor_rate", "near_poor_rate")


def change(current: Mapping, previous: Mapping | None) -> dict:
    """The change of each count and rate (rates in percentage points) since the compared year."""
    result = {}
    for field in CHANGE_FIELDS:
        now, before = current.get(field), (previous or {}).get(field)
        result[field] = None if now is None or before is None else now - before
    return result


def sum_counts(rows: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for row in rows:
        for key, value in row.items():
            total[key] = total.get(key, 0) + value
    return total
