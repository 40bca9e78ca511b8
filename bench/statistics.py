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
import functools
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

from bench.database import HOUSEHOLD_COPY_COLUMNS, commune_provinces  # noqa: E402
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


def setup_database(db: str = DB, units: tuple[str, ...] = ("--province", "Bắc Kạn")) -> None:
    """``db`` made anew with the standards and the units ``load_units`` is given (``("--all",)``: the country)."""
    import psycopg2

    connection = psycopg2.connect(ADMIN_URL)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {db}")
        cursor.execute(f"CREATE DATABASE {db}")
    connection.close()
    manage("migrate", "-v0", db=db)
    manage("loaddata", "standards", "ethnicities", "-v0", db=db)
    manage("load_units", *units, db=db)


# The rounds' dates by year: the annual review runs from 1 September to 14 December (Decision 24/2021/QĐ-TTg,
# art. 4); each year's standard is the one a round of that year takes by default (standards.selectors.
# standard_for_round: the standard in force the next year).
ROUND_YEARS = {
    2024: ("2021-2025", "2024-09-01", "2024-12-14", "2024-11-02"),
    2025: ("2021-2025", "2025-09-01", "2025-12-14", "2025-11-03"),
    2026: ("2026-2030", "2026-09-01", "2026-12-14", "2026-11-02"),
}
# The communes of one province's tree: before the reform through its districts, after it directly below it.
_COMMUNES = {
    False: "SELECT c.id, c.code FROM households_administrativeunit c JOIN households_administrativeunit d"
    " ON c.parent_id = d.id JOIN households_administrativeunit p ON d.parent_id = p.id"
    " WHERE c.level = 'commune' AND c.valid_to IS NOT NULL AND p.code LIKE %s ORDER BY c.code",
    True: "SELECT c.id, c.code FROM households_administrativeunit c JOIN households_administrativeunit p"
    " ON c.parent_id = p.id WHERE c.level = 'commune' AND c.valid_to IS NULL AND p.code LIKE %s ORDER BY c.code",
}


