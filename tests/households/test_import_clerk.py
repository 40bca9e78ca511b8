"""The Excel template and import as a commune clerk meets them: every value the template offers imports, every
fact the standards read can be stated (the absence of a service too), villages are matched exactly and a near
name is offered, never taken, every problem of a file is told in one pass, and the file comes back with its
errors written next to the cells."""

import io
import re
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import Role
from households.imports.annotate import ERROR_FILL, annotated_workbook
from households.imports.columns import NONE_LABEL, SHEETS, YES_NO, Kind, Sheet, vietnamese_label
from households.imports.jobs import import_job_confirm, import_job_create
from households.imports.selectors import template_lists
from households.imports.services import ImportRefused, import_check, import_commit
from households.imports.template import LISTS_SHEET, template_bytes
from households.models import Ethnicity, Household, HouseholdReview, ImportJob, ImportStatus, Member, ReviewRound
from jobs.runner import worker_identity
from standards.selectors import standard_for_round, standard_rules
from tests.conftest import AFTER_REFORM
from tests.factories import VillageFactory
from tests.workbooks import household, make_workbook

pytestmark = pytest.mark.django_db

# A household deprived in nothing under any standard: one adult with every fact stated.
GOOD_HEAD = {
    "Giới tính": "Nam",
    "Ngày sinh": "02/03/1975",
    "Quan hệ với chủ hộ": "Chủ hộ",
    "Có BHYT": "Có",
    "Việc làm": "Tự làm, sản xuất nông nghiệp",
    "Trình độ học vấn": "Trung học cơ sở",
    "Đang đi học": "Không",
}
GOOD_REVIEW = {
    "Nhà ở": "Nhà kiên cố",
    "Diện tích ở (m²)": 60,
    "Nguồn nước sinh hoạt": "Nước máy",
    "Nhà tiêu": "Nhà tiêu tự hoại",
    "Dịch vụ viễn thông": "Thuê bao điện thoại",
    "Phương tiện tiếp cận thông tin": "Ti vi",
    "Nghe loa truyền thanh": "Có",
    "Rác thải sinh hoạt": "Được thu gom",
}


def member_row(code, name, **cells):
    return {"Mã hộ": code, "Họ và tên": name, **GOOD_HEAD, **cells}


def review_row(code, year, income=5_000_000, **cells):
    return {"Mã hộ": code, "Năm rà soát": year, "Thu nhập bình quân (đồng/người/tháng)": income, **GOOD_REVIEW, **cells}


def child(code, name, **cells):
    values = {"Quan hệ với chủ hộ": "Con", "Ngày sinh": "01/06/2015", "Trình độ học vấn": "Tiểu học", "Việc làm": None}
    return member_row(code, name, **{"Đang đi học": "Có", "Học đúng cấp theo tuổi": "Có", **values, **cells})


# --- 1. Every value the template offers imports ------------------------------------------------------------


def offered_values(workbook) -> dict[tuple[Sheet, str], list[str]]:
    """Each list of the template (its drop-downs, on every sheet) as the clerk sees it: (sheet, header) → values."""
    lists = workbook[LISTS_SHEET]
    offered = {}
    for sheet, (title, _en, _columns) in SHEETS.items():
        ws = workbook[title]
        headers = {cell.column_letter: cell.value for cell in ws[1]}
        for validation in ws.data_validations.dataValidation:
            letter = re.match(r"[A-Z]+", str(validation.sqref)).group()
            source, first, last = re.fullmatch(
                r"='[^']+'!\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)", validation.formula1
            ).groups()
            values = [lists[f"{source}{row}"].value for row in range(int(first), int(last) + 1)]
            offered[(sheet, headers[letter])] = values
    return offered


