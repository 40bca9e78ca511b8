"""The country at scale (issue 25): 10,000,000 households over the 34 provinces of the 2025 tree (PostgreSQL).

    .venv/bin/python bench/national.py [--households 10000000 | --sizes 1000000 10000000] [--reuse] [--check]
                                       [--repeat 20] [--requests 200] [--only TEXT]

Creates the database ``povertyplan_bench_national`` on 127.0.0.1:5432 (dropped first unless ``--reuse`` finds
it prepared), loads every unit (``load_units --all``), makes ``VILLAGES`` villages and the 2025 and 2026 annual
rounds with their decisions in each of the 3,321 communes (``bench.statistics.prepare_rounds``) and their resident
households (``resident_counts_insert``: the rates' denominator, entered in service), then COPYs the
households: spread over the provinces in proportion to their people (``POPULATION``), over each province's
communes and villages at random, 2–4 members each, and one approved review a year — the lines of
``bench.statistics``. Then the pages' users (``bench.pages``, a province officer of ``PROVINCE``), a rebuild of
the statistics with the project's command, and a VACUUM ANALYZE, as autovacuum would leave it in service.

Measures, at each size (``--sizes``: each loaded on top of the one before, in the same run): the time of each
phase, the database's size and its largest tables and indexes; the statistics endpoints of bench/statistics.py
through gunicorn (p50/p95); the national roll-up (34 provinces × status); the main pages of bench/pages.py
(Django's test client, p50/p95); the cache hit ratio of the measurements; and EXPLAIN (ANALYZE, BUFFERS) of the
slowest query of anything that misses its goal. Goals: statistics and the roll-up p95 < 100 ms, a page p95 <
200 ms, statistics p95 at the largest size ≤ 1.3 × that at the smallest. Exits 1 on a miss with ``--check``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import queue
import random
import re
import resource
import signal
import sys
import threading
import time
import urllib.request
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder would come first on the path, and bench/statistics.py would shadow the
# standard library's statistics module: the project root replaces it (as in bench/pages.py).
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

from bench import pages as page_bench  # noqa: E402
from bench.common import percentile  # noqa: E402
from bench.database import HOUSEHOLD_COPY_COLUMNS, commune_provinces  # noqa: E402
from bench.statistics import (  # noqa: E402
    REVIEW_COPY_COLUMNS,
    ROUND_YEARS,
    database_exists,
    db_url,
    household_line,
    household_name,
    household_sequence_reset,
    manage,
    measure,
    next_household_id,
    prepare_rounds,
    review_line,
    serve,
    setup_database,
)

DB = "povertyplan_bench_national"
PORT = 8797
YEARS = (2025, 2026)  # the 2025 and 2026 annual rounds, both after the reform: the communes of the 2025 tree
YEAR = YEARS[-1]  # the year the statistics and pages are read in
USERS = {**{key: name for key, (name, _role) in page_bench.USERS.items()}, "superuser": "bench-superuser"}
PROVINCE = "79"  # Thành phố Hồ Chí Minh, the largest province of the 2025 tree
VILLAGES = 10  # villages per commune (no package carries them)
STATISTICS_GOAL_MS = 100
RATIO_GOAL = 1.3
CHUNK = 100_000  # households a COPY transaction

# People by province, thousands: the 2019 census (GSO, "Kết quả toàn bộ Tổng điều tra dân số và nhà ở năm 2019",
# population at 1 April 2019 by province), the 63 old provinces summed into the 34 of Resolution 202/2025/QH15
# (12 June 2025). Rounded to thousands and typed from the published table: approximate, enough for the spread of
# a benchmark, not figures to cite.
POPULATION = {
    "01": ("Hà Nội", {"Hà Nội": 8054}),
    "04": ("Cao Bằng", {"Cao Bằng": 530}),
    "08": ("Tuyên Quang", {"Tuyên Quang": 785, "Hà Giang": 854}),
    "11": ("Điện Biên", {"Điện Biên": 599}),
    "12": ("Lai Châu", {"Lai Châu": 460}),
    "14": ("Sơn La", {"Sơn La": 1248}),
    "15": ("Lào Cai", {"Lào Cai": 731, "Yên Bái": 822}),
    "19": ("Thái Nguyên", {"Thái Nguyên": 1287, "Bắc Kạn": 314}),
    "20": ("Lạng Sơn", {"Lạng Sơn": 782}),
    "22": ("Quảng Ninh", {"Quảng Ninh": 1320}),
    "24": ("Bắc Ninh", {"Bắc Ninh": 1369, "Bắc Giang": 1804}),
    "25": ("Phú Thọ", {"Phú Thọ": 1464, "Vĩnh Phúc": 1152, "Hòa Bình": 854}),
    "31": ("Hải Phòng", {"Hải Phòng": 2028, "Hải Dương": 1893}),
    "33": ("Hưng Yên", {"Hưng Yên": 1253, "Thái Bình": 1861}),
    "37": ("Ninh Bình", {"Ninh Bình": 983, "Hà Nam": 853, "Nam Định": 1781}),
    "38": ("Thanh Hóa", {"Thanh Hóa": 3641}),
    "40": ("Nghệ An", {"Nghệ An": 3327}),
    "42": ("Hà Tĩnh", {"Hà Tĩnh": 1289}),
    "44": ("Quảng Trị", {"Quảng Trị": 633, "Quảng Bình": 896}),
    "46": ("Huế", {"Thừa Thiên Huế": 1129}),
    "48": ("Đà Nẵng", {"Đà Nẵng": 1134, "Quảng Nam": 1496}),
    "51": ("Quảng Ngãi", {"Quảng Ngãi": 1232, "Kon Tum": 541}),
    "52": ("Gia Lai", {"Gia Lai": 1514, "Bình Định": 1487}),
    "56": ("Khánh Hòa", {"Khánh Hòa": 1232, "Ninh Thuận": 591}),
    "66": ("Đắk Lắk", {"Đắk Lắk": 1870, "Phú Yên": 873}),
    "68": ("Lâm Đồng", {"Lâm Đồng": 1297, "Đắk Nông": 623, "Bình Thuận": 1231}),
    "75": ("Đồng Nai", {"Đồng Nai": 3097, "Bình Phước": 995}),
    "79": ("Hồ Chí Minh", {"Hồ Chí Minh": 8993, "Bình Dương": 2456, "Bà Rịa - Vũng Tàu": 1149}),
    "80": ("Tây Ninh", {"Tây Ninh": 1170, "Long An": 1689}),
    "82": ("Đồng Tháp", {"Đồng Tháp": 1600, "Tiền Giang": 1765}),
    "86": ("Vĩnh Long", {"Vĩnh Long": 1023, "Bến Tre": 1289, "Trà Vinh": 1009}),
    "91": ("An Giang", {"An Giang": 1908, "Kiên Giang": 1723}),
    "92": ("Cần Thơ", {"Cần Thơ": 1236, "Sóc Trăng": 1200, "Hậu Giang": 734}),
    "96": ("Cà Mau", {"Cà Mau": 1194, "Bạc Liêu": 908}),
}
# The head and the spouse at work, then children at school (as bench/offline.py's members).
_ADULT = "\t".join(["1980-04-02", "{relation}", "{national_id}", r"\N", r"\N", "lower_secondary", "t", "self_employed"])
_CHILD = "\t".join(["2012-01-2{n}", "child", "", "t", "t", "primary", "t", ""])
_REST = "\t".join(["t", "none", "f", "f", "f"])
# The national roll-up, for a superuser: the first of these endpoints whose answer holds the 34 provinces (the
# ministry's national table, being built beside this bench; then the statistics API without a unit) is
# measured; when none does, the roll-up's SQL over the statistics tables (ROLLUP_SQL).
ROLLUP_PATHS = ("/api/v1/statistics/national/?year={year}", "/api/v1/statistics/?year={year}&group_by=unit,status")
ROLLUP_SQL = (
    "SELECT p.code, s.status, SUM(s.households), SUM(s.people) FROM reports_statisticcount s"
    " JOIN households_administrativeunit c ON c.id = s.commune_id"
    " JOIN households_administrativeunit p ON p.id = c.parent_id"
    " WHERE s.year = %s AND s.standard = %s AND s.dimension = 'status' GROUP BY p.code, s.status"
)


def commune_weights(communes_by_province: dict[str, list[int]], seed: int) -> tuple[list, list]:
    """Each commune's share of the households: its province's people, shared unevenly (0.5–1.5) among the
    province's communes. Returns the communes and their cumulative weights, for ``random.choices``."""
    rng = random.Random(seed)
    total = sum(sum(parts.values()) for _name, parts in POPULATION.values())
    ids, weights = [], []
    for code, (_name, parts) in POPULATION.items():
        communes = communes_by_province[code]
        spread = [rng.uniform(0.5, 1.5) for _ in communes]
        for commune_id, share in zip(communes, spread, strict=True):
            ids.append(commune_id)
            weights.append(sum(parts.values()) / total * share / sum(spread))
    return ids, list(accumulate(weights))


