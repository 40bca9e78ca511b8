"""Every URL pattern × every role × an object inside and outside the user's area.

Roles: province officer (Bắc Kạn and Thái Nguyên), district officer (Na Rì), commune officer, viewer and API
client (all three of Xã Bộc Bố, in Pác Nặm), the ministry's officer (every province, read-only), anonymous.
"Inside" objects are of Xã Bộc Bố, "outside" ones of Xã Lương Thượng (Na Rì), "other" ones of another province
sharing the database (Phường Sông Hiến, Cao Bằng). Expected: the page (200, or its own code), 403 for a role
that may not, 404 for an object outside the area (no existence leak), the login page or 401 for anonymous. A URL
pattern without an entry here fails the test, so a new page cannot skip the matrix.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

from accounts.models import Role
from demo.history import plans_load
from households.models import HouseholdReview
from households.services import units_load
from households.unit_sources import resolve_province
from programmes.models import Plan
from tests.conftest import find_unit, user_maker
from tests.review_data import build_reviewed

pytestmark = pytest.mark.django_db

ROLES = ("province", "district", "commune", "viewer", "api", "ministry", "anonymous")
SEES_INSIDE = {"province", "commune", "viewer", "api", "ministry"}
SEES_OUTSIDE = {"province", "district", "ministry"}
SEES_OTHER = {"ministry"}  # another province: only the ministry
EDITORS = {"province", "district", "commune"}
STAFF = {"district", "commune"}  # who may enter reviews and take the steps before approval
PLANNERS = {"province"}


@dataclass
class Spec:
    url: Callable[[dict, str | None], str]  # world, side → URL
    sides: tuple = ("inside", "outside", "other")  # or (None,) for a page about no one object
    method: str = "get"
    ok: int = 200
    allowed: set[str] = field(default_factory=lambda: set(ROLES) - {"anonymous"})  # roles the page is for
    sees: dict = field(
        default_factory=lambda: {"inside": SEES_INSIDE, "outside": SEES_OUTSIDE, "other": SEES_OTHER, None: set(ROLES)}
    )
    api: bool = False
    public: bool = False
    data: dict | None = None
    special: dict = field(default_factory=dict)  # role → code, where a page answers a role its own way


def page(name, *, pk=None, **kwargs):
    """A page URL about the side's ``pk`` object (a key of the world's side dict)."""

    def build(world, side):
        args = {k: (v(world, side) if callable(v) else v) for k, v in kwargs.items()}
        if pk:
            args["pk"] = world[side][pk].pk
        return reverse(name, kwargs=args or None)

    return build


def fixed(path):
    return lambda world, side: path


def api_object(name, key):
    return lambda world, side: f"/api/v1/{name}/{world[side][key].pk}/"


PLAN_SEES = {"inside": {"province", "district", "ministry"}, None: set(ROLES)}  # seed 002 has district rows only
JOB_SEES = {"inside": {"commune"}}  # an import is seen by the one who uploaded it

MATRIX: dict[str, Spec] = {
    "home": Spec(fixed("/"), sides=(None,), public=True),
    # A signed-in user is sent on from the login page.
    "accounts:login": Spec(
        fixed("/accounts/login/"), sides=(None,), public=True, special=dict.fromkeys(set(ROLES) - {"anonymous"}, 302)
    ),
    "accounts:logout": Spec(fixed("/accounts/logout/"), sides=(None,), method="post", ok=302, public=True),
    "set_language": Spec(fixed("/i18n/setlang/"), sides=(None,), method="post", ok=302, public=True),
    "households:unit-tree": Spec(fixed("/units/"), sides=(None,)),
    "households:commune-villages": Spec(page("households:commune-villages", pk="commune")),
    "households:carry-over": Spec(fixed("/units/carry-over/"), sides=(None,), allowed=PLANNERS),
    "households:household-list": Spec(fixed("/households/"), sides=(None,)),
    "households:household-create": Spec(fixed("/households/new/"), sides=(None,), allowed=EDITORS),
    "households:household-detail": Spec(page("households:household-detail", pk="household")),
    "households:household-edit": Spec(page("households:household-edit", pk="household"), allowed=EDITORS),
    "households:household-export": Spec(page("households:household-export", fmt="csv"), sides=(None,)),
    "households:round-list": Spec(fixed("/reviews/"), sides=(None,)),
    "households:approval-queue": Spec(fixed("/reviews/queue/"), sides=(None,)),
    "households:round-detail": Spec(page("households:round-detail", pk="round")),
    "households:round-export": Spec(page("households:round-export", pk="round", fmt="xlsx")),
    "households:round-step": Spec(
        page("households:round-step", pk="round", step="submit"), method="post", allowed=STAFF
    ),
    "households:round-step-choose": Spec(
        page("households:round-step-choose", pk="round", step="submit"), allowed=STAFF
    ),
    # The staff's to-do list: every signed-in user may open it; it lists only what their role and area give.
    "households:todo": Spec(fixed("/reviews/todo/"), sides=(None,)),
    "households:review-create": Spec(page("households:review-create", pk="round"), allowed=STAFF),
    "households:review-detail": Spec(page("households:review-detail", pk="review")),
    "households:review-edit": Spec(page("households:review-edit", pk="review"), allowed=EDITORS, ok=302),
    "households:review-certificate": Spec(page("households:review-certificate", pk="review")),
    "households:meeting-minutes": Spec(page("households:meeting-minutes", pk="meeting")),
    # Form 04 (Decision 24/2021/QĐ-TTg), printed by the staff of the household's area for it to sign.
    "households:household-escape-request": Spec(
        page("households:household-escape-request", pk="household"), allowed=EDITORS
    ),
    "households:decision-pdf": Spec(
        page("households:decision-pdf", pk="round", decision_pk=lambda w, s: w[s]["decision"].pk)
    ),
    "households:import-start": Spec(fixed("/households/import/"), sides=(None,), allowed=EDITORS),
    "households:import-template": Spec(fixed("/households/import/template.xlsx"), sides=(None,)),
    "households:import-detail": Spec(page("households:import-detail", pk="job"), sides=("inside",), sees=JOB_SEES),
    "households:import-confirm": Spec(
        page("households:import-confirm", pk="job"), sides=("inside",), sees=JOB_SEES, method="post", ok=302
    ),
    "households:import-rerun": Spec(
        page("households:import-rerun", pk="job"), sides=("inside",), sees=JOB_SEES, method="post", ok=302
    ),
    # The uploaded workbook with its errors marked: the uploader's own file, for them alone.
    "households:import-errors": Spec(page("households:import-errors", pk="job"), sides=("inside",), sees=JOB_SEES),
    "programmes:plan-list": Spec(fixed("/plans/"), sides=(None,)),
    "programmes:plan-create": Spec(fixed("/plans/new/"), sides=(None,), allowed=PLANNERS),
    "programmes:plan-detail": Spec(page("programmes:plan-detail", pk="plan"), sides=("inside",), sees=PLAN_SEES),
    "programmes:plan-edit": Spec(
        page("programmes:plan-edit", pk="plan"), sides=("inside",), sees=PLAN_SEES, allowed=PLANNERS
    ),
    "programmes:target-rows-edit": Spec(
        page("programmes:target-rows-edit", pk="plan", year=2017), sides=("inside",), sees=PLAN_SEES, allowed=PLANNERS
    ),
    "programmes:goal-create": Spec(
        page("programmes:goal-create", pk="plan"), sides=("inside",), sees=PLAN_SEES, allowed=PLANNERS
    ),
    "programmes:task-create": Spec(
        page("programmes:task-create", pk="plan"), sides=("inside",), sees=PLAN_SEES, allowed=PLANNERS
    ),
    "programmes:target-export": Spec(
        page("programmes:target-export", pk="plan", year=2017, fmt="csv"), sides=("inside",), sees=PLAN_SEES
    ),
    "programmes:target-import": Spec(
        page("programmes:target-import", pk="plan"), sides=("inside",), sees=PLAN_SEES, allowed=PLANNERS
    ),
    "programmes:goal-actual": Spec(
        page("programmes:goal-actual", pk="plan", goal_pk=lambda w, s: w[s]["goal"].pk),
        sides=("inside",),
        sees=PLAN_SEES,
        allowed=PLANNERS,
    ),
    "programmes:task-edit": Spec(
        page("programmes:task-edit", pk="plan", task_pk=lambda w, s: w[s]["task"].pk),
        sides=("inside",),
        sees=PLAN_SEES,
        allowed=PLANNERS,
    ),
    "reports:dashboard": Spec(fixed("/dashboard/"), sides=(None,)),
    # The ministry's table of every province (tests/national).
    "reports:national": Spec(fixed("/national/?year=2024"), sides=(None,), allowed={"ministry"}),
    # Resident households are entered by those who may change their communes' data (the rows are their own).
    "reports:resident-counts": Spec(fixed("/residents/?year=2024"), sides=(None,), allowed=EDITORS),
    "reports:resident-import": Spec(fixed("/residents/import/"), sides=(None,), allowed=EDITORS),
    "reports:report": Spec(fixed("/reports/circular07/"), sides=(None,)),
    "reports:job-detail": Spec(page("reports:job-detail", pk="report_job"), sides=("inside",), sees=JOB_SEES),
    "reports:job-download": Spec(page("reports:job-download", pk="report_job"), sides=("inside",), sees=JOB_SEES),
    "reports:job-rerun": Spec(
        page("reports:job-rerun", pk="report_job"), sides=("inside",), sees=JOB_SEES, method="post", ok=302
    ),
    # Offline work (offline.access): commune officers only; the shell, manifest and service worker name no one.
    "offline:home": Spec(fixed("/offline/"), sides=(None,), allowed={"commune"}),
    "offline:app": Spec(fixed("/offline/app/"), sides=(None,), public=True),
    "offline:manifest": Spec(fixed("/offline/manifest.webmanifest"), sides=(None,), public=True),
    "offline:service-worker": Spec(fixed("/offline/sw.js"), sides=(None,), public=True),
    # The API: every endpoint needs a token or a session.
    "api-root": Spec(fixed("/api/v1/"), sides=(None,), api=True),
    "schema": Spec(fixed("/api/schema/"), sides=(None,), api=True),
    "api-docs": Spec(fixed("/api/docs/"), sides=(None,), api=True),
    "statistics": Spec(lambda w, s: f"/api/v1/statistics/?year=2024&unit={w[s]['commune'].code}&tree=legacy", api=True),
    "statistics-national": Spec(
        fixed("/api/v1/statistics/national/?year=2024"), sides=(None,), api=True, allowed={"ministry"}
    ),
    "unit-list": Spec(fixed("/api/v1/units/"), sides=(None,), api=True),
    "unit-detail": Spec(api_object("units", "commune"), api=True),
    "standard-list": Spec(fixed("/api/v1/standards/"), sides=(None,), api=True),
    "standard-detail": Spec(fixed("/api/v1/standards/2021-2025/"), sides=(None,), api=True),
    "standard-classify": Spec(
        fixed("/api/v1/standards/2021-2025/classify/"),
        sides=(None,),
        api=True,
        method="post",
        data={"year": 2024, "area": "rural", "income": 1000000, "deprived": []},
    ),
    "household-list": Spec(fixed("/api/v1/households/"), sides=(None,), api=True),
    "household-detail": Spec(api_object("households", "household"), api=True),
    "household-export": Spec(fixed("/api/v1/households/export/"), sides=(None,), api=True),
    "review-list": Spec(fixed("/api/v1/reviews/"), sides=(None,), api=True),
    "review-detail": Spec(api_object("reviews", "review"), api=True),
    "import-list": Spec(fixed("/api/v1/imports/"), sides=(None,), api=True),
    "import-detail": Spec(api_object("imports", "job"), sides=("inside",), sees=JOB_SEES, api=True),
    "import-commit": Spec(
        lambda w, s: f"/api/v1/imports/{w[s]['job'].pk}/commit/",
        sides=("inside",),
        sees=JOB_SEES,
        api=True,
        method="post",
        ok=400,
    ),
    "plan-list": Spec(fixed("/api/v1/plans/"), sides=(None,), api=True),
    "plan-detail": Spec(api_object("plans", "plan"), sides=("inside",), sees=PLAN_SEES, api=True),
    "plan-targets": Spec(
        lambda w, s: f"/api/v1/plans/{w[s]['plan'].pk}/targets/", sides=("inside",), sees=PLAN_SEES, api=True
    ),
    "plan-progress": Spec(
        lambda w, s: f"/api/v1/plans/{w[s]['plan'].pk}/progress/?year=2017",
        sides=("inside",),
        sees=PLAN_SEES,
        api=True,
    ),
    "project-list": Spec(fixed("/api/v1/projects/"), sides=(None,), api=True),
    "project-detail": Spec(
        api_object("projects", "project"), sides=("inside",), sees={"inside": {"province", "ministry"}}, api=True
    ),
    # The world's rounds are of 2024, over: the officer who may take one offline is told so (409);
    # tests/offline/test_download.py downloads an open one.
    "offline-download": Spec(
        lambda w, s: f"/api/v1/offline/rounds/{w[s]['round'].pk}/?village=1", api=True, allowed={"commune"}, ok=409
    ),
    # The sync, about no one object: an empty batch is refused (400) to the commune officer only; each change's
    # scope is tested in tests/offline/test_sync.py.
    "offline-sync": Spec(
        fixed("/api/v1/offline/sync/"),
        sides=(None,),
        method="post",
        api=True,
        allowed={"commune"},
        ok=400,
        data={"changes": []},
    ),
}


def url_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner == "admin":
                continue
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_pattern_has_an_entry():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert not missing, f"add these to the scope matrix: {missing}"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end; each test runs in a savepoint."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _build_world() -> dict:
    make_user = user_maker("matrix")
    build_reviewed(make_user, find_unit)
    plans_load()
    plan = Plan.objects.get(decision_number="397/QĐ-UBND")
    users = {
        "province": make_user(Role.PROVINCE_OFFICER, [find_unit("Tỉnh Bắc Kạn")]),
        "district": make_user(Role.DISTRICT_OFFICER, [find_unit("Huyện Na Rì")]),
        "commune": make_user(Role.COMMUNE_OFFICER, [find_unit("Xã Bộc Bố")]),
        "viewer": make_user(Role.VIEWER, [find_unit("Xã Bộc Bố")]),
        "api": make_user(Role.API_CLIENT, [find_unit("Xã Bộc Bố")]),
        "ministry": make_user(Role.MINISTRY_OFFICER),
    }
    # A second province in the same database, with its own approved review.
    units_load(pair=resolve_province("Cao Bằng"))
    other = "Phường Sông Hiến"
    build_reviewed(make_user, find_unit, plans=[(2024, {other: "PN"})], provinces=[find_unit("Tỉnh Cao Bằng")])

    def side(commune_name):
        review = (
            HouseholdReview.objects.filter(commune__name=commune_name, round__year=2024)
            .select_related("household", "round", "decision")
            .order_by("pk")
            .first()
        )
        return {
            "commune": find_unit(commune_name),
            "household": review.household,
            "review": review,
            "round": review.round,
            "decision": review.decision,
            "meeting": _minutes_kept(review.meeting),
            "plan": plan,
            "goal": plan.goals.order_by("pk").first(),
            "task": plan.tasks.order_by("pk").first(),
        }

    inside = side("Xã Bộc Bố")
    inside["job"] = _job(users["commune"], inside["commune"])
    inside["report_job"] = _report_job(users["commune"], inside["commune"])
    inside["project"] = _project(plan)
    return {"users": users, "inside": inside, "outside": side("Xã Lương Thượng"), "other": side(other)}


def _minutes_kept(meeting):
    meeting.minutes.save(f"bien-ban-{meeting.pk}.pdf", ContentFile(b"%PDF-1.4\n% minutes\n"), save=True)
    return meeting


def _job(user, commune):
    """An import checked with an error, whose workbook with the errors marked is kept (``import-errors``)."""
    from households.imports.jobs import import_job_create
    from tests.workbooks import household, make_workbook, person

    workbook = make_workbook(households=[household("MT-01", "Thôn Không Có")], members=[person("MT-01", "Ma Văn A")])
    return import_job_create(user=user, commune=commune, file=SimpleUploadedFile("danh-sach.xlsx", workbook))


def _report_job(user, commune):
    from django.core.files.base import ContentFile

    from reports.models import ReportJob

    job = ReportJob(user=user, kind="lists", query={"unit": commune.pk, "year": 2024}, output="xlsx", status="done")
    job.file.save("danh-sach.xlsx", ContentFile(b"PK"), save=False)
    job.file_name = "danh-sach.xlsx"
    job.save()
    return job


def _project(plan):
    from programmes.models import Project

    project = Project.objects.filter(unit=plan.unit).first()
    if project is None:
        project = Project.objects.create(
            unit=plan.unit, code="1", name="Dự án 1", programme=Project._meta.get_field("programme").choices[0][0]
        )
    return project


CASES = [(name, role, side) for name, spec in MATRIX.items() for role in ROLES for side in spec.sides]


def expected(spec: Spec, role: str, side: str | None) -> int:
    if role in spec.special:
        return spec.special[role]
    if role == "anonymous":
        if spec.public:
            return spec.ok
        return 401 if spec.api else 302
    if side is not None and role not in spec.sees.get(side, set()):
        return 404
    if role not in spec.allowed:
        return 403
    return spec.ok


@pytest.mark.parametrize(("name", "role", "side"), CASES)
def test_scope(name, role, side, world, db, client):
    spec = MATRIX[name]
    if role != "anonymous":
        user = world["users"][role]
        if spec.api and role == "api":
            client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
        else:
            client.force_login(user)
    url = spec.url(world, side)
    response = (
        getattr(client, spec.method)(url, spec.data or {}, content_type="application/json")
        if spec.data
        else getattr(client, spec.method)(url)
    )
    assert response.status_code == expected(spec, role, side), f"{spec.method.upper()} {url} as {role}"
    if role == "anonymous" and not spec.public and not spec.api:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/households/",
        "/households/export.csv",
        "/reviews/",
        "/api/v1/households/?page_size=1000",
        "/api/v1/reviews/?page_size=1000",
        "/api/v1/units/?page_size=1000",
        "/dashboard/?year=2024",
        "/reports/lists/?unit={commune}&year=2024",
    ],
)
def test_no_row_from_outside_the_area_in_lists_and_exports(path, world, db, client):
    client.force_login(world["users"]["commune"])
    response = client.get(path.format(commune=world["inside"]["commune"].pk))
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    outside = world["outside"]
    assert outside["household"].code not in body
    assert "Xã Lương Thượng" not in body
    assert world["inside"]["commune"].name in body or world["inside"]["household"].code in body


@pytest.mark.parametrize(
    "path",
    [
        "/households/export.csv",
        "/reviews/",
        "/api/v1/households/?page_size=1000",
        "/api/v1/reviews/?page_size=1000",
        "/api/v1/units/?page_size=1000",
        "/api/v1/statistics/national/?year=2024",
        "/national/?year=2024",
        "/dashboard/?year=2024",
    ],
)
def test_no_row_of_another_province(path, world, db, client):
    """Two provinces share the database: a province officer's lists hold none of the other's rows; the ministry's
    hold both."""
    other = world["other"]
    client.force_login(world["users"]["province"])
    body = client.get(path).content.decode("utf-8-sig")
    assert other["household"].code not in body
    assert other["commune"].name not in body
    assert "Cao Bằng" not in body
    client.force_login(world["users"]["ministry"])
    body = client.get(path).content.decode("utf-8-sig")
    assert other["household"].code in body or other["commune"].name in body or "Cao Bằng" in body


# --- plans across the 2025 reform -------------------------------------------------------------------------
# Xã Bạch Thông (2025) took in Xã Đồng Thắng of Huyện Chợ Đồn and two communes of Huyện Bạch Thông. A user of
# Chợ Đồn may open the new commune (and so a plan with a row for it), but it is not inside their district.


@pytest.fixture
def reform_plan(world, db):
    from programmes.services import plan_create, target_rows_replace
    from standards.selectors import standard_for_year
    from tests.conftest import AFTER_REFORM
    from tests.plans import approved

    bach_thong = find_unit("Xã Bạch Thông", on=AFTER_REFORM)
    approved(bach_thong, 2026, ["poor", "poor", "near_poor", "not_poor"], signer=world["users"]["province"])
    plan = plan_create(
        user=None,
        title="Kế hoạch giảm nghèo năm 2026",
        decision_number="26/QĐ-UBND",
        decision_date=AFTER_REFORM.replace(year=2026),
        issuing_body="UBND tỉnh Thái Nguyên",
        unit=find_unit("Tỉnh Thái Nguyên", on=AFTER_REFORM),
        period_from=2026,
        period_to=2030,
        year_from=2026,
        year_to=2030,
        baseline_year=2025,
        standard=standard_for_year(2026),  # the standard ``approved`` reviews under
    )
    target_rows_replace(
        user=None,
        plan=plan,
        year=2026,
        rows=[{"unit": bach_thong, "households": 4, "poor_households": 2, "reduction_households": 1}],
    )
    return plan


def test_plan_progress_counts_no_commune_outside_the_viewers_area(reform_plan, client):
    viewer = user_maker("reform")(Role.VIEWER, [find_unit("Huyện Chợ Đồn")])
    client.force_login(viewer)
    api = client.get(f"/api/v1/plans/{reform_plan.pk}/progress/?year=2026")
    assert api.status_code == 200
    [row] = api.json()["rows"]
    assert row["unit"]["name"] == "Xã Bạch Thông"
    # Its households are mostly Huyện Bạch Thông's: no figure of theirs for a viewer of Chợ Đồn.
    assert row["actual"] is None
    page = client.get(f"/plans/{reform_plan.pk}/?year=2026")
    assert page.status_code == 200
    [(progress, unit)] = page.context["progress_rows"]
    assert unit.name == "Xã Bạch Thông"
    assert progress.actual is None


def test_plan_progress_counts_the_commune_for_the_province(reform_plan, client):
    officer = user_maker("reform")(Role.PROVINCE_OFFICER, [find_unit("Tỉnh Bắc Kạn")])
    client.force_login(officer)
    [row] = client.get(f"/api/v1/plans/{reform_plan.pk}/progress/?year=2026").json()["rows"]
    assert (row["actual"]["households"], row["actual"]["poor"]) == (4, 2)


def test_a_planner_cannot_move_another_provinces_plan_into_their_own(reform_plan, world, client):
    # Bắc Kạn's officer sees Thái Nguyên's plan through its row for Xã Bạch Thông (once Bắc Kạn's), but the plan
    # is Thái Nguyên's: moving it to Tỉnh Bắc Kạn would take it over.
    officer = world["users"]["province"]
    client.force_login(officer)
    assert client.get(reverse("programmes:plan-detail", kwargs={"pk": reform_plan.pk})).status_code == 200
    fields = ["title", "decision_number", "decision_date", "issuing_body", "signer", "period_from", "period_to"]
    fields += ["year_from", "year_to", "baseline_year", "notes"]
    data = {name: getattr(reform_plan, name) for name in fields}
    data["unit"] = find_unit("Tỉnh Bắc Kạn").pk
    response = client.post(reverse("programmes:plan-edit", kwargs={"pk": reform_plan.pk}), data)
    assert response.status_code == 403
    reform_plan.refresh_from_db()
    assert reform_plan.unit.name == "Tỉnh Thái Nguyên"
