"""Benchmark of the statistics and list endpoints at 100,000 and 1,000,000 households (PostgreSQL).

    .venv/bin/python bench/statistics.py [--sizes 100000 1000000] [--requests 200] [--concurrency 8]

Creates the database ``povertyplan_bench`` on 127.0.0.1:5432 (dropped first), loads Bắc Kạn's units and the
standards, writes synthetic households and approved reviews with COPY (seeded), rebuilds the statistics
with the project's own command, serves the project with gunicorn and measures p50/p95 of
``statistics/?group_by=unit``, ``statistics/?group_by=unit,status`` and the paginated ``households/`` list
from a pool of concurrent requests. Goals (issue 8): statistics p95 < 100 ms at 1M and 1M/100k ≤ 1.3;
lists p95 < 200 ms at 1M.
"""

import argparse
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project, after the standard library
    sys.path.append(str(ROOT))

from bench.database import HOUSEHOLD_COPY_COLUMNS  # noqa: E402
from households.search_words import search_text  # noqa: E402  (pure: no Django set-up needed)

DB = "povertyplan_bench"
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PORT = 8799
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def db_url(db: str = DB) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{db}"


def environment(db: str = DB) -> dict[str, str]:
    """Production-like: DEBUG off (no query logging), no HTTPS redirect on loopback."""
    return {
        **os.environ,
        "DATABASE_URL": db_url(db),
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "API_THROTTLE_RATE": "1000000/hour",
    }


DB_URL = db_url(DB)
ENV = environment(DB)


def manage(*args: str, db: str = DB) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=environment(db), check=True, capture_output=True, text=True
    )
    return result.stdout


def database_exists(db: str = DB) -> bool:
    import psycopg2

    connection = psycopg2.connect(ADMIN_URL)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,))
        found = cursor.fetchone() is not None
    connection.close()
    return found


def setup_database(db: str = DB) -> None:
    import psycopg2

    connection = psycopg2.connect(ADMIN_URL)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {db}")
        cursor.execute(f"CREATE DATABASE {db}")
    connection.close()
    manage("migrate", "-v0", db=db)
    manage("loaddata", "standards", "ethnicities", "-v0", db=db)
    manage("load_units", "--province", "Bắc Kạn", db=db)


def prepare_rounds(db: str = DB) -> dict:
    """A village, a 2024 annual round and its decision in every commune of Bắc Kạn."""
    import psycopg2

    connection = psycopg2.connect(db_url(db))
    villages, rounds, decisions = {}, {}, {}
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.code FROM households_administrativeunit c JOIN households_administrativeunit d"
            " ON c.parent_id = d.id JOIN households_administrativeunit p ON d.parent_id = p.id"
            " WHERE c.level = 'commune' AND p.code = '06' AND c.valid_to IS NOT NULL ORDER BY c.code"
        )
        communes = cursor.fetchall()
        cursor.execute("SELECT id FROM programmes_povertystandard WHERE code = '2021-2025' ORDER BY version DESC")
        standard = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,"
            " is_staff, is_active, date_joined, role) VALUES ('!', false, 'bench-chair', '', '', '', false,"
            " true, now(), 'commune_chair') RETURNING id"
        )
        chair = cursor.fetchone()[0]
        for commune_id, code in communes:
            cursor.execute(
                "INSERT INTO households_administrativeunit (code, name, short_name, level, unit_type, parent_id,"
                " valid_from, valid_to, is_urban, source_key) VALUES ('', %s, %s, 'village', 'thon', %s, NULL,"
                " '2025-06-30', false, '') RETURNING id",
                (f"Thôn Bản Chang {code}", f"Bản Chang {code}", commune_id),
            )
            villages[commune_id] = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO households_reviewround (commune_id, year, kind, standard_id, starts_on, ends_on,"
                " created_at) VALUES (%s, 2024, 'annual', %s, '2024-09-01', '2024-12-14', now()) RETURNING id",
                (commune_id, standard),
            )
            rounds[commune_id] = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO households_reviewdecision (round_id, number, signed_on, signer_id)"
                " VALUES (%s, %s, '2024-11-02', %s) RETURNING id",
                (rounds[commune_id], f"{code}/QĐ-UBND", chair),
            )
            decisions[commune_id] = cursor.fetchone()[0]
    connection.close()
    return {"communes": communes, "villages": villages, "rounds": rounds, "decisions": decisions}