def resident_counts_insert(db: str, communes: list, cum: list) -> None:
    """Each commune's resident households in each year, as its officers would enter them: its share of the
    country's 26.87 million households (2019 census), 3.6 people each. Without them every figure would carry a
    note naming the communes without a count, which a country in service would not have."""
    weights = [b - a for a, b in zip([0.0, *cum[:-1]], cum, strict=True)]
    households = [max(1, round(w * 26_870_000)) for w in weights]
    _query(
        db,
        "INSERT INTO reports_residentcount (commune_id, year, households, people, source, updated_at)"
        " SELECT c, y, h, (h * 3.6)::int, 'bench', now() FROM unnest(%s::bigint[], %s::int[]) AS t(c, h),"
        " unnest(%s::int[]) AS y",
        (communes, households, list(YEARS)),
    )


def _chunk(first_id: int, count: int, where: dict, communes: list, cum: list, rng: random.Random) -> tuple:
    """COPY text of ``count`` households from ``first_id``: households, members, reviews (one a year)."""
    households, members, reviews = io.StringIO(), io.StringIO(), io.StringIO()
    villages, rounds, decisions = where["village_ids"], where["year_rounds"], where["year_decisions"]
    provinces = where["provinces"]  # commune → province, the sharding key of every row
    approved = {year: f"{ROUND_YEARS[year][3]} 10:00:00+07" for year in YEARS}
    for i, commune_id in enumerate(rng.choices(communes, cum_weights=cum, k=count)):
        hid = first_id + i
        village_id = villages[commune_id][rng.randrange(VILLAGES)]
        name = household_name(rng)
        people = 2 + rng.randrange(3)
        woman = " Thị " in name
        spouse = f"{household_name(rng).split()[0]} {'Văn Minh' if woman else 'Thị Lan'}"
        names = [(name, f"{hid:012d}"), (spouse, "")] + [
            (f"{name.split()[0]} Văn Con {n}", "") for n in range(3, people + 1)
        ]
        province_id = provinces[commune_id]
        households.write(household_line(hid, commune_id, village_id, name, rng, members=names, province_id=province_id))
        for n, (full_name, national_id) in enumerate(names, start=1):
            sex = "female" if (n == 1) == woman else "male"
            if n <= 2:
                facts = _ADULT.format(relation="head" if n == 1 else "spouse", national_id=national_id)
            else:
                facts = _CHILD.format(n=n)
            members.write(f"{hid}\t{full_name}\t{sex}\t{facts}\t{_REST}\t{province_id}\n")
        for year in YEARS:
            key = (commune_id, year)
            reviews.write(
                review_line(
                    rounds[key],
                    hid,
                    commune_id,
                    village_id,
                    decisions[key],
                    rng,
                    approved_at=approved[year],
                    people=people,
                    province_id=province_id,
                )
            )
    return households, members, reviews


