"""The standards API over HTTP: descriptions of each standard and the classification of a household."""

import pytest
from rest_framework.authtoken.models import Token

from accounts.models import Role
from standards.selectors import standard_get
from standards.services import standard_new_version
from tests.standards.legal import INDICATORS_2016, INDICATORS_2021, INDICATORS_2026

pytestmark = pytest.mark.django_db

CLASSIFY = "/api/v1/standards/{}/classify/"


@pytest.fixture
def api(client, make_user):
    client.force_login(make_user(Role.VIEWER))
    return client


def post(client, code, body, **extra):
    return client.post(CLASSIFY.format(code), body, content_type="application/json", **extra)


def test_the_standards_need_authentication(client):
    assert client.get("/api/v1/standards/").status_code == 401
    assert client.get("/api/v1/standards/2021-2025/").status_code == 401
    assert post(client, "2021-2025", {"year": 2024, "area": "rural", "income": 0}).status_code == 401


def test_a_token_client_may_classify(client, make_user):
    user = make_user(Role.API_CLIENT)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=user).key}"
    response = post(client, "2021-2025", {"year": 2024, "area": "rural", "income": 0})
    assert response.status_code == 200
    assert response.json()["status"] == "near_poor"


def test_the_list_describes_every_standard(api, django_assert_max_num_queries):
    # Session, user, count, standards, their lines, their indicators with dimensions: fixed.
    with django_assert_max_num_queries(6):
        body = api.get("/api/v1/standards/").json()
    assert body["count"] == 6
    assert [row["code"] for row in body["results"]] == [
        "2001-2005",
        "2006-2010",
        "2011-2015",
        "2016-2020",
        "2021-2025",
        "2026-2030",
    ]
    by_code = {row["code"]: row for row in body["results"]}
    assert [i["code"] for i in by_code["2016-2020"]["indicators"]] == list(INDICATORS_2016)
    assert [i["code"] for i in by_code["2021-2025"]["indicators"]] == list(INDICATORS_2021)
    assert by_code["2011-2015"]["legal_basis"]["document_number"] == "09/2011/QĐ-TTg"
    assert by_code["2011-2015"]["method"] == "income_only"


def test_the_list_stays_at_six_queries_with_more_versions(api, django_assert_max_num_queries):
    for code in ("2016-2020", "2021-2025", "2026-2030"):
        standard_new_version(standard=standard_get(code))
    with django_assert_max_num_queries(6):
        body = api.get("/api/v1/standards/").json()
    assert body["count"] == 6
    assert {row["code"]: row["version"] for row in body["results"]}["2021-2025"] == 2


