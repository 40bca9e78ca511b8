"""The dashboard page: headline figures, trend, units below and map points, within the user's area."""

import json
import re

import pytest

from accounts.models import Role
from households.models import ResidentCount
from households.rates import rate
from programmes.progress import band_for
from tests.factories import residents_everywhere

pytestmark = pytest.mark.django_db


def json_script(html: str, element_id: str):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_the_province_dashboard(client, reviewed, province_officer, unit, django_assert_max_num_queries):
    client.force_login(province_officer)
    params = {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024}
    # The rate is over the resident households of every commune (3 poor of them), not the 11 reviewed.
    residents = residents_everywhere(2024, 10, under=unit("Tỉnh Bắc Kạn"))
    expected = str(rate(3, sum(residents.values()))).replace(".", ",")
    # 30: the year's standards and default, each year's default, last year under the same standard.
    # 31: the scope's version, and the provinces of the area the reads name (PostgreSQL; SQLite: the district hop).
    with django_assert_max_num_queries(31):
        page = client.get("/dashboard/", params)
    assert page.status_code == 200
    html = page.text
    assert 'data-figure="households">11<' in html
    assert f'data-figure="poor_rate">{expected}%<' in html
    assert 'data-partial="2024"' in html  # 3 of the province's communes reported
    trend = json_script(html, "trend-data")
    assert [row["year"] for row in trend] == [2023, 2024, 2025, 2026]  # spaced by year: 2025 is a gap
    assert trend[2]["poor_rate"] is None
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


def test_a_commune_without_its_resident_count_shows_a_dash(client, reviewed, make_user, unit):
    client.force_login(make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")]))
    page = client.get("/dashboard/", {"year": 2024})
    figure = page.text.split('data-figure="resident_households">', 1)[1].split("<", 1)[0]
    assert figure == "—"


def test_the_dashboard_without_data_says_so(client, make_user, unit):
    client.force_login(make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")]))
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "Chưa có" in page.text


@pytest.fixture
def plan_2024(unit):
    """A plan for Bắc Kạn with 2024 and 2025 targets for two districts (start figures, planned reduction)."""
    import datetime

    from programmes.models import Plan, TargetRow

    plan = Plan.objects.create(
        title="Kế hoạch giảm nghèo 2024–2025",
        decision_number="12/QĐ-UBND",
        decision_date=datetime.date(2024, 1, 15),
        issuing_body="UBND tỉnh Bắc Kạn",
        unit=unit("Tỉnh Bắc Kạn"),
        period_from=2021,
        period_to=2025,
        year_from=2024,
        year_to=2025,
        baseline_year=2023,
    )
    for year, rows in {
        2024: [("Huyện Na Rì", 7, 2, 1), ("Huyện Pác Nặm", 4, 3, 2)],
        2025: [("Huyện Na Rì", 7, 1, 1)],
    }.items():
        for order, (name, households, poor, reduction) in enumerate(rows, start=1):
            TargetRow.objects.create(
                plan=plan,
                unit=unit(name),
                year=year,
                order=order,
                households=households,
                poor_households=poor,
                reduction_households=reduction,
            )
    return plan


def test_the_dashboard_holds_the_rate_against_the_target(
    client, reviewed, province_officer, unit, plan_2024, django_assert_max_num_queries
):
    client.force_login(province_officer)
    residents_everywhere(2024, 10, under=unit("Tỉnh Bắc Kạn"))
    ResidentCount.objects.filter(year=2024, commune__parent__in=[unit("Huyện Pác Nặm"), unit("Huyện Na Rì")]).delete()
    pac_nam = residents_everywhere(2024, 1, under=unit("Huyện Pác Nặm"))
    na_ri = residents_everywhere(2024, 1, under=unit("Huyện Na Rì"))
    with django_assert_max_num_queries(32):  # as the dashboard above, one more
        page = client.get("/dashboard/", {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024})
    html = page.text
    trend = {row["year"]: row for row in json_script(html, "trend-data")}
    # 2024: (5 poor − 3 planned reduction) / 11 households; 2025: (1 − 1) / 7.
    assert trend[2024]["target_rate"] == "18.18"
    assert trend[2025]["target_rate"] == "0.00"
    assert trend[2025]["poor_rate"] is None
    assert trend[2023]["target_rate"] is None
    # Actual: 3 poor of the province's resident households (over a thousand), below the 18,18 % aimed at.
    assert re.search(r'data-figure="target">Chỉ tiêu: 18,18% — <span class="verdict verdict-reached">Đạt', html)
    rows = dict(
        re.findall(r">(Huyện [^<]+)</a>.*?</td><td>[^<]*</td><td>(?:<span[^>]*>([^<]+)</span>)?</td></tr>", html)
    )
    # Na Rì: 2 poor at the start, 1 now (reduction 1 of 1); Pác Nặm: 3 at the start, 2 now (1 of 2).
    assert rows["Huyện Na Rì"] == "Đạt"
    assert rows["Huyện Pác Nặm"] == "Chậm"
    assert rows["Huyện Ba Bể"] == ""
    # Bands of seed 000, by the rate over resident households: Pác Nặm 2 poor, Na Rì 1, one resident
    # household entered for each of their communes.
    for name, poor, counts in (("Huyện Pác Nặm", 2, pac_nam), ("Huyện Na Rì", 1, na_ri)):
        band = band_for(rate(poor, sum(counts.values()))).label.replace(">", "&gt;")
        assert re.search(rf">{name}</a>(?:</td><td[^>]*>[^<]*){{7}}</td><td>{band}</td>", html), name
