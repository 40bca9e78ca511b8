"""Server time and query count of every main page at 1,000,000 households (issues 9 and 10; PostgreSQL).

    .venv/bin/python bench/pages.py [--households 1000000] [--reuse] [--repeat 20] [--only TEXT] [--check]
                                    [--profile TEXT]

Prepares the database ``povertyplan_bench_pages`` like ``bench/statistics.py`` (Bắc Kạn's units, N households
with approved 2024 reviews written with COPY), adds what the pages need — two members per household, a user
of each role with their units, the seed-002 plan (``load_plan_demo``), one commune whose whole 2024 round
waits for the chair's approval — then rebuilds the statistics and vacuums (as autovacuum would in service).
``--reuse`` keeps a database that is already prepared.

Each page is requested in this process with Django's test ``Client`` (DEBUG off): a warm-up request, one
request under ``CaptureQueriesContext`` for the query count, then ``--repeat`` timed requests
(``time.perf_counter`` around each; documents — PDF and XLSX — a quarter as many). Prints median and p95
(nearest rank) against the goals: 200 ms for a page (issue 10), 2 s for the provincial plan PDF and 3 s for
the Circular 07 summary of the province as a file (issue 9). Exits 0 (it is a benchmark) unless ``--check``
is given and a goal is missed. ``--profile TEXT`` prints the cProfile of the pages whose name contains TEXT.

Static files are served by the plain storage (the manifest of ``collectstatic`` is not built for this run).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import os
import pstats
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder would come first on the path, and bench/statistics.py would shadow the
# standard library's statistics module for every import below: the project root replaces it.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

from bench.statistics import (  # noqa: E402
    database_exists,
    db_url,
    environment,
    load_households,
    manage,
    prepare_rounds,
    setup_database,
)

DB = "povertyplan_bench_pages"
YEAR = 2024
PAGE_GOAL_MS = 200  # issue 10: every page
PLAN_PDF_GOAL_MS = 2000  # issue 9: the provincial plan of a province of 8 districts
CIRCULAR07_GOAL_MS = 3000  # issue 9: a Circular 07 summary for a province at 1M households
USERS = {
    "province": ("bench-province", "province_officer"),
    "district": ("bench-district", "district_officer"),
    "commune": ("bench-commune", "commune_officer"),
    "chair": ("bench-commune-chair", "commune_chair"),
}


@dataclass
class Page:
    name: str
    role: str
    url: str
    goal_ms: int = PAGE_GOAL_MS
    document: bool = False


@dataclass
class Result:
    page: Page
    queries: int
    median: float
    p95: float
    error: str = ""

    @property
    def met(self) -> bool:
        return not self.error and self.p95 < self.page.goal_ms


def _setup_django(db: str) -> None:
    os.environ.update(environment(db))
    # The test client's host, besides the loopback names of environment().
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["DJANGO_SETTINGS_MODULE"] = "povertyplan.settings.base"
    # WhiteNoise looks for the collected static files, which this run does not need.
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    staticfiles = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": staticfiles}).enable()


def _is_prepared() -> bool:
    from accounts.models import User
    from programmes.models import Plan

    return User.objects.filter(username=USERS["chair"][0]).exists() and Plan.objects.exists()


def province_unit(code: str):
    """The province of ``code``: that of the 2025 tree where both trees have the code (Hồ Chí Minh's 79)."""
    from django.db.models import F

    from households.models import AdministrativeUnit, UnitLevel

    provinces = AdministrativeUnit.objects.filter(code=code, level=UnitLevel.PROVINCE)
    return provinces.order_by(F("valid_to").desc(nulls_first=True)).first()


def _prepare_pages(
    *, province_code: str = "06", year: int = YEAR, plan_demo: bool = True, members: bool = True
) -> None:
    """Members (unless the households came with theirs), users of each role, the seed-002 plan (``plan_demo``),
    and a round waiting for approval (in-process). A province of the 2025 tree has no district officer."""
    from django.core.management import call_command
    from django.db import connection

    from accounts.services import user_create
    from households.models import Household, ReviewKind, ReviewRound, UnitLevel
    from households.search import household_search_refresh

    if plan_demo:
        call_command("load_plan_demo", verbosity=0)
    if members:
        _members_insert()
        household_search_refresh(Household.objects.all())  # the members' names, as the services would have
    province = province_unit(province_code)
    district = province.children.filter(level=UnitLevel.DISTRICT).order_by("code").first()
    # The commune officer's commune has its approved round; the chair's commune a round waiting for approval.
    commune, waiting = (district or province).children.filter(level=UnitLevel.COMMUNE).order_by("code")[:2]
    units = {"province": province, "district": district, "commune": commune, "chair": waiting}
    for key, (username, role) in USERS.items():
        if units[key] is not None:
            user_create(username=username, password=None, role=role, units=[units[key]])
    # Every review of the chair's commune submitted and not yet decided (the statistics are rebuilt after this).
    waiting_round = ReviewRound.objects.get(commune=waiting, year=year, kind=ReviewKind.ANNUAL)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE households_householdreview SET state = 'submitted', decision_id = NULL, approved_at = NULL,"
            " submitted_at = now() WHERE round_id = %s",
            [waiting_round.pk],
        )
    waiting_round.decisions.all().delete()