def prepare_rounds(
    db: str = DB, *, province: str = "06", reformed: bool = False, years: tuple[int, ...] = (2024,), villages: int = 1
) -> dict:
    """``villages`` villages, and an annual round of each year with its decision, in every commune of the
    province (``province="%"``: of every province) in the tree before the reform (or, ``reformed``, after it).

    Keys: ``communes`` [(id, code)]; ``villages``, ``rounds`` and ``decisions`` {commune: id} of the first
    village and year (what ``load_households`` reads); ``village_ids`` {commune: [ids]}, ``year_rounds`` and
    ``year_decisions`` {(commune, year): id}. Set-based: the country's 3,321 communes take a few statements."""
    import psycopg2

    connection = psycopg2.connect(db_url(db))
    with connection, connection.cursor() as cursor:
        cursor.execute(_COMMUNES[reformed], [province])
        communes = cursor.fetchall()
        ids = [commune_id for commune_id, _code in communes]
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email,"
            " is_staff, is_active, date_joined, role) VALUES ('!', false, 'bench-chair', '', '', '', false,"
            " true, now(), 'commune_chair') RETURNING id"
        )
        chair = cursor.fetchone()[0]
        # Villages of a commune end with its tree: the day before the reform, or never after it.
        cursor.execute(
            "INSERT INTO households_administrativeunit (code, name, short_name, level, unit_type, parent_id,"
            " valid_from, valid_to, is_urban, source_key) SELECT '', 'Thôn Bản Chang ' || c.code || suffix,"
            " 'Bản Chang ' || c.code || suffix, 'village', 'thon', c.id, NULL, %s, false, ''"
            " FROM households_administrativeunit c, LATERAL (SELECT CASE WHEN n = 1 THEN '' ELSE ' ' || n END"
            " FROM generate_series(1, %s) n) v(suffix) WHERE c.id = ANY(%s) ORDER BY c.code, suffix"
            " RETURNING id, parent_id",
            [None if reformed else "2025-06-30", villages, ids],
        )
        by_commune: dict[int, list[int]] = {}
        for village_id, commune_id in sorted(cursor.fetchall()):
            by_commune.setdefault(commune_id, []).append(village_id)
        rounds, decisions = {}, {}
        for year in years:
            standard, starts_on, ends_on, signed_on = ROUND_YEARS[year]
            cursor.execute(
                "INSERT INTO households_reviewround (commune_id, year, kind, standard_id, starts_on, ends_on,"
                " created_at) SELECT c, %s, 'annual', (SELECT id FROM programmes_povertystandard WHERE code = %s"
                " ORDER BY version DESC LIMIT 1), %s, %s, now() FROM unnest(%s) c RETURNING id, commune_id",
                [year, standard, starts_on, ends_on, ids],
            )
            for round_id, commune_id in cursor.fetchall():
                rounds[(commune_id, year)] = round_id
            cursor.execute(
                "INSERT INTO households_reviewdecision (round_id, number, signed_on, signer_id)"
                " SELECT r.id, c.code || '/QĐ-UBND', %s, %s FROM households_reviewround r"
                " JOIN households_administrativeunit c ON c.id = r.commune_id WHERE r.id = ANY(%s)"
                " RETURNING id, round_id",
                [signed_on, chair, [rounds[(commune_id, year)] for commune_id in ids]],
            )
            round_communes = {round_id: key for key, round_id in rounds.items()}
            for decision_id, round_id in cursor.fetchall():
                decisions[round_communes[round_id]] = decision_id
    connection.close()
    first = min(years)
    return {
        "communes": communes,
        "villages": {commune_id: ids[0] for commune_id, ids in by_commune.items()},
        "rounds": {commune_id: rounds[(commune_id, first)] for commune_id in ids},
        "decisions": {commune_id: decisions[(commune_id, first)] for commune_id in ids},
        "village_ids": by_commune,
        "year_rounds": rounds,
        "year_decisions": decisions,
    }


FAMILIES = ["Hoàng", "Nông", "Triệu", "Lý", "Đàm", "Lục", "Hà", "Ma", "Bế", "Dương"]
GIVEN = ["Văn Páo", "Thị Slao", "Văn Chàn", "Thị Mẩy", "Văn Thắng", "Thị Hương", "Văn Khải", "Thị Nguyệt"]
STATUSES = ["poor"] * 20 + ["near_poor"] * 12 + ["average"] * 18 + ["not_poor"] * 50
INDICATORS = ["water", "latrine", "housing_quality", "telecom", "health_insurance"]
REVIEW_COPY_COLUMNS = (
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
    "province_id",  # the household's province, the sharding key
)


def household_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILIES)} {rng.choice(GIVEN)}"


def household_line(
    hid: int,
    commune_id: int,
    village_id: int,
    name: str,
    rng: random.Random,
    members: tuple = (),
    *,
    province_id: int,
) -> str:
    """One household's COPY line (``HOUSEHOLD_COPY_COLUMNS`` after the id); ``members`` as (name, national ID)
    go into its search text, as the services would put them; ``province_id`` the commune's
    (``bench.database.commune_provinces``)."""
    flags = [rng.random() < p for p in (0.8, 0.05, 0.03, 0.2, 0.1)]
    code = f"B{hid:08d}"
    return (
        "\t".join(
            [
                str(hid),
                code,
                str(commune_id),
                str(village_id),
                name,
                "",
                "",
                *("t" if f else "f" for f in (flags[2], flags[0], flags[1], flags[3], flags[4])),
                "active",
                r"\N",
                "1",
                "2024-01-01 00:00:00+07",
                search_text(code, name, members),
                str(province_id),
            ]
        )
        + "\n"
    )


@functools.lru_cache(maxsize=1024)
def _json(values: tuple[str, ...]) -> str:
    # A handful of lists repeat over millions of rows: each is written once.
    return json.dumps(list(values))


