"""Load test (issue 11): officers browsing dashboards and API clients pulling statistics while an import commits.

    .venv/bin/python bench/load.py [--officers 50] [--api-clients 10] [--households 50000] [--seconds 120]

Prepares the database ``povertyplan_bench_load`` on 127.0.0.1:5432 (dropped first) with bench/statistics.py's
helpers: Bắc Kạn's units, the standards and ``--base`` households with approved 2024 reviews written with COPY
in every commune, the statistics rebuilt. That loader rather than ``manage.py load_demo``: the demo's
households (seed 002, reviews 2016-2019 written through the services) take far longer to load and leave 2024,
the year the import writes, without figures; COPY takes seconds and gives every commune and district of the
province 2024 figures to show. bench/imports.py's helpers add the 40 villages of Xã Bộc Bố, the officer who
imports and the seeded workbook of ``--households`` households (4 members and one review each).

Then the officers (a fifth assigned to the province, the others to its districts) and an API client with a
token are created, the workbook is uploaded as an import job and checked (the dry run), and gunicorn serves
the project (bench/statistics.py's ``serve``: 2 workers × 4 threads, DEBUG off) on loopback. Under load:

- each officer signs in (session) and opens, with a think time between pages, the dashboards of the
  province (province officers), of a district and of a commune, and the Circular 07 report of their area;
- each API client (token) pulls the statistics (``group_by=unit,status`` and ``group_by=unit``) and walks
  the first pages of the household list;
- once every officer has signed in and ``--warmup`` seconds more have passed, the job's commit is confirmed in
  a separate process, as a worker would run it (``import_job_confirm``: parse, check, classify and write in
  one transaction).

The load runs ``--seconds`` and at least until the import ends (at most ``--timeout``). The script prints
p50/p95/max and the request and error counts per request kind, over the whole run and before, during and
after the commit (an error: a connection error, a status of 400 or above, a redirect to the login page or a
page without its figures), the import's duration, and checks that the database holds exactly the imported
households, members and reviews. Exits non-zero on any error or missing data.

The clients are Locust users (headless, as a library, gevent): one process keeps 60 clients going with
little CPU, which matters on a 2-core machine where the server, PostgreSQL and the import share the cores.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

# Locust patches the standard library for gevent when imported; the modules above are safe to patch late.
from locust import FastHttpUser, between, task
from locust.env import Environment

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder would come first on the path, and bench/statistics.py would shadow the
# standard library's statistics module: the project root replaces it, and the benches are the package ``bench``.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

from bench import statistics as statistics_bench  # noqa: E402
from bench.common import LoopbackCookies, Sample, figures  # noqa: E402

DB = "povertyplan_bench_load"
# Not bench/statistics.py's port, so that both benches can run at once.
PORT = 8797
YEAR = 2024
PASSWORD = "bench-Load-secret-2024"
# bench/imports.py reads its database from this variable when its module is loaded.
os.environ["BENCH_DATABASE_URL"] = statistics_bench.db_url(DB)
from bench import imports as import_bench  # noqa: E402


@dataclass
class Account:
    username: str
    # Request kind → the pages of that kind in the officer's area.
    pages: dict[str, list[str]]


@dataclass
class Prepared:
    accounts: list[Account]
    token: str
    job_id: int
    base_households: int


# ---------------------------------------------------------------------------------------------------- setup


def prepare(args: argparse.Namespace, media_root: Path) -> Prepared:
    """The database, the users, the workbook checked as an import job (the dry run), static files collected."""
    lap = _stopwatch()
    workbook = Path(tempfile.gettempdir()) / f"povertyplan-bench-import-{args.households}.xlsx"
    if not workbook.exists():  # the same cache as bench/imports.py --keep-file
        subprocess.run(
            [sys.executable, import_bench.__file__, "--write-only", str(workbook), str(args.households)],
            check=True,
            cwd=ROOT,
        )
        lap(f"workbook of {args.households:,} households written")

    statistics_bench.setup_database(db=DB)
    where = statistics_bench.prepare_rounds(db=DB)
    statistics_bench.load_households(args.base, where, seed=11, db=DB)
    statistics_bench.manage("rebuild_statistics", db=DB)
    lap(f"database {DB}: units, {args.base:,} households with approved reviews, statistics")

    # The dry run in this process, before the server starts: neither Celery nor a process of its own.
    os.environ.update(MEDIA_ROOT=str(media_root), REDIS_URL="", JOB_OWN_PROCESS="0")
    import_bench._setup_django()
    # bench/imports.py's reference data: units and standards again (both loads are idempotent), the villages
    # its workbook names and the commune officer who imports.
    importer, commune = import_bench._load_reference_data()
    lap("villages and the importing officer")

    from django.core.files import File
    from django.core.management import call_command

    from households.imports.jobs import import_job_create
    from households.models import Household, ImportStatus

    _collect_static()
    accounts = _users(args.officers)
    lap(f"static files, {args.officers} officers and the API client")
    with workbook.open("rb") as source:
        job = import_job_create(user=importer, commune=commune, file=File(source, name=workbook.name))
    if job.status != ImportStatus.CHECKED or job.error_count:
        raise SystemExit(f"The dry run of the workbook failed: {job.status}, {job.errors[:3]}")
    lap(f"import job {job.pk} checked (the dry run)")
    token = io.StringIO()
    call_command("create_api_token", "bench-api", stdout=token)
    return Prepared(
        accounts=accounts, token=token.getvalue().strip(), job_id=job.pk, base_households=Household.objects.count()
    )


def _stopwatch() -> Callable[[str], None]:
    """Prints each step's label with the seconds since the previous one."""
    last = time.perf_counter()

    def lap(label: str) -> None:
        nonlocal last
        print(f"{time.perf_counter() - last:6.1f} s  {label}", flush=True)
        last = time.perf_counter()

    return lap