def test_the_detail_gives_lines_per_year_and_area_indicators_and_legal_basis(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        body = api.get("/api/v1/standards/2026-2030/").json()
    assert body["legal_basis"]["document_number"] == "351/2025/NĐ-CP"
    assert body["legal_basis"]["document_date"] == "2025-12-30"
    assert body["method"] == "income_and_deprivation"
    assert body["deprivation_cutoff"] == 3
    lines = {row["year"]: row for row in body["lines"]}
    # Decree 351/2025/NĐ-CP: 2026 keeps Decree 07's art. 3 (the 2021-2025 standard); the new lines from 2027.
    assert sorted(lines) == [2027, 2028, 2029, 2030]
    assert lines[2027]["rural"]["poor"] == 2_200_000
    assert lines[2030]["urban"]["poor"] == 2_800_000
    assert lines[2027]["rural_mountain_island"] is None
    indicators = body["indicators"]
    assert [i["code"] for i in indicators] == list(INDICATORS_2026)
    waste = next(i for i in indicators if i["code"] == "waste")
    assert waste["name_vi"] == "Thu gom, xử lý rác thải sinh hoạt"
    assert waste["dimension_code"] == "water_sanitation"
    assert waste["thresholds"] == {"adequate": ["collected", "treated_on_site"]}


def test_the_detail_of_2016_2020_and_2001_2005(api):
    lines_2016 = api.get("/api/v1/standards/2016-2020/").json()["lines"][0]
    assert lines_2016["rural"] == {
        "poor": 700_000,
        "near_poor": None,
        "minimum_living": 1_000_000,
        "average": 1_500_000,
    }
    lines_2001 = api.get("/api/v1/standards/2001-2005/").json()["lines"][0]
    assert lines_2001["rural"]["poor"] == 100_000
    assert lines_2001["rural_mountain_island"]["poor"] == 80_000


def test_an_unknown_standard_is_404(api):
    assert api.get("/api/v1/standards/1999-2000/").status_code == 404
    assert api.get("/api/v1/standards/latest/").status_code == 404
    assert post(api, "1999-2000", {"year": 1999, "area": "rural", "income": 0}).status_code == 404


@pytest.mark.parametrize(
    ("code", "body", "status", "count"),
    [
        (
            "2021-2025",
            {"year": 2024, "area": "rural", "income": 1_400_000, "deprived": ["health_insurance", "water", "latrine"]},
            "poor",
            3,
        ),
        (
            "2021-2025",
            {"year": 2024, "area": "rural", "income": 1_500_000, "deprived": ["water", "latrine"]},
            "near_poor",
            2,
        ),
        ("2021-2025", {"year": 2024, "area": "urban", "income": 3_000_000, "deprived": []}, "average", 0),
        ("2021-2025", {"year": 2024, "area": "urban", "income": 3_000_001}, "not_poor", 0),
        (
            "2026-2030",
            {"year": 2027, "area": "rural", "income": 2_200_000, "deprived": ["waste", "employment", "nutrition"]},
            "poor",
            3,
        ),
        (
            "2016-2020",
            {"year": 2018, "area": "rural", "income": 1_000_000, "deprived": ["health_access", "water", "latrine"]},
            "poor",
            3,
        ),
        ("2011-2015", {"year": 2012, "area": "urban", "income": 650_000}, "near_poor", 0),
        ("2001-2005", {"year": 2003, "area": "rural", "income": 90_000, "mountain_island": True}, "not_poor", 0),
        ("2021-2025", {"year": 2024, "area": "rural", "income": 1_400_000.0}, "near_poor", 0),
    ],
)
def test_classify(api, code, body, status, count):
    """Decree 07/2021/NĐ-CP art. 4, Decree 351/2025/NĐ-CP, Decision 59/2015/QĐ-TTg art. 2, Decision
    09/2011/QĐ-TTg art. 1, Decision 1143/2000/QĐ-LĐTBXH: one case each through the API."""
    response = post(api, code, body)
    assert response.status_code == 200, response.json()
    result = response.json()
    assert result["status"] == status
    assert result["deprived_count"] == count
    assert result["standard"] == code
    assert result["explanation"]


def test_classify_explains_in_the_requested_language(api, django_assert_max_num_queries):
    body = {"year": 2024, "area": "rural", "income": 1_400_000, "deprived": ["health_insurance", "water", "latrine"]}
    # Session, user, the standard, its lines, its indicators.
    with django_assert_max_num_queries(5):
        english = post(api, "2021-2025", body, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["explanation"][0] == "income 1,400,000 VND ≤ poor line 1,500,000 VND (rural, 2024)"
    assert "Health insurance, Domestic water, Hygienic latrine" in english["explanation"][1]
    default = post(api, "2021-2025", body).json()
    assert "1.400.000đ" in default["explanation"][0]
    assert "Bảo hiểm y tế, Nguồn nước sinh hoạt, Nhà tiêu hợp vệ sinh" in default["explanation"][1]


def test_classify_uses_the_newest_version(api):
    new = standard_new_version(standard=standard_get("2021-2025"))
    line = new.income_lines.get()
    line.poor_rural = 1_600_000  # direct row edit: this test is about which version the API reads
    line.save()
    result = post(api, "2021-2025", {"year": 2024, "area": "rural", "income": 1_550_000}).json()
    assert (result["version"], result["status"]) == (2, "near_poor")


@pytest.mark.parametrize(
    ("code", "body", "field"),
    [
        ("2021-2025", {"year": 2030, "area": "rural", "income": 0}, "year"),
        ("2021-2025", {"year": 2020, "area": "rural", "income": 0}, "year"),
        ("2026-2030", {"year": 2025, "area": "rural", "income": 0}, "year"),
        ("2021-2025", {"year": "next", "area": "rural", "income": 0}, "year"),
        ("2021-2025", {"area": "rural", "income": 0}, "year"),
        ("2021-2025", {"year": 2024, "area": "suburban", "income": 0}, "area"),
        ("2021-2025", {"year": 2024, "income": 0}, "area"),
        ("2021-2025", {"year": 2024, "area": "rural", "income": -1}, "income"),
        ("2021-2025", {"year": 2024, "area": "rural", "income": 1_400_000.5}, "income"),
        ("2021-2025", {"year": 2024, "area": "rural", "income": "a lot"}, "income"),
        ("2021-2025", {"year": 2024, "area": "rural", "income": True}, "income"),
        ("2021-2025", {"year": 2024, "area": "rural", "income": 0, "deprived": ["waste"]}, "deprived"),
        ("2026-2030", {"year": 2027, "area": "rural", "income": 0, "deprived": ["information_means"]}, "deprived"),
        ("2011-2015", {"year": 2012, "area": "rural", "income": 0, "deprived": ["water"]}, "deprived"),
        ("2021-2025", {"year": 2024, "area": "rural", "income": 0, "deprived": "water"}, "deprived"),
        ("2021-2025", {"year": 2024, "area": "rural", "income": 0, "deprived": [{"code": "water"}]}, "deprived"),
    ],
)
def test_bad_input_is_a_400_with_a_field_error(api, code, body, field):
    response = post(api, code, body)
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    # DRF's shape: a list of messages, or messages per item for a bad list item ({"0": [...]}).
    assert isinstance(errors[field], list | dict)
    assert errors[field]


@pytest.mark.parametrize("code", ["2021-2025", "2026-2030"])
def test_2026_is_classified_under_decree_07(api, code):
    """Decree 351/2025/NĐ-CP, the 2026-2030 standard, keeps Decree 07/2021/NĐ-CP art. 3 — its lines and its 12
    indicators — until 31/12/2026: the answer names the standard whose rules were used."""
    body = {"year": 2026, "area": "rural", "income": 1_500_000, "deprived": ["employment", "telecom"]}
    response = post(api, code, {**body, "deprived": [*body["deprived"], "information_means"]})
    assert response.status_code == 200, response.json()
    result = response.json()
    assert (result["standard"], result["status"], result["deprived_count"]) == ("2021-2025", "poor", 3)
    assert "07/2021/NĐ-CP" in result["explanation"][-1]


@pytest.mark.parametrize(
    ("code", "year", "indicator"),
    [("2026-2030", 2026, "waste"), ("2021-2025", 2026, "waste"), ("2026-2030", 2027, "information_means")],
)
def test_an_indicator_not_of_the_standard_for_that_year_is_a_400_naming_it(api, code, year, indicator):
    response = post(api, code, {"year": year, "area": "rural", "income": 0, "deprived": ["employment", indicator]})
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == ["deprived"]
    assert indicator in errors["deprived"][0]


def test_a_body_that_is_not_json_is_a_400(api):
    response = api.post(CLASSIFY.format("2021-2025"), "{not json", content_type="application/json")
    assert response.status_code == 400


def test_the_openapi_schema_shows_the_classify_request_and_response(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/standards/" in schema["paths"]
    assert "/api/v1/standards/{code}/" in schema["paths"]
    operation = schema["paths"]["/api/v1/standards/{code}/classify/"]["post"]
    request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    components = schema["components"]["schemas"]
    assert set(components[request.rsplit("/", 1)[1]]["properties"]) >= {"year", "area", "income", "deprived"}
    assert set(components[response.rsplit("/", 1)[1]]["properties"]) >= {"status", "deprived_count", "explanation"}
    assert "400" in operation["responses"]
