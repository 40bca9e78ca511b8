"""Numbers and cursors out of range in a query string or a JSON body: a 400 naming the field (API), the filter
form showing the error or the site's 400 page (HTML), a 404 for an address that names nothing; never a 500.

Found by the second hardening pass: ``?commune=1e30`` on the household list and its export, a cursor whose
position is not a number, an ``updated_since`` outside the years SQLite can store, and a JSON body nested
5,000 deep each crashed (500). Run on SQLite and on PostgreSQL (whose bigint overflow is its own error).
"""

import base64
import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from programmes.services import plan_create
from standards.selectors import standard_for_year
from tests.api.openapi_check import check_api_responses  # noqa: F401
from tests.factories import HouseholdFactory, VillageFactory

pytestmark = pytest.mark.django_db

HUGE = "100000000000000000000"  # 10^20: past a bigint (PostgreSQL) and SQLite's INTEGER
NOT_WHOLE = [HUGE, "1e30", "1e999999", "-1", "²", "1.5", "abc", "9" * 5000]
DEEP = 5000


@pytest.fixture(autouse=True)
def _every_api_answer_matches_the_schema(check_api_responses):  # noqa: F811
    """Each 400 here is one the committed description documents, in its error shape."""


@pytest.fixture
def officer(client, province_officer):
    client.force_login(province_officer)
    return client


@pytest.fixture
def plan(unit):
    return plan_create(
        user=None,
        title="Kế hoạch giảm nghèo 2022-2025",
        decision_number="12/QĐ-UBND",
        decision_date=datetime.date(2022, 1, 10),
        issuing_body="UBND tỉnh Bắc Kạn",
        unit=unit("Tỉnh Bắc Kạn"),
        period_from=2021,
        period_to=2025,
        year_from=2022,
        year_to=2025,
        baseline_year=2021,
        standard=standard_for_year(2022),
    )


@pytest.fixture
def households(unit):
    village = VillageFactory(parent=unit("Xã Bộc Bố"))
    return HouseholdFactory.create_batch(3, village=village)


def cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def refused(answer, field: str) -> bool:
    return answer.status_code == 400 and field in answer.json()


# API: query parameters


@pytest.mark.parametrize("value", [*NOT_WHOLE, "0", "1989", "2101"])
@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/reviews/", {}, "year"),
        ("/api/v1/plans/", {}, "year"),
        ("/api/v1/plans/{plan}/targets/", {}, "year"),
        ("/api/v1/plans/{plan}/progress/", {}, "year"),
        ("/api/v1/statistics/", {"unit": "06"}, "year"),
        ("/api/v1/statistics/", {"unit": "06", "year": "2024"}, "compare"),
    ],
)
def test_a_year_out_of_range_is_a_400_naming_it(officer, plan, path, query, field, value):
    assert refused(officer.get(path.format(plan=plan.pk), {**query, field: value}), field)


@pytest.mark.parametrize("value", ["1e30", "1e999999", "²", "1.5", "abc", "9" * 5000, "0.0", "+5", "1_0", "٣"])
def test_a_plan_id_that_is_not_a_whole_number_is_a_400_naming_it(officer, value):
    assert refused(officer.get(f"/api/v1/projects/?plan={value}"), "plan")


@pytest.mark.parametrize("value", [HUGE, "9223372036854775808", "-1", "0"])
def test_a_plan_id_no_plan_can_have_matches_nothing(officer, plan, value):
    """An id, unlike a year, has no bounds in the description: one out of range is a plan that does not exist."""
    assert officer.get(f"/api/v1/projects/?plan={plan.pk}").status_code == 200
    assert officer.get(f"/api/v1/projects/?plan={value}").json()["count"] == 0


@pytest.mark.parametrize(
    "value",
    [
        "9999-12-31T23:59:59-12:00",  # after 9999 in UTC
        "0001-01-01T00:00:00+12:00",  # before year 1 in UTC
        "0001-01-01",  # midnight here (UTC+7) is 31/12/0000 in UTC
        "99999-01-01",
        "2024-13-01",
        HUGE,
        "1e30",
    ],
)
def test_an_updated_since_outside_the_calendar_is_a_400(officer, value):
    assert refused(officer.get("/api/v1/reviews/", {"updated_since": value}), "updated_since")


