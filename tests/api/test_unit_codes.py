"""A unit code in any filter of the API names one unit: a code both trees of the 2025 reform have (02143 is Xã
Lương Thượng until 30/6/2025 and Xã Văn Lang after) is a 400 asking for ``tree``; an unknown code, or one outside
the caller's area, is the same 404 naming the code, on every endpoint."""

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import Role
from tests.conftest import AFTER_REFORM
from tests.review_data import PLAN, PLAN_2026

pytestmark = pytest.mark.django_db

SHARED = "02143"  # Xã Lương Thượng (legacy), Xã Văn Lang (current)

# Every endpoint that reads a unit code, with the parameter that holds it.
CODE_FILTERS = [
    ("/api/v1/households/", "unit", {}),
    ("/api/v1/households/export/", "unit", {}),
    ("/api/v1/reviews/", "unit", {}),
    ("/api/v1/units/", "parent", {}),
    ("/api/v1/plans/", "unit", {}),
    ("/api/v1/projects/", "unit", {}),
    ("/api/v1/statistics/", "unit", {"year": 2024}),
]


@pytest.fixture
def as_user(client):
    def login(user):
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
        return client

    return login


@pytest.fixture
def officer(as_user, province_officer):
    return as_user(province_officer)


@pytest.mark.parametrize(("path", "name", "extra"), CODE_FILTERS)
def test_a_code_two_units_share_is_a_400_asking_for_the_tree(officer, reviewed, path, name, extra):
    answer = officer.get(path, {name: SHARED, **extra})
    assert answer.status_code == 400
    (message,) = answer.json()[name]
    assert "Xã Lương Thượng" in message
    assert "Xã Văn Lang" in message
    assert "tree=legacy" in message
    assert "tree=current" in message


@pytest.mark.parametrize(("path", "name", "extra"), CODE_FILTERS)
def test_an_unknown_code_is_the_same_404_everywhere(officer, reviewed, path, name, extra):
    answer = officer.get(path, {name: "999", **extra})
    assert answer.status_code == 404
    (detail,) = answer.json().values()
    assert "999" in detail


@pytest.mark.parametrize(("path", "name", "extra"), CODE_FILTERS)
def test_a_code_outside_the_area_is_answered_as_an_unknown_one(as_user, make_user, unit, reviewed, path, name, extra):
    client = as_user(make_user(Role.API_CLIENT, [unit("Xã Bộc Bố")]))
    outside = client.get(path, {name: "066", **extra})  # Huyện Na Rì
    unknown = client.get(path, {name: "067", **extra})  # no unit has it
    assert outside.status_code == unknown.status_code == 404
    assert outside.json()["detail"].replace("066", "067") == unknown.json()["detail"]


def test_the_tree_picks_the_unit(officer, reviewed):
    def codes(**params):
        rows = officer.get("/api/v1/households/", {"unit": SHARED, "page_size": 1000, **params}).json()["results"]
        return {row["commune_name"] for row in rows}, len(rows)

    assert codes(tree="legacy") == ({"Xã Lương Thượng"}, len(PLAN[2023]["Xã Lương Thượng"]))
    assert codes(tree="current") == ({"Xã Văn Lang"}, len(PLAN_2026["Xã Văn Lang"]))
    reviews = officer.get("/api/v1/reviews/", {"unit": SHARED, "tree": "legacy", "page_size": 1000}).json()
    assert {row["year"] for row in reviews["results"]} == {2023, 2024}


def test_a_parent_code_is_read_in_the_tree_or_on_the_date(as_user, make_user, unit, reviewed):
    # Thái Nguyên kept its code 19: its districts until 30/6/2025, its communes after.
    both_sides = [unit("Tỉnh Thái Nguyên"), unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)]
    client = as_user(make_user(Role.PROVINCE_OFFICER, both_sides))

    def levels(**params):
        answer = client.get("/api/v1/units/", {"parent": "19", "page_size": 1000, **params})
        return {row["level"] for row in answer.json()["results"]}

    assert levels(on="2024-01-01") == levels(tree="legacy") == {"district"}
    assert levels(date="2026-01-01") == levels(tree="current") == {"commune"}
    assert client.get("/api/v1/units/", {"parent": "19"}).status_code == 400
    # The list of units with a code shows both: that is how a client finds which to ask for.
    both = client.get("/api/v1/units/", {"code": "19"}).json()["results"]
    assert sorted((row["name"], row["valid_to"] or "") for row in both) == [
        ("Tỉnh Thái Nguyên", ""),
        ("Tỉnh Thái Nguyên", "2025-06-30"),
    ]


def test_statistics_read_the_code_in_the_tree(officer, reviewed):
    legacy = officer.get("/api/v1/statistics/", {"year": 2024, "unit": SHARED, "tree": "legacy"}).json()
    current = officer.get("/api/v1/statistics/", {"year": 2024, "unit": SHARED, "tree": "current"}).json()
    assert (legacy["unit"]["name"], legacy["results"][0]["households"]) == ("Xã Lương Thượng", 4)
    # Xã Văn Lang in 2024: Lương Thượng and Kim Hỷ, which went into it whole.
    assert (current["unit"]["name"], current["results"][0]["households"]) == ("Xã Văn Lang", 7)


def test_the_units_of_one_tree(officer):
    legacy = officer.get("/api/v1/units/", {"tree": "legacy", "level": "province"}).json()["results"]
    current = officer.get("/api/v1/units/", {"tree": "current", "level": "province"}).json()["results"]
    assert [(u["code"], u["valid_to"]) for u in legacy] == [("06", "2025-06-30")]
    assert [(u["code"], u["valid_to"]) for u in current] == [("19", None)]
