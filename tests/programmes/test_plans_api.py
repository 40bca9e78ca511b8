"""The plans API: authentication, scope (404 outside it), target tables with printed figures, progress, projects."""

import pytest

from accounts.models import Role
from demo.history import plans_load
from households.rates import rate
from programmes.models import Plan
from tests.conftest import AFTER_REFORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_002():
    plans_load()
    return Plan.objects.get(decision_number="397/QĐ-UBND")


@pytest.fixture
def api(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_the_plan_endpoints_need_authentication(client, seed_002):
    for url in ("/api/v1/plans/", f"/api/v1/plans/{seed_002.pk}/targets/", "/api/v1/projects/"):
        assert client.get(url).status_code == 401


def test_the_list_shows_plans_with_goals_and_tasks(api, seed_002, province_user, django_assert_max_num_queries):
    client = api(province_user)
    # Session, user, the scope's version and the visible units (2), count, plans, goals, tasks.
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/plans/").json()
    assert body["count"] == 1
    plan = body["results"][0]
    assert plan["decision_number"] == "397/QĐ-UBND"
    assert plan["unit"]["name"] == "Tỉnh Bắc Kạn"
    assert len(plan["goals"]) == 7
    assert len(plan["tasks"]) == 11
    assert plan["tasks"][0]["lead_agency"] == "Sở Kế hoạch và Đầu tư"


def test_the_target_table_keeps_the_printed_figures(api, seed_002, province_user, django_assert_max_num_queries):
    client = api(province_user)
    with django_assert_max_num_queries(11):  # the scope's version too
        body = client.get(f"/api/v1/plans/{seed_002.pk}/targets/?year=2017").json()
    assert body["count"] == 8
    assert body["year"] == 2017
    assert body["total"]["households"] == 78200
    assert body["total"]["reduction"] == 1947
    assert body["total"]["poor_rate"] == "26.61"
    checks = {c["name"]: c for c in body["total_checks"]}
    assert checks["reduction"]["printed"] == "1955.00"
    assert checks["reduction"]["difference"] == "8.00"
    assert checks["reduction_pp"]["difference"] == "0.01"
    pac_nam = next(r for r in body["results"] if r["unit"]["name"] == "Huyện Pác Nặm")
    assert pac_nam["reduction_pp_printed"] == "4.21"
    assert pac_nam["computed"]["reduction_pp"] == "4.20"


def test_a_district_officer_gets_only_the_districts_row(api, seed_002, make_user, unit):
    client = api(make_user(Role.DISTRICT_OFFICER, [unit("Huyện Ba Bể")]))
    body = client.get(f"/api/v1/plans/{seed_002.pk}/targets/").json()
    assert [r["unit"]["name"] for r in body["results"]] == ["Huyện Ba Bể"]
    assert body["complete"] is False
    assert body["total_checks"] == []
    assert body["total"]["households"] == 11739


def test_a_plan_outside_the_area_is_a_404(api, seed_002, make_user, unit):
    client = api(make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)]))
    assert client.get("/api/v1/plans/").json()["count"] == 0
    for suffix in ("", "targets/", "progress/"):
        assert client.get(f"/api/v1/plans/{seed_002.pk}/{suffix}").status_code == 404
    assert client.get("/api/v1/plans/999999/progress/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/plans/?year=abc",
        "/api/v1/plans/?year=1800",
        "/api/v1/projects/?programme=1999",
        "/api/v1/plans/{pk}/targets/?year=x",
        "/api/v1/plans/{pk}/progress/?year=3000",
    ],
)
def test_bad_filters_are_400_with_field_errors(api, seed_002, province_user, url):
    response = api(province_user).get(url.format(pk=seed_002.pk))
    assert response.status_code == 400
    assert set(response.json()) <= {"year", "programme"}


def test_filters(api, seed_002, province_user):
    client = api(province_user)
    assert client.get("/api/v1/plans/?year=2017").json()["count"] == 1
    assert client.get("/api/v1/plans/?year=2019").json()["count"] == 0
    assert client.get("/api/v1/plans/?decision_number=397").json()["count"] == 1


def test_progress_with_verdicts_and_projection(api, reviewed_plan, province_user, django_assert_max_num_queries):
    client = api(province_user)
    # 16: a plan without a standard reads each year under its default standard (two queries); 18: the
    # roll-up reads the resident counts and the registry besides the counts.
    # 19: with the registry carried from the old communes for the years before the reform.
    # 20: the units assigned to the caller, whose roll-up bounds every figure shown (issue 20).
    # 21: the communes of a province of districts, read a hop at a time (its scope's version on PostgreSQL).
    # 22: the provinces of the caller's area, which the reads name for a distributed PostgreSQL (issue 25).
    with django_assert_max_num_queries(22):
        body = client.get(f"/api/v1/plans/{reviewed_plan.pk}/progress/?year=2024").json()
    rows = {r["unit"]["name"]: r for r in body["rows"]}
    assert rows["Xã Bộc Bố"]["verdict_households"] == {"verdict": "behind", "gap": "1.00"}
    assert rows["Xã Lương Thượng"]["verdict_households"]["verdict"] == "reached"
    assert rows["Xã Lương Thượng"]["actual"]["poor_rate"] == "25.00"
    assert rows["Xã Lương Thượng"]["actual"]["resident_households"] == 4
    assert (rows["Huyện Na Rì"]["actual"]["communes_reported"], rows["Huyện Na Rì"]["actual"]["partial"]) == (1, True)
    # Over the province's resident households (over a hundred): 5 then 3 poor.
    residents = body["series"][0]["resident_households"]
    assert body["projection"]["rate"] == str(rate(3, residents) - (rate(5, residents) - rate(3, residents)))
    assert "least-squares" in body["projection"]["method"]
    assert [s["year"] for s in body["series"]] == [2023, 2024]
    verdicts = {g["goal"]["kind"]: g["judgement"]["verdict"] for g in body["goals"]}
    assert verdicts == {"reduction_pp": "behind", "end_rate": "reached", "output": "behind"}


def test_projects_with_budgets_and_outputs(api, seed_002, province_user, django_assert_max_num_queries):
    client = api(province_user)
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/projects/?programme=2021-2025").json()
    codes = [p["code"] for p in body["results"]]
    assert codes == ["1", "2", "3", "4", "4.1", "4.2", "4.3", "5", "6", "6.1", "6.2", "7", "7.1", "7.2"]
    four_one = next(p for p in body["results"] if p["code"] == "4.1")
    assert four_one["parent"] == "4"
    assert {b["source"] for b in four_one["budgets"]} == {"central", "provincial", "credit", "people"}
    assert four_one["outputs"][0]["unit_of_measure"] == "người"
    assert client.get("/api/v1/projects/?programme=2026-2035").json()["count"] == 1


def test_projects_are_scoped(api, seed_002, make_user, unit):
    client = api(make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)]))
    assert client.get("/api/v1/projects/").json()["count"] == 0
