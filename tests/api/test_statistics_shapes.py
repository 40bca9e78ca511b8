"""GET /api/v1/statistics/ as a client meets it: defaults for unit and year, the root lists it, the tidy and long
shapes, the same notes for a total and its breakdown; every answer checked against docs/openapi.yaml."""

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import Role
from reports.statistics import MEASURES
from tests.conftest import AFTER_REFORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def as_user(user):
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
        return client

    return as_user


def get(client, **params):
    return client.get("/api/v1/statistics/", params)


def test_the_api_root_lists_the_statistics_and_every_list(api, province_officer):
    root = api(province_officer).get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert root["statistics"].endswith("/api/v1/statistics/")
    assert root["households/export"].endswith("/api/v1/households/export/")
    assert {"units", "standards", "households", "reviews", "imports", "plans", "projects"} <= root.keys()


def test_without_unit_and_year_the_top_unit_and_latest_complete_year(api, reviewed, make_user, unit):
    # Xã Văn Lang (from 1/7/2025) reported in 2026 in full.
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Văn Lang", on=AFTER_REFORM)])
    answer = get(api(officer))
    assert answer.status_code == 200
    body = answer.json()
    assert body["unit"] == {"code": "02143", "name": "Xã Văn Lang", "level": "commune", "tree": "current"}
    assert (body["year"], body["defaults"]) == (2026, ["unit", "year"])
    assert body["coverage"]["partial"] is False
    assert any("Xã Văn Lang" in note and "2026" in note for note in body["notes"])
    # The same figures as when both are asked for, with their notes after the defaults' own.
    asked = get(api(officer), unit="02143", tree="current", year=2026).json()
    assert asked["defaults"] == []
    assert asked["results"] == body["results"]
    assert body["notes"][2:] == asked["notes"]  # after the two that say how the unit and the year were chosen


def test_the_latest_complete_year_skips_a_year_the_unit_has_not_reported(api, reviewed, make_user, unit):
    # Xã Bộc Bố (until 30/6/2025) reported in 2023 and 2024; in 2026 its area is Xã Bằng Thành's, which is not
    # wholly Bộc Bố, so Bộc Bố has no commune in 2026.
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")])
    body = get(api(officer)).json()
    assert (body["unit"]["name"], body["year"]) == ("Xã Bộc Bố", 2024)
    assert body["results"][0]["households"] == 4


def test_when_no_year_is_complete_the_latest_year_and_the_note_says_so(api, reviewed, province_officer):
    body = get(api(province_officer)).json()
    # Today the officer's top unit in force is Tỉnh Thái Nguyên (current tree), where few communes reported.
    assert (body["unit"]["code"], body["unit"]["tree"], body["year"]) == ("19", "current", 2026)
    assert body["coverage"]["partial"] is True
    assert any("2026" in note for note in body["notes"][:2])


def test_a_year_without_a_unit_takes_the_top_unit_of_that_year(api, reviewed, province_officer):
    body = get(api(province_officer), year=2024).json()
    assert (body["unit"]["name"], body["unit"]["tree"], body["defaults"]) == ("Tỉnh Bắc Kạn", "legacy", ["unit"])


def test_an_unknown_unit_is_a_404_naming_the_code(api, reviewed, province_officer):
    answer = get(api(province_officer), year=2024, unit="999")
    assert answer.status_code == 404
    assert "999" in answer.json()["detail"]


def test_group_by_repeated_or_comma_separated_is_the_same(api, reviewed, province_officer):
    client = api(province_officer)
    comma = client.get("/api/v1/statistics/?year=2024&unit=06&group_by=unit,status").json()
    repeated = client.get("/api/v1/statistics/?year=2024&unit=06&group_by=unit&group_by=status").json()
    assert comma == repeated
    assert comma["group_by"] == ["unit", "status"]


@pytest.mark.parametrize(
    ("group_by", "problem"),
    [("unit,colour", "colour"), ("cause,ethnicity", "cause"), ("unit,unit", "")],
)
def test_a_bad_group_by_is_a_400_on_the_field(api, reviewed, province_officer, group_by, problem):
    answer = get(api(province_officer), year=2024, unit="06", group_by=group_by)
    assert answer.status_code == 400
    (message,) = answer.json()["group_by"]
    assert problem in message


