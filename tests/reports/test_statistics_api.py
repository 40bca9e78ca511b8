"""GET /api/v1/statistics/: counts and rates from the aggregate tables, scoped, across the 2025 reform."""

import csv
import io

import pytest
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from accounts.models import Role
from households.rates import rate
from tests.conftest import AFTER_REFORM
from tests.factories import residents_everywhere

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def as_user(user):
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
        return client

    return as_user


def get(client, **params):
    return client.get("/api/v1/statistics/", params)


def by(rows, *keys):
    return {tuple(row[k] for k in keys): row for row in rows}


def test_statistics_need_a_token(client):
    assert get(client, year=2024, unit="06").status_code == 401


def test_province_totals_and_rates(api, reviewed, province_officer, unit, django_assert_max_num_queries):
    client = api(province_officer)
    residents = sum(residents_everywhere(2024, 10, under=unit("Tỉnh Bắc Kạn")).values())
    # Token, user, scope (4 and its version), years, unit, the year's standard (2), the roll-up's communes (two
    # hops: a province of districts), cells, resident counts and registry, the provinces of the area
    # (households.provinces; once, then kept): fixed, whatever the size.
    with django_assert_max_num_queries(17):
        body = get(client, year=2024, unit="06").json()
    (row,) = body["results"]
    # 2024: Lương Thượng PNNA, Kim Hỷ NNA, Bộc Bố PPNN → 11 households, 3 poor, 6 near-poor, 2 average.
    assert (row["households"], row["poor"], row["near_poor"], row["average"]) == (11, 3, 6, 2)
    # The rates are over the resident households of the province's communes, not over the 11 reviewed.
    assert row["resident_households"] == residents
    assert row["poor_rate"] == float(rate(3, residents))
    assert row["near_poor_rate"] == float(rate(6, residents))
    assert row["poor_share"] == 27.27
    assert row["people"] == 11
    assert body["coverage"]["communes_reported"] == 3
    assert body["coverage"]["partial"] is True
    assert body["unit"] == {"code": "06", "name": "Tỉnh Bắc Kạn", "level": "province", "tree": "legacy"}


def test_group_by_unit_and_status(api, reviewed, province_officer):
    body = get(api(province_officer), year=2024, unit="06", group_by="unit,status").json()
    rows = by(body["results"], "unit_name", "status")
    assert rows[("Huyện Na Rì", "near_poor")]["households"] == 4
    assert rows[("Huyện Pác Nặm", "poor")]["households"] == 2
    # No resident households entered: no rate; the share of the reviewed households is there.
    assert rows[("Huyện Pác Nặm", "poor")]["rate"] is None
    assert rows[("Huyện Pác Nặm", "poor")]["share"] == 50
    # Tidy: a row per district and status (zeros included), holding that status's figures only.
    assert len(rows) == 8 * 4
    assert set(rows[("Huyện Pác Nặm", "poor")]) == {
        "unit_code", "unit_name", "unit_level", "status", "households", "people", "rate", "share"
    }  # fmt: skip


def test_compare_adds_the_change(api, reviewed, province_officer, unit):
    for year in (2023, 2024):
        residents = sum(residents_everywhere(year, 10, under=unit("Huyện Na Rì")).values())
    body = get(api(province_officer), year=2024, unit="066", compare=2023).json()
    (row,) = body["results"]
    # Na Rì 2023: PPNA + PNA = 3 poor; 2024: PNNA + NNA = 1 poor; of the same resident households.
    assert row["change"]["poor"] == -2
    assert row["change"]["poor_rate"] == pytest.approx(float(rate(1, residents) - rate(3, residents)))


def test_by_transition(api, reviewed, province_officer):
    rows = by(get(api(province_officer), year=2024, unit="06", group_by="transition").json()["results"], "transition")
    # Stayed poor: Lương Thượng #0, Bộc Bố #0 and #1; poor → near-poor: Lương Thượng #1, Kim Hỷ #0, Bộc Bố #2.
    assert rows[("stayed_poor",)]["households"] == 3
    assert rows[("poor_to_near_poor",)]["households"] == 3
    assert rows[("stayed_poor",)]["transition_label"] == "Vẫn là hộ nghèo"