@pytest.mark.parametrize(
    "value", ["2024-01-01T00:00:00+16:00", "0233-12-13T14:53:27-17:56", "2024-01-01T00:00:00+15:59"]
)
def test_an_updated_since_with_any_offset_is_read(officer, value):
    """PostgreSQL refuses an offset of 16 hours or more (a 500): the moment is handed on in UTC."""
    assert officer.get("/api/v1/reviews/", {"updated_since": value}).status_code == 200


@pytest.mark.parametrize("value", ["99999-01-01", "2024-02-30", HUGE, "1e30", "²"])
@pytest.mark.parametrize("field", ["on", "date"])
def test_a_unit_date_out_of_range_is_a_400(officer, field, value):
    assert refused(officer.get("/api/v1/units/", {field: value}), field)


PAGED = ["/api/v1/units/", "/api/v1/plans/", "/api/v1/projects/", "/api/v1/standards/", "/api/v1/imports/"]


@pytest.mark.parametrize("value", ["0", "-1", "1e30", "1.5", "abc", "²", "٣", "last", "9" * 5000])
@pytest.mark.parametrize("path", [*PAGED, "/api/v1/plans/{plan}/targets/"])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400(officer, plan, path, value):
    assert refused(officer.get(path.format(plan=plan.pk), {"page": value}), "page")


@pytest.mark.parametrize("path", PAGED)
def test_a_page_past_the_end_is_not_found(officer, path):
    assert officer.get(path, {"page": HUGE}).status_code == 404
    assert officer.get(path, {"page": "1"}).status_code == 200
    assert officer.get(path, {"page": ""}).status_code == 200  # no page: the first


@pytest.mark.parametrize("value", [*NOT_WHOLE, "0", "1001", "٣", " 5", "1_0"])
@pytest.mark.parametrize("path", ["/api/v1/units/", "/api/v1/households/", "/api/v1/reviews/", "/api/v1/plans/"])
def test_a_page_size_out_of_bounds_is_a_400(officer, path, value):
    assert refused(officer.get(path, {"page_size": value}), "page_size")


# A cursor names a place in the list, as a page number does past the end: one the list never wrote is a 404
# ("Invalid cursor"), like DRF's own answer to one that does not decode. The description types the cursor as
# any string, so a 400 would refuse a request it calls valid.
BAD_CURSORS = [
    "garbage",
    "%%%",
    "²",
    cursor("garbage"),
    cursor("p=abc"),
    cursor("p=1e30"),
    cursor("p=²"),
    cursor("p=٣"),
    cursor(f"p={HUGE}"),
    cursor(f"p=-{HUGE}&r=1"),
    cursor("p=-1"),
    cursor(f"o={HUGE}&p=1"),
    cursor("o=-1"),
    cursor("o=1001&p=5"),
    cursor("r=2&p=5"),
    cursor("r=1e30&p=5"),
    cursor("o=5&r=1&p=abc"),
    cursor("p=1&p=2"),
    cursor("p=" + "9" * 5000),
    base64.b64encode(b"p=\xff").decode(),
]


@pytest.mark.parametrize("value", BAD_CURSORS)
@pytest.mark.parametrize("path", ["/api/v1/households/", "/api/v1/reviews/"])
def test_a_cursor_the_list_never_wrote_is_not_found(officer, path, value):
    answer = officer.get(path, {"cursor": value})
    assert answer.status_code == 404
    assert answer.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/households/", "/api/v1/reviews/"])
def test_an_empty_cursor_is_the_first_page(officer, path):
    assert officer.get(path, {"cursor": ""}).status_code == 200


def test_the_cursors_the_list_writes_are_read_back(officer, households):
    first = officer.get("/api/v1/households/", {"page_size": 1}).json()
    second = officer.get(first["next"]).json()
    third = officer.get(second["next"]).json()
    assert [r["code"] for r in (first["results"] + second["results"] + third["results"])] == sorted(
        h.code for h in households
    )
    back = officer.get(third["previous"]).json()
    assert back["results"] == second["results"]
    assert officer.get(back["previous"]).json()["results"] == first["results"]


