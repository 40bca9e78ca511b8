"""Exports of household and review lists: the import workbook (round trip) and CSV, within the user's area."""

import csv
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from accounts.models import Role
from households.exports import export_households_xlsx, export_reviews_csv, export_reviews_xlsx
from households.imports.services import import_check, import_commit
from households.models import ReviewRound
from tests.workbooks import clean_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(officer, commune, village):
    import_commit(user=officer, commune=commune, source=clean_file())


def sheet(content: bytes, name: str) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(name).to_python()


def test_an_export_of_what_was_imported_imports_back_unchanged(imported, officer, commune):
    exported = export_households_xlsx(user=officer)
    again = import_check(user=officer, commune=commune, source=exported)
    assert again.errors == []
    assert again.summary["households"] == {"created": 0, "updated": 0, "unchanged": 2, "deleted": 0}
    assert again.summary["members"] == {"created": 0, "updated": 0, "unchanged": 3, "deleted": 0}
    assert again.summary["reviews"] == {"created": 0, "updated": 0, "unchanged": 2, "deleted": 0}
    review_round = ReviewRound.objects.get()
    from_round = export_reviews_xlsx(user=officer, review_round=review_round)
    assert import_check(user=officer, commune=commune, source=from_round).summary["reviews"]["unchanged"] == 2


def test_the_workbook_has_vietnamese_headers_labels_and_the_computed_status(imported, officer):
    exported = export_households_xlsx(user=officer, filters={"q": "BB-01"})
    households = sheet(exported, "Hộ gia đình")
    assert households[0][:2] == ["Mã hộ", "Thôn/bản"]
    assert households[1][:2] == ["Household code", "Village"]
    assert [row[0] for row in households[2:]] == ["BB-01"]
    members = sheet(exported, "Thành viên")
    assert members[2][2] == "Nam"
    assert members[2][4] == "Chủ hộ"
    reviews = sheet(exported, "Rà soát")
    assert reviews[2][2] == 1_000_000
    assert reviews[2][-3] == "Hộ nghèo"


def test_exports_are_limited_to_the_users_area(imported, make_user, unit):
    stranger = make_user(Role.COMMUNE_OFFICER, [unit("Xã Lương Thượng")])
    assert sheet(export_households_xlsx(user=stranger), "Hộ gia đình")[2:] == []


def test_csv_has_a_bom_and_diacritics(imported, officer, client):
    client.force_login(officer)
    response = client.get(reverse("households:household-export", args=["csv"]))
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Mã hộ", "Thôn/bản"]
    assert rows[1][0] == "BB-01"
    assert "Hoàng Văn Páo" in rows[1]
    review_round = ReviewRound.objects.get()
    text = export_reviews_csv(user=officer, review_round=review_round).decode("utf-8-sig")
    assert "Hộ nghèo" in text


def test_export_pages_keep_a_fixed_number_of_queries(imported, officer, client, django_assert_max_num_queries, commune):
    client.force_login(officer)
    review_round = ReviewRound.objects.get()
    for url in (
        reverse("households:household-export", args=["xlsx"]),
        reverse("households:household-export", args=["csv"]),
        reverse("households:round-export", args=[review_round.pk, "xlsx"]),
        reverse("households:round-export", args=[review_round.pk, "csv"]),
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
    assert client.get(reverse("households:household-export", args=["pdf"])).status_code == 404