def test_every_value_the_template_offers_imports(officer, commune, village):
    VillageFactory(parent=commune, name="Bản Khuổi Khí")
    VillageFactory(parent=commune, name="Thôn Nà Làng")
    content = template_bytes(**template_lists(user=officer, commune=commune, today=timezone.localdate()))
    workbook = load_workbook(io.BytesIO(content))
    offered = offered_values(workbook)
    columns = {(sheet, c.header_vi): c for sheet, (_t, _e, cols) in SHEETS.items() for c in cols}
    # Every coded, yes/no, village and ethnicity column of every sheet has its list.
    listed = {key for key, column in columns.items() if column.kind in (Kind.CHOICE, Kind.CHOICES, Kind.BOOLEAN)}
    listed |= {(Sheet.HOUSEHOLDS, "Thôn/bản"), (Sheet.HOUSEHOLDS, "Dân tộc chủ hộ"), (Sheet.MEMBERS, "Dân tộc")}
    assert set(offered) == listed
    assert offered[(Sheet.HOUSEHOLDS, "Thôn/bản")] == ["Thôn Nà Hin", "Bản Khuổi Khí", "Thôn Nà Làng"]
    assert "Thiếu công cụ, phương tiện sản xuất" in offered[(Sheet.REVIEWS, "Nguyên nhân nghèo")]
    assert offered[(Sheet.REVIEWS, "Dịch vụ viễn thông")][-1] == NONE_LABEL

    rows = {sheet: [] for sheet in SHEETS}
    expected = []  # (household code, sheet, header, value written)
    cases = [(key, value) for key, values in offered.items() for value in values]
    # The columns of several values also take all their values at once.
    for key, values in offered.items():
        if columns[key].kind == Kind.CHOICES:
            cases.append((key, "; ".join(v for v in values if v != NONE_LABEL)))
    for n, ((sheet, header), value) in enumerate(cases):
        code = f"TV-{n:03d}"
        rows[Sheet.HOUSEHOLDS].append(household(code))
        rows[Sheet.MEMBERS].append(member_row(code, f"Chủ hộ {n}"))
        rows[Sheet.REVIEWS].append(review_row(code, 2024))
        if sheet == Sheet.MEMBERS and header == "Quan hệ với chủ hộ" and value != "Chủ hộ":
            rows[Sheet.MEMBERS].append(member_row(code, f"Người thân {n}", **{header: value}))
        else:
            rows[sheet][-1][header] = value
        expected.append((code, sheet, header, value))
    # Written into the template itself, under its headers, as the clerk fills it in.
    for sheet, (title, _en, _columns) in SHEETS.items():
        ws = workbook[title]
        positions = {cell.value: cell.column for cell in ws[1]}
        for number, row in enumerate(rows[sheet], start=3):
            for header, value in row.items():
                ws.cell(row=number, column=positions[header], value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)

    checked = import_check(user=officer, commune=commune, source=buffer.getvalue())
    assert checked.errors == []
    import_commit(user=officer, commune=commune, source=buffer.getvalue())
    households = {h.code: h for h in Household.objects.select_related("village", "head_ethnicity")}
    reviews = {r.household.code: r for r in HouseholdReview.objects.select_related("household")}
    members = {}
    for member in Member.objects.select_related("household", "ethnicity").order_by("pk"):
        members.setdefault(member.household.code, []).append(member)
    assert len(households) == len(cases)
    for code, sheet, header, value in expected:
        column = columns[(sheet, header)]
        if sheet == Sheet.HOUSEHOLDS:
            stored = households[code]
            found = {"village": stored.village.name, "head_ethnicity": getattr(stored.head_ethnicity, "name", None)}
            got = found.get(column.key, getattr(stored, column.key, None))
        elif sheet == Sheet.MEMBERS:
            member = members[code][-1]
            got = member.ethnicity.name if column.key == "ethnicity" else getattr(member, column.key)
        else:
            stored = reviews[code]
            got = stored.causes if column.key == "causes" else stored.facts[column.key]
        assert got == _meant(column, value), (code, header, value)


def _meant(column, value):
    """What the clerk meant by ``value``, from the labels alone (not through the import's own look-up)."""
    if column.kind == Kind.BOOLEAN:
        return {YES_NO[0]: True, YES_NO[1]: False}[value]
    if column.choices is None:
        return value
    by_label = {vietnamese_label(column.choices, code): code for code in column.choices.values}
    if column.kind == Kind.CHOICE:
        return by_label[value]
    if value == NONE_LABEL:
        return []
    codes = [by_label[part.strip()] for part in value.split(";")]
    return sorted(codes) if column.key in ("telecom", "devices") else codes


