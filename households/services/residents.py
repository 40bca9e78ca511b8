"""Writes of the resident households and people per commune and year: one at a time, or a whole ``.xlsx``.

Only a user who may change a commune's data (``households.access.check_can_edit_unit``) sets its counts;
each change is kept in the history with who made it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from python_calamine import CalamineWorkbook

from households.access import check_can_edit_unit
from households.models import AdministrativeUnit, ResidentCount, UnitLevel
from households.selectors.rollup import year_end

if TYPE_CHECKING:
    from accounts.models import User

NOT_A_COMMUNE = gettext_lazy("Resident households are entered per commune.")


@transaction.atomic
def resident_count_set(
    *,
    user: User,
    commune: AdministrativeUnit,
    year: int,
    households: int,
    people: int,
    source: str = "",
) -> ResidentCount:
    """Set the resident households and people of ``commune`` in ``year`` (created or replaced).

    Raises ``ScopeError`` when the user may not change the commune, ``ValidationError`` with field errors
    when a figure is wrong or the commune did not exist at the end of the year (the figures of a year sit on
    the communes of that year: 2024 on the legacy communes, 2026 on the new ones).
    """
    check_can_edit_unit(user, commune)
    if commune.level != UnitLevel.COMMUNE:
        raise ValidationError({"commune": NOT_A_COMMUNE})
    if not commune.is_valid_on(year_end(year)):
        raise ValidationError(
            {"year": _("%(commune)s did not exist at the end of %(year)s.") % {"commune": commune.name, "year": year}}
        )
    count = ResidentCount.objects.select_for_update().filter(commune=commune, year=year).first()
    count = count or ResidentCount(commune=commune, year=year)
    count.households, count.people, count.source, count.entered_by = households, people, source, user
    count.full_clean(exclude=["commune", "entered_by"])
    if people is not None and households is not None and people < households:
        raise ValidationError({"people": _("Fewer people than households: each household has at least one person.")})
    count._change_reason = "resident_count_set"
    count.save()
    return count


# --- the .xlsx import ----------------------------------------------------------------------------------------

COLUMNS = ("code", "year", "households", "people")


@dataclass(frozen=True)
class ResidentRow:
    line: int
    code: str
    year: int
    households: int
    people: int


def _cell_error(line: int, column: str, message: str) -> ValidationError:
    return ValidationError(
        _("Row %(line)s, %(column)s: %(message)s"),
        code=column,
        params={"line": line, "column": column, "message": message},
    )


def _whole(value: Any) -> int:
    if isinstance(value, bool) or value is None or value == "":
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    if isinstance(value, int):
        return value
    # Whole numbers written as text, with Vietnamese (or English) thousands separators: "1.234", "1,234".
    text = str(value).strip().replace(".", "").replace(",", "").replace(" ", "").replace("\xa0", "")
    if not text.isdigit():
        raise ValueError(value)
    return int(text)


def parse_resident_sheet(source: str | IO[bytes]) -> tuple[list[ResidentRow], list[ValidationError]]:
    """The first sheet's rows: code, year, households, people; a first row that is not figures is a header.

    Returns the rows and the errors, one per row and column at fault.
    """
    workbook = CalamineWorkbook.from_filelike(source) if hasattr(source, "read") else CalamineWorkbook.from_path(source)
    sheet = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    rows: list[ResidentRow] = []
    errors: list[ValidationError] = []
    for line, cells in enumerate(sheet, start=1):
        cells = [*cells, *[None] * (len(COLUMNS) - len(cells))][: len(COLUMNS)]
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        if line == 1 and not _is_number(cells[1]):
            continue  # the header
        code = cells[0]
        code = str(int(code)) if isinstance(code, float) and code.is_integer() else str(code or "").strip()
        values: dict[str, int] = {}
        row_errors = []
        if not code:
            row_errors.append(_cell_error(line, "code", _("the commune's code is missing.")))
        for column, value in zip(COLUMNS[1:], cells[1:], strict=True):
            try:
                values[column] = _whole(value)
            except ValueError:
                row_errors.append(_cell_error(line, column, _("not a whole number.")))
        errors.extend(row_errors)
        if not row_errors:
            rows.append(ResidentRow(line, code.zfill(5) if code.isdigit() else code, **values))
    return rows, errors


def _is_number(value: Any) -> bool:
    try:
        _whole(value)
    except ValueError:
        return False
    return True


@transaction.atomic
def resident_counts_import(*, user: User, source: str | IO[bytes]) -> int:
    """Set the resident counts of every row of the workbook; all or nothing. Returns the number of rows.

    Raises ``ValidationError`` listing each row and column at fault (``params``: line, column): an unknown
    code, a commune outside the user's area, a figure that is not a whole number, a commune twice in a year.
    """
    rows, errors = parse_resident_sheet(source)
    communes = _communes_by_code(rows)
    seen: dict[tuple[int, int], int] = {}
    checked: list[tuple[ResidentRow, AdministrativeUnit]] = []
    for row in rows:
        commune = communes.get((row.code, row.year))
        if commune is None:
            message = _("no commune has the code %(code)s at the end of %(year)s.") % {
                "code": row.code,
                "year": row.year,
            }
            errors.append(_cell_error(row.line, "code", message))
            continue
        if (commune.pk, row.year) in seen:
            message = _("%(commune)s already has a row for %(year)s (row %(first)s).") % {
                "commune": commune.name,
                "year": row.year,
                "first": seen[(commune.pk, row.year)],
            }
            errors.append(_cell_error(row.line, "code", message))
            continue
        seen[(commune.pk, row.year)] = row.line
        checked.append((row, commune))
    saved = 0
    for row, commune in checked:
        try:
            resident_count_set(
                user=user,
                commune=commune,
                year=row.year,
                households=row.households,
                people=row.people,
                source=_("Imported from a workbook"),
            )
        except PermissionDenied as error:
            errors.append(_cell_error(row.line, "code", str(error)))
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                for message in messages:
                    errors.append(_cell_error(row.line, column if column in COLUMNS else "code", message))
        else:
            saved += 1
    if errors:
        errors.sort(key=lambda e: (e.params["line"], COLUMNS.index(e.code)))
        raise ValidationError(errors)
    if not saved:
        raise ValidationError(_("No rows of communes were found in the first sheet."))
    return saved


def _communes_by_code(rows: Sequence[ResidentRow]) -> dict[tuple[str, int], AdministrativeUnit]:
    """(code, year) → the commune with that code in force at the end of the year. One query.

    A merged commune often kept a predecessor's code (Xã Văn Lang kept Xã Lương Thượng's), so the year
    says which of the two is meant.
    """
    candidates = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, code__in={r.code for r in rows})
    by_code: dict[str, list[AdministrativeUnit]] = {}
    for commune in candidates:
        by_code.setdefault(commune.code, []).append(commune)
    found = {}
    for row in rows:
        for commune in by_code.get(row.code, ()):
            if commune.is_valid_on(year_end(row.year)):
                found[(row.code, row.year)] = commune
    return found
