"""Workbook bombs refused before they are read: the rows and the uncompressed size of each sheet, measured
from the zip (households/imports/sheet_sizes.py), answered with a message on the page and in the API.

The bombs are written by hand with zipfile: a sheet's XML streamed into the zip, as small as the issue's
(900,000 rows in about 1 MB); the honest workbooks with openpyxl."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from households.imports.columns import SHEETS, Sheet
from households.imports.sheet_sizes import Limits, workbook_size
from households.imports.upload import upload_limits, upload_problems
from households.models import ImportJob

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MEMBERS = SHEETS[Sheet.MEMBERS][0]


DEFAULTS: dict[str, int] = {}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REDIS_URL = ""
    # The bombs below are measured against the limits they were made for; the defaults, which admit the
    # largest sheet Excel holds (issue 25), are tested on their own.
    DEFAULTS.update(rows=settings.IMPORT_MAX_ROWS, sheet_mb=settings.IMPORT_MAX_SHEET_MB)
    settings.IMPORT_MAX_SHEET_MB = 150
    settings.IMPORT_MAX_ROWS = 200_000


def test_the_default_limits_admit_the_largest_sheet_excel_holds_and_refuse_one_row_more(settings):
    settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_SHEET_MB = DEFAULTS["rows"], DEFAULTS["sheet_mb"]
    limits = upload_limits()
    # A sheet as Excel writes its last row, and one past it (which only a hand-made file can hold).
    largest = crafted(*rows(2, start=1_048_575))
    beyond = crafted(*rows(2, start=1_048_576))

    assert workbook_size(io.BytesIO(largest), limits).over is None
    over = workbook_size(io.BytesIO(beyond), limits).over
    assert over is not None
    assert over.limit == "rows"
    # The members sheet of 262,144 households, as openpyxl writes it, is 917 MiB of XML (bench/imports.py).
    assert limits.part_bytes >= 1.2 * 917 * 2**20


def crafted(
    *sheet_xml: str,
    titles: tuple[str, ...] = (MEMBERS,),
    part: str = "xl/worksheets/sheet1.xml",
    shared_strings: str | None = None,
) -> bytes:
    """A workbook written by hand: one sheet (its XML given in pieces, streamed into ``part``) named by
    ``titles``."""
    sheets = "".join(f'<sheet name="{title}" sheetId="{n}" r:id="rId1"/>' for n, title in enumerate(titles, 1))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>{sheets}</sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="/{part}"/>'
            "</Relationships>",
        )
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        with archive.open(part, "w", force_zip64=True) as sheet:
            for piece in (f'<worksheet xmlns="{MAIN}">', *sheet_xml, "</worksheet>"):
                sheet.write(piece.encode())
    return buffer.getvalue()


def rows(count: int, *, start: int = 1, refs: bool = True):
    """The sheetData of ``count`` rows of 17 cells, written as Excel writes them (or without refs)."""
    yield "<sheetData>"
    for number in range(start, start + count):
        if refs:
            cells = "".join(f'<c r="{column}{number}"><v>1</v></c>' for column in "ABCDEFGHIJKLMNOPQ")
            yield f'<row r="{number}">{cells}</row>'
        else:
            yield "<row>" + "<c><v>1</v></c>" * 17 + "</row>"
    yield "</sheetData>"


def real_workbook(households: int) -> bytes:
    """An import workbook as openpyxl writes it (with its dimension): headers and ``households`` rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, (title, _title_en, columns) in SHEETS.items():
        worksheet = workbook.create_sheet(title)
        worksheet.append([column.header_vi for column in columns])
        if sheet == Sheet.HOUSEHOLDS:
            for number in range(households):
                worksheet.append([f"BB-{number:05}", "Thôn Nà Hin"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def post_page(client, officer, commune, content: bytes):
    client.force_login(officer)
    upload = SimpleUploadedFile("ho.xlsx", content)
    return client.post(reverse("households:import-start"), {"commune": commune.pk, "file": upload})


def post_api(client, officer, commune, content: bytes):
    client.force_login(officer)
    return client.post("/api/v1/imports/", {"commune": commune.pk, "file": SimpleUploadedFile("ho.xlsx", content)})


def the_issues_bomb() -> bytes:
    """900,000 rows behind a dimension that says so: 228 MiB of XML in a 1 MB file, as the issue's."""
    return crafted('<dimension ref="A1:Q900000"/>', *rows(900_000, refs=False))


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return the_issues_bomb()


def test_the_issues_bomb_is_refused_on_the_page_with_the_sheet_and_the_limit(client, officer, commune, bomb):
    assert len(bomb) < 2 * 2**20

    response = post_page(client, officer, commune, bomb)

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    assert "“Thành viên”" in errors[0]
    assert "150" in errors[0]  # the limit, IMPORT_MAX_SHEET_MB
    assert errors[0] in response.text
    assert not ImportJob.objects.exists()


def test_the_issues_bomb_is_refused_by_the_api_with_a_field_error(client, officer, commune, bomb):
    response = post_api(client, officer, commune, bomb)

    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert "“Thành viên”" in response.json()["file"][0]
    assert not ImportJob.objects.exists()


def test_a_sheet_declaring_more_rows_than_the_limit_is_refused_unread(client, officer, commune, settings):
    settings.IMPORT_MAX_SHEET_MB = 1000  # the rows refuse it, not the size
    content = crafted('<dimension ref="A1:Q900000"/>', *rows(3))

    response = post_page(client, officer, commune, content)

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert "“Thành viên”" in error
    assert "900.000" in error  # the rows it declares, grouped as Vietnamese writes numbers
    assert "200.000" in error  # the limit
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    "sheet",
    [
        pytest.param(list(rows(1_500, refs=False)), id="no dimension, rows without refs"),
        pytest.param(['<dimension ref="A1:Q10"/>', *rows(1_500)], id="a dimension that lies"),
        pytest.param(['<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1001"><v>1</v></c></row></sheetData>'],
                     id="a cell far below its row"),
        pytest.param(['<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1001"/></sheetData>'],
                     id="an empty row far below"),
    ],
)  # fmt: skip
def test_rows_are_counted_when_the_dimension_is_missing_or_wrong(client, officer, commune, settings, sheet):
    settings.IMPORT_MAX_ROWS = 1_000

    response = post_api(client, officer, commune, crafted(*sheet))

    assert response.status_code == 400
    [error] = response.json()["file"]
    assert "“Thành viên”" in error
    assert "1.000" in error
    assert not ImportJob.objects.exists()


def test_a_sheet_larger_than_the_limit_uncompressed_is_refused(client, officer, commune, settings):
    settings.IMPORT_MAX_SHEET_MB = 1
    content = crafted(*rows(4_000))  # 2 MB of XML, a few KB zipped, few rows

    response = post_page(client, officer, commune, content)

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert "“Thành viên”" in error
    assert "1 MB" in error
    assert not ImportJob.objects.exists()


def test_the_shared_strings_are_held_to_the_limit_too(client, officer, commune, settings):
    settings.IMPORT_MAX_SHEET_MB = 1
    strings = f'<sst xmlns="{MAIN}">' + "<si><t>Hoàng Văn Páo</t></si>" * 60_000 + "</sst>"

    response = post_api(client, officer, commune, crafted(*rows(2), shared_strings=strings))

    assert response.status_code == 400
    assert "xl/sharedStrings.xml" in response.json()["file"][0]


def test_a_sheet_kept_outside_the_worksheets_folder_is_measured_all_the_same(client, officer, commune):
    content = crafted('<dimension ref="A1:Q900000"/>', *rows(3), part="docProps/notes.bin")

    response = post_api(client, officer, commune, content)

    assert response.status_code == 400
    assert "900.000" in response.json()["file"][0]


def test_two_sheets_of_one_name_are_a_damaged_file(client, officer, commune):
    response = post_api(client, officer, commune, crafted(*rows(2), titles=(MEMBERS, MEMBERS.upper())))

    assert response.status_code == 400
    assert response.json()["file"] == ["Tệp bị hỏng hoặc không phải tệp Excel."]


def test_a_zip_that_is_not_one_is_a_damaged_file(client, officer, commune):
    content = crafted(*rows(2))
    damaged = content[:-40] + b"\x00" * 40  # the end of the central directory overwritten

    response = post_page(client, officer, commune, damaged)

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Tệp bị hỏng hoặc không phải tệp Excel."]
    assert not ImportJob.objects.exists()


def test_a_real_workbook_within_the_limits_is_imported_and_one_beyond_them_is_not(
    client, officer, commune, village, settings
):
    settings.IMPORT_MAX_ROWS = 50

    within = post_page(client, officer, commune, real_workbook(households=49))  # and the header: 50 rows
    beyond = post_page(client, officer, commune, real_workbook(households=50))

    assert within.status_code == 302
    assert ImportJob.objects.get().rows == 49
    assert beyond.status_code == 200
    [error] = beyond.context["form"].errors["file"]
    assert "“Hộ gia đình”" in error
    assert "51" in error
    assert ImportJob.objects.count() == 1


def test_a_two_cell_file_asking_for_a_grid_of_billions_of_cells_is_refused():
    """A1 and XFD1048576: 1.5 KB that calamine would turn into a grid of 17 billion cells."""
    far = '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    wide = '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="XFD2"><v>1</v></c></row></sheetData>'
    unnumbered = "<sheetData><row>" + "<c/>" * 20_000 + "</row></sheetData>"

    for sheet in (far, wide, unnumbered):
        upload = SimpleUploadedFile("ho.xlsx", crafted(sheet))
        [problem] = upload_problems(upload)
        assert "“Thành viên”" in problem


LIMITS = Limits(part_bytes=2**20, total_bytes=2**22, rows=1_000, columns=100)


@pytest.mark.parametrize(
    ("sheet", "over"),
    [
        ('<row r="1000"><c r="CV1000"/></row>', None),
        ('<row r="1001"/>', "rows"),
        ('<row r="1"><c r="A1001"/></row>', "rows"),
        ("<row r='1'><c r = 'a0001001'/></row>", "rows"),
        ('<x:row r="1"><x:c r="CW1"/></x:row>', "columns"),
        ('<row r="999"/><row/><row/>', "rows"),
        ("<row>" + "<c/>" * 100 + "</row>", None),
        ("<row>" + "<c/>" * 101 + "</row>", "columns"),
        ('<row r="1"><c r="CV1"/></row><row><c/></row>' + "<row/>" * 998, None),
    ],
)
def test_the_limits_fall_exactly_where_calamine_would_pass_them(sheet, over):
    size = workbook_size(io.BytesIO(crafted(f"<sheetData>{sheet}</sheetData>")), LIMITS)

    assert (size.over and size.over.limit) == over