@pytest.mark.parametrize(
    ("cell", "causes"),
    [
        ("Thiếu công cụ, phương tiện sản xuất; Ốm đau, tai nạn", ["no_tools", "illness"]),
        ("ốm đau, tai nạn", ["illness"]),
        # Files written before the separator was ";": each value is still found whole, the longest first.
        ("Thiếu đất sản xuất, Thiếu vốn", ["no_land", "no_capital"]),
        ("Thiếu vốn, Thiếu công cụ, phương tiện sản xuất, Ốm đau, tai nạn", ["no_capital", "no_tools", "illness"]),
    ],
)
def test_values_holding_commas_are_matched_whole(officer, commune, village, cell, causes):
    source = make_workbook(
        households=[household("SP-01")],
        members=[member_row("SP-01", "Hà Văn Tư")],
        reviews=[review_row("SP-01", 2024, 900_000, **{"Nguyên nhân nghèo": cell})],
    )
    import_commit(user=officer, commune=commune, source=source)
    assert HouseholdReview.objects.get().causes == causes


def test_a_value_not_listed_names_the_separator(officer, commune, village):
    source = make_workbook(
        households=[household("SP-02")],
        members=[member_row("SP-02", "Hà Văn Tư")],
        reviews=[
            review_row(
                "SP-02",
                2024,
                900_000,
                **{"Nguyên nhân nghèo": "Thiếu vốn; Không rõ", "Dịch vụ viễn thông": "Không; Internet"},
            )
        ],
    )
    with translation.override("en"):
        result = import_check(user=officer, commune=commune, source=source)
    assert [(e.column, e.message) for e in result.errors] == [
        ("Telecom services", "“Không” cannot go with other values."),
        ("Causes of poverty", result.errors[1].message),
    ]
    assert result.errors[1].message.startswith("“Không rõ” is not one of: Thiếu đất sản xuất; Thiếu vốn;")
    assert result.errors[1].message.endswith("Separate several values with “;”.")


# --- 2. Every fact the standards read can be stated, the absence of a service too ---------------------------

# Each indicator decided from facts, and what makes a household deprived in it (on top of the good household).
DEPRIVING = {
    "health_access": ({"Ốm đau không được chữa": "x"}, [], {}),
    "health_insurance": ({"Có BHYT": "Không"}, [], {}),
    "adult_education": (
        {},
        [
            {
                "Ngày sinh": "01/01/2004",
                "Đang đi học": "Không",
                "Trình độ học vấn": "Tiểu học",
                "Việc làm": "Tự làm, sản xuất nông nghiệp",
            }
        ],
        {},
    ),
    "child_schooling": ({}, [{"Ngày sinh": "01/06/2012", "Đang đi học": "Không", "Học đúng cấp theo tuổi": None}], {}),
    "housing_quality": ({}, [], {"Nhà ở": "Nhà đơn sơ"}),
    "housing_area": ({}, [], {"Diện tích ở (m²)": 5}),
    "water": ({}, [], {"Nguồn nước sinh hoạt": "Nước sông, suối, ao, hồ"}),
    "latrine": ({}, [], {"Nhà tiêu": "Không"}),
    "telecom": ({}, [], {"Dịch vụ viễn thông": "Không"}),
    "information_means": ({}, [], {"Phương tiện tiếp cận thông tin": "Không", "Nghe loa truyền thanh": "Không"}),
    "employment": ({"Việc làm": "Thất nghiệp"}, [], {}),
    "dependants": ({}, [{"Ngày sinh": "01/01/2015"}, {"Ngày sinh": "01/01/2016"}], {}),
    "nutrition": ({}, [{"Ngày sinh": "01/01/2015", "Suy dinh dưỡng": "x"}], {}),
    "waste": ({}, [], {"Rác thải sinh hoạt": "Vứt bỏ bừa bãi"}),
}


@pytest.fixture
def after_reform(make_user, unit):
    commune = unit("Xã Bằng Thành", on=AFTER_REFORM)
    village = VillageFactory(parent=commune, name="Thôn Nà Hin")
    return commune, village, make_user(Role.COMMUNE_OFFICER, [commune])


