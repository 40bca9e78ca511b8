"""What the outside fuzzing of issue 20 found, each pinned: answers inside their schema, bounds stated in it,
no server error on a number too large for the database, and the checker that holds every API test to it."""

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from tests.api.openapi_check import SchemaDrift, check_response, committed_schema
from tests.factories import HouseholdFactory, MemberFactory, VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune_client(make_user, unit):
    client = APIClient()
    client.force_authenticate(make_user(Role.API_CLIENT, [unit("Xã Bộc Bố")]))
    return client


@pytest.fixture
def schema_json(commune_client):
    return commune_client.get("/api/schema/", {"format": "json"}).json()


def _parameters(schema_json, path, method="get"):
    return {p["name"]: p for p in schema_json["paths"][path][method].get("parameters", [])}


def test_a_member_without_education_or_employment_answers_null(commune_client, unit):
    household = HouseholdFactory(village=VillageFactory(parent=unit("Xã Bộc Bố")))
    MemberFactory(household=household, education="", employment="")
    # The autouse checker validates the answer against the committed schema: "" is in neither enum.
    [member] = commune_client.get(f"/api/v1/households/{household.pk}/").json()["members"]
    assert (member["education"], member["employment"]) == (None, None)


def test_members_education_and_employment_are_nullable_enums_in_the_schema(schema_json):
    member = schema_json["components"]["schemas"]["Member"]["properties"]
    for name in ("education", "employment"):
        assert member[name]["nullable"] is True
        assert {"$ref": f"#/components/schemas/{name.capitalize()}Enum"} in member[name]["oneOf"]


@pytest.mark.parametrize("path", ["/api/v1/units/", "/api/v1/households/", "/api/v1/plans/", "/api/v1/reviews/"])
def test_the_page_size_bounds_are_in_the_schema(schema_json, path):
    page_size = _parameters(schema_json, path)["page_size"]["schema"]
    assert (page_size["minimum"], page_size["maximum"]) == (1, 1000)


def test_a_page_size_outside_the_bounds_is_a_400(commune_client):
    for size in ("0", "1001", "x"):
        assert commune_client.get("/api/v1/units/", {"page_size": size}).status_code == 400


def test_empty_filters_are_declared_as_allowed(schema_json, commune_client):
    # django-filter reads ?on= as "no filter"; the schema says so, so a client may send it.
    on = _parameters(schema_json, "/api/v1/units/")["on"]
    assert on["allowEmptyValue"] is True
    assert commune_client.get("/api/v1/units/", {"on": ""}).status_code == 200
    assert commune_client.get("/api/v1/units/", {"on": "yesterday"}).status_code == 400


def test_a_filters_kind_and_bounds_are_in_the_schema(schema_json, commune_client):
    assert _parameters(schema_json, "/api/v1/plans/")["year"]["schema"] == {
        "type": "integer",
        "minimum": 1990,
        "maximum": 2100,
    }
    for year in ("2101", "4e307", "2024.5"):
        assert commune_client.get("/api/v1/plans/", {"year": year}).status_code == 400
    year = _parameters(schema_json, "/api/v1/plans/{id}/progress/")["year"]["schema"]
    assert (year["minimum"], year["maximum"]) == (1990, 2100)


def test_the_standards_list_has_no_path_parameter(schema_json):
    assert "code" not in _parameters(schema_json, "/api/v1/standards/")
    assert _parameters(schema_json, "/api/v1/standards/{code}/")["code"]["in"] == "path"


@pytest.mark.parametrize("plan", ["12345678901234567890", "-1", "0"])
def test_a_plan_id_no_plan_can_have_matches_no_project(commune_client, plan):
    response = commune_client.get("/api/v1/projects/", {"plan": plan})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("plan", ["0.5", "abc"])
def test_a_plan_id_that_is_not_a_whole_number_is_a_400(commune_client, plan):
    assert commune_client.get("/api/v1/projects/", {"plan": plan}).status_code == 400


class _Answer:
    def __init__(self, status_code, body=b"{}", content_type="application/json"):
        self.status_code = status_code
        self.content = body
        self.headers = {"Content-Type": content_type}


def test_the_checker_catches_an_answer_outside_the_schema():
    assert committed_schema().find_operation_by_path("GET", "/api/v1/units/1/") is not None
    check_response("GET", "/api/v1/units/1/", _Answer(404, b'{"detail": "Not found."}'))
    with pytest.raises(SchemaDrift, match="does not match"):
        check_response("GET", "/api/v1/units/1/", _Answer(200, b'{"id": "one"}'))
    with pytest.raises(SchemaDrift, match="not documented"):
        check_response("GET", "/api/v1/units/1/", _Answer(418))
    with pytest.raises(SchemaDrift, match="no such operation"):
        check_response("GET", "/api/v1/nowhere/", _Answer(200))


@pytest.mark.parametrize("value", ["yes", "2", "{}"])
def test_a_boolean_filter_refuses_what_is_not_a_boolean(commune_client, value):
    # It was read as no filter: every unit answered, as if the client had asked for none.
    assert commune_client.get("/api/v1/units/", {"is_urban": value}).status_code == 400


def test_a_boolean_filter_filters(commune_client):
    rural = commune_client.get("/api/v1/units/", {"is_urban": "false"}).json()["results"]
    assert rural
    assert not any(u["is_urban"] for u in rural)
    assert commune_client.get("/api/v1/units/", {"is_urban": "true"}).json()["results"] == []  # Bộc Bố is rural
    assert commune_client.get("/api/v1/units/", {"is_urban": ""}).status_code == 200
