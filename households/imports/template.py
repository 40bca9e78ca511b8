"""The import workbook written with openpyxl: the empty template to download and the filled workbook of an
export (``households.exports``), from the one column definition of ``households.imports.columns``.

Row 1 holds the Vietnamese headers, row 2 the English ones; the header is frozen. Coded columns of the
template have drop-down lists of the Vietnamese labels, kept on a hidden sheet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .columns import SHEETS, YES_NO, Column, Kind, Sheet, vietnamese_label

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
SUBHEADER_FONT = Font(italic=True, color="595959")
SUBHEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
DATE_FORMAT = "dd/mm/yyyy"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.##"
TEXT_FORMAT = "@"
LISTS_SHEET = "Danh mục"


def cell_value(column: Column, value: Any) -> Any:
    """A field's value as it is written in the workbook (labels in Vietnamese, dates as dates)."""
    if value is None or value == "" or value == []:
        return None
    if column.kind == Kind.BOOLEAN:
        return YES_NO[0] if value else YES_NO[1]
    if column.kind == Kind.CHOICE:
        return vietnamese_label(column.choices, value)
    if column.kind == Kind.CHOICES:
        return ", ".join(vietnamese_label(column.choices, v) for v in value)
    if column.kind == Kind.DECIMAL:
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)
    return value


def _number_format(column: Column) -> str | None:
    return {
        Kind.DATE: DATE_FORMAT,
        Kind.INTEGER: INTEGER_FORMAT,
        Kind.DECIMAL: DECIMAL_FORMAT,
        Kind.ID_NUMBER: TEXT_FORMAT,
        Kind.TEXT: TEXT_FORMAT,
    }.get(column.kind)