def _collect_static() -> None:
    """``collectstatic`` with the manifest that the server's storage (WhiteNoise's, DEBUG off) reads.

    One difference from the project's storage: nothing is compressed (a minute on this machine), as the
    clients load no static file.
    """
    from django.contrib.staticfiles.management.commands.collectstatic import Command
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
    from django.core.management import call_command

    command = Command()
    command.storage = ManifestStaticFilesStorage()
    call_command(command, interactive=False, verbosity=0)


def _users(officers: int) -> list[Account]:
    """Officers: one in five assigned to the province, the others to its districts in turn; the API client."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Role, User
    from accounts.services import user_create
    from households.models import AdministrativeUnit, UnitLevel

    legacy = AdministrativeUnit.objects.valid_on(datetime.date(YEAR, 1, 1))
    province = legacy.get(code="06", level=UnitLevel.PROVINCE)
    districts = list(legacy.filter(parent=province, level=UnitLevel.DISTRICT).order_by("code"))
    communes = {d.pk: list(legacy.filter(parent=d, level=UnitLevel.COMMUNE).order_by("code")) for d in districts}

    def dashboard(unit: AdministrativeUnit) -> str:
        return f"/dashboard/?{urlencode({'unit': unit.pk, 'year': YEAR})}"

    def circular07(unit: AdministrativeUnit) -> str:
        return f"/reports/circular07/?{urlencode({'unit': unit.pk, 'year': YEAR})}"

    accounts = []
    for n in range(officers):
        if n % 5 == 0:
            username, role, unit = f"bench-province-{n}", Role.PROVINCE_OFFICER, province
            pages = {
                "dashboard province": [dashboard(province)],
                "dashboard district": [dashboard(d) for d in districts],
                "dashboard commune": [dashboard(c) for d in districts for c in communes[d.pk]],
            }
        else:
            unit = districts[n % len(districts)]
            username, role = f"bench-district-{n}", Role.DISTRICT_OFFICER
            pages = {
                "dashboard district": [dashboard(unit)],
                "dashboard commune": [dashboard(c) for c in communes[unit.pk]],
            }
        pages["report circular07"] = [circular07(unit)]
        user_create(username=username, password=None, role=role, units=[unit])
        accounts.append(Account(username, pages))
    # One hash for all: hashing a password costs a third of a second by design (PBKDF2), and the officers'
    # sign-ins are measured, not their creation.
    User.objects.filter(username__in=[a.username for a in accounts]).update(password=make_password(PASSWORD))
    user_create(username="bench-api", password=None, role=Role.API_CLIENT, units=[province])
    return accounts


# ------------------------------------------------------------------------------------------------- the clients

FIGURES_MARK = 'data-figure="households"'  # the dashboard's headline figures
REPORT_MARK = 'class="downloads"'  # the report's download links, shown with a built report


class Officer(FastHttpUser):
    """An officer of the province or of a district: signs in once, then reads dashboards and the report."""

    fixed_count = 50
    wait_time = between(5, 15)
    accounts: list[Account] = []
    ready = 0  # officers past their sign-in, whether it worked or not
    # How often each kind of page is opened.
    weights = {"dashboard province": 3, "dashboard district": 3, "dashboard commune": 3, "report circular07": 1}

    def on_start(self) -> None:
        try:
            self.sign_in()
        finally:
            Officer.ready += 1

    def sign_in(self) -> None:
        self.account = self.accounts.pop()
        self.client.cookiejar.set_policy(LoopbackCookies())
        with self.client.get("/accounts/login/", name="login form", catch_response=True) as form:
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text or "")
            if csrf is None:
                form.failure("no CSRF token in the login form")
                return
        body = urlencode({"username": self.account.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf[1]})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post(
            "/accounts/login/", data=body, headers=headers, name="login", allow_redirects=False, catch_response=True
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in refused ({answer.status_code})")

    @task
    def browse(self) -> None:
        kinds = list(self.account.pages)
        kind = random.choices(kinds, weights=[self.weights[k] for k in kinds])[0]
        mark = REPORT_MARK if kind.startswith("report") else FIGURES_MARK
        url = random.choice(self.account.pages[kind])
        with self.client.get(url, name=kind, allow_redirects=False, catch_response=True) as page:
            if page.status_code == 302:
                page.failure(f"redirected to {page.headers.get('Location')}")
            elif page.status_code == 200 and mark not in (page.text or ""):
                page.failure("the page has no figures")


class ApiClient(FastHttpUser):
    """A system pulling the province's statistics and households with a token."""

    fixed_count = 10
    wait_time = between(1, 3)
    token = ""
    household_pages = 3

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Token {self.token}"}

    def statistics(self, group_by: str) -> None:
        url = f"/api/v1/statistics/?{urlencode({'year': YEAR, 'unit': '06', 'group_by': group_by})}"
        self.client.get(url, name=f"api statistics {group_by}", headers=self.headers)

    @task(2)
    def statistics_by_status(self) -> None:
        self.statistics("unit,status")

    @task(1)
    def statistics_by_unit(self) -> None:
        self.statistics("unit")

    @task(1)
    def households(self) -> None:
        url = "/api/v1/households/?page_size=100"
        for _page in range(self.household_pages):
            with self.client.get(url, name="api households page", headers=self.headers, catch_response=True) as page:
                if page.status_code != 200:
                    return
                url = page.json().get("next")
                if not url:
                    return


