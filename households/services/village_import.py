"""Import of a list of villages from an ``.xlsx``: one row a village, all rows or none.

Columns, by their header in the first row (Vietnamese or English): commune code (Mã xã), village name
(Tên thôn), kind (Loại: Thôn, Bản, Tổ dân phố), optional village code (Mã thôn) and first day (Từ ngày,
a date or dd/mm/yyyy). A village already in force in its commune under that name is left as it is, so
the same file can be imported twice.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from households.errors import ScopeError
from households.models import AdministrativeUnit, UnitLevel, UnitType

from .villages import village_create

if TYPE_CHECKING:
    from accounts.models import User


def _fold(text: Any) -> str:
    text = unicodedata.normalize("NFD", str(text or "").strip().lower()).replace("đ", "d")
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Mn").split())


HEADERS = {
    "commune": {"ma xa", "ma don vi", "commune code", "commune"},
    "name": {"ten thon", "thon", "ten thon, to dan pho", "village", "village name"},
    "unit_type": {"loai", "kind", "type"},
    "code": {"ma thon", "village code"},
    "valid_from": {"tu ngay", "from", "valid from"},
}
TYPES = {_fold(t.label): t.value for t in (UnitType.THON, UnitType.BAN, UnitType.TO_DAN_PHO)} | {
    "village": UnitType.THON,
    "to": UnitType.TO_DAN_PHO,
    "xom": UnitType.THON,
}
COLUMN_LABELS = {
    "commune": "Mã xã",
    "name": "Tên thôn",
    "unit_type": "Loại",
    "code": "Mã thôn",
    "valid_from": "Từ ngày",
}


@dataclass
class VillageImportResult:
    created: int
    unchanged: int


def _date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.datetime.strptime(str(value).strip(), "%d/%m/%Y").date()


def _rows(file: IO[bytes]) -> tuple[dict[str, int], list[tuple[int, list[Any]]]]:
    try:
        sheet = CalamineWorkbook.from_filelike(file).get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as error:
        raise ValidationError(_("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": error}) from None
    if not sheet:
        raise ValidationError(_("The workbook is empty."))
    columns = {}
    for index, header in enumerate(sheet[0]):
        for key, names in HEADERS.items():
            if _fold(header) in names:
                columns.setdefault(key, index)
    missing = [COLUMN_LABELS[k] for k in ("commune", "name", "unit_type") if k not in columns]
    if missing:
        raise ValidationError(_("The first row lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})
    rows = [(number, row) for number, row in enumerate(sheet[1:], start=2) if any(c not in (None, "") for c in row)]
    return columns, rows


@transaction.atomic
def villages_import(*, user: User, file: IO[bytes]) -> VillageImportResult:
    """Create the villages of the file. Every error is reported with its row and column; nothing is saved
    unless every row is right."""
    columns, rows = _rows(file)
    today = timezone.localdate()
    codes = {str(row[columns["commune"]]).strip() for _n, row in rows if columns["commune"] < len(row)}
    communes: dict[str, list[AdministrativeUnit]] = {}
    # A merged commune often kept a predecessor's code: the one in force on the row's date is meant.
    for commune in AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, code__in=codes):
        communes.setdefault(commune.code, []).append(commune)
    errors: list[str] = []
    created = unchanged = 0

    def cell(row: list[Any], key: str) -> Any:
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    for number, row in rows:

        def error(key: str, message: str, number: int = number) -> None:
            errors.append(
                _("Row %(row)s, column %(column)s: %(message)s")
                % {"row": number, "column": COLUMN_LABELS[key], "message": message}
            )

        code = str(cell(row, "commune") or "").strip()
        if code.endswith(".0"):
            code = code[:-2]
        name = str(cell(row, "name") or "").strip()
        kind = TYPES.get(_fold(cell(row, "unit_type")))
        try:
            start = _date(cell(row, "valid_from"))
        except ValueError:
            error("valid_from", _("write the date as dd/mm/yyyy."))
            continue
        on = start or today
        candidates = [c for c in communes.get(code, []) if c.is_valid_on(on)]
        if not candidates:
            error(
                "commune",
                _("no commune with the code %(code)s is in force on %(date)s.")
                % {"code": code or "—", "date": on.strftime("%d/%m/%Y")},
            )
            continue
        if not name:
            error("name", _("the village's name is empty."))
            continue
        if kind is None:
            error("unit_type", _("write Thôn, Bản or Tổ dân phố."))
            continue
        commune = candidates[0]
        exists = (
            AdministrativeUnit.objects.valid_on(on)
            .filter(parent=commune, level=UnitLevel.VILLAGE, name__iexact=name)
            .exists()
        )
        if exists:
            unchanged += 1
            continue
        try:
            village_create(
                commune=commune,
                name=name,
                unit_type=kind,
                code=str(cell(row, "code") or "").strip(),
                valid_from=start,
                user=user,
            )
        except ScopeError as refusal:
            error("commune", str(refusal))
            continue
        except ValidationError as refusal:
            for field, messages in (
                refusal.message_dict.items() if hasattr(refusal, "error_dict") else [("name", refusal.messages)]
            ):
                key = field if field in COLUMN_LABELS else "name"
                for message in messages:
                    error(key, message)
            continue
        created += 1
    if errors:
        raise ValidationError(errors)
    return VillageImportResult(created, unchanged)
