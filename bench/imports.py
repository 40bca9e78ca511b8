"""Benchmark of the Excel import (issue 6): 100,000 households, 400,000 members and their review answers.

    .venv/bin/python bench/imports.py [--households 100000] [--members-rows 1048576] [--keep-file]

Creates the database ``povertyplan_bench_import`` on 127.0.0.1:5432 (dropped first; ``BENCH_DATABASE_URL``
overrides), loads Bắc Kạn's units, the standards and the ethnicities, writes a seeded workbook with
openpyxl (cached in the temp folder), then times

- the bare parse: python-calamine reading every sheet to Python values;
- the whole import: ``import_commit`` (parse, check, classify, write with history) into PostgreSQL;

and prints rows/s, the ratio to the bare parse and the peak memory (max RSS) of the import process.
Goals: the import within 2.5× the bare parse (≥ 20,000 households/s), peak memory under 1.5 GiB with the
largest sheet Excel holds (issue 25: ``--households 262144 --members-rows 1048576``).

The bare parse runs twice, before and after the import, and the faster counts: on a shared machine one
run can be slowed by other work. The import starts after a ``CHECKPOINT``. The CPU seconds of the import
process and of its PostgreSQL backend, and the write-ahead log it wrote, are printed too: they vary less
than the wall time when other work competes for the cores. The commit loads the database's context and
writes the members of new households while it reads the members sheet, then checks the households and the
reviews (Python, in a thread, which also makes the reviews' COPY text) while it writes the rest
(PostgreSQL): the phase "check ‖ write" is that overlap, and "at the same time" gives the time of each of
its parts.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.database import database_url, recreate_database, setup_django

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get("BENCH_IMPORT_DB", "povertyplan_bench_import")  # another name for a run beside others
DB_URL = database_url(DB)
VILLAGES = 40
YEAR = 2024


def _setup_django() -> None:
    setup_django(DB)


def _recreate_database() -> None:
    recreate_database(DB)


def _load_reference_data():
    from django.core.management import call_command

    from accounts.models import Role
    from accounts.services import user_create
    from households.models import AdministrativeUnit, UnitLevel, UnitType

    call_command("migrate", verbosity=0)
    call_command("load_units", province=["Bắc Kạn"], verbosity=0)
    call_command("loaddata", "standards", "ethnicities", verbosity=0)
    commune = AdministrativeUnit.objects.valid_on(datetime.date(2024, 1, 1)).get(
        name="Xã Bộc Bố", level=UnitLevel.COMMUNE
    )
    AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(
            name=f"Thôn {i}",
            short_name=f"Thôn {i}",
            level=UnitLevel.VILLAGE,
            unit_type=UnitType.THON,
            parent=commune,
            valid_to=commune.valid_to,
        )
        for i in range(1, VILLAGES + 1)
    )
    user = user_create(username="bench", password="bench-Secret-123", role=Role.COMMUNE_OFFICER, units=[commune])
    return user, commune


def write_workbook(path: Path, households: int, seed: int = 6, members_rows: int | None = None) -> None:
    """A seeded workbook in the import format (4 members and one review per household). ``members_rows``:
    the members sheet has that many rows, its two header rows included (Excel holds at most 1,048,576),
    the last household with fewer members."""
    from openpyxl import Workbook

    _setup_django()
    from households.imports.columns import SHEETS, Sheet

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheets = {}
    for key, (title, _title_en, columns) in SHEETS.items():
        sheet = workbook.create_sheet(title)
        sheet.append([c.header_vi for c in columns])
        sheet.append([c.header_en for c in columns])
        sheets[key] = sheet
    housing = ["Nhà kiên cố", "Nhà bán kiên cố", "Nhà thiếu kiên cố", "Nhà đơn sơ"]
    water = ["Nước máy", "Giếng khoan", "Nước sông, suối, ao, hồ", "Nước mưa"]
    latrine = ["Nhà tiêu tự hoại", "Không có nhà tiêu", "Nhà tiêu hai ngăn"]
    serial = 0
    member_rows_left = (members_rows - 2) if members_rows else households * 4
    for n in range(households):
        code = f"BB{n:07d}"
        sheets[Sheet.HOUSEHOLDS].append([code, f"Thôn {n % VILLAGES + 1}", f"Số {n}", None, "Tày", "Không"])
        born = 1960 + n % 30
        for relation, sex, year in (("Chủ hộ", "Nam", born), ("Vợ/chồng", "Nữ", born + 2)):
            if member_rows_left <= 0:
                break
            member_rows_left -= 1
            serial += 1
            century_sex = (0 if year < 2000 else 2) + (1 if sex == "Nữ" else 0)
            cccd = f"006{century_sex}{year % 100:02d}{serial:06d}"
            sheets[Sheet.MEMBERS].append(
                [
                    code,
                    f"{relation} {code}",
                    sex,
                    f"{1 + n % 28:02d}/{1 + n % 12:02d}/{year}",
                    relation,
                    cccd,
                    "Tày",
                    "Không",
                    None,
                    "Trung học cơ sở",
                    "Có",
                    "Tự làm, sản xuất nông nghiệp",
                    "Có",
                    "Không khuyết tật",
                    "Không",
                    "Không",
                    "Không",
                ]
            )
        for child in range(2):
            if member_rows_left <= 0:
                break
            member_rows_left -= 1
            sheets[Sheet.MEMBERS].append(
                [
                    code,
                    f"Con {child + 1} {code}",
                    "Nam" if child else "Nữ",
                    datetime.date(2013 + child * 3, 3, 1),
                    "Con",
                    None,
                    "Tày",
                    "Có",
                    "Có",
                    "Tiểu học",
                    "Có",
                    None,
                    "Không",
                    "Không khuyết tật",
                    "Không",
                    "Không",
                    "Không",
                ]
            )
        sheets[Sheet.REVIEWS].append(
            [
                code,
                YEAR,
                f"{rng.randrange(600, 3200) * 1000:,}".replace(",", "."),
                rng.choice(housing),
                rng.choice((24, 40, 60, 75.5)),
                rng.choice(water),
                rng.choice(latrine),
                "Thuê bao điện thoại",
                "Ti vi",
                None,
                None,
                rng.choice(("Thiếu vốn", "Thiếu đất sản xuất, Thiếu vốn", None)),
            ]
        )
    workbook.save(path)


def bare_parse(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    cells = 0
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        cells += sum(len(r) for r in rows)
    workbook.close()
    return cells


def _bare_parse(path: Path) -> tuple[float, float, float, float]:
    """Seconds, cells, peak MiB and CPU seconds of the bare parse. In a process of its own: it holds every
    cell as a Python object, which would otherwise set the import's peak memory."""
    parse = subprocess.run(
        [sys.executable, __file__, "--parse-only", str(path)], check=True, cwd=ROOT, capture_output=True, text=True
    )
    seconds, cells, peak, cpu = (float(v) for v in parse.stdout.split())
    return seconds, cells, peak, cpu


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _backend_cpu(connection) -> float:
    """CPU seconds of the connection's PostgreSQL backend so far (it runs on this machine); 0 if unknown."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _checkpoint(connection) -> None:
    """Start the import after a checkpoint, as every run does: one that falls inside the import makes
    PostgreSQL log whole pages again, and its CPU time varied by a quarter between runs without this."""
    from django.db import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:  # not allowed to this role
        pass


def _wal_position(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn() - '0/0'")
        return int(cursor.fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument(
        "--members-rows",
        type=int,
        default=None,
        help="Rows of the members sheet, its two header rows included (Excel's most: 1048576); the last "
        "household gets fewer members. By default 4 members a household.",
    )
    parser.add_argument("--keep-file", action="store_true", help="Keep the generated workbook for the next run.")
    args = parser.parse_args()

    suffix = f"-{args.members_rows}" if args.members_rows else ""
    path = Path(tempfile.gettempdir()) / f"povertyplan-bench-import-{args.households}{suffix}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        # A separate process, so that writing the workbook does not count in the import's peak memory.
        command = [sys.executable, __file__, "--write-only", str(path), str(args.households)]
        subprocess.run([*command, str(args.members_rows or 0)], check=True, cwd=ROOT)
        print(f"workbook written in {time.perf_counter() - started:.1f} s: {path} ({path.stat().st_size >> 20} MiB)")

    _recreate_database()
    _setup_django()
    user, commune = _load_reference_data()

    parse_seconds, cells, parse_peak_mib, parse_cpu = _bare_parse(path)

    from django.db import connection

    from common.process import mark_dedicated
    from households.imports.services import import_commit
    from households.models import Household, HouseholdReview, Member

    mark_dedicated()  # as the job's own process or a worker runs it
    _checkpoint(connection)
    wal = _wal_position(connection)
    backend_cpu = _backend_cpu(connection)
    cpu = _own_cpu()
    started = time.perf_counter()
    result = import_commit(user=user, commune=commune, source=path)
    import_seconds = time.perf_counter() - started
    cpu, backend_cpu = _own_cpu() - cpu, _backend_cpu(connection) - backend_cpu
    wal = _wal_position(connection) - wal
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    again = _bare_parse(path)
    parse_runs = (parse_seconds, again[0])
    if again[0] < parse_seconds:
        parse_seconds, parse_cpu = again[0], again[3]

    households, members, reviews = Household.objects.count(), Member.objects.count(), HouseholdReview.objects.count()
    rows = result.rows
    print(f"PostgreSQL, {households:,} households, {members:,} members, {reviews:,} reviews")
    print(f"{rows:,} rows, {cells:,.0f} cells")
    print(
        f"bare calamine parse : {parse_seconds:7.2f} s  {rows / parse_seconds:12,.0f} rows/s  "
        f"(peak {parse_peak_mib:.0f} MiB; runs {parse_runs[0]:.2f} s and {parse_runs[1]:.2f} s, CPU {parse_cpu:.2f} s)"
    )
    print(
        f"whole import        : {import_seconds:7.2f} s  {rows / import_seconds:12,.0f} rows/s  "
        f"{households / import_seconds:10,.0f} households/s"
    )
    # What the phases leave out is mostly the commit, where PostgreSQL checks the deferred foreign keys.
    other = import_seconds - sum(result.seconds.values())
    print(
        "  phases            : "
        + ", ".join(f"{k} {v:.2f} s" for k, v in result.seconds.items())
        + f", commit {other:.2f} s"
    )
    overlapped = getattr(result, "overlapped", {})  # the work done at the same time, inside a phase
    if overlapped:
        print("  at the same time  : " + ", ".join(f"{k} {v:.2f} s" for k, v in overlapped.items()))
    print(f"ratio import/parse  : {import_seconds / parse_seconds:7.2f}  (goal ≤ 2.5)")
    print(
        f"CPU seconds         : import process {cpu:.2f} (ratio to the parse's CPU {cpu / parse_cpu:.2f}), "
        f"its PostgreSQL backend {backend_cpu:.2f}; write-ahead log {wal / (1 << 20):,.0f} MiB"
    )
    print(f"peak memory (RSS)   : {peak_mib:7.0f} MiB of the import process (goal < 1536)")
    if not args.keep_file:
        path.unlink()


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--write-only":
        write_workbook(Path(sys.argv[2]), int(sys.argv[3]), members_rows=int(sys.argv[4]) or None)
    elif len(sys.argv) == 3 and sys.argv[1] == "--parse-only":
        started = time.perf_counter()
        counted = bare_parse(Path(sys.argv[2]))
        elapsed = time.perf_counter() - started
        print(elapsed, counted, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, _own_cpu())
    else:
        main()