# ---------------------------------------------------------------------------------------------------- the run


@dataclass
class Run:
    samples: list[Sample]
    exceptions: list[str]
    import_started: float
    import_ended: float
    import_returncode: int | None


def run(args: argparse.Namespace, prepared: Prepared, env: dict[str, str]) -> Run:
    """The clients for ``--seconds`` (at least until the import ends), the import's commit after the warm-up."""
    Officer.fixed_count, Officer.accounts, Officer.ready = args.officers, list(prepared.accounts), 0
    Officer.wait_time = between(*args.think)
    ApiClient.fixed_count, ApiClient.token = args.api_clients, prepared.token
    environment = Environment(user_classes=[Officer, ApiClient], host=f"http://127.0.0.1:{PORT}")
    samples: list[Sample] = []

    def record(name: str, response_time: float, exception: Exception | None, **_other) -> None:
        error = "" if exception is None else f"{type(exception).__name__}: {exception}"
        samples.append(Sample(name, response_time, error, time.monotonic()))

    environment.events.request.add_listener(record)
    runner = environment.create_local_runner()
    started = time.monotonic()
    users = args.officers + args.api_clients
    runner.start(users, spawn_rate=max(1, users / 5))
    # The commit starts once every officer has signed in (a storm of password hashing that would otherwise
    # be measured as the import's effect) and the pages have been browsed a while. Gevent's sleep: the
    # clients run meanwhile.
    while Officer.ready < args.officers and time.monotonic() < started + args.timeout:
        time.sleep(0.5)
    time.sleep(args.warmup)

    # As a worker runs a confirmed job: another process, the same code path as the import page's "Save".
    commit = (
        "from common.process import mark_dedicated; from households.imports.jobs import import_job_confirm;"
        " from households.models import ImportJob; mark_dedicated();"
        f" job = ImportJob.objects.get(pk={prepared.job_id}); import_job_confirm(user=job.user, job=job)"
    )
    importer = subprocess.Popen([sys.executable, "manage.py", "shell", "--no-imports", "-c", commit], cwd=ROOT, env=env)
    import_started = time.monotonic()
    while importer.poll() is None and time.monotonic() < started + args.timeout:
        time.sleep(0.2)
    import_ended = time.monotonic()
    if importer.poll() is None:
        importer.kill()
        importer.wait()
    else:
        time.sleep(max(0.0, started + args.seconds - time.monotonic()))
    runner.quit()
    # What broke inside the clients themselves (an exception in a task), not in an answer.
    exceptions = [f"×{e['count']}: {e['msg']}" for e in runner.exceptions.values()]
    return Run(samples, exceptions, import_started, import_ended, importer.returncode)


