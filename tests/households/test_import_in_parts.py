"""A large sheet read a part at a time (issue 25, ``households.imports.sheet_chunks``): the same rows, values
and errors as the sheet read whole, whatever rows the cuts fall between, and memory that follows the part,
not the sheet."""

import datetime
import io
import tracemalloc

import pytest
from django.db import connection
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from households.imports import checking, services, sheet_chunks
from households.imports.reader import read_workbook
from households.imports.records import LET_GO
from households.imports.services import ImportRefused, import_check, import_commit
from households.models import Household, HouseholdReview, Member
from tests.workbooks import household, make_workbook, person, review

pytestmark = pytest.mark.django_db

TITLE = "Thành viên"


def _whole_rows(source: bytes, title: str) -> list[tuple[int, list]]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(source)).get_sheet_by_name(title)
    return [(number, _trimmed(cells)) for number, cells in enumerate(sheet.iter_rows(), start=1) if any(cells)]


def _parts_rows(source: bytes, title: str, chunk_bytes: int) -> tuple[int, list[tuple[int, list]]]:
    chunks = sheet_chunks.sheet_chunks(source, title, chunk_bytes=chunk_bytes)
    assert chunks is not None
    rows, count = [], 0
    for chunk in chunks.chunks():
        count += 1
        rows.extend((chunk.first + i, _trimmed(cells)) for i, cells in enumerate(chunk.rows) if any(cells))
    return count, rows


def _trimmed(cells: list) -> list:
    """A row without its empty cells at the end: a part's grid is as wide as its own widest row."""
    cells = list(cells)
    while cells and cells[-1] in ("", None):
        cells.pop()
    return cells