@pytest.mark.parametrize("year", [2019, 2024, 2026])
def test_a_household_deprived_in_each_indicator_imports_and_is_classified_deprived(
    year, officer, commune, village, after_reform
):
    """Decision 59/2015/QĐ-TTg (end-2019 round), Decree 07/2021/NĐ-CP (end-2024), Decree 351/2025/NĐ-CP (end-2026):
    a household lacking a service is stated so ("Không", "x") and classified deprived, not refused as missing."""
    if year == 2026:
        commune, _village, officer = after_reform
    rules = standard_rules(standard_for_round(year=year, kind="annual"))
    codes = [c for c in rules.indicator_codes if c in DEPRIVING]
    assert len(codes) == len(rules.indicator_codes)  # every indicator of the standard is decided from facts
    households, members, reviews = [household("DP-00")], [member_row("DP-00", "Hộ đủ")], [review_row("DP-00", year)]
    for n, code in enumerate(codes, start=1):
        key = f"DP-{n:02d}"
        head, others, facts = DEPRIVING[code]
        households.append(household(key))
        members.append(member_row(key, f"Chủ hộ {code}", **head))
        members += [child(key, f"Người {i} {code}", **cells) for i, cells in enumerate(others)]
        reviews.append(review_row(key, year, **facts))
    source = make_workbook(households=households, members=members, reviews=reviews)
    assert import_check(user=officer, commune=commune, source=source).errors == []
    import_commit(user=officer, commune=commune, source=source)
    deprived = {r.household.code: r.deprived for r in HouseholdReview.objects.select_related("household")}
    assert deprived["DP-00"] == []
    for n, code in enumerate(codes, start=1):
        assert code in deprived[f"DP-{n:02d}"], code


def test_a_telecom_none_is_a_fact_and_a_blank_is_not_recorded(officer, commune, village):
    source = make_workbook(
        households=[household("TC-01"), household("TC-02")],
        members=[member_row("TC-01", "Hà Văn Tư"), member_row("TC-02", "Hà Văn Năm")],
        reviews=[
            review_row("TC-01", 2024, **{"Dịch vụ viễn thông": "không có"}),
            review_row("TC-02", 2024, **{"Dịch vụ viễn thông": None}),
        ],
    )
    result = import_check(user=officer, commune=commune, source=source)
    assert [(e.row, e.column) for e in result.errors] == [(4, "Dịch vụ viễn thông")]


def test_an_export_of_a_household_without_telecom_says_so_and_imports_back(officer, commune, village):
    from households.exports import export_households_xlsx

    source = make_workbook(
        households=[household("TC-03")],
        members=[member_row("TC-03", "Hà Văn Tư")],
        reviews=[review_row("TC-03", 2024, **{"Dịch vụ viễn thông": "Không"})],
    )
    import_commit(user=officer, commune=commune, source=source)
    exported = export_households_xlsx(user=officer)
    sheet = load_workbook(io.BytesIO(exported))["Rà soát"]
    assert sheet["H3"].value == "Không"
    again = import_check(user=officer, commune=commune, source=exported)
    assert again.errors == []
    assert again.summary["reviews"]["unchanged"] == 1


# --- 3. Villages matched exactly, a near name offered, never taken ---------------------------------------


def village_errors(officer, commune, *names):
    source = make_workbook(
        households=[household(f"VL-{n}", name) for n, name in enumerate(names)],
        members=[member_row(f"VL-{n}", f"Người {n}") for n in range(len(names))],
    )
    with translation.override("en"):
        return [(e.row, e.column, e.message) for e in import_check(user=officer, commune=commune, source=source).errors]


def test_a_village_name_matches_after_unicode_normalisation_case_and_spaces(officer, commune, village):
    VillageFactory(parent=commune, name="Thôn Nà Làng")
    decomposed = unicodedata.normalize("NFD", "Thôn Nà Làng")
    assert decomposed != "Thôn Nà Làng"
    assert village_errors(officer, commune, decomposed, "  thôn   NÀ LÀNG ", "Nà Làng", "nà hin") == []


def test_a_name_matching_only_without_diacritics_is_an_error_offering_the_village(officer, commune, village):
    VillageFactory(parent=commune, name="Thôn Nà Làng")
    assert village_errors(officer, commune, "Thôn Nà Lang") == [
        (3, "Village", "There is no village “Thôn Nà Lang” in Xã Bộc Bố. Did you mean “Thôn Nà Làng”?")
    ]
    assert not Household.objects.exists()


