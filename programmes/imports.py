"""Import of a target table from an ``.xlsx`` shaped like seed 002's table 1.

Columns: row number (STT), unit (Đơn vị), households, poor households, rate (%), planned reduction in
households, planned reduction (%); optionally near-poor households, near-poor rate (%), planned near-poor
reduction in households, near-poor reduction (%). Header rows above the data are skipped; a row whose
unit reads "Tổng"/"Total"/"Cộng" is the printed total. Numbers may be numbers or Vietnamese-formatted
text ("11.125", "2,88"). Units are matched by name among the units under the plan's unit.

Import of a plan's goals (``goals_import``) from an ``.xlsx`` with one goal a row, under any header rows:
A row number (STT), B description (Nội dung), C kind (a code such as ``end_rate`` or its label), D target
("10", "2,5" or a range "2-2,5"), E unit of measure, F year (empty: every year), G comparison (optional).
The comparison is what the goal's words say: column G in the plan's words ("dưới", "không quá", "trên",
"ít nhất", "đạt" …), a code (``below`` …) or a sign (<, ≤, >, ≥); else the description's own word ("dưới
10%" → below). A word that is none of these, or a column G that contradicts the description, is an error of
that line and column. A goal whose text states no comparison is a figure to reach (at least), or for a
poverty rate at the end of the period a ceiling (not more than).
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import translation
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from households.models import AdministrativeUnit, UnitLevel

from .models import TARGET_ROW_FIGURES, Direction, GoalKind, Plan, PlanGoal
from .progress import Comparison, comparison_in, parse_figure
from .services import goal_create, target_rows_replace

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


# --- goals -------------------------------------------------------------------------------------------

# Column G of a goal sheet: the plan's words (Vietnamese legal drafting, see progress.Comparison), the codes
# and the signs. Matched in lower case; the Vietnamese words with their diacritics only ("dat" is not "đạt").
COMPARISON_WORDS: dict[str, Comparison] = {
    "dưới": Comparison.BELOW,
    "<": Comparison.BELOW,
    "không quá": Comparison.AT_MOST,
    "không vượt quá": Comparison.AT_MOST,
    "tối đa": Comparison.AT_MOST,
    "trở xuống": Comparison.AT_MOST,
    "≤": Comparison.AT_MOST,
    "<=": Comparison.AT_MOST,
    "trên": Comparison.ABOVE,
    ">": Comparison.ABOVE,
    "ít nhất": Comparison.AT_LEAST,
    "tối thiểu": Comparison.AT_LEAST,
    "không dưới": Comparison.AT_LEAST,
    "đạt": Comparison.AT_LEAST,
    "trở lên": Comparison.AT_LEAST,
    "≥": Comparison.AT_LEAST,
    ">=": Comparison.AT_LEAST,
    **{c.value: c for c in Comparison},
}
GOAL_COLUMNS = ("description", "kind", "target", "unit_of_measure", "year", "direction")  # B to G


def _column(field: str) -> str:
    return "BCDEFG"[GOAL_COLUMNS.index(field)]


def comparison_word(value: str) -> Comparison | None:
    """Column G's word as a comparison; None when it is none of ``COMPARISON_WORDS``."""
    return COMPARISON_WORDS.get(" ".join(unicodedata.normalize("NFC", value).lower().split()))


