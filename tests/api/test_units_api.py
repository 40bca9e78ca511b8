import pytest
from rest_framework.authtoken.models import Token

from accounts.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client(client, make_user, unit):
    user = make_user(Role.API_CLIENT, [unit("Huyện Na Rì")])
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=user).key}"
    return client


def test_units_need_authentication(client):
    assert client.get("/api/v1/units/").status_code == 401


def test_units_are_scoped_paginated_and_filtered_by_date(api_client, django_assert_max_num_queries):
    # Token, user, scope (assigned, descendants, successors, predecessors), count, page: fixed, whatever the size.
    with django_assert_max_num_queries(8):
        body = api_client.get("/api/v1/units/", {"on": "2024-01-01", "level": "commune"}).json()
    names = {row["name"] for row in body["results"]}
    assert body["count"] == len(names) > 10
    assert "Xã Lương Thượng" in names
    assert "Xã Bộc Bố" not in names
    assert {row["parent_code"] for row in body["results"]} == {"066"}


def test_units_after_the_reform_are_the_successors(api_client):
    body = api_client.get("/api/v1/units/", {"on": "2026-01-01", "level": "commune"}).json()
    assert "Xã Văn Lang" in {row["name"] for row in body["results"]}
    assert {row["parent_code"] for row in body["results"]} == {"19"}


def test_a_unit_outside_the_area_is_not_found(api_client, unit):
    assert api_client.get(f"/api/v1/units/{unit('Xã Bộc Bố').pk}/").status_code == 404
    assert api_client.get(f"/api/v1/units/{unit('Xã Lương Thượng').pk}/").status_code == 200


def test_a_bad_date_is_a_400_with_a_field_error(api_client):
    response = api_client.get("/api/v1/units/", {"on": "not-a-date"})
    assert response.status_code == 400
    assert "on" in response.json()


def test_the_openapi_schema_generates(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/v1/units/" in response.json()["paths"]