def test_two_villages_differing_by_a_tone_mark_are_each_their_own(officer, commune, village):
    VillageFactory(parent=commune, name="Thôn Nà Lang")
    VillageFactory(parent=commune, name="Thôn Nà Làng")
    assert village_errors(officer, commune, "Thôn Nà Lang", "Thôn Nà Làng") == []
    assert village_errors(officer, commune, "Thon Na Lang") == [
        (
            3,
            "Village",
            "There is no village “Thon Na Lang” in Xã Bộc Bố. Did you mean “Thôn Nà Lang”, “Thôn Nà Làng”?",
        )
    ]


def test_a_village_named_as_another_without_its_kind_is_itself(officer, commune, village):
    VillageFactory(parent=commune, name="Nà Mò")
    VillageFactory(parent=commune, name="Thôn Nà Mò")
    assert village_errors(officer, commune, "Nà Mò", "thôn nà mò") == []
    source = make_workbook(households=[household("VL-1", "Nà Mò")], members=[member_row("VL-1", "Hà Văn Tư")])
    import_commit(user=officer, commune=commune, source=source)
    assert Household.objects.get().village.name == "Nà Mò"


def test_a_short_name_two_villages_share_is_never_guessed(officer, commune, village):
    VillageFactory(parent=commune, name="Thôn Nà Mò")
    VillageFactory(parent=commune, name="Bản Nà Mò")
    assert village_errors(officer, commune, "Bản Nà Mò") == []
    assert village_errors(officer, commune, "Nà Mò") == [
        (3, "Village", "“Nà Mò” may be any of “Thôn Nà Mò”, “Bản Nà Mò”: write the village’s full name.")
    ]


# --- 4. Every problem in one pass ---------------------------------------------------------------------------


def test_an_unreadable_income_does_not_hide_the_missing_facts(officer, commune, village):
    """The income, the telecom cell and a member's insurance are told at once, not one after the other."""
    source = make_workbook(
        households=[household("OP-01")],
        members=[member_row("OP-01", "Hà Văn Tư", **{"Có BHYT": None})],
        reviews=[review_row("OP-01", 2024, "một triệu", **{"Dịch vụ viễn thông": None})],
    )
    result = import_check(user=officer, commune=commune, source=source)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("members", 3, "Có BHYT"),
        ("reviews", 3, "Thu nhập bình quân (đồng/người/tháng)"),
        ("reviews", 3, "Dịch vụ viễn thông"),
    ]


def test_an_unreadable_birth_date_does_not_hide_the_missing_facts(officer, commune, village):
    source = make_workbook(
        households=[household("OP-02")],
        members=[member_row("OP-02", "Hà Văn Tư"), child("OP-02", "Hà Thị Lan", **{"Ngày sinh": "ba tuổi"})],
        reviews=[review_row("OP-02", 2024, **{"Nhà ở": None})],
    )
    result = import_check(user=officer, commune=commune, source=source)
    # The child's schooling is not asked for: without a birth date, nobody knows whether it is needed.
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("members", 4, "Ngày sinh"),
        ("reviews", 3, "Nhà ở"),
    ]


def test_a_members_missing_fact_is_told_once_for_all_the_years_reviewed(officer, commune, village):
    source = make_workbook(
        households=[household("OP-03")],
        members=[member_row("OP-03", "Hà Văn Tư", **{"Có BHYT": None})],
        reviews=[review_row("OP-03", 2023), review_row("OP-03", 2024)],
    )
    result = import_check(user=officer, commune=commune, source=source)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("members", 3, "Có BHYT")]