def report(result: Run, prepared: Prepared, args: argparse.Namespace) -> list[str]:
    """Print the figures and the import's check; return the problems found."""
    from django.db import connection

    from households.models import Household, HouseholdReview, ImportJob, ImportStatus, Member

    problems = []
    started, ended = result.import_started, result.import_ended
    windows = {
        "the whole run": result.samples,
        # by the time of the answer
        "before the commit (the sign-ins, then --warmup seconds)": [s for s in result.samples if s.at < started],
        "during the commit": [s for s in result.samples if started <= s.at <= ended],
        "after the commit": [s for s in result.samples if s.at > ended],
    }
    for title, samples in windows.items():
        print(f"\n{title}\n{'request kind':28} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for kind, f in figures(samples).items():
            print(f"{kind:28} {f.requests:8,} {f.errors:6,} {f.p50:8.0f} {f.p95:8.0f} {f.max:8.0f}")
        print(f"{'all':28} {len(samples):8,} {sum(bool(s.error) for s in samples):6,}")
    errors = Counter((s.kind, s.error) for s in result.samples if s.error)
    for (kind, error), count in errors.most_common(10):
        print(f"  error ×{count}: {kind}: {error[:200]}")
    if errors:
        problems.append(f"{errors.total()} requests failed")
    for exception in result.exceptions:
        problems.append(f"a client failed {exception}")

    connection.close()  # idle through the run; a fresh one for the check
    job = ImportJob.objects.get(pk=prepared.job_id)
    wall = result.import_ended - result.import_started
    print(f"\nimport: {job.status}, {job.rows:,} rows, job duration {job.duration or 0:.1f} s, process {wall:.1f} s")
    print(f"  counts: {job.counts}")
    if result.import_returncode != 0 or job.status != ImportStatus.DONE or job.error_count:
        problems.append(f"the import did not commit (exit {result.import_returncode}, {job.status}, {job.errors[:3]})")
    imported = Household.objects.filter(commune=job.commune, code__startswith="BB")
    expected = {"households": args.households, "members": 4 * args.households, "reviews": args.households}
    found = {
        "households": imported.count(),
        "members": Member.objects.filter(household__in=imported).count(),
        "reviews": HouseholdReview.objects.filter(household__in=imported, round__year=YEAR).count(),
    }
    total = Household.objects.count()
    print(f"  in the database: {found} of {expected}; {total:,} households in all")
    if found != expected or total != prepared.base_households + args.households:
        problems.append(f"the database does not hold the imported data: {found}, {total:,} households in all")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--api-clients", type=int, default=10)
    parser.add_argument("--households", type=int, default=50_000, help="Households of the imported workbook.")
    parser.add_argument("--base", type=int, default=80_000, help="Households already there (COPY), 2024.")
    parser.add_argument("--seconds", type=int, default=120, help="Length of the load (longer if the import is).")
    parser.add_argument("--warmup", type=int, default=10, help="Seconds from the last sign-in to the commit.")
    parser.add_argument("--timeout", type=int, default=900, help="The import's limit: an error past it.")
    # An officer reads a page before opening the next; without a pause 50 officers would be a flood.
    parser.add_argument("--think", type=float, nargs=2, default=(5, 15), metavar=("MIN", "MAX"))
    args = parser.parse_args()

    media_root = Path(tempfile.mkdtemp(prefix="povertyplan-bench-load-"))
    prepared = prepare(args, media_root)
    # The commit runs in the process started below, as a worker would run it: not in one of its own.
    env = {**statistics_bench.environment(DB), "MEDIA_ROOT": str(media_root), "REDIS_URL": "", "JOB_OWN_PROCESS": "0"}
    # bench/statistics.py's serve() reads its module's port and environment.
    statistics_bench.PORT, statistics_bench.ENV = PORT, env
    server = statistics_bench.serve()
    try:
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        result = run(args, prepared, env)
        print(f"load average after : {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        os.killpg(server.pid, 15)
        server.wait()
    problems = report(result, prepared, args)
    shutil.rmtree(media_root, ignore_errors=True)
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