@functools.lru_cache(maxsize=16)
def _members_json(people: int) -> str:
    return json.dumps({"members": [{}] * people})


def review_line(
    round_id: int,
    hid: int,
    commune_id: int,
    village_id: int,
    decision_id: int,
    rng: random.Random,
    *,
    approved_at: str = "2024-11-02 10:00:00+07",
    people: int = 3,
    province_id: int,
) -> str:
    """One approved review's COPY line (``REVIEW_COPY_COLUMNS``), its status drawn from ``STATUSES``;
    ``province_id`` its household's."""
    status = rng.choice(STATUSES)
    deprived = rng.sample(INDICATORS, k=3 if status == "poor" else 1)
    return (
        "\t".join(
            [
                str(round_id),
                str(hid),
                str(commune_id),
                str(village_id),
                "f",
                "1200000",
                _members_json(people),
                _json(("no_capital",) if status == "poor" else ()),
                _json(tuple(deprived)),
                str(len(deprived)),
                status,
                "[]",
                "",
                "stayed_not_poor",
                "approved",
                str(decision_id),
                approved_at,
                "",
                "1",
                approved_at,
                approved_at,
                str(province_id),
            ]
        )
        + "\n"
    )


def next_household_id(cursor) -> int:
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM households_household")
    return cursor.fetchone()[0] + 1


def household_sequence_reset(cursor) -> None:
    """The households' identity after COPY, which wrote the ids itself."""
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('households_household', 'id'),"
        " (SELECT MAX(id) FROM households_household))"
    )


def load_households(count: int, where: dict, seed: int = 20171, db: str = DB) -> float:
    """COPY ``count`` more households, each with one approved review of ``where``'s round, into its communes
    in turn (``prepare_rounds``: Bắc Kạn's, 2024)."""
    import psycopg2

    started = time.perf_counter()
    rng = random.Random(seed)
    communes, villages = where["communes"], where["villages"]
    rounds, decisions = where["rounds"], where["decisions"]
    connection = psycopg2.connect(db_url(db))
    with connection, connection.cursor() as cursor:
        first_id = next_household_id(cursor)
        provinces = commune_provinces(cursor)
        households, reviews = io.StringIO(), io.StringIO()
        for i in range(count):
            commune_id = communes[i % len(communes)][0]
            village_id = villages[commune_id]
            hid = first_id + i
            province_id = provinces[commune_id]
            households.write(
                household_line(hid, commune_id, village_id, household_name(rng), rng, province_id=province_id)
            )
            reviews.write(
                review_line(
                    rounds[commune_id], hid, commune_id, village_id, decisions[commune_id], rng, province_id=province_id
                )
            )
        households.seek(0)
        reviews.seek(0)
        cursor.copy_from(households, "households_household", columns=("id", *HOUSEHOLD_COPY_COLUMNS))
        cursor.copy_from(reviews, "households_householdreview", columns=REVIEW_COPY_COLUMNS)
        household_sequence_reset(cursor)
        cursor.execute("ANALYZE")
    connection.close()
    return time.perf_counter() - started


def serve(db: str | None = None, port: int | None = None, *, env: dict | None = None, servers: list | None = None):
    """gunicorn (2 workers × 4 threads) on ``port`` (else ``PORT``) with ``env``, else that of ``db``, else this
    module's ``ENV`` (which bench/load.py sets); added to ``servers`` as soon as it starts, so that a caller can stop
    it even when it is interrupted while starting."""
    port = port or PORT
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "povertyplan.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env or (environment(db) if db else ENV),
        start_new_session=True,
    )
    if servers is not None:
        servers.append(process)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/", timeout=1)
            return process
        except urllib.error.HTTPError:  # 401: the server answers
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def measure(path: str, token: str, requests: int, concurrency: int, port: int | None = None) -> tuple[float, float]:
    port = port or PORT

    def one(_):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Token {token}"})
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
