"""Shaping statistics rows: plain counts in, rows with rates out (no database).

Rates are percentages rounded half-up to 2 decimals; totals are always sums of the parts.
"""

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

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
    """Why this combination cannot be answered, or None (in the active language)."""
    unknown = [g for g in group_by if g not in GROUP_BY_CHOICES]
    if unknown:
        return _("Unknown: %(unknown)s; use %(choices)s.") % {
            "unknown": ", ".join(unknown),
            "choices": ", ".join(GROUP_BY_CHOICES),
        }
    slices = [g for g in group_by if g in SLICE_DIMENSIONS]
    if len(slices) > 1:
        return _("%(dimensions)s cannot be combined: combine one of them with unit and status.") % {
            "dimensions": ", ".join(slices)
        }
    if len(set(group_by)) != len(group_by):
        return _("A dimension is repeated.")
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


def slice_row(counts: Mapping[str, int], people: int) -> dict:
    """A slice's (ethnicity, group, cause, transition) households by status and their shares of the slice's
    reviewed households. Resident households are not counted by slice: a slice has no official rate."""
    row = status_row(counts, people)
    for name in ("resident_households", "poor_rate", "near_poor_rate", "average_rate"):
        del row[name]
    return row


def part_row(households: int, people: int, *, reviewed: int, resident_households: int | None = None) -> dict:
    """One status of a unit or a slice, tidy: its households and people, its ``rate`` over the resident
    households (None without them, and for a slice) and its ``share`` of the ``reviewed`` households."""
    return {
        "households": households,
        "people": people,
        "rate": rate(households, resident_households),
        "share": rate(households, reviewed),
    }


def indicator_row(deprived: Mapping[str, int], totals: Mapping[str, int]) -> dict:
    """Households deprived in an indicator among poor and near-poor households, with their shares of them."""
    return {
        "deprived_poor": deprived.get("poor", 0),
        "deprived_near_poor": deprived.get("near_poor", 0),
        "deprived_poor_share": rate(deprived.get("poor", 0), totals.get("poor", 0)),
        "deprived_near_poor_share": rate(deprived.get("near_poor", 0), totals.get("near_poor", 0)),
    }


CHANGE_FIELDS = ("households", "poor", "near_poor", "average", "poor_rate", "near_poor_rate")
# What a compared year's row changes besides: a status's rate and share, an indicator's deprived households.
ROW_CHANGE_FIELDS = (*CHANGE_FIELDS, "rate", "share", "deprived_poor", "deprived_near_poor")


def change(current: Mapping, previous: Mapping | None, fields: Sequence[str] = CHANGE_FIELDS) -> dict:
    """The change of each count and rate (rates in percentage points) since the compared year."""
    result = {}
    for field in fields:
        now, before = current.get(field), (previous or {}).get(field)
        result[field] = None if now is None or before is None else now - before
    return result


# The measures of the long shape, in the order a unit's rows give them: every number a wide row can hold.
MEASURES = (
    "households",
    "people",
    "poor",
    "near_poor",
    "average",
    "not_poor",
    "resident_households",
    "poor_rate",
    "near_poor_rate",
    "average_rate",
    "poor_share",
    "near_poor_share",
    "average_share",
    "communes",
    "communes_reported",
    "registry_households",
    "reviews_approved",
    "deprived_poor",
    "deprived_near_poor",
    "deprived_poor_share",
    "deprived_near_poor_share",
)
# The dimension of a unit's own row in the long shape (its key is the same word); the slices are the others.
WHOLE = "all"


def long_rows(wide: Mapping, head: Mapping) -> list[dict]:
    """One wide row as tidy rows: ``head`` (unit, year, standard, dimension, key) with one ``measure`` and its
    ``value`` each, for every measure the row holds (a missing rate is a row whose value is None)."""
    return [{**head, "measure": measure, "value": wide[measure]} for measure in MEASURES if measure in wide]


def sum_counts(rows: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for row in rows:
        for key, value in row.items():
            total[key] = total.get(key, 0) + value
    return total