def _sheet(rows: int, *, write_only: bool) -> bytes:
    """A members-like sheet: text, numbers, dates as dates and as text, blanks, a second sheet beside it."""
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    other = workbook.create_sheet("Hộ gia đình")
    other.append(["Mã hộ"])
    sheet = workbook.create_sheet(TITLE)
    sheet.append(["Mã hộ", "Họ và tên", "Ngày sinh", "Số", "Trống"])
    for n in range(rows):
        born = datetime.date(1950 + n % 60, 1 + n % 12, 1 + n % 28) if n % 3 else f"0{1 + n % 9}/03/1980"
        sheet.append([f"BB-{n // 4:05d}", f"Nông Thị <Hà> & {n}" if n % 5 else None, born, n * 1.5, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("write_only", [False, True], ids=["shared strings", "inline strings"])
def test_a_sheet_read_in_parts_gives_the_rows_read_whole(write_only, monkeypatch):
    monkeypatch.setattr(sheet_chunks, "SHARED_STRINGS_TIMES", 0)  # parts smaller than the shared strings
    source = _sheet(3000, write_only=write_only)

    count, rows = _parts_rows(source, TITLE, chunk_bytes=8 << 10)

    assert count > 10  # many cuts, each between two rows
    assert rows == _whole_rows(source, TITLE)


def test_a_part_spans_a_bounded_number_of_rows_whatever_their_size(monkeypatch):
    """Calamine's grid spans a part's rows by their numbers: a part of many short rows is cut all the same."""
    monkeypatch.setattr(sheet_chunks, "ROWS_PER_PART", 50)
    source = _sheet(1000, write_only=True)
    chunks = sheet_chunks.sheet_chunks(source, TITLE, chunk_bytes=100 << 10)  # the sheet is about 200 KiB

    spans = [(chunk.first, len(chunk.rows)) for chunk in chunks.chunks()]

    assert max(length for _first, length in spans) <= 50
    assert sum(length for _first, length in spans) == 1001
    _count, rows = _parts_rows(source, TITLE, chunk_bytes=100 << 10)
    assert rows == _whole_rows(source, TITLE)


def test_a_small_sheet_is_read_whole():
    assert sheet_chunks.sheet_chunks(_sheet(10, write_only=True), TITLE) is None


def test_the_rows_of_a_sheet_in_parts_are_let_go_part_by_part():
    """What Python holds while the rows go by is a part's, whatever the sheet's length (calamine's grid is
    a part's too: outside tracemalloc's sight, measured by ``bench/imports.py``)."""

    def peak(rows: int) -> int:
        source = _sheet(rows, write_only=True)
        tracemalloc.start()
        try:
            for chunk in sheet_chunks.sheet_chunks(source, TITLE, chunk_bytes=32 << 10).chunks():
                for _cells in chunk.rows:
                    pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(2000), peak(16_000)

    assert large < 1.5 * small  # eight times the rows


CHILD = {"Ngày sinh": "01/03/2013", "Đang đi học": "Có", "Học đúng cấp theo tuổi": "Có"}
# The import with every sheet cut into parts of a row or two: each row boundary is one between two parts.
TINY = 600


def _file_with_errors() -> bytes:
    members = []
    for n in range(12):
        code = f"BB-{n:02d}"
        members.append(person(code, f"Nông Văn {n}", **{"Số CCCD": f"0060750000{n:02d}"}))
        members.append(person(code, f"Con {n}", relation="Con", **{"Ngày sinh": "01/03/2013"}))
    members[5]["Giới tính"] = "Không rõ"  # two rows one after the other: one at the end of a part, one after
    members[6]["Ngày sinh"] = "31/02/2001"
    members[20]["Số CCCD"] = members[2]["Số CCCD"]  # a citizen ID twice, far apart
    return make_workbook(
        households=[household(f"BB-{n:02d}") for n in range(12)],
        members=members,
        reviews=[review(f"BB-{n:02d}", 900_000) for n in range(12)],
    )


def _in_parts(monkeypatch) -> None:
    monkeypatch.setattr(sheet_chunks, "CHUNK_BYTES", TINY)
    monkeypatch.setattr(sheet_chunks, "WHOLE_BYTES", 0)
    monkeypatch.setattr(sheet_chunks, "SHARED_STRINGS_TIMES", 0)


def test_the_parts_are_as_small_as_said(monkeypatch):
    _in_parts(monkeypatch)
    workbook = read_workbook(_file_with_errors(), in_parts=True)
    members = workbook.sheets[next(s for s in workbook.sheets if s.value == "members")]
    assert members.chunks is not None
    assert sum(1 for _chunk in members.chunks.chunks()) > 20


def test_an_import_read_in_parts_reports_what_it_reports_read_whole(officer, commune, village, monkeypatch):
    source = _file_with_errors()
    whole = import_check(user=officer, commune=commune, source=source)
    _in_parts(monkeypatch)

    parts = import_check(user=officer, commune=commune, source=source)

    assert parts.error_dicts() == whole.error_dicts()
    assert parts.summary == whole.summary
    assert parts.rows == whole.rows == 12 + 24 + 12
    reported = {(e["sheet"], e["row"]) for e in parts.error_dicts()}
    assert {("Thành viên", 8), ("Thành viên", 9), ("Thành viên", 23)} <= reported
    with pytest.raises(ImportRefused):
        import_commit(user=officer, commune=commune, source=source)
    assert not Household.objects.exists()


def test_a_commit_read_in_parts_saves_every_row(officer, commune, village, monkeypatch):
    """Households whose members straddle the cuts, saved whole, in one transaction."""
    members = []
    for n in range(15):
        code = f"BB-{n:02d}"
        members.append(person(code, f"Nông Văn {n}", **{"Số CCCD": f"0060750001{n:02d}"}))
        members.append(person(code, f"Vợ {n}", relation="Vợ/chồng", **{"Giới tính": "Nữ"}))
        members.append(person(code, f"Con {n}", relation="Con", **CHILD))
    source = make_workbook(
        households=[household(f"BB-{n:02d}") for n in range(15)],
        members=members,
        reviews=[review(f"BB-{n:02d}", 900_000) for n in range(15)],
    )
    _in_parts(monkeypatch)

    result = import_commit(user=officer, commune=commune, source=source)

    assert result.committed, result.error_dicts()
    assert Household.objects.count() == 15
    assert Member.objects.count() == 45
    assert HouseholdReview.objects.count() == 15
    counts = {h.code: h.members.count() for h in Household.objects.all()}
    assert set(counts.values()) == {3}


def _clean_file(count: int) -> bytes:
    members = []
    for n in range(count):
        members.append(person(f"BB-{n:02d}", f"Nông Văn {n}", **{"Số CCCD": f"0060750002{n:02d}"}))
    return make_workbook(
        households=[household(f"BB-{n:02d}") for n in range(count)],
        members=members,
        reviews=[review(f"BB-{n:02d}", 900_000) for n in range(count)],
    )


def test_a_dry_run_lets_the_outcome_of_a_review_go_once_counted(officer, commune, village, monkeypatch):
    """A review's facts and outcome (1.5 KB) are not held to the end of a dry run, which writes nothing."""
    plans = []
    plan = checking.ChecksInStages.plan
    monkeypatch.setattr(checking.ChecksInStages, "plan", lambda self: plans.append(plan(self)) or plans[-1])

    result = import_check(user=officer, commune=commune, source=_clean_file(3))

    assert result.ok, result.error_dicts()
    assert result.summary["reviews"]["created"] == 3
    assert [r.result for r in plans[0].reviews] == [LET_GO] * 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_commit_lets_the_outcome_of_a_review_go_once_its_copy_text_is_made(officer, commune, village, monkeypatch):
    plans = []
    saved = services._what_was_saved
    monkeypatch.setattr(services, "_what_was_saved", lambda plan, opened: plans.append(plan) or saved(plan, opened))

    result = import_commit(user=officer, commune=commune, source=_clean_file(3))

    assert result.committed
    assert [r.result for r in plans[0].reviews] == [LET_GO] * 3
    # What they stored was written all the same.
    stored = HouseholdReview.objects.order_by("household__code")
    assert [r.status for r in stored] == ["near_poor"] * 3  # 900,000 đồng a month: near poor in 2024
    assert all(r.facts and r.explanation for r in stored)
