"""One definition of a report, many renderers: a report is titled tables of columns and rows (plain data).

Totals are always computed from the rows; rate columns are recomputed from their summed parts, never
averaged. ``reports.report_formats`` turns a ``Report`` into an HTML page, a PDF and an XLSX file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # "text"; "int" (a count); "rate" (a percentage, two decimals); "number" (a figure with a unit, whole numbers
    # without decimals); "date".
    kind: str = "int"
    group: str = ""  # a header over several adjacent columns, merged in print and in Excel
    # For a rate column: the keys of its numerator and denominator, so the total row recomputes it.
    rate_of: tuple[str, str] | None = None
    # The total is a sum only when every row has a value: a row without one (a commune with no resident
    # households entered) leaves the total, and the rates over it, empty rather than short.
    total_needs_all: bool = False
    # For a "number" column: the key of the row's unit of measure ("người", "%"), written after the figure.
    unit_key: str | None = None


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    total_label: str | None = None  # None: no total row
    notes: list[str] = field(default_factory=list)
    wide: bool = False  # print in landscape
    # Columns a row shows only when it starts a group (a household's code on its first member's row): the
    # spreadsheet repeats them on every row, so that a sorted or filtered row still says whose it is.
    fill_down: tuple[str, ...] = ()

    def totals(self) -> dict[str, Any] | None:
        if self.total_label is None:
            return None
        total: dict[str, Any] = {self.columns[0].key: self.total_label}
        for column in self.columns[1:]:
            if column.kind == "int":
                values = [row.get(column.key) for row in self.rows]
                missing = column.total_needs_all and (not values or None in values)
                total[column.key] = None if missing else sum(v or 0 for v in values)
        for column in self.columns:
            if column.kind == "rate" and column.rate_of:
                numerator, denominator = column.rate_of
                total[column.key] = percent(total.get(numerator, 0), total.get(denominator, 0))
        return total

    def header_rows(self) -> list[list[dict]]:
        """Two header rows when some columns are grouped: group cells span columns, the others span rows."""
        if not any(c.group for c in self.columns):
            return [[{"label": c.label, "colspan": 1, "rowspan": 1} for c in self.columns]]
        top: list[dict] = []
        bottom: list[dict] = []
        for column in self.columns:
            if not column.group:
                top.append({"label": column.label, "colspan": 1, "rowspan": 2})
            elif top and top[-1].get("group") == column.group:
                top[-1]["colspan"] += 1
                bottom.append({"label": column.label, "colspan": 1, "rowspan": 1})
            else:
                top.append({"label": column.group, "colspan": 1, "rowspan": 1, "group": column.group})
                bottom.append({"label": column.label, "colspan": 1, "rowspan": 1})
        return [top, bottom]


@dataclass
class Report:
    title: str
    subtitle: str = ""
    heading: Sequence[str] = ()  # the issuing body's lines, top left
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signature: Sequence[str] = ()  # the signer's titles ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    signer: str = ""  # the signer's name when the data knows it; empty: a blank line to sign on
    place: str = ""  # the issuing unit's name, for the place and date line (common.documents.place_name)
    dated: date | None = None  # the document's date; None: the day it is printed
    filename: str = "bao-cao"
    charts: list = field(default_factory=list)  # reports.charts.LineChart, drawn after the tables

    @property
    def wide(self) -> bool:
        return any(t.wide for t in self.tables)


def signature_titles() -> list[str]:
    """The titles over a report's signature: the chair signs on behalf of the People's Committee."""
    return [_("On behalf of the People's Committee"), _("Chair")]


def percent(part: int | None, whole: int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_value(value: Any, kind: str, *, vietnamese: bool = True, unit: str = "") -> str:
    """78.200 and 26,61 in Vietnamese; 78,200 and 26.61 in English. A count never shows decimals; a "number"
    shows only those it has, followed by its ``unit`` ("5.000 người", "2,5%")."""
    if value is None or value == "":
        return ""
    if kind == "date" and isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if kind == "int":
        text = f"{int(value):,}"
    elif kind == "rate":
        text = f"{Decimal(value):,.2f}"
    elif kind == "number":
        # Up to two decimals, trailing zeros dropped: 5.000, 2,5.
        text = f"{Decimal(str(value)):,.2f}".rstrip("0").rstrip(".")
    else:
        return str(value)
    if vietnamese:
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    if unit:
        # "15%" as offices write it; any other unit after a space.
        text = f"{text}{unit}" if unit == "%" else f"{text} {unit}"
    return text