def test_status_rows_are_tidy(api, reviewed, province_officer):
    body = get(api(province_officer), year=2024, unit="066", group_by="status").json()
    rows = {row["status"]: row for row in body["results"]}
    # Na Rì 2024: Lương Thượng PNNA, Kim Hỷ NNA; every status a row, zeros included.
    assert {s: r["households"] for s, r in rows.items()} == {"poor": 1, "near_poor": 4, "average": 2, "not_poor": 0}
    assert rows["near_poor"]["share"] == pytest.approx(57.14)
    assert all(set(row) == {"status", "households", "people", "rate", "share"} for row in rows.values())


def test_a_slice_by_status_holds_its_own_share(api, reviewed, province_officer):
    rows = get(api(province_officer), year=2024, unit="06", group_by="transition,status").json()["results"]
    stayed = next(r for r in rows if r["transition"] == "stayed_poor")
    assert (stayed["status"], stayed["households"], stayed["share"]) == ("poor", 3, 100)
    assert "rate" not in stayed  # resident households are not counted by transition


def test_the_long_shape_is_tidy(api, reviewed, province_officer):
    body = get(api(province_officer), year=2024, unit="06", group_by="unit", shape="long").json()
    assert body["shape"] == "long"
    rows = body["results"]
    assert {tuple(sorted(row)) for row in rows} == {
        ("dimension", "key", "measure", "standard", "unit_code", "unit_name", "value", "year")
    }
    assert {row["measure"] for row in rows} <= set(MEASURES)
    na_ri = {row["measure"]: row["value"] for row in rows if row["unit_code"] == "066"}
    assert (na_ri["households"], na_ri["poor"], na_ri["near_poor"]) == (7, 1, 4)
    assert na_ri["poor_rate"] is None  # no resident households entered: the row is there, without a value
    assert {(row["dimension"], row["key"], row["year"]) for row in rows} == {("all", "all", 2024)}


def test_the_long_shape_with_a_slice_and_a_compared_year(api, reviewed, province_officer):
    body = get(api(province_officer), year=2024, unit="066", group_by="transition", shape="long", compare=2023).json()
    rows = body["results"]
    assert {row["year"] for row in rows} == {2023, 2024}
    newly_poor = {
        row["year"]: row["value"]
        for row in rows
        if (row["dimension"], row["key"], row["measure"]) == ("transition", "newly_poor", "households")
    }
    whole = {row["year"]: row["value"] for row in rows if (row["key"], row["measure"]) == ("all", "poor")}
    assert whole == {2023: 3, 2024: 1}
    assert newly_poor.get(2023) == 3


@pytest.mark.parametrize("unit_code", ["06", "063", "066"])
def test_a_total_and_its_breakdowns_carry_the_same_notes(api, reviewed, province_officer, unit_code):
    client = api(province_officer)
    notes = {
        (group_by, shape): tuple(get(client, year=2026, unit=unit_code, group_by=group_by, shape=shape).json()["notes"])
        for group_by in ("", "unit", "unit,status", "status", "ethnicity", "indicator,status")
        for shape in ("wide", "long")
    }
    assert len(set(notes.values())) == 1, notes
    if unit_code == "063":  # Bạch Thông: the new Xã Bạch Thông also took in a commune of Chợ Đồn
        assert any("Xã Bạch Thông" in note for note in notes[("", "wide")])


def test_the_unit_is_typed_and_says_its_tree(api, reviewed, province_officer):
    unit = get(api(province_officer), year=2026, unit="066").json()["unit"]
    assert unit == {"code": "066", "name": "Huyện Na Rì", "level": "district", "tree": "legacy"}


def test_several_top_units_the_first_by_code_and_the_note_names_the_others(api, reviewed, make_user, unit):
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Lương Thượng"), unit("Xã Kim Hỷ")])
    body = get(api(officer), year=2024).json()
    first, other = sorted([unit("Xã Lương Thượng"), unit("Xã Kim Hỷ")], key=lambda u: u.code)
    assert body["unit"]["name"] == first.name
    assert any(other.name in note and other.code in note for note in body["notes"])