def member_copy_columns() -> tuple[str, ...]:
    """The members' columns in the form's order, which ``_chunk`` writes; the head's ethnicity is the household's."""
    from households.services.registry import MEMBER_FIELDS

    return ("household_id", *(name for name in MEMBER_FIELDS if name != "ethnicity"), "province_id")


def load_national(count: int, where: dict, communes: list, cum: list, *, seed: int, db: str) -> dict[str, float]:
    """COPY ``count`` more households with their members and reviews, ``CHUNK`` a transaction. A thread makes
    the text while the connection sends the previous chunk (psycopg2 lets go of the GIL while it waits).

    The COPY runs with ``session_replication_role = replica``, as the import does where the role may
    (README, *Hand-written parts*): the foreign keys are not checked row by row, the ids being made here from
    the rows just read; the registry's triggers fire ALWAYS and count the households all the same."""
    import psycopg2

    started = time.perf_counter()
    rng = random.Random(seed)
    connection = psycopg2.connect(db_url(db))
    with connection.cursor() as cursor:
        first_id = next_household_id(cursor)
        where = {**where, "provinces": commune_provinces(cursor)}
    connection.commit()
    member_columns = member_copy_columns()
    made: queue.Queue = queue.Queue(maxsize=2)
    timing = {"python": 0.0, "households": 0.0, "members": 0.0, "reviews": 0.0}

    def produce() -> None:
        for start in range(0, count, CHUNK):
            began = time.perf_counter()
            part = _chunk(first_id + start, min(CHUNK, count - start), where, communes, cum, rng)
            timing["python"] += time.perf_counter() - began
            made.put(part)
        made.put(None)

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    done = 0
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")
        while (part := made.get()) is not None:
            households, members, reviews = part
            for table, text, columns in (
                ("households", households, ("id", *HOUSEHOLD_COPY_COLUMNS)),
                ("members", members, member_columns),
                ("reviews", reviews, REVIEW_COPY_COLUMNS),
            ):
                began = time.perf_counter()
                text.seek(0)
                name = "households_householdreview" if table == "reviews" else f"households_{table[:-1]}"
                cursor.copy_from(text, name, columns=columns)
                timing[table] += time.perf_counter() - began
            connection.commit()
            done += min(CHUNK, count - done)
            if done % 1_000_000 == 0 or done == count:
                print(f"  {done:>10,} of {count:,} households in {time.perf_counter() - started:.0f} s", flush=True)
        household_sequence_reset(cursor)
    connection.commit()
    connection.close()
    thread.join()
    timing["wall"] = time.perf_counter() - started
    return timing