def _instructions(workbook: Workbook) -> None:
    sheet = workbook.create_sheet("Hướng dẫn", 0)
    lines = [
        "Mẫu nhập hộ gia đình, thành viên và kết quả rà soát / Template for households, members and reviews",
        "",
        "1. Sheet “Hộ gia đình”: một dòng cho mỗi hộ. Mã hộ là duy nhất; hộ đã có mã sẽ được cập nhật.",
        "   One row per household. The household code is unique; an existing code updates that household.",
        "2. Sheet “Thành viên”: một dòng cho mỗi người, ghi mã hộ. Mỗi hộ có đúng một chủ hộ.",
        "   One row per person with the household code. Each household has exactly one head.",
        "   Danh sách thành viên trong tệp thay thế danh sách hiện có. / The members in the file replace the "
        "registered ones.",
        "3. Sheet “Rà soát”: thu nhập và các chỉ số của năm rà soát. Phiếu rà soát được tạo ở trạng thái nháp.",
        "   Income and indicator facts of the review year; reviews are created as drafts.",
        "",
        "Ngày ghi dd/mm/yyyy. Số có thể ghi 1.500.000. Cột có danh sách: chọn từ danh sách; Có/Không.",
        "Dates dd/mm/yyyy. Numbers may be written 1.500.000. Coded columns: pick from the list; Có (yes)/Không (no).",
        "Ô để trống là chưa ghi nhận, không phải “Không” (ví dụ BHYT, đang đi học).",
        "A blank cell is not recorded, not “Không” (e.g. health insurance, in school).",
        "Cột nhiều lựa chọn (viễn thông, phương tiện, nguyên nhân): cách nhau bằng dấu phẩy.",
        "Columns with several values (telecom, devices, causes): separate them with commas.",
        "",
        "Tải lên: trước hết kiểm tra (không lưu gì), sau đó xác nhận để lưu toàn bộ tệp.",
        "Upload: first a check that saves nothing, then confirm to save the whole file.",
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 110


def _lists(workbook: Workbook, columns: Iterable[Column]) -> dict[str, str]:
    """The drop-down lists on a hidden sheet; returns each column's range formula."""
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    ranges: dict[str, str] = {}
    index = 0
    seen: dict[Any, str] = {}
    for column in columns:
        if column.kind == Kind.BOOLEAN:
            key, labels = "yes_no", list(YES_NO)
        elif column.kind == Kind.CHOICE:
            key, labels = column.choices, [vietnamese_label(column.choices, v) for v in column.choices.values]
        else:
            continue
        if key not in seen:
            index += 1
            letter = get_column_letter(index)
            sheet.cell(row=1, column=index, value=column.header_vi)
            for row, label in enumerate(labels, start=2):
                sheet.cell(row=row, column=index, value=label)
            seen[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
        ranges[column.key] = seen[key]
    return ranges


def _header_cells(sheet, columns: Sequence[Column], write_only: bool) -> tuple[list[Any], list[Any]]:
    first, second = [], []
    for column in columns:
        for row, text, font, fill in (
            (first, column.header_vi, HEADER_FONT, HEADER_FILL),
            (second, column.header_en, SUBHEADER_FONT, SUBHEADER_FILL),
        ):
            cell = WriteOnlyCell(sheet, value=text) if write_only else text
            if write_only:
                cell.font, cell.fill = font, fill
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            row.append(cell)
    return first, second


def build_workbook(
    data: Mapping[Sheet, Iterable[Sequence[Any]]] | None = None,
    *,
    extra: Mapping[Sheet, Sequence[Column]] | None = None,
    template: bool = False,
) -> bytes:
    """The workbook of the import format. ``data`` gives each sheet's rows as field values in column
    order (``extra`` columns, e.g. the computed status, are appended and ignored by the import)."""
    extra = extra or {}
    with translation.override("vi"):
        if template:
            return _template_bytes()
        workbook = Workbook(write_only=True)
        for sheet_key, (title_vi, _title_en, base_columns) in SHEETS.items():
            columns = [*base_columns, *extra.get(sheet_key, ())]
            sheet = workbook.create_sheet(title_vi)
            sheet.freeze_panes = "B3"
            for index, column in enumerate(columns, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = column.width
            first, second = _header_cells(sheet, columns, write_only=True)
            sheet.append(first)
            sheet.append(second)
            formats = [_number_format(c) for c in columns]
            for values in (data or {}).get(sheet_key, ()):
                row = []
                for column, fmt, value in zip(columns, formats, values, strict=False):
                    written = cell_value(column, value)
                    if fmt and written is not None and column.kind in (Kind.DATE, Kind.INTEGER, Kind.DECIMAL):
                        cell = WriteOnlyCell(sheet, value=written)
                        cell.number_format = fmt
                        row.append(cell)
                    else:
                        row.append(written)
                sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _template_bytes() -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _instructions(workbook)
    all_columns = [c for _vi, _en, columns in SHEETS.values() for c in columns]
    ranges = _lists(workbook, all_columns)
    for _sheet_key, (title_vi, _title_en, columns) in SHEETS.items():
        sheet = workbook.create_sheet(title_vi, len(workbook.sheetnames) - 1)
        first, second = _header_cells(sheet, columns, write_only=False)
        sheet.append(first)
        sheet.append(second)
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column.width
            header = sheet.cell(row=1, column=index)
            header.font, header.fill = HEADER_FONT, HEADER_FILL
            header.alignment = Alignment(wrap_text=True, vertical="top")
            sub = sheet.cell(row=2, column=index)
            sub.font, sub.fill = SUBHEADER_FONT, SUBHEADER_FILL
            note = _("Required") if column.required else None
            if column.kind == Kind.CHOICES:
                labels = ", ".join(vietnamese_label(column.choices, v) for v in column.choices.values)
                note = f"{note + '. ' if note else ''}{labels}"
            if note:
                header.comment = Comment(note, "Povertyplan")
            fmt = _number_format(column)
            if fmt:
                for row in range(3, 1003):
                    sheet.cell(row=row, column=index).number_format = fmt
            if column.key in ranges:
                validation = DataValidation(type="list", formula1=f"={ranges[column.key]}", allow_blank=True)
                validation.add(f"{letter}3:{letter}10000")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "B3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_bytes() -> bytes:
    """The empty import template (``.xlsx``)."""
    return build_workbook(template=True)
