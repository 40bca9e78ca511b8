"""Import of a target table from an ``.xlsx`` shaped like seed 002's table 1.

Columns: row number (STT), unit (Đơn vị), households, poor households, rate (%), planned reduction in
households, planned reduction (%); optionally near-poor households, near-poor rate (%), planned near-poor
reduction in households, near-poor reduction (%). Header rows above the data are skipped; a row whose
unit reads "Tổng"/"Total"/"Cộng" is the printed total. Numbers may be numbers or Vietnamese-formatted
text ("11.125", "2,88"). Units are matched by name among the units under the plan's unit.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from households.models import AdministrativeUnit, UnitLevel

from .models import Plan
from .plan_models import TARGET_ROW_FIGURES
from .plan_services import target_rows_replace

if TYPE_CHECKING:
    from accounts.models import User

TOTAL_LABELS = {"tong", "tong cong", "cong", "total", "toan tinh"}
ROW_FIELDS = TARGET_ROW_FIGURES
_PERCENT = {"poor_rate_printed", "reduction_pp_printed", "near_poor_rate_printed", "near_poor_reduction_pp_printed"}
TOTAL_FIELDS = {
    "households": "households",
    "poor_households": "poor_households",
    "poor_rate_printed": "poor_rate",
    "reduction_households": "reduction_households",
    "reduction_pp_printed": "reduction_pp",
    "near_poor_households": "near_poor_households",
    "near_poor_rate_printed": "near_poor_rate",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", str(text).strip().lower()).replace("đ", "d")
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Mn").split())


def parse_number(value: Any, *, percent: bool = False) -> int | Decimal | None:
    """A cell as a whole number (counts) or a decimal (percentages); Vietnamese text formatting accepted."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace(" ", "").replace("\xa0", "").replace("%", "")
        if not text:
            return None
        if percent:
            # "2,88" (Vietnamese: comma decimal, dot thousands) or "2.88".
            text = text.replace(".", "").replace(",", ".") if "," in text else text
        else:
            # Counts are whole numbers: "11.125" and "11,125" are both eleven thousand one hundred and 25.
            text = text.replace(".", "").replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(value) from None
    if percent:
        return number.quantize(Decimal("0.01"))
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


@dataclass(frozen=True)
class ParsedTable:
    rows: list[dict[str, Any]]  # with "unit_name" and the ROW_FIELDS
    total: dict[str, Any] | None


def parse_target_sheet(source: str | IO[bytes]) -> ParsedTable:
    """Read the first sheet. Raises ``ValidationError`` listing every cell that is not a number."""
    workbook = CalamineWorkbook.from_filelike(source) if hasattr(source, "read") else CalamineWorkbook.from_path(source)
    sheet = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    rows: list[dict[str, Any]] = []
    total = None
    errors = []
    for line, cells in enumerate(sheet, start=1):
        cells = list(cells) + [None] * (11 - len(cells))
        name = str(cells[1] or "").strip()
        number = cells[0]
        is_total = _fold(name) in TOTAL_LABELS
        # A unit row carries its row number (STT); header rows and sub-headings do not.
        is_unit = bool(name) and (
            (isinstance(number, int | float) and not isinstance(number, bool)) or str(number or "").strip().isdigit()
        )
        if not (is_unit or is_total):
            continue
        parsed: dict[str, Any] = {}
        try:
            for field, value in zip(ROW_FIELDS, cells[2:11], strict=True):
                parsed[field] = parse_number(value, percent=field in _PERCENT)
        except ValueError:
            errors.append(_("Line %(line)s: a figure is not a number.") % {"line": line})
            continue
        if is_total:
            total = {TOTAL_FIELDS[k]: v for k, v in parsed.items() if k in TOTAL_FIELDS}
            continue
        missing = [f for f in ("households", "poor_households", "reduction_households") if parsed[f] is None]
        if missing:
            errors.append(
                _("Line %(line)s: households, poor households and the reduction are needed.") % {"line": line}
            )
            continue
        rows.append({"unit_name": name, "line": line, **parsed})
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("No rows of units were found in the first sheet."))
    return ParsedTable(rows, total)


def _match_units(plan: Plan, names: list[str], on: datetime.date) -> dict[str, AdministrativeUnit]:
    candidates = (
        AdministrativeUnit.objects.valid_on(on)
        .filter(level__in=[UnitLevel.DISTRICT, UnitLevel.COMMUNE])
        .filter(Q(parent=plan.unit) | Q(parent__parent=plan.unit))
    )
    by_name: dict[str, list[AdministrativeUnit]] = {}
    for unit in candidates:
        for key in {_fold(unit.name), _fold(unit.short_name)}:
            by_name.setdefault(key, []).append(unit)
    found, errors = {}, []
    for name in names:
        matches = by_name.get(_fold(name), [])
        if len(matches) == 1:
            found[name] = matches[0]
        elif not matches:
            errors.append(_("Unknown unit under %(parent)s: %(name)s.") % {"parent": plan.unit, "name": name})
        else:
            errors.append(_("More than one unit is called %(name)s.") % {"name": name})
    if errors:
        raise ValidationError(errors)
    return found


def target_table_import(*, user: User | None, plan: Plan, year: int, source: str | IO[bytes]) -> int:
    """Replace the plan's target table of ``year`` with the workbook's rows. Returns the number of rows."""
    table = parse_target_sheet(source)
    # The units as they were at the end of the baseline year (legacy districts for seed 002).
    on = datetime.date(plan.baseline_year, 12, 31)
    units = _match_units(plan, [r["unit_name"] for r in table.rows], on)
    rows = [{"unit": units[r["unit_name"]], **{k: v for k, v in r.items() if k in ROW_FIELDS}} for r in table.rows]
    target_rows_replace(user=user, plan=plan, year=year, rows=rows, printed_total=table.total)
    return len(rows)