def test_a_missing_column_is_told_with_the_cells_of_every_sheet(officer, commune, village):
    workbook = load_workbook(
        io.BytesIO(
            make_workbook(
                households=[household("OP-04", "Thôn Không Có"), household("OP-05")],
                members=[member_row("OP-04", "Hà Văn Tư"), member_row("OP-05", "Hà Văn Năm", **{"Có BHYT": "có lẽ"})],
                reviews=[review_row("OP-04", 2024, "abc")],
            )
        )
    )
    members = workbook["Thành viên"]
    members.delete_cols([c.value for c in members[1]].index("Ngày sinh") + 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_check(user=officer, commune=commune, source=buffer.getvalue())
    # The missing column once (not "required" on every row), the cells of every sheet beside it; the checks
    # across rows wait for the file's shape (every household would lack its members' ages).
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [
        ("members", 1, "Ngày sinh"),
        ("members", 4, "Có BHYT"),
        ("reviews", 3, "Thu nhập bình quân (đồng/người/tháng)"),
    ]


# --- The workbook given back with its errors --------------------------------------------------------------


def bad_file():
    return make_workbook(
        households=[household("AN-01"), household("AN-02", "Thôn Na Hin")],
        members=[
            member_row("AN-01", "Hà Văn Tư", **{"Số CCCD": "123"}),
            member_row("AN-02", "Hà Văn Năm", **{"Có BHYT": None}),
        ],
        reviews=[review_row("AN-01", 2024, "abc", **{"Dịch vụ viễn thông": None}), review_row("AN-02", 2024)],
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def errors_column(sheet) -> int:
    return next(cell.column for cell in sheet[1] if cell.value == "Lỗi")


def test_the_workbook_comes_back_with_the_errors_next_to_their_cells(client, officer, commune, village):
    client.force_login(officer)
    client.post(
        reverse("households:import-start"), {"commune": commune.pk, "file": SimpleUploadedFile("ho.xlsx", bad_file())}
    )
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url()).text
    url = reverse("households:import-errors", args=[job.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert "ho-loi.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[:4] == ["Lỗi", "Hộ gia đình", "Thành viên", "Rà soát"]

    households = workbook["Hộ gia đình"]
    notes = errors_column(households)
    assert notes == 7  # after the last column of the sheet
    assert households.cell(row=3, column=notes).value is None
    assert households["B4"].fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])
    assert "Thôn Nà Hin" in households["B4"].comment.text
    assert households.cell(row=4, column=notes).value.startswith("Thôn/bản: Không có thôn “Thôn Na Hin”")
    assert households["A4"].fill.fill_type is None  # only the cell at fault

    members = workbook["Thành viên"]
    assert members["F3"].value == "123"
    assert members["F3"].comment.text == "Số CCCD phải có đúng 12 chữ số."
    assert members["F3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert members.cell(row=3, column=errors_column(members)).value == "Số CCCD: Số CCCD phải có đúng 12 chữ số."
    assert members["K4"].value is None  # a blank cell at fault
    assert members["K4"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "bảo hiểm y tế" in members["K4"].comment.text

    reviews = workbook["Rà soát"]
    row_notes = reviews.cell(row=3, column=errors_column(reviews)).value.split("\n")
    assert row_notes == [
        "Thu nhập bình quân (đồng/người/tháng): “abc” không phải là số.",
        "Dịch vụ viễn thông: Còn thiếu: Dịch vụ viễn thông sử dụng.",
    ]
    assert reviews["C3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert reviews["H3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert reviews.cell(row=4, column=errors_column(reviews)).value is None

    summary = list(workbook["Lỗi"].iter_rows(min_row=2, values_only=True))
    assert len(summary) == job.error_count == 5
    assert summary[0][:3] == ("Hộ gia đình", 4, "Thôn/bản")
    # The lists of the template are there again, for the clerk's corrections.
    assert workbook[LISTS_SHEET].sheet_state == "hidden"
    assert any("Danh mục" in v.formula1 for v in households.data_validations.dataValidation)


def test_the_workbook_given_back_imports_as_the_file_did_and_once_corrected_without_errors(officer, commune, village):
    source = bad_file()
    errors = import_check(user=officer, commune=commune, source=source).errors
    annotated = annotated_workbook(source, errors, {"village": ["Thôn Nà Hin"]})
    assert import_check(user=officer, commune=commune, source=annotated).errors == errors
    workbook = load_workbook(io.BytesIO(annotated))
    workbook["Hộ gia đình"]["B4"] = "Thôn Nà Hin"
    workbook["Thành viên"]["F3"] = None
    workbook["Thành viên"]["K4"] = "Có"
    workbook["Rà soát"]["C3"] = 900_000
    workbook["Rà soát"]["H3"] = "Internet"
    # A row emptied but for its errors is no row: the column "Lỗi" is not read.
    workbook["Rà soát"].append(["", None, None] + [None] * 9 + ["Mã hộ: an old error"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert import_check(user=officer, commune=commune, source=buffer.getvalue()).errors == []


def test_only_the_uploader_fetches_the_workbook_given_back(client, officer, commune, village, make_user):
    job = import_job_create(user=officer, commune=commune, file=SimpleUploadedFile("ho.xlsx", bad_file()))
    url = reverse("households:import-errors", args=[job.pk])
    colleague = make_user(Role.COMMUNE_OFFICER, [commune])
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    client.force_login(officer)
    assert client.get(url).status_code == 200


def test_a_file_without_errors_has_no_workbook_to_give_back(client, officer, commune, village):
    good = make_workbook(households=[household("AN-03")], members=[member_row("AN-03", "Hà Văn Tư")])
    job = import_job_create(user=officer, commune=commune, file=SimpleUploadedFile("ho.xlsx", good))
    assert job.error_count == 0
    client.force_login(officer)
    assert client.get(reverse("households:import-errors", args=[job.pk])).status_code == 404


# --- 5. After a commit, and while a job runs --------------------------------------------------------------


def test_the_page_of_a_saved_import_links_to_the_households_and_the_round(client, officer, commune, village):
    source = make_workbook(
        households=[household("LK-01"), household("LK-02")],
        members=[member_row("LK-01", "Hà Văn Tư"), member_row("LK-02", "Hà Văn Năm")],
        reviews=[review_row("LK-01", 2024)],
    )
    job = import_job_create(user=officer, commune=commune, file=SimpleUploadedFile("ho.xlsx", source))
    job = import_job_confirm(user=officer, job=job)
    assert job.status == ImportStatus.DONE
    client.force_login(officer)
    page = client.get(job.get_absolute_url()).text
    for household_row in Household.objects.all():
        assert reverse("households:household-detail", args=[household_row.pk]) in page
    assert reverse("households:round-detail", args=[ReviewRound.objects.get().pk]) in page
    assert f"{reverse('households:household-list')}?commune={commune.pk}" in page
    assert client.get(reverse("households:round-detail", args=[ReviewRound.objects.get().pk])).status_code == 200


def test_a_running_job_shows_its_progress_and_refreshes(client, officer, commune):
    job = ImportJob.objects.create(
        user=officer,
        commune=commune,
        file_name="ho.xlsx",
        status=ImportStatus.RUNNING,
        progress=40,
        worker=worker_identity(),  # this process: alive
        heartbeat_at=timezone.now(),
    )
    client.force_login(officer)
    page = client.get(job.get_absolute_url()).text
    head = page.split("</head>")[0]
    assert '<meta http-equiv="refresh" content="2">' in head
    assert 'value="40"' in page


def test_the_template_of_a_commune_lists_its_villages_and_is_refused_outside_the_area(
    client, officer, commune, village, unit
):
    client.force_login(officer)
    url = reverse("households:import-template")
    response = client.get(url, {"commune": commune.pk})
    assert response.status_code == 200
    lists = load_workbook(io.BytesIO(response.content))[LISTS_SHEET]
    assert [c.value for c in lists["A"] if c.value] == ["Thôn/bản", "Thôn Nà Hin"]
    assert Ethnicity.objects.first().name in [c.value for c in lists["B"]]
    assert client.get(url, {"commune": unit("Xã Lương Thượng").pk}).status_code == 404
    assert client.get(url, {"commune": "x"}).status_code == 404


def test_a_file_with_errors_is_still_refused_whole_on_commit(officer, commune, village):
    with pytest.raises(ImportRefused):
        import_commit(user=officer, commune=commune, source=bad_file())
    assert not Household.objects.exists()


def test_the_template_of_a_village_officer_lists_their_villages(client, make_user, commune, village):
    VillageFactory(parent=commune, name="Bản Khuổi Khí")
    client.force_login(make_user(Role.COMMUNE_OFFICER, [village]))
    response = client.get(reverse("households:import-template"), {"commune": commune.pk})
    lists = load_workbook(io.BytesIO(response.content))[LISTS_SHEET]
    assert [c.value for c in lists["A"] if c.value] == ["Thôn/bản", "Thôn Nà Hin"]
