"""Every CSV answer of the API, read with pandas as the description says: the codes keep their leading zeros.

pandas reads a column of digits as numbers (district 058 → 58) whatever the quoting, and nothing in a CSV file
can tell it otherwise without changing the codes. So the description's ``format`` parameter names, for each
operation, the columns to read as text (``povertyplan.openapi.csv_text_columns``), and this test reads every
CSV answer with exactly that and compares it with the JSON answer.
"""

import io
import re

import pandas as pd
import pytest
import yaml
from django.conf import settings
from rest_framework.authtoken.models import Token

from accounts.models import Role
from common.files import flatten
from demo.history import plans_load
from households.models import HouseholdReview, ImportJob
from povertyplan.openapi import csv_text_columns
from programmes.models import Plan, Project

pytestmark = pytest.mark.django_db

SCHEMA = yaml.safe_load((settings.BASE_DIR / "docs" / "openapi.yaml").read_text())
# The statistics in each shape; the lists and details as they are.
QUERIES = {
    "/api/v1/statistics/": [
        {"year": 2024, "unit": "06", "group_by": "unit"},
        {"year": 2024, "unit": "06", "group_by": "unit,status"},
        {"year": 2024, "unit": "06", "group_by": "unit", "shape": "long"},
        {"year": 2024, "unit": "066", "group_by": "transition", "shape": "long", "compare": 2023},
    ],
    "/api/v1/plans/{id}/progress/": [{"year": 2017}],
}
CSV_OPERATIONS = [
    path
    for path, operations in SCHEMA["paths"].items()
    if "text/csv" in operations.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
    and "application/json" in operations["get"]["responses"]["200"]["content"]
]


@pytest.fixture
def world(reviewed, province_officer, unit, client):
    plans_load()
    plan = Plan.objects.get(decision_number="397/QĐ-UBND")
    project = Project.objects.create(unit=plan.unit, code="01", name="Dự án 1", programme="2021-2025")
    job = ImportJob.objects.create(user=province_officer, commune=unit("Xã Bộc Bố"), file_name="danh-sach.xlsx")
    review = HouseholdReview.objects.filter(commune=unit("Xã Bộc Bố")).order_by("pk").first()
    ids = {
        "units": unit("Huyện Bạch Thông").pk,
        "households": review.household_id,
        "reviews": review.pk,
        "imports": job.pk,
        "plans": plan.pk,
        "projects": project.pk,
    }
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=province_officer)[0].key}"
    return client, ids


def _url(path: str, ids: dict) -> str:
    resource = path.removeprefix("/api/v1/").split("/")[0]
    return path.replace("{id}", str(ids.get(resource, ""))).replace("{code}", "2021-2025")


def _json_rows(body) -> list[dict]:
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return [flatten(row) for row in body["results"]]
    return [flatten(row) for row in (body if isinstance(body, list) else [body])]


def test_every_csv_operation_is_read_here():
    assert "/api/v1/statistics/" in CSV_OPERATIONS
    assert len(CSV_OPERATIONS) >= 15


@pytest.mark.parametrize("path", CSV_OPERATIONS)
def test_pandas_reads_the_codes_as_the_description_says(world, path, make_user):
    client, ids = world
    if path == "/api/v1/statistics/national/":  # the ministry's table
        ministry = make_user(Role.MINISTRY_OFFICER)
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=ministry)[0].key}"
    operation = SCHEMA["paths"][path]["get"]
    text_columns = csv_text_columns(SCHEMA, operation)
    (format_parameter,) = [p for p in operation["parameters"] if p["name"] == "format"]
    for column in text_columns:
        assert f'"{column}": str' in format_parameter["description"]
    for query in QUERIES.get(path, [{}]):
        url = _url(path, ids)
        body = client.get(url, query).json()
        answer = client.get(url, {**query, "format": "csv"})
        assert answer.status_code == 200, (url, answer.content[:300])
        table = pd.read_csv(io.BytesIO(answer.content), dtype=dict.fromkeys(text_columns, str))
        rows = _json_rows(body)
        assert len(table) == len(rows)
        for column in text_columns:
            if column in table:
                expected = ["" if row.get(column) is None else str(row[column]) for row in rows]
                assert table[column].fillna("").tolist() == expected, column


def test_the_codes_that_need_it_lose_their_zeros_without_the_dtype(world):
    client, _ids = world
    answer = client.get("/api/v1/statistics/", {"year": 2024, "unit": "06", "group_by": "unit", "format": "csv"})
    as_numbers = pd.read_csv(io.BytesIO(answer.content))
    as_text = pd.read_csv(io.BytesIO(answer.content), dtype={"unit_code": str})
    assert "058" in as_text["unit_code"].tolist()  # Thành phố Bắc Kạn
    assert 58 in as_numbers["unit_code"].tolist()
    # The figures are numbers all the same.
    assert as_text["households"].dtype.kind == "i"
    assert as_text["poor_rate"].dtype.kind == "f"


def test_the_long_shape_pivots_back_to_the_wide_one(world):
    client, _ids = world
    params = {"year": 2024, "unit": "06", "group_by": "unit"}
    wide = client.get("/api/v1/statistics/", params).json()["results"]
    long = client.get("/api/v1/statistics/", {**params, "shape": "long", "format": "csv"})
    table = pd.read_csv(io.BytesIO(long.content), dtype={"unit_code": str, "key": str})
    pivot = table.pivot_table(index="unit_code", columns="measure", values="value", aggfunc="first")
    for row in wide:
        assert pivot.loc[row["unit_code"], "households"] == row["households"]
        assert pivot.loc[row["unit_code"], "poor"] == row["poor"]


def test_the_export_says_how_to_read_it():
    description = SCHEMA["paths"]["/api/v1/households/export/"]["get"]["description"]
    assert re.search(r"dtype=\{'code': str, 'commune_code': str\}", description)