def load_households(count: int, where: dict, seed: int = 20171, db: str = DB) -> float:
    """COPY ``count`` more households, each with one approved 2024 review, into the communes of Bắc Kạn."""
    import psycopg2

    started = time.perf_counter()
    rng = random.Random(seed)
    communes, villages = where["communes"], where["villages"]
    rounds, decisions = where["rounds"], where["decisions"]
    connection = psycopg2.connect(db_url(db))
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM households_household")
        first_id = cursor.fetchone()[0] + 1
        families = ["Hoàng", "Nông", "Triệu", "Lý", "Đàm", "Lục", "Hà", "Ma", "Bế", "Dương"]
        given = ["Văn Páo", "Thị Slao", "Văn Chàn", "Thị Mẩy", "Văn Thắng", "Thị Hương", "Văn Khải", "Thị Nguyệt"]
        households, reviews = io.StringIO(), io.StringIO()
        statuses = ["poor"] * 20 + ["near_poor"] * 12 + ["average"] * 18 + ["not_poor"] * 50
        for i in range(count):
            commune_id = communes[i % len(communes)][0]
            hid = first_id + i
            name = f"{rng.choice(families)} {rng.choice(given)}"
            flags = [rng.random() < p for p in (0.8, 0.05, 0.03, 0.2, 0.1)]
            households.write(
                "\t".join(
                    [
                        str(hid),
                        f"B{hid:08d}",
                        str(commune_id),
                        str(villages[commune_id]),
                        name,
                        "",
                        "",
                        *("t" if f else "f" for f in (flags[2], flags[0], flags[1], flags[3], flags[4])),
                        "active",
                        r"\N",
                        "1",
                        "2024-01-01 00:00:00+07",
                        search_text(f"B{hid:08d}", name, []),
                    ]
                )
                + "\n"
            )
            status = rng.choice(statuses)
            deprived = rng.sample(
                ["water", "latrine", "housing_quality", "telecom", "health_insurance"], k=3 if status == "poor" else 1
            )
            reviews.write(
                "\t".join(
                    [
                        str(rounds[commune_id]),
                        str(hid),
                        str(commune_id),
                        str(villages[commune_id]),
                        "f",
                        "1200000",
                        json.dumps({"members": [{}, {}, {}]}),
                        json.dumps(["no_capital"] if status == "poor" else []),
                        json.dumps(deprived),
                        str(len(deprived)),
                        status,
                        "[]",
                        "",
                        "stayed_not_poor",
                        "approved",
                        str(decisions[commune_id]),
                        "2024-11-02 10:00:00+07",
                        "",
                        "1",
                        "2024-11-02 10:00:00+07",
                        "2024-11-02 10:00:00+07",
                    ]
                )
                + "\n"
            )
        households.seek(0)
        reviews.seek(0)
        cursor.copy_from(
            households,
            "households_household",
            columns=("id", *HOUSEHOLD_COPY_COLUMNS),
        )
        cursor.copy_from(
            reviews,
            "households_householdreview",
            columns=(
                "round_id",
                "household_id",
                "commune_id",
                "village_id",
                "is_urban",
                "income_per_capita",
                "facts",
                "causes",
                "deprived",
                "deprived_count",
                "status",
                "explanation",
                "previous_status",
                "transition",
                "state",
                "decision_id",
                "approved_at",
                "returned_reason",
                "version",
                "created_at",
                "updated_at",
            ),
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('households_household', 'id'),"
            " (SELECT MAX(id) FROM households_household))"
        )
        cursor.execute("ANALYZE")
    connection.close()
    return time.perf_counter() - started


def serve():
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "povertyplan.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/", timeout=1)
            return process
        except urllib.error.HTTPError:  # 401: the server answers
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def measure(path: str, token: str, requests: int, concurrency: int) -> tuple[float, float]:
    def one(_):
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Authorization": f"Token {token}"})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            assert response.status == 200, response.status
        return (time.perf_counter() - started) * 1000

    for _ in range(5):
        one(None)
    with ThreadPoolExecutor(concurrency) as pool:
        times = sorted(pool.map(one, range(requests)))
    # This file's name shadows the standard library's statistics module, so the quantiles are taken by hand.
    return times[len(times) // 2], times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--requests", type=int, default=200)
    # Two cores serve; four requests in flight keep both busy without measuring only the queue.
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    paths = {
        "statistics group_by=unit": "/api/v1/statistics/?year=2024&unit=06&group_by=unit",
        "statistics group_by=unit,status": "/api/v1/statistics/?year=2024&unit=06&group_by=unit,status",
        "households list": "/api/v1/households/?page_size=100",
    }
    setup_database()
    manage(
        "shell",
        "-c",
        "from accounts.services import user_create; from households.models import AdministrativeUnit as U;"
        " user_create(username='bench', password=None, role='province_officer',"
        " units=[U.objects.get(code='06', level='province')])",
    )
    token = manage("create_api_token", "bench").strip()
    loaded, results = 0, {}
    where = prepare_rounds()
    for size in sorted(args.sizes):
        load_seconds = load_households(size - loaded, where, seed=size)
        loaded = size
        rebuild = manage("rebuild_statistics")
        print(f"{size:>9,} households: COPY {load_seconds:.1f} s; {rebuild.strip()}", flush=True)
        server = serve()
        try:
            for name, path in paths.items():
                p50, p95 = measure(path, token, args.requests, args.concurrency)
                results[(size, name)] = p95
                print(f"{size:>9,}  {name:34} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms", flush=True)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
    if len(args.sizes) >= 2:
        small, big = sorted(args.sizes)[0], sorted(args.sizes)[-1]
        for name in paths:
            print(f"p95 ratio {big:,}/{small:,} {name}: {results[(big, name)] / results[(small, name)]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