def _kind(value: str) -> GoalKind | None:
    wanted = _fold(value)
    for kind in GoalKind:
        names = {_fold(kind.value)}
        for language in ("vi", "en"):
            with translation.override(language):
                names.add(_fold(str(kind.label)))
        if wanted in names:
            return kind
    return None


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _target(value: Any) -> tuple[Decimal, Decimal | None] | None:
    """A target cell: a number, or a range "2-2,5" (low, high); None when it is neither."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value)), None
    text = _cell_text(value).replace("%", "").replace("\xa0", " ")
    ends = [parse_figure(part) for part in text.replace("–", "-").split("-")]
    if not 1 <= len(ends) <= 2 or None in ends:
        return None
    return ends[0], (ends[1] if len(ends) == 2 else None)


def _cell_error(line: int, field: str, message: str) -> str:
    return _("Line %(line)s, column %(column)s (%(name)s): %(message)s") % {
        "line": line,
        "column": _column(field),
        "name": PlanGoal._meta.get_field("target_low" if field == "target" else field).verbose_name,
        "message": message,
    }


def _goal_row(line: int, cells: list[Any]) -> tuple[dict[str, Any], list[str]]:
    """One sheet row as the values of a goal, and the errors of its cells."""
    raw = dict(zip(GOAL_COLUMNS, cells[1:7], strict=True))
    values: dict[str, Any] = {}
    errors: list[str] = []
    values["description"] = _cell_text(raw["description"])
    if not values["description"]:
        errors.append(_cell_error(line, "description", _("the goal has no description.")))
    kind = _kind(_cell_text(raw["kind"]))
    if kind is None:
        message = _("“%(value)s” is not a kind of goal.") % {"value": _cell_text(raw["kind"])}
        errors.append(_cell_error(line, "kind", message))
    target = _target(raw["target"])
    if target is None:
        message = _("“%(value)s” is not a number or a range.") % {"value": _cell_text(raw["target"])}
        errors.append(_cell_error(line, "target", message))
    else:
        values["target_low"], values["target_high"] = target
    values["unit_of_measure"] = _cell_text(raw["unit_of_measure"])
    year = _cell_text(raw["year"])
    values["year"] = int(year) if year.isdigit() else None
    if year and values["year"] is None:
        errors.append(_cell_error(line, "year", _("“%(value)s” is not a year.") % {"value": year}))
    stated = comparison_in(values["description"], target[0] if target else None)
    written = _cell_text(raw["direction"])
    chosen = comparison_word(written) if written else None
    if written and chosen is None:
        errors.append(
            _cell_error(
                line,
                "direction",
                _("“%(value)s” is not a comparison; write one of: %(words)s.")
                % {"value": written, "words": ", ".join(str(d.label) for d in Direction)},
            )
        )
    elif chosen is not None and stated is not None and chosen != stated:
        errors.append(
            _cell_error(
                line,
                "direction",
                _("“%(value)s” contradicts the description, which says “%(stated)s”.")
                % {"value": written, "stated": Direction(stated).label},
            )
        )
    if kind is not None:
        values["kind"] = kind
        # No word at all: a figure to reach, or for the rate at the end a ceiling (see the module's notes).
        fallback = Comparison.AT_MOST if kind == GoalKind.END_RATE else Comparison.AT_LEAST
        values["direction"] = Direction(chosen or stated or fallback)
    return values, errors


def parse_goal_sheet(source: str | IO[bytes]) -> list[dict[str, Any]]:
    """The goals of the first sheet, each with its ``line``. Raises ``ValidationError`` listing every bad cell."""
    workbook = CalamineWorkbook.from_filelike(source) if hasattr(source, "read") else CalamineWorkbook.from_path(source)
    sheet = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    goals: list[dict[str, Any]] = []
    errors: list[str] = []
    for line, cells in enumerate(sheet, start=1):
        cells = list(cells) + [None] * (7 - len(cells))
        number = cells[0]
        # A goal row carries its row number (STT); header rows do not.
        if not ((isinstance(number, int | float) and not isinstance(number, bool)) or _cell_text(number).isdigit()):
            continue
        values, row_errors = _goal_row(line, cells)
        errors += row_errors
        goals.append({"line": line, **values})
    if errors:
        raise ValidationError(errors)
    if not goals:
        raise ValidationError(_("No goals were found in the first sheet."))
    return goals


@transaction.atomic
def goals_import(*, user: User | None, plan: Plan, source: str | IO[bytes]) -> int:
    """Add the workbook's goals to the plan, after its goals. Returns the number of goals added.

    Every row is checked before any is saved; a row the goal's own rules refuse (an end-of-period rate that
    is not a ceiling, an upper end below the target) is reported with its line.
    """
    goals = parse_goal_sheet(source)
    errors = []
    for goal in goals:
        values = {k: v for k, v in goal.items() if k != "line"}
        try:
            PlanGoal(plan=plan, **values).full_clean()
        except ValidationError as error:
            errors += [_("Line %(line)s: %(error)s") % {"line": goal["line"], "error": m} for m in error.messages]
    if errors:
        raise ValidationError(errors)
    start = plan.goals.aggregate(last=Max("order"))["last"] or 0
    for order, goal in enumerate(goals, start=start + 1):
        goal_create(user=user, plan=plan, order=order, **{k: v for k, v in goal.items() if k != "line"})
    return len(goals)