def _members_insert() -> None:
    from django.db import connection

    # The name search also looks at members: each household gets its head and a spouse, the head with a CCCD.
    with connection.cursor() as cursor:
        woman = "head_name LIKE '%% Thị %%'"
        for relation, sex, name, national_id in (
            ("head", f"CASE WHEN {woman} THEN 'female' ELSE 'male' END", "head_name", "lpad(id::text, 12, '0')"),
            ("spouse", f"CASE WHEN {woman} THEN 'male' ELSE 'female' END", "'Đàm Thị Lan ' || code", "''"),
        ):
            cursor.execute(
                "INSERT INTO households_member (household_id, full_name, sex, date_of_birth, relation, national_id,"
                " in_school, education, has_health_insurance, employment, has_labour_capacity, disability,"
                " receives_social_allowance, sick_untreated, malnourished, province_id)"
                f" SELECT id, {name}, {sex}, DATE '1975-06-01', %s, {national_id}, false, '', true, '', true, 'none',"
                " false, false, false, province_id FROM households_household",
                [relation],
            )


def _vacuum() -> None:
    # A table in service is vacuumed by autovacuum; right after COPY its visibility map is empty, which would
    # keep the planner from index-only scans.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def prepare(*, db: str, households: int, reuse: bool) -> None:
    if reuse and database_exists(db):
        _setup_django(db)
        if _is_prepared():
            print(f"Reusing {db}.", flush=True)
            return
        from django.db import connections

        connections.close_all()
    started = time.perf_counter()
    setup_database(db)
    where = prepare_rounds(db)
    copy_seconds = load_households(households, where, seed=households, db=db)
    _setup_django(db)
    _prepare_pages()
    rebuild = manage("rebuild_statistics", db=db).strip()
    print(f"{households:,} households: COPY {copy_seconds:.1f} s; {rebuild}", flush=True)
    _vacuum()
    print(f"Database {db} prepared in {time.perf_counter() - started:.0f} s.", flush=True)


def pages(*, province_code: str = "06", year: int = YEAR) -> list[Page]:
    """The main pages, each for the roles that use it: those of the district officer where there is one, of
    the plan where ``load_plan_demo`` made it."""
    from django.urls import reverse

    from accounts.models import User
    from households.models import Household, HouseholdReview, ReviewKind, ReviewRound
    from programmes.models import Plan

    commune = User.objects.get(username=USERS["commune"][0]).units.get()
    waiting = User.objects.get(username=USERS["chair"][0]).units.get()
    province = province_unit(province_code)
    annual = ReviewRound.objects.get(commune=commune, year=year, kind=ReviewKind.ANNUAL)
    waiting_round = ReviewRound.objects.get(commune=waiting, year=year, kind=ReviewKind.ANNUAL)
    submitted = HouseholdReview.objects.filter(round=waiting_round).order_by("pk").first()
    household = Household.objects.filter(commune=commune).order_by("code").first()
    plan = Plan.objects.filter(decision_number="397/QĐ-UBND").first()
    dashboard = reverse("reports:dashboard")
    households = reverse("households:household-list")
    report = reverse("reports:report", args=["circular07"])
    circular07 = f"{report}?unit={province.pk}&year={year}"
    search = f"{households}?q={household.head_name}"
    result = [
        Page("dashboard (province)", "province", dashboard),
        Page("dashboard (district)", "district", dashboard),
        Page("dashboard (commune)", "commune", dashboard),
        Page("household list, page 1", "province", households),
        Page("household list, page 1", "commune", households),
        Page("household list, name search", "province", search),
        Page("household list, name search", "commune", search),
        Page("household list, filters", "province", f"{households}?commune={commune.pk}&is_female_headed=true"),
        Page("household detail", "commune", reverse("households:household-detail", args=[household.pk])),
        Page("review round (approved)", "commune", annual.get_absolute_url()),
        Page("round list", "commune", reverse("households:round-list")),
        Page("approval: round waiting", "chair", waiting_round.get_absolute_url()),
        Page("approval queue", "chair", reverse("households:approval-queue")),
        Page("approval queue", "commune", reverse("households:approval-queue")),
        Page("approval: review detail", "chair", submitted.get_absolute_url()),
        *(_plan_pages(plan, year) if plan else ()),
        Page("import page", "commune", reverse("households:import-start")),
        Page("circular07 HTML (province)", "province", circular07),
        Page("circular07 PDF (province)", "province", f"{circular07}&format=pdf", CIRCULAR07_GOAL_MS, True),
        Page("circular07 XLSX (province)", "province", f"{circular07}&format=xlsx", CIRCULAR07_GOAL_MS, True),
        *(_plan_reports(plan, year) if plan else ()),
    ]
    users = set(
        User.objects.filter(username__in=[name for name, _role in USERS.values()]).values_list("username", flat=True)
    )
    return [page for page in result if USERS[page.role][0] in users]