def test_by_indicator_counts_deprived_poor_and_near_poor(api, reviewed, province_officer):
    rows = by(get(api(province_officer), year=2024, unit="06", group_by="indicator").json()["results"], "indicator")
    water = rows[("water",)]
    assert (water["deprived_poor"], water["deprived_near_poor"], water["deprived_poor_share"]) == (3, 0, 100)
    assert water["indicator_label"] == "Nguồn nước sinh hoạt"
    assert ("employment",) not in rows


def test_by_cause_is_empty_when_no_cause_was_recorded(api, reviewed, province_officer):
    assert get(api(province_officer), year=2024, unit="06", group_by="cause").json()["results"] == []


def test_a_legacy_district_after_the_reform_is_summed_from_its_successors(api, reviewed, province_officer):
    """Na Rì's Lương Thượng and Kim Hỷ became Xã Văn Lang (Resolution 202/2025/QH15)."""
    body = get(api(province_officer), year=2026, unit="066").json()
    (row,) = body["results"]
    assert (row["households"], row["poor"]) == (4, 1)


def test_a_district_whose_successor_spans_two_districts_says_so(api, reviewed, province_officer):
    body = get(api(province_officer), year=2026, unit="063").json()  # Bạch Thông
    assert any("Xã Bạch Thông" in note for note in body["notes"])


def test_a_new_commune_before_the_reform_is_summed_from_its_predecessors(api, reviewed, province_officer, unit):
    code = unit("Xã Văn Lang", on=AFTER_REFORM).code
    client = api(province_officer)
    body = get(client, year=2024, unit=code, tree="current").json()
    assert body["unit"]["name"] == "Xã Văn Lang"
    assert body["results"][0]["households"] == 7  # Lương Thượng 4 + Kim Hỷ 3 (+ old Văn Lang, no reviews)
    # The new commune kept Lương Thượng's code: without ``tree`` the code names two units, and is refused.
    answer = get(client, year=2024, unit=code)
    assert answer.status_code == 400
    assert "tree=legacy" in answer.json()["unit"][0]
    assert get(client, year=2024, unit=code, tree="legacy").json()["unit"]["name"] == "Xã Lương Thượng"


def test_a_commune_officer_cannot_read_another_commune_or_the_province(api, reviewed, make_user, unit):
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")])
    client = api(officer)
    assert get(client, year=2024, unit=unit("Xã Lương Thượng").code, tree="legacy").status_code == 404
    assert get(client, year=2024, unit="06").status_code == 404
    own = get(client, year=2024, unit=unit("Xã Bộc Bố").code, tree="legacy").json()
    assert own["results"][0]["households"] == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": 2031, "unit": "06"}, "year"),
        ({"year": 2024, "unit": "06", "group_by": "unit,colour"}, "group_by"),
        ({"year": 2024, "unit": "06", "group_by": "cause,ethnicity"}, "group_by"),
        ({"year": "twenty", "unit": "06"}, "year"),
        ({"year": 2024, "unit": "06", "compare": 2019}, "compare"),
    ],
)
def test_bad_parameters_are_400_with_the_field(api, reviewed, province_officer, params, field):
    response = get(api(province_officer), **params)
    assert response.status_code == 400
    assert field in response.json()


def test_csv_with_bom_and_xlsx(api, reviewed, province_officer):
    client = api(province_officer)
    response = get(client, year=2024, unit="06", group_by="unit", format="csv")
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    # Every district of the province is a row, those without reviews with zeros.
    assert len(rows) == 8
    assert {row["unit_name"] for row in rows if row["households"] != "0"} == {"Huyện Na Rì", "Huyện Pác Nặm"}
    xlsx = get(client, year=2024, unit="06", group_by="unit", format="xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "unit_name" in values[0]
    assert any("Huyện Na Rì" in row for row in values[1:])
