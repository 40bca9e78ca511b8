"""The offline round trip of a commune officer's phone (issue 24): the download of a commune of 3,000 households and
the sync of 500 queued reviews, each under 10 s.

    .venv/bin/python bench/offline.py [--households 3000] [--changes 500] [--reuse] [--profile]

Prepares the database ``povertyplan_bench_offline`` on 127.0.0.1:5432 (dropped first; ``--reuse`` keeps one already
prepared): the units of Thái Nguyên, the standards, ten villages in the new commune Xã Văn Lang holding
``--households`` households of 2–4 members each (COPY, by ``bench.statistics.load_households``, and one INSERT for
the members), last year's approved reviews of two households in three, a commune officer with an API token, and
an open round of this year.

Then, over HTTP against gunicorn (2 workers, ``DEBUG=0``), as the phone does:

- the download of every village of the commune: one warm-up, then the median and the slowest of 5, with the bytes
  and households of the answer;
- the sync of ``--changes`` queued ``review_save`` changes for existing households, in batches of 200 (the API's
  most), timed in total and per batch; then the same batches sent again (the idempotent path: nothing applied
  twice, the same answers).

Last, in this process with Django's test client (the server's side without HTTP), the queries of the download and of
a sync of another ``--changes`` households, and with ``--profile`` the functions the sync spends its time in.

Exits 0 (it is a benchmark) unless ``--check`` is given and a goal is missed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

from bench.statistics import database_exists, environment, load_households, manage  # noqa: E402

DB = "povertyplan_bench_offline"
GOAL_S = 10.0
BATCH = 200  # the most a sync request takes (offline.api.serializers)
VILLAGES = 10
OFFICER = "bench-offline"
COMMUNE = "Xã Văn Lang"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
# A deprived household's facts (tests/reviews.py): three deprivations, an income under the poor line.
FACTS = {
    "housing": "simple",
    "living_area_m2": "60",
    "water_source": "surface",
    "latrine": "none",
    "telecom": ["phone"],
    "devices": ["tv"],
    "waste": "collected",
}


def env() -> dict[str, str]:
    return {
        **environment(DB),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "OFFLINE_DOWNLOAD_RATE": "100000/hour",
        "OFFLINE_SYNC_RATE": "100000/hour",
        "LOG_LEVEL": "WARNING",
    }


def setup_django() -> None:
    os.environ.update(env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "povertyplan.settings.base"
    import django

    django.setup()


def prepare(households: int) -> None:
    import psycopg2

    from bench.database import recreate_database

    started = time.perf_counter()
    recreate_database(DB)
    manage("migrate", "-v0", db=DB)
    manage("loaddata", "standards", "ethnicities", "-v0", db=DB)
    manage("load_units", "--province", "Thái Nguyên", db=DB)
    setup_django()
    from django.db import connection
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import Role
    from accounts.services import user_create
    from households.models import AdministrativeUnit, ReviewKind, UnitLevel
    from households.services import round_open

    today = timezone.localdate()
    commune = AdministrativeUnit.objects.valid_on(today).get(level=UnitLevel.COMMUNE, name=COMMUNE)
    officer = user_create(username=OFFICER, password=None, role=Role.COMMUNE_OFFICER, units=[commune])
    Token.objects.create(user=officer)
    with connection.cursor() as cursor:
        villages = []
        for n in range(1, VILLAGES + 1):
            cursor.execute(
                "INSERT INTO households_administrativeunit (code, name, short_name, level, unit_type, parent_id,"
                " valid_from, valid_to, is_urban, source_key) VALUES ('', %s, %s, 'village', 'thon', %s, NULL, NULL,"
                " false, '') RETURNING id",
                [f"Thôn Bản Chang {n}", f"Bản Chang {n}", commune.pk],
            )
            villages.append(cursor.fetchone()[0])
        # Last year's annual round of the commune and the chair's decision approving it.
        cursor.execute("SELECT id FROM programmes_povertystandard WHERE code = '2021-2025' ORDER BY version DESC")
        standard = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,"
            " is_active, date_joined, role) VALUES ('!', false, 'bench-offline-chair', '', '', '', false, true, now(),"
            " 'commune_chair') RETURNING id"
        )
        chair = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO households_reviewround (commune_id, year, kind, standard_id, starts_on, ends_on, created_at)"
            " VALUES (%s, %s, 'annual', %s, %s, %s, now()) RETURNING id",
            [commune.pk, today.year - 1, standard, f"{today.year - 1}-09-01", f"{today.year - 1}-12-14"],
        )
        last_round = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO households_reviewdecision (round_id, number, signed_on, signer_id)"
            " VALUES (%s, 'VL/QĐ-UBND', %s, %s) RETURNING id",
            [last_round, f"{today.year - 1}-11-02", chair],
        )
        decision = cursor.fetchone()[0]
    where = {
        "communes": [(commune.pk, commune.code)],
        "villages": {commune.pk: villages[0]},
        "rounds": {commune.pk: last_round},
        "decisions": {commune.pk: decision},
    }
    copy_seconds = load_households(households, where, seed=24, db=DB)
    raw = psycopg2.connect(env()["DATABASE_URL"])
    with raw, raw.cursor() as cursor:
        # Spread over the villages; last year's reviews kept for two households in three.
        cursor.execute(
            "UPDATE households_household SET village_id = (%s::int[])[1 + id %% %s] WHERE commune_id = %s",
            [villages, VILLAGES, commune.pk],
        )
        cursor.execute(
            "UPDATE households_householdreview r SET village_id = h.village_id FROM households_household h"
            " WHERE h.id = r.household_id AND r.round_id = %s",
            [last_round],
        )
        cursor.execute(
            "DELETE FROM households_householdreview WHERE round_id = %s AND household_id %% 3 = 0", [last_round]
        )
        # 2–4 members: the head and the spouse at work, then children at school, each with the facts a review reads.
        cursor.execute(
            "INSERT INTO households_member (household_id, full_name, sex, date_of_birth, relation, national_id,"
            " in_school, at_age_appropriate_level, education, has_health_insurance, employment, has_labour_capacity,"
            " disability, receives_social_allowance, sick_untreated, malnourished, province_id)"
            " SELECT h.id, CASE WHEN n = 1 THEN h.head_name ELSE 'Lý Thị Hoa ' || n END,"
            " CASE WHEN n = 1 THEN 'male' ELSE 'female' END,"
            " CASE WHEN n <= 2 THEN DATE '1980-04-02' ELSE DATE '2012-01-20' + n::int END,"
            " CASE n WHEN 1 THEN 'head' WHEN 2 THEN 'spouse' ELSE 'child' END, '',"
            " CASE WHEN n <= 2 THEN NULL ELSE true END, CASE WHEN n <= 2 THEN NULL ELSE true END,"
            " CASE WHEN n <= 2 THEN 'lower_secondary' ELSE 'primary' END, true,"
            " CASE WHEN n <= 2 THEN 'self_employed' ELSE '' END, true, 'none', false, false, false, h.province_id"
            " FROM households_household h CROSS JOIN LATERAL generate_series(1, 2 + h.id %% 3) AS n"
            " WHERE h.commune_id = %s",
            [commune.pk],
        )
        cursor.execute("ANALYZE")
    raw.close()
    round_open(user=officer, commune=commune, year=today.year, kind=ReviewKind.ONGOING, starts_on=today)
    print(
        f"{households:,} households in {VILLAGES} villages of {COMMUNE}: COPY {copy_seconds:.1f} s;"
        f" prepared in {time.perf_counter() - started:.0f} s.",
        flush=True,
    )


def is_prepared() -> bool:
    from rest_framework.authtoken.models import Token

    return Token.objects.filter(user__username=OFFICER).exists()


class Server:
    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "povertyplan.wsgi", "-b", f"127.0.0.1:{self.port}", "--workers", "2"],
            cwd=ROOT,
            env={**env(), "DJANGO_SETTINGS_MODULE": "povertyplan.settings.base"},
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    def request(self, token: str, path: str, body: dict | None = None) -> tuple[float, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, headers=headers)
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=600) as response:
            content = response.read()
            assert response.status == 200, response.status
        return time.perf_counter() - started, content


def changes_for(round_id: int, households: list[int]) -> list[dict]:
    """A ``review_save`` a household, as the phone queues them: a new review in the round (no base version)."""
    return [
        {
            "client_id": str(uuid.uuid4()),
            "kind": "review_save",
            "base_version": None,
            "review": {
                "round": round_id,
                "household": str(pk),
                "income_per_capita": 1_000_000 + 10_000 * (pk % 50),
                "facts": FACTS,
                "causes": ["no_land"],
            },
        }
        for pk in households
    ]


def batches(changes: list[dict]) -> list[list[dict]]:
    return [changes[start : start + BATCH] for start in range(0, len(changes), BATCH)]


def world() -> dict:
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from households.models import Household, ReviewRound, UnitLevel

    token = Token.objects.select_related("user").get(user__username=OFFICER)
    today = timezone.localdate()
    open_round = ReviewRound.objects.filter(year=today.year, commune__name=COMMUNE).select_related("commune").get()
    commune = open_round.commune
    villages = list(commune.children.filter(level=UnitLevel.VILLAGE).order_by("pk").values_list("pk", flat=True))
    households = list(Household.objects.filter(commune=commune).order_by("pk").values_list("pk", flat=True))
    return {
        "token": token.key,
        "user": token.user,
        "round": open_round.pk,
        "villages": villages,
        "households": households,
    }


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of these processes so far (Linux /proc): the work done, whatever else shares the machine."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(server: Server) -> list[int]:
    """gunicorn's workers and the PostgreSQL backends of the bench database (the workers keep theirs open)."""
    import psycopg2

    workers = [
        int(pid) for pid in Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    ]
    connection = psycopg2.connect(env()["DATABASE_URL"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [DB])
        backends = [pid for (pid,) in cursor.fetchall()]
    connection.close()
    return workers + backends


def verdict(seconds: float) -> str:
    return "ok" if seconds < GOAL_S else "MISSED"


def over_http(w: dict, count: int) -> dict:
    server = Server()
    figures: dict = {}
    try:
        path = f"/api/v1/offline/rounds/{w['round']}/?" + "&".join(f"village={pk}" for pk in w["villages"])
        server.request(w["token"], path)  # warm-up: the workers' imports and caches
        times = []
        pids = server_pids(server)
        cpu = cpu_seconds(pids)
        for _ in range(5):
            seconds, content = server.request(w["token"], path)
            times.append(seconds)
        cpu = (cpu_seconds(pids) - cpu) / 5
        answer = json.loads(content)
        sent = len(answer["households"])
        members = sum(len(household.get("members", [])) for household in answer["households"])
        times.sort()
        figures["download"] = (times[2], times[-1])
        print(
            f"download of {len(w['villages'])} villages: median {times[2]:.2f} s, max {times[-1]:.2f} s"
            f" (goal < {GOAL_S:.0f} s: {verdict(times[-1])}); {len(content):,} bytes"
            f" ({len(content) / 1024 / 1024:.1f} MiB), {sent:,} households, {members:,} members;"
            f" {times[2] / sent * 1000:.2f} ms and {len(content) / sent:,.0f} bytes a household;"
            f" server CPU {cpu:.2f} s a download",
            flush=True,
        )
        changes = changes_for(w["round"], w["households"][:count])
        for label in ("sync", "replay"):
            per_batch, outcomes = [], {}
            pids = server_pids(server)
            cpu = cpu_seconds(pids)
            for batch in batches(changes):
                seconds, content = server.request(w["token"], "/api/v1/offline/sync/", {"changes": batch})
                per_batch.append(seconds)
                for result in json.loads(content)["results"]:
                    outcomes[result["outcome"]] = outcomes.get(result["outcome"], 0) + 1
            total = sum(per_batch)
            cpu = cpu_seconds(pids) - cpu
            figures[label] = total
            print(
                f"{label} of {count} review_save in {len(per_batch)} batches: {total:.2f} s"
                f" (goal < {GOAL_S:.0f} s: {verdict(total)}); per batch "
                + ", ".join(f"{seconds:.2f}" for seconds in per_batch)
                + f" s; {total / count * 1000:.1f} ms a change; server CPU {cpu:.2f} s (gunicorn and PostgreSQL,"
                f" {cpu / count * 1000:.1f} ms a change); outcomes {outcomes}",
                flush=True,
            )
    finally:
        server.stop()
    return figures


def in_process(w: dict, count: int, profile: bool) -> None:
    """The server's side without HTTP: queries of the download and of a sync of other households."""
    from django.db import connection
    from django.test import Client

    queries = [0]

    def counted(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = [cursor.fetchone()[0]]
    client = Client(HTTP_AUTHORIZATION=f"Token {w['token']}")
    path = f"/api/v1/offline/rounds/{w['round']}/"
    with connection.execute_wrapper(counted):
        started, cpu, db_cpu = time.perf_counter(), time.process_time(), cpu_seconds(backend)
        response = client.get(path, {"village": w["villages"]})
        seconds, cpu, db_cpu = (
            time.perf_counter() - started,
            time.process_time() - cpu,
            cpu_seconds(backend) - db_cpu,
        )
    assert response.status_code == 200, response.content[:500]
    print(
        f"in process: download {seconds:.2f} s, {queries[0]} queries; CPU {cpu:.2f} s in Django,"
        f" {db_cpu:.2f} s in PostgreSQL",
        flush=True,
    )
    others = w["households"][count : 2 * count]
    changes = changes_for(w["round"], others)
    profiler = cProfile.Profile() if profile else None
    for label in ("sync", "replay"):
        total, queries[0] = 0.0, 0
        cpu, db_cpu = time.process_time(), cpu_seconds(backend)
        for batch in batches(changes):
            with connection.execute_wrapper(counted):
                started = time.perf_counter()
                if profiler and label == "sync":
                    profiler.enable()
                response = client.post("/api/v1/offline/sync/", {"changes": batch}, content_type="application/json")
                if profiler:
                    profiler.disable()
                total += time.perf_counter() - started
            assert response.status_code == 200, response.content[:500]
        cpu, db_cpu = time.process_time() - cpu, cpu_seconds(backend) - db_cpu
        print(
            f"in process: {label} of {len(others)} review_save {total:.2f} s, {queries[0]} queries"
            f" ({queries[0] / len(others):.1f} a change); CPU {cpu:.2f} s in Django ({cpu / len(others) * 1000:.1f} ms"
            f" a change), {db_cpu:.2f} s in PostgreSQL ({db_cpu / len(others) * 1000:.1f} ms a change)",
            flush=True,
        )
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=3000)
    parser.add_argument("--changes", type=int, default=500)
    parser.add_argument("--reuse", action="store_true", help="keep a database already prepared")
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process sync")
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    args = parser.parse_args()
    if args.households < 2 * args.changes:
        parser.error("--households must be at least twice --changes (the in-process run syncs other households).")
    ready = False
    if args.reuse and database_exists(DB):
        setup_django()
        ready = is_prepared()
    if not ready:
        prepare(args.households)
    else:
        print(f"Reusing {DB} (its reviews of this year are deleted first).", flush=True)
    from django.db import connection

    w = world()
    with connection.cursor() as cursor:  # a reused database: this year's reviews and synced changes made anew
        cursor.execute("DELETE FROM offline_syncedchange")
        cursor.execute("DELETE FROM households_householdreview WHERE round_id = %s", [w["round"]])
    connection.close()
    figures = over_http(w, args.changes)
    in_process(w, args.changes, args.profile)
    missed = [name for name, value in figures.items() if (value[1] if isinstance(value, tuple) else value) >= GOAL_S]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