@pytest.mark.parametrize("pk", [HUGE, "9223372036854775808", "9223372036854775807", "0"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/households/{}/",
        "/api/v1/reviews/{}/",
        "/api/v1/units/{}/",
        "/api/v1/plans/{}/",
        "/api/v1/plans/{}/targets/",
        "/api/v1/plans/{}/progress/",
        "/api/v1/projects/{}/",
        "/api/v1/imports/{}/",
    ],
)
def test_an_api_detail_beyond_every_id_is_a_404(officer, path, pk):
    assert officer.get(path.format(pk)).status_code == 404


# API: JSON bodies


CLASSIFY = "/api/v1/standards/2021-2025/classify/"


@pytest.mark.parametrize(
    "body",
    [
        "[" * DEEP + "]" * DEEP,
        '{"a": ' * DEEP + "1" + "}" * DEEP,
        '{"year": 2024, "area": "rural", "income": 1, "deprived": ' + "[" * DEEP + "]" * DEEP + "}",
    ],
    ids=["list", "object", "in-a-field"],
)
def test_a_json_body_nested_thousands_deep_is_a_parse_error(officer, body):
    answer = officer.post(CLASSIFY, body, content_type="application/json")
    assert answer.status_code == 400
    assert "JSON" in answer.json()["detail"]


def test_a_json_body_larger_than_a_form_may_be_is_a_400(officer):
    """DRF reads a JSON body through ``request.body``: Django's limit for a form's holds for it too."""
    padding = " " * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    answer = officer.post(CLASSIFY, '{"year": 2024,' + padding + '"area": "rural", "income": 1}', "application/json")
    assert answer.status_code == 400


def test_a_json_body_nested_as_the_api_reads_it_is_read(officer):
    body = '{"year": 2024, "area": "rural", "income": 1000000, "deprived": ["health_insurance"]}'
    assert officer.post(CLASSIFY, body, content_type="application/json").status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("year", HUGE),
        ("year", "1e999999"),
        ("year", "-1"),
        ("year", "1e30"),
        ("income", "1e30"),
        ("income", "1e999999"),
        ("income", "-1"),
        ("income", "NaN"),
        ("year", "9" * 4301),  # more digits than Python's int() reads
    ],
)
def test_a_number_out_of_range_in_a_json_body_is_a_400(officer, field, value):
    values = {"year": "2024", "area": '"rural"', "income": "1000000", field: value}
    body = "{" + ", ".join(f'"{k}": {v}' for k, v in values.items()) + "}"
    answer = officer.post(CLASSIFY, body, content_type="application/json")
    assert answer.status_code == 400
    assert field in answer.json() or "JSON" in answer.json().get("detail", "")


# HTML pages


@pytest.mark.parametrize("value", [*NOT_WHOLE, "0", "9223372036854775808"])
@pytest.mark.parametrize("field", ["commune", "village"])
def test_the_household_list_shows_a_unit_out_of_range_as_a_field_error(officer, households, field, value):
    page = officer.get(reverse("households:household-list"), {field: value})
    assert page.status_code == 200
    assert field in page.context["filter"].form.errors
    assert f'id="id_{field}_errors"' in page.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("query", [{"commune": HUGE}, {"village": "1e30"}, {"commune": "-1"}, {"status": "nope"}])
def test_a_household_export_with_a_filter_in_error_is_a_400(officer, households, fmt, query):
    """A download has no form to show the error on; exporting the whole area instead would ignore the filter."""
    answer = officer.get(reverse("households:household-export", args=[fmt]), query)
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("value", [HUGE, "1e30", "-1", "0", "abc", "²", "9" * 5000])
def test_a_page_number_of_an_html_list_falls_back_to_a_page_there_is(officer, households, value):
    """Django's ``Paginator.get_page``: a page that is not a number is the first, one past the end the last."""
    assert officer.get(reverse("households:household-list"), {"page": value}).status_code == 200