def _plan_pages(plan, year: int) -> list[Page]:
    from django.urls import reverse

    plan_page = reverse("programmes:plan-detail", args=[plan.pk])
    return [
        Page("plan list", "province", reverse("programmes:plan-list")),
        Page("plan page", "province", plan_page),
        Page("plan page", "district", plan_page),
        Page(f"plan page, year {year}", "province", f"{plan_page}?year={year}"),
    ]


def _plan_reports(plan, year: int) -> list[Page]:
    from django.urls import reverse

    progress = reverse("reports:report", args=["progress"])
    return [
        Page(
            "plan report PDF",
            "province",
            f"{reverse('reports:report', args=['plan'])}?plan={plan.pk}&format=pdf",
            PLAN_PDF_GOAL_MS,
            True,
        ),
        Page("progress report", "province", f"{progress}?plan={plan.pk}&year=2017"),
        Page(f"progress report, year {year}", "province", f"{progress}?plan={plan.pk}&year={year}"),
    ]


def _quantile(times: list[float], q: float) -> float:
    # Nearest rank. This file cannot rely on the standard statistics module's name (see the path above).
    ordered = sorted(times)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def measure(page: Page, client, repeat: int, profile: bool = False) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(page.url)  # warm-up: templates, translations, connection
    if response.status_code != 200:
        return Result(page, 0, 0.0, 0.0, error=f"HTTP {response.status_code}")
    with CaptureQueriesContext(connection) as captured:
        client.get(page.url)
    # Counted now: the next request clears the connection's query log that ``captured`` reads from.
    queries = len(captured)
    times = []
    count = max(3, repeat // 4) if page.document else repeat
    profiler = cProfile.Profile() if profile else None
    for _ in range(count):
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        response = client.get(page.url)
        if profiler:
            profiler.disable()
        if page.document:
            b"".join(response) if response.streaming else response.content
        times.append((time.perf_counter() - started) * 1000)
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
        print(f"--- profile: {page.name} ({page.role}), {count} requests\n{out.getvalue()}", flush=True)
    return Result(page, queries, _quantile(times, 0.5), _quantile(times, 0.95))


def _goal(ms: int) -> str:
    return f"< {ms / 1000:g} s" if ms >= 1000 else f"< {ms} ms"


def print_table(results: list[Result]) -> None:
    print(f"{'page':36} {'role':9} {'queries':>7} {'median ms':>10} {'p95 ms':>9} {'goal':>9}  met?")
    for r in results:
        met = "yes" if r.met else ("ERROR " + r.error if r.error else "NO")
        print(
            f"{r.page.name:36} {r.page.role:9} {r.queries:>7} {r.median:>10.1f} {r.p95:>9.1f} "
            f"{_goal(r.page.goal_ms):>9}  {met}",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="Keep the database when it is already prepared.")
    parser.add_argument("--db", default=DB, help=f"Database name (default {DB}).")
    parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page (documents: a quarter).")
    parser.add_argument("--only", help="Only the pages whose name contains this text.")
    parser.add_argument("--profile", help="cProfile the pages whose name contains this text.")
    parser.add_argument("--check", action="store_true", help="Exit 1 when a goal is missed.")
    args = parser.parse_args()
    prepare(db=args.db, households=args.households, reuse=args.reuse)

    from django.test import Client

    from accounts.models import User
    from households.models import Household

    print(f"{Household.objects.count():,} households in {args.db} ({db_url(args.db)}); DEBUG off.", flush=True)
    clients = {}
    for key, (username, _role) in USERS.items():
        clients[key] = Client()
        clients[key].force_login(User.objects.get(username=username))
    results = []
    for page in pages():
        if args.only and args.only not in page.name:
            continue
        profile = bool(args.profile and args.profile in page.name)
        results.append(measure(page, clients[page.role], args.repeat, profile=profile))
    print()
    print_table(results)
    missed = [r for r in results if not r.met]
    print(f"\n{len(results) - len(missed)} of {len(results)} within their goal.")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
