"""The dashboard page: headline figures, trend, units below and map points, within the user's area."""

import json
import re

import pytest

from accounts.models import Role

pytestmark = pytest.mark.django_db


def json_script(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_the_province_dashboard(client, reviewed, province_officer, unit, django_assert_max_num_queries):
    client.force_login(province_officer)
    params = {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024}
    with django_assert_max_num_queries(20):
        page = client.get("/dashboard/", params)
    assert page.status_code == 200
    html = page.text
    assert 'data-figure="households">11<' in html
    assert "27,27%" in html
    trend = json_script(html, "trend-data")
    assert [row["year"] for row in trend] == [2023, 2024, 2026]
    points = json_script(html, "map-data")
    assert {p["name"] for p in points} >= {"Huyện Na Rì", "Huyện Pác Nặm"}
    assert all(21 < p["lat"] < 23 and 105 < p["lon"] < 107 for p in points)
    assert "vendor/leaflet/leaflet.js" in html
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_a_commune_officer_sees_their_commune_by_default(client, reviewed, make_user, unit):
    client.force_login(make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")]))
    page = client.get("/dashboard/", {"year": 2024})
    assert "Xã Bộc Bố" in page.text
    assert "Huyện Na Rì" not in page.text
    outside = client.get("/dashboard/", {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024})
    assert "Huyện Na Rì" not in outside.text


def test_the_dashboard_without_data_says_so(client, make_user, unit):
    client.force_login(make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")]))
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "Chưa có" in page.text