def communes_by_province(db: str) -> dict[str, list[int]]:
    rows = _query(
        db,
        "SELECT p.code, c.id FROM households_administrativeunit c JOIN households_administrativeunit p"
        " ON p.id = c.parent_id WHERE c.level = 'commune' AND c.valid_to IS NULL AND p.valid_to IS NULL"
        " ORDER BY p.code, c.code",
    )
    result: dict[str, list[int]] = {}
    for code, commune_id in rows:
        result.setdefault(code, []).append(commune_id)
    if set(result) != set(POPULATION):
        raise SystemExit(
            f"The provinces of the 2025 tree are not those of POPULATION: {sorted(set(result) ^ set(POPULATION))}"
        )
    return result


def _query(db: str, sql: str, params=(), *, autocommit: bool = False) -> list[tuple]:
    import psycopg2

    connection = psycopg2.connect(db_url(db))
    connection.autocommit = autocommit
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params or None)  # no parameters: a "%" of the SQL is a "%"
            rows = cursor.fetchall() if cursor.description else []
        connection.commit()
    finally:
        connection.close()
    return rows


def vacuum(db: str) -> float:
    started = time.perf_counter()
    import psycopg2

    connection = psycopg2.connect(db_url(db))
    connection.autocommit = True  # VACUUM runs outside a transaction
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("VACUUM ANALYZE")
    connection.close()
    return time.perf_counter() - started


def sizes_report(db: str) -> None:
    """The database's size, its largest tables (with their indexes) and its largest indexes."""
    (total,) = _query(db, "SELECT pg_database_size(current_database())")[0]
    print(f"  database {total / 2**30:.2f} GiB", flush=True)
    tables = _query(
        db,
        "SELECT c.relname, c.reltuples::bigint, pg_relation_size(c.oid), pg_indexes_size(c.oid),"
        " pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 5 DESC LIMIT 8",
    )
    print(f"  {'table':40} {'rows':>12} {'heap MiB':>9} {'indexes MiB':>11} {'total MiB':>9}")
    for name, rows, heap, indexes, whole in tables:
        print(f"  {name:40} {rows:>12,} {heap / 2**20:>9.0f} {indexes / 2**20:>11.0f} {whole / 2**20:>9.0f}")
    indexes = _query(
        db,
        "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind = 'i' ORDER BY 2 DESC LIMIT 10",
    )
    print("  largest indexes: " + ", ".join(f"{name} {size / 2**20:.0f} MiB" for name, size in indexes), flush=True)