@pytest.mark.parametrize("value", ["99999-01-01", HUGE, "1e30", "31/02/2024"])
def test_the_unit_tree_shows_a_date_out_of_range_as_a_field_error(officer, value):
    page = officer.get(reverse("households:unit-tree"), {"on": value})
    assert page.status_code == 200
    assert "on" in page.context["form"].errors


@pytest.mark.parametrize("value", [*NOT_WHOLE, "0", "1989", "2101"])
def test_a_plan_page_for_a_year_out_of_range_is_the_400_page(officer, plan, value):
    """The year is picked from a list of the plan's years: another one comes from an edited address."""
    answer = officer.get(reverse("programmes:plan-detail", args=[plan.pk]), {"year": value})
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("text/html")


def test_a_plan_page_for_a_year_in_range_is_shown(officer, plan):
    assert officer.get(reverse("programmes:plan-detail", args=[plan.pk]), {"year": "2024"}).status_code == 200
    assert officer.get(reverse("programmes:plan-detail", args=[plan.pk]), {"year": ""}).status_code == 200


@pytest.mark.parametrize("value", [*NOT_WHOLE, "0", "1999", "2101"])
def test_the_resident_counts_of_a_year_out_of_range_are_the_400_page(officer, value):
    """Counts entered on a page showing another year than the one asked would land in the wrong year."""
    answer = officer.get(reverse("reports:resident-counts"), {"year": value})
    assert answer.status_code == 400
    assert officer.get(reverse("reports:resident-counts"), {"year": "2024"}).status_code == 200


@pytest.mark.parametrize("year", [HUGE, "9223372036854775808", "1989", "2101"])
@pytest.mark.parametrize(("name", "extra"), [("target-export", ["csv"]), ("target-rows-edit", [])])
def test_a_target_table_of_a_year_no_plan_can_cover_is_a_404(officer, plan, name, extra, year):
    assert officer.get(reverse(f"programmes:{name}", args=[plan.pk, year, *extra])).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": HUGE}, "year"),
        ({"year": "1e30"}, "year"),
        ({"year": "²"}, "year"),
        ({"unit": HUGE}, "unit"),
        ({"unit": "1e999999"}, "unit"),
        ({"unit": "-1"}, "unit"),
    ],
)
def test_the_dashboard_shows_a_choice_out_of_range_as_a_field_error(officer, query, field):
    page = officer.get(reverse("reports:dashboard"), query)
    assert page.status_code == 200
    assert field in page.context["form"].errors


@pytest.mark.parametrize("standard", ["abc", "9999-9999", "x" * 5000, "1e30"])
def test_the_dashboard_reads_an_unknown_standard_as_none_of_its_figures(officer, standard):
    assert officer.get(reverse("reports:dashboard"), {"standard": standard}).status_code == 200


@pytest.mark.parametrize("output", ["", "xlsx", "pdf"])
@pytest.mark.parametrize(
    ("kind", "query", "field"),
    [
        ("circular07", {"year": HUGE}, "year"),
        ("circular07", {"year": "1e999999"}, "year"),
        ("circular07", {"year": "2024", "unit": HUGE}, "unit"),
        ("lists", {"year": "-1"}, "year"),
        ("plan", {"plan": "9223372036854775808"}, "plan"),
        ("progress", {"plan": "²", "year": "2024"}, "plan"),
        ("progress", {"year": "1e30"}, "year"),
    ],
)
def test_a_report_with_a_number_out_of_range_shows_the_field_error(officer, kind, query, field, output):
    page = officer.get(reverse("reports:report", args=[kind]), {**query, "format": output})
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert field in page.context["form"].errors


@pytest.mark.parametrize("pk", [HUGE, "9223372036854775808"])
@pytest.mark.parametrize(
    "path",
    [
        "/households/{}/",
        "/households/{}/edit/",
        "/plans/{}/",
        "/reviews/{}/",
        "/reviews/rounds/{}/",
        "/households/import/{}/",
        "/reports/jobs/{}/",
        "/units/{}/villages/",
    ],
)
def test_a_page_beyond_every_id_is_a_404(officer, path, pk):
    assert officer.get(path.format(pk)).status_code == 404
