"""households/ and reviews/ for REST clients: token, scope, filters, pagination, CSV/XLSX, tokens revoked."""

import csv
import io

import pytest
from django.core.management import call_command

from accounts.models import Role
from tests.review_data import PLAN, PLAN_2026

pytestmark = pytest.mark.django_db


def token_for(user) -> str:
    out = io.StringIO()
    call_command("create_api_token", user.username, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def district_client(client, make_user, unit):
    user = make_user(Role.API_CLIENT, [unit("Huyện Na Rì")])
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token_for(user)}"
    return client


def test_households_are_scoped_and_paginated(district_client, reviewed, django_assert_max_num_queries):
    # Token, the scope's version and the scope (3), page: no count, whatever the size.
    with django_assert_max_num_queries(7):
        body = district_client.get("/api/v1/households/", {"page_size": 5}).json()
    rows = body["results"]
    assert "members" not in rows[0]
    while body["next"]:
        body = district_client.get(body["next"]).json()
        rows += body["results"]
    # Na Rì's communes, and after the reform Xã Văn Lang, which Lương Thượng and Kim Hỷ became.
    na_ri = len(PLAN[2023]["Xã Lương Thượng"]) + len(PLAN[2023]["Xã Kim Hỷ"]) + len(PLAN_2026["Xã Văn Lang"])
    assert len(rows) == len({row["id"] for row in rows}) == na_ri
    assert {row["commune_name"] for row in rows} == {"Xã Lương Thượng", "Xã Kim Hỷ", "Xã Văn Lang"}


def test_a_household_detail_lists_members_and_outside_is_404(district_client, reviewed, unit):
    households = reviewed["households"]
    inside = next(h for h in households.values() if h.commune.name == "Xã Lương Thượng")
    outside = next(h for h in households.values() if h.commune.name == "Xã Bộc Bố")
    body = district_client.get(f"/api/v1/households/{inside.pk}/").json()
    assert body["members"][0]["full_name"].startswith("Chủ hộ")
    assert district_client.get(f"/api/v1/households/{outside.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"year": 2024}, 7),
        ({"year": 2024, "status": "poor"}, 1),
        ({"year": 2023, "transition": "newly_poor"}, 3),
        ({"unit": "066", "year": 2023}, 7),
        ({"period": "2021-2025"}, 14),
        ({"period": "2026-2030"}, 4),
        ({"cause": "no_land"}, 0),
        ({"group": "ethnic_minority"}, 0),
    ],
)
def test_review_filters(district_client, reviewed, params, count):
    body = district_client.get("/api/v1/reviews/", {**params, "page_size": 1000}).json()
    assert len(body["results"]) == count


def test_a_bad_filter_is_a_400(district_client, reviewed):
    response = district_client.get("/api/v1/reviews/", {"status": "rich"})
    assert response.status_code == 400
    assert "status" in response.json()
    assert district_client.get("/api/v1/reviews/", {"updated_since": "yesterday"}).status_code == 400


def test_review_list_as_csv_keeps_diacritics(district_client, reviewed):
    response = district_client.get("/api/v1/households/", {"format": "csv"})
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["commune_name"] for row in rows} == {"Xã Lương Thượng", "Xã Kim Hỷ", "Xã Văn Lang"}
    assert 'filename="households.csv"' in response["Content-Disposition"]


def test_a_rotated_token_stops_working(client, make_user, unit):
    user = make_user(Role.API_CLIENT, [unit("Huyện Na Rì")])
    old = token_for(user)
    out = io.StringIO()
    call_command("create_api_token", user.username, "--rotate", stdout=out)
    new = out.getvalue().strip()
    assert new != old
    assert client.get("/api/v1/households/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    assert client.get("/api/v1/households/", HTTP_AUTHORIZATION=f"Token {new}").status_code == 200
