"""The import workbook written with openpyxl: the empty template to download and the filled workbook of an
export (``households.exports``), from the one column definition of ``households.imports.columns``.

Row 1 holds the Vietnamese headers, row 2 the English ones; the header is frozen. Coded columns of the
template have drop-down lists of the Vietnamese labels, kept on a hidden sheet, and so do the villages of
the commune in force and the ethnicities when the template is made for a commune. Each header's note, and
the instructions sheet, say what the column takes and what a blank cell means there.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from common.sheets import WIDE_COLUMNS, autofilter, print_setup

from .columns import (
    AMOUNT_COLUMNS,
    FACT_COLUMNS,
    NONE_LABEL,
    SEPARATOR,
    SHEETS,
    YES_NO,
    Column,
    Kind,
    Sheet,
    choice_labels,
    vietnamese_label,
)
from .parsing import BLANK_VALUES

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
SUBHEADER_FONT = Font(italic=True, color="595959")
SUBHEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
DATE_FORMAT = "dd/mm/yyyy"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.##"
TEXT_FORMAT = "@"
LISTS_SHEET = "Danh mục"
INSTRUCTIONS_SHEET = "Hướng dẫn"
NOTE_AUTHOR = "Povertyplan"


def cell_value(column: Column, value: Any) -> Any:
    """A field's value as it is written in the workbook (labels in Vietnamese, dates as dates)."""
    if column.none and isinstance(value, list | tuple | frozenset | set) and not value:
        return NONE_LABEL  # none of them: a fact, where a blank is not recorded
    if value is None or value == "" or value == []:
        return None
    if column.kind == Kind.BOOLEAN:
        return YES_NO[0] if value else YES_NO[1]
    if column.kind == Kind.CHOICE:
        return vietnamese_label(column.choices, value)
    if column.kind == Kind.CHOICES:
        return f"{SEPARATOR} ".join(vietnamese_label(column.choices, v) for v in value)
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