def cache_hits(db: str) -> str:
    """Blocks found in PostgreSQL's shared buffers of those read since the statistics were reset."""
    hit, read = _query(db, "SELECT blks_hit, blks_read FROM pg_stat_database WHERE datname = current_database()")[0]
    tables = _query(
        db,
        "SELECT relname, heap_blks_hit + COALESCE(idx_blks_hit, 0), heap_blks_read + COALESCE(idx_blks_read, 0)"
        " FROM pg_statio_user_tables ORDER BY 3 DESC LIMIT 4",
    )
    parts = ", ".join(f"{name} {h / max(h + r, 1):.1%} of {h + r:,}" for name, h, r in tables if h + r)
    return f"{hit / max(hit + read, 1):.2%} of {hit + read:,} blocks (most read: {parts})"


def explain(db: str, sql: str, params=()) -> str:
    rows = _query(db, "EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
    # The scope's lists of ids run to thousands: their length is what matters.
    return "\n".join("    " + re.sub(r"'\{([0-9,]{60,})\}'", _ids, line) for (line,) in rows)


def _ids(match: re.Match) -> str:
    return f"'{{… {match.group(1).count(',') + 1} ids}}'"


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def statistics_paths(year: int) -> dict[str, str]:
    """bench/statistics.py's endpoints, for the province officer's province (its code is in both trees)."""
    unit = f"unit={PROVINCE}&tree=current"
    return {
        "statistics group_by=unit": f"/api/v1/statistics/?year={year}&{unit}&group_by=unit",
        "statistics group_by=unit,status": f"/api/v1/statistics/?year={year}&{unit}&group_by=unit,status",
        "households list": "/api/v1/households/?page_size=100",
    }


def _get(path: str, token: str) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def rollup_path(token: str, year: int) -> str | None:
    """The endpoint of the national roll-up that answers the 34 provinces, else None (the SQL is measured)."""
    for template in ROLLUP_PATHS:
        path = template.format(year=year)
        try:
            answer = _get(path, token)
        except OSError as error:
            print(f"  {path}: {error}", flush=True)
            continue
        codes = {row.get("code") or row.get("unit_code") for row in answer.get("results", [])}
        print(f"  {path} as a superuser: {len(codes)} rows' units", flush=True)
        if codes >= set(POPULATION):
            return path
    return None


def measure_sql(db: str, sql: str, params, repeat: int) -> tuple[float, float]:
    import psycopg2

    connection = psycopg2.connect(db_url(db))
    times = []
    with connection.cursor() as cursor:
        for i in range(repeat + 3):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            if i >= 3:  # after a warm-up, as the endpoints'
                times.append((time.perf_counter() - started) * 1000)
    connection.close()
    return percentile(times, 0.5), percentile(times, 0.95)


def measure_api(db: str, args, results: dict, size: int) -> None:
    """The statistics endpoints (province officer) and the national roll-up (superuser), p50/p95."""
    province_token = manage("create_api_token", page_bench.USERS["province"][0], db=db).strip()
    super_token = manage("create_api_token", "bench-superuser", db=db).strip()
    server = serve(db, PORT)
    try:
        for name, path in statistics_paths(YEAR).items():
            p50, p95 = measure(path, province_token, args.requests, args.concurrency, PORT)
            goal = STATISTICS_GOAL_MS if name.startswith("statistics") else page_bench.PAGE_GOAL_MS
            results[(size, name)] = (p95, goal)
            _line(size, name, p50, p95, goal)
        path = rollup_path(super_token, YEAR)
        if path:
            p50, p95 = measure(path, super_token, args.requests, args.concurrency, PORT)
            name = "national roll-up (endpoint)"
        else:
            standard = ROUND_YEARS[YEAR][0]
            p50, p95 = measure_sql(db, ROLLUP_SQL, (YEAR, standard), args.requests)
            name = "national roll-up (SQL)"
        results[(size, "national roll-up")] = (p95, STATISTICS_GOAL_MS)
        _line(size, name, p50, p95, STATISTICS_GOAL_MS)
        if p95 >= STATISTICS_GOAL_MS and not path:
            print(explain(db, ROLLUP_SQL, (YEAR, ROUND_YEARS[YEAR][0])), flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    missed = [(n, p) for n, p in statistics_paths(YEAR).items() if results[(size, n)][0] >= results[(size, n)][1]]
    for name, path_missed in [*missed, *([("national roll-up", path)] if path and p95 >= STATISTICS_GOAL_MS else [])]:
        explain_slowest(db, "superuser" if name == "national roll-up" else "province", path_missed, name)


def _line(size: int, name: str, p50: float, p95: float, goal: int) -> None:
    met = "yes" if p95 < goal else "NO"
    print(f"{size:>11,}  {name:36} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  goal < {goal} ms  {met}", flush=True)


def measure_pages(db: str, args, results: dict, size: int) -> list:
    """bench/pages.py's pages for the users ``prepare_users`` made; EXPLAIN of the slowest query of a miss."""
    from django.test import Client

    from accounts.models import User
    from households.selectors.units import visible_unit_ids

    clients = {}
    for key, (username, _role) in page_bench.USERS.items():
        user = User.objects.filter(username=username).first()
        if user:
            clients[key] = Client()
            clients[key].force_login(user)
            # The scope every page computes first (three queries), on a fresh user object: nothing cached.
            times = []
            for _ in range(5):
                fresh = User.objects.get(pk=user.pk)
                began = time.perf_counter()
                count = len(visible_unit_ids(fresh))
                times.append((time.perf_counter() - began) * 1000)
            print(f"  scope of the {key} user: {count:,} units in {percentile(times, 0.5):.0f} ms (median of 5)")
    measured = []
    for page in page_bench.pages(province_code=PROVINCE, year=YEAR):
        if args.only and args.only not in page.name:
            continue
        measured.append(page_bench.measure(page, clients[page.role], args.repeat))
    page_bench.print_table(measured)
    for result in measured:
        results[(size, f"page {result.page.name} ({result.page.role})")] = (result.p95, result.page.goal_ms)
        if not result.met and not result.error:
            explain_slowest(db, result.page.role, result.page.url, f"{result.page.name} ({result.page.role})")
    return measured


def explain_slowest(db: str, role: str, url: str, name: str) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest query of one request (Django's test client, in this process)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=USERS[role]))
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    spent = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    print(
        f"--- {name} missed: {len(captured)} queries, {spent:.0f} ms in PostgreSQL; the slowest"
        f" ({float(slowest['time']) * 1000:.0f} ms):\n{explain(db, slowest['sql'])}",
        flush=True,
    )


def prepare_users() -> None:
    """The pages' users on the province ``PROVINCE`` (a round of one commune waiting for approval), and a
    superuser for the national roll-up."""
    from accounts.services import user_create

    page_bench._prepare_pages(province_code=PROVINCE, year=YEAR, plan_demo=False, members=False)
    user_create(username="bench-superuser", password=None, is_superuser=True)


def waiting_round_resubmit(db: str) -> None:
    """The households just loaded into the chair's commune wait for approval too (``_prepare_pages`` deleted its
    round's decision, which their reviews were written with)."""
    _query(
        db,
        "UPDATE households_householdreview SET state = 'submitted', decision_id = NULL, approved_at = NULL,"
        " submitted_at = now() WHERE state = 'approved' AND round_id = (SELECT r.id FROM households_reviewround r"
        " JOIN accounts_user_units uu ON uu.administrativeunit_id = r.commune_id JOIN accounts_user u"
        " ON u.id = uu.user_id WHERE u.username = %s AND r.year = %s AND r.kind = 'annual')",
        (page_bench.USERS["chair"][0], YEAR),
    )


def rounds_of(db: str) -> dict:
    """What ``prepare_rounds`` returned, read back from a prepared database (``--reuse`` loading more)."""
    villages: dict[int, list[int]] = {}
    for commune_id, village_id in _query(
        db,
        "SELECT v.parent_id, v.id FROM households_administrativeunit v JOIN households_administrativeunit c"
        " ON c.id = v.parent_id WHERE v.level = 'village' AND c.valid_to IS NULL ORDER BY v.id",
    ):
        villages.setdefault(commune_id, []).append(village_id)
    rounds, decisions = {}, {}
    for commune_id, year, round_id, decision_id in _query(
        db,
        "SELECT r.commune_id, r.year, r.id, d.id FROM households_reviewround r LEFT JOIN households_reviewdecision d"
        " ON d.round_id = r.id WHERE r.kind = 'annual' AND r.year = ANY(%s)",
        (list(YEARS),),
    ):
        rounds[(commune_id, year)] = round_id
        decisions[(commune_id, year)] = decision_id
    # The chair's round has no decision (``_prepare_pages`` deleted it): its new reviews name the commune's other
    # year's for the COPY, and ``waiting_round_resubmit`` takes it off them before anything reads them.
    for (commune_id, year), decision_id in list(decisions.items()):
        if decision_id is None:
            decisions[(commune_id, year)] = next(d for (c, _y), d in decisions.items() if c == commune_id and d)
    return {"village_ids": villages, "year_rounds": rounds, "year_decisions": decisions}


def _is_prepared(db: str) -> bool:
    if not database_exists(db):
        return False
    return bool(_query(db, "SELECT 1 FROM accounts_user WHERE username = 'bench-superuser'"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=10_000_000)
    parser.add_argument("--sizes", type=int, nargs="+", help="Several sizes in one run, each loaded on the last.")
    parser.add_argument(
        "--reuse", action="store_true", help="Keep a database already prepared: measure it, then load the larger sizes."
    )
    parser.add_argument("--db", default=DB)
    parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page (documents: a quarter).")
    parser.add_argument("--requests", type=int, default=200, help="Requests per statistics endpoint.")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--only", help="Only the pages whose name contains this text.")
    parser.add_argument("--check", action="store_true", help="Exit 1 when a goal is missed.")
    args = parser.parse_args()
    sizes = sorted(args.sizes or [args.households])
    db = args.db
    results: dict = {}
    print(f"uptime load: {_load()}", flush=True)
    loaded, first = 0, True
    if args.reuse and _is_prepared(db):
        page_bench._setup_django(db)
        (loaded,) = _query(db, "SELECT COUNT(*) FROM households_household")[0]
        print(f"Reusing {db}: {loaded:,} households.", flush=True)
        where = rounds_of(db)
        communes, cum = commune_weights(communes_by_province(db), seed=25)
        sizes = [loaded, *(size for size in sizes if size > loaded)]
        steps = [(loaded, None), *((size, where) for size in sizes[1:])]
        first = False
    else:
        started = time.perf_counter()
        setup_database(db, units=("--all",))
        page_bench._setup_django(db)
        where = prepare_rounds(db, province="%", reformed=True, years=YEARS, villages=VILLAGES)
        communes, cum = commune_weights(communes_by_province(db), seed=25)
        resident_counts_insert(db, communes, cum)
        print(f"units, {len(where['communes']):,} communes' villages and rounds: {time.perf_counter() - started:.0f} s")
        steps = [(size, where) for size in sizes]
    for size, where in steps:
        if where is not None:
            timing = load_national(size - loaded, where, communes, cum, seed=size, db=db)
            loaded = size
            print(
                f"{size:>11,} households: COPY {timing['wall']:.0f} s wall (Python {timing['python']:.0f} s in its"
                f" thread; households {timing['households']:.0f} s, members {timing['members']:.0f} s,"
                f" reviews {timing['reviews']:.0f} s); load {_load()}",
                flush=True,
            )
            if first:
                prepare_users()
            else:
                waiting_round_resubmit(db)
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            began = time.perf_counter()
            rebuild = manage("rebuild_statistics", db=db).strip()
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            print(
                f"{size:>11,}  {rebuild} ({time.perf_counter() - began:.0f} s with start-up; peak of a child"
                f" {max(peak, before) / 2**20:.1f} GiB); VACUUM ANALYZE {vacuum(db):.0f} s; load {_load()}",
                flush=True,
            )
        first = False
        sizes_report(db)
        (cells,) = _query(db, "SELECT COUNT(*) FROM reports_statisticcount")[0]
        print(f"  {cells:,} statistic cells; {len(POPULATION)} provinces", flush=True)
        _query(db, "SELECT pg_stat_reset()")
        measure_api(db, args, results, size)
        measure_pages(db, args, results, size)
        print(f"{size:>11,}  cache hits during the measurements: {cache_hits(db)}; load {_load()}", flush=True)
    missed = [key for key, (p95, goal) in results.items() if p95 >= goal]
    if len(sizes) >= 2:
        small, big = sizes[0], sizes[-1]
        for name in [*statistics_paths(YEAR), "national roll-up"]:
            ratio = results[(big, name)][0] / results[(small, name)][0]
            print(
                f"p95 ratio {big:,}/{small:,} {name}: {ratio:.2f}{'' if ratio <= RATIO_GOAL else '  (goal ≤ 1.3: NO)'}"
            )
            if ratio > RATIO_GOAL and name.startswith("statistics"):
                missed.append((big, f"ratio {name}"))
    print(f"{len(missed)} missed: {missed}" if missed else "Every goal met.")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