def _instructions(workbook: Workbook, commune_name: str = "") -> None:
    sheet = workbook.create_sheet(INSTRUCTIONS_SHEET, 0)
    title = "Mẫu nhập hộ gia đình, thành viên và kết quả rà soát / Template for households, members and reviews"
    lines = [
        f"{title} — {commune_name}" if commune_name else title,
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
        "Ô để trống là chưa ghi nhận, không phải “Không” (ví dụ BHYT, đang đi học), trừ các cột ghi khác ở dưới.",
        "A blank cell is not recorded, not “Không” (e.g. health insurance, in school), unless said otherwise below.",
        f"Cột nhiều lựa chọn (viễn thông, phương tiện, nguyên nhân): cách nhau bằng dấu chấm phẩy “{SEPARATOR}”, "
        f"ví dụ “Thiếu vốn{SEPARATOR} Ốm đau, tai nạn” (một giá trị có thể chứa dấu phẩy).",
        f"Columns with several values (telecom, devices, causes): separate them with a semicolon “{SEPARATOR}”, "
        "e.g. “Thiếu vốn; Ốm đau, tai nạn” (a value may hold commas).",
        f"Hộ không dùng dịch vụ viễn thông nào, không có phương tiện nào: ghi “{NONE_LABEL}” (để trống là chưa "
        "ghi nhận).",
        f"A household using no telecom service, or with no device: write “{NONE_LABEL}” (blank is not recorded).",
        "Thôn/bản: chọn từ danh sách, ghi đúng tên có dấu; tên chỉ khớp khi bỏ dấu sẽ bị báo lỗi kèm tên gần đúng.",
        "Village: pick from the list, spelt with its diacritics; a name matching only without them is an error "
        "naming the near match.",
        "",
        "Tải lên: trước hết kiểm tra (không lưu gì), sau đó xác nhận để lưu toàn bộ tệp. Nếu có lỗi, tải về tệp "
        "đã đánh dấu lỗi (cột “Lỗi”, ô tô màu), sửa rồi tải lên lại.",
        "Upload: first a check that saves nothing, then confirm to save the whole file. With errors, download "
        "the file with the errors marked (column “Lỗi”, cells filled), correct it and upload it again.",
        "",
        "Các cột / The columns",
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.cell(row=len(lines), column=1).font = Font(bold=True)
    sheet.append(["Sheet", "Cột / Column", "Giá trị / Values", "Để trống / Blank"])
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for sheet_key, (title_vi, _title_en, columns) in SHEETS.items():
        for column in columns:
            values, blank = column_rules(sheet_key, column)
            sheet.append([title_vi, f"{column.header_vi} / {column.header_en}", values, blank])
            for cell in sheet[sheet.max_row]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 36
    sheet.column_dimensions["C"].width = 70
    sheet.column_dimensions["D"].width = 50


def column_rules(sheet: Sheet, column: Column) -> tuple[str, str]:
    """What a column takes, and what a blank cell of it means, in Vietnamese and English (the template's notes
    and instructions: the clerk reads them in Excel, whatever the site's language)."""
    if column.key == "village":
        values = (
            "Tên thôn/bản đang có hiệu lực của xã, ghi đúng dấu (mẫu tải cho một xã có danh sách). / A village of "
            "the commune in force, with its diacritics (the template of a commune lists them)."
        )
    elif _LISTED.get(column.key, column.key) == "ethnicity":
        values = "Tên dân tộc (mẫu của một xã có danh sách). / An ethnic group (listed in a commune's template)."
    elif column.kind == Kind.BOOLEAN:
        values = "Có hoặc Không; x = Có. / Có (yes) or Không (no); x = Có."
    elif column.kind == Kind.CHOICE:
        values = f"{SEPARATOR} ".join(choice_labels(column))
    elif column.kind == Kind.CHOICES:
        values = (
            f"Một hoặc nhiều, cách nhau bằng “{SEPARATOR}” / one or more, separated by “{SEPARATOR}”: "
            + f"{SEPARATOR} ".join(vietnamese_label(column.choices, v) for v in column.choices.values)
        )
        if column.none:
            values += f". “{NONE_LABEL}”: không có / none."
    elif column.kind == Kind.DATE:
        values = "Ngày dd/mm/yyyy. / A date, dd/mm/yyyy."
    elif column.kind in (Kind.INTEGER, Kind.DECIMAL):
        values = "Số. / A number."
        if column.bounds is not None:
            low, high = _number(column.bounds.minimum), _number(column.bounds.maximum)
            values = f"Số từ {low} đến {high}. / A number from {low} to {high}."
        if column.key in AMOUNT_COLUMNS:
            values += (
                " Viết như trên phiếu: 1.500.000, 1,5 triệu, 1500k. / As on the form: 1.500.000, 1,5 triệu, 1500k."
            )
    elif column.kind == Kind.ID_NUMBER:
        values = "12 chữ số. / 12 digits."
    else:
        values = "Chữ. / Text."
    if column.required:
        return values, "Bắt buộc. / Required."
    blank = BLANK_VALUES[sheet].get(column.key)
    if (blank is None or blank == "") and column.key in FACT_COLUMNS[sheet]:
        return (
            values,
            "Chưa ghi nhận: phiếu rà soát cần thông tin này sẽ báo thiếu (không tính là thiếu hụt). / Not "
            "recorded: a review that needs it names it as missing (never counted as deprived).",
        )
    if blank is None or blank == "" or blank == []:
        return values, "Được để trống. / May be left blank."
    if blank is True:
        return values, "Có. / Có (yes)."
    if blank is False:
        return values, "Không. / Không (no)."
    if column.choices is not None:
        label = vietnamese_label(column.choices, blank)
        return values, f"{label}. / {label}."
    return values, f"{blank}."


_LISTED = {"head_ethnicity": "ethnicity"}  # columns offering another column's list


def _number(value) -> str:
    """A number as Vietnamese write it: 1.000.000.000, 99.999,99."""
    whole, _dot, fraction = str(value).partition(".")
    if abs(int(whole)) < 10_000:  # a year: 2001, not 2.001
        return str(value).replace(".", ",")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{fraction}" if fraction else grouped


def drop_down_lists(
    extra: Mapping[str, Sequence[str]] | None = None,
) -> tuple[list[tuple[str, list[str]]], dict[str, str]]:
    """The drop-down lists of the import's columns, a column each of the hidden sheet ``LISTS_SHEET``
    (``extra``: lists by column key, the villages and the ethnicities): ``(header, labels)`` of each list,
    and each column's range formula, by column key."""
    lists: list[tuple[str, list[str]]] = []
    ranges: dict[str, str] = {}
    seen: dict[Any, str] = {}
    extra = extra or {}
    for _vi, _en, columns in SHEETS.values():
        for column in columns:
            listed = _LISTED.get(column.key, column.key)
            if extra.get(listed):
                key, labels = ("extra", listed), list(extra[listed])
            elif column.kind == Kind.BOOLEAN:
                key, labels = "yes_no", list(YES_NO)
            elif column.kind in (Kind.CHOICE, Kind.CHOICES):
                key, labels = (column.choices, column.none), choice_labels(column)
            else:
                continue
            if key not in seen:
                lists.append((column.header_vi, labels))
                letter = get_column_letter(len(lists))
                seen[key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
            ranges[column.key] = seen[key]
    return lists, ranges


def list_validation(column: Column, formula: str) -> DataValidation:
    """A column's drop-down list. Never refused by Excel: a cell of several values, or a name typed, is
    checked by the import, which says what is wrong."""
    validation = DataValidation(type="list", formula1=f"={formula}", allow_blank=True, showErrorMessage=False)
    if column.kind == Kind.CHOICES:
        validation.showInputMessage = True
        validation.promptTitle = column.header_vi[:32]
        validation.prompt = (
            f"Nhiều giá trị: cách nhau bằng “{SEPARATOR}”"
            + (f"; “{NONE_LABEL}” nếu không có" if column.none else "")
            + "."
        )
    return validation


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
) -> bytes:
    """The workbook of the import format. ``data`` gives each sheet's rows as field values in column
    order (``extra`` columns, e.g. the computed status, are appended and ignored by the import)."""
    extra = extra or {}
    with translation.override("vi"):
        workbook = Workbook(write_only=True)
        for sheet_key, (title_vi, _title_en, base_columns) in SHEETS.items():
            columns = [*base_columns, *extra.get(sheet_key, ())]
            sheet = workbook.create_sheet(title_vi)
            sheet.freeze_panes = "B3"
            print_setup(sheet, wide=len(columns) > WIDE_COLUMNS, header_rows=(1, 2))
            for index, column in enumerate(columns, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = column.width
            first, second = _header_cells(sheet, columns, write_only=True)
            sheet.append(first)
            sheet.append(second)
            formats = [_number_format(c) for c in columns]
            count = 0
            for values in (data or {}).get(sheet_key, ()):
                count += 1
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
            autofilter(sheet, header_row=2, last_row=count + 2, columns=len(columns))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _template_bytes(villages: Sequence[str] = (), ethnicities: Sequence[str] = (), commune_name: str = "") -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _instructions(workbook, commune_name)
    lists, ranges = drop_down_lists({"village": villages, "ethnicity": ethnicities})
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    for index, (header, labels) in enumerate(lists, start=1):
        for row, label in enumerate([header, *labels], start=1):
            sheet.cell(row=row, column=index, value=label)
    for sheet_key, (title_vi, _title_en, columns) in SHEETS.items():
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
            values, blank = column_rules(sheet_key, column)
            header.comment = Comment(f"{values}\nĐể trống / Blank: {blank}", NOTE_AUTHOR, width=320, height=160)
            fmt = _number_format(column)
            if fmt:
                for row in range(3, 1003):
                    sheet.cell(row=row, column=index).number_format = fmt
            if column.key in ranges:
                validation = list_validation(column, ranges[column.key])
                validation.add(f"{letter}3:{letter}10000")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "B3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_bytes(*, villages: Sequence[str] = (), ethnicities: Sequence[str] = (), commune_name: str = "") -> bytes:
    """The empty import template (``.xlsx``); made for a commune, it offers its ``villages`` in force and the
    ``ethnicities`` in drop-down lists."""
    with translation.override("vi"):
        return _template_bytes(villages, ethnicities, commune_name)
