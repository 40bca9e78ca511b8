"""The database of an in-process benchmark: made anew on 127.0.0.1:5432, and Django set up against it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# The household columns the benchmarks COPY their generated rows into (the id where they reserve it).
HOUSEHOLD_COPY_COLUMNS = (
    "code",
    "commune_id",
    "village_id",
    "head_name",
    "address",
    "phone",
    "has_meritorious_person",
    "is_ethnic_minority",
    "has_no_labour",
    "is_female_headed",
    "receives_social_allowance",
    "status",
    "status_date",
    "version",
    "created_at",
    "search_text",
    "province_id",  # the sharding key (households.sharding): the commune's province
)
# The province of every commune and village (the unit above the commune in its own tree), as households.provinces
# gives it: for the rows the benchmarks COPY, which no service writes.
COMMUNE_PROVINCES_SQL = (
    "SELECT c.id, CASE WHEN p.level = 'province' THEN p.id WHEN g.level = 'province' THEN g.id ELSE g.parent_id END"
    " FROM households_administrativeunit c JOIN households_administrativeunit p ON p.id = c.parent_id"
    " LEFT JOIN households_administrativeunit g ON g.id = p.parent_id WHERE c.level IN ('commune', 'village')"
)


def commune_provinces(cursor) -> dict[int, int]:
    """Commune (or village) id → its province's id, read with a DB-API ``cursor``."""
    cursor.execute(COMMUNE_PROVINCES_SQL)
    return dict(cursor.fetchall())


def database_url(db: str) -> str:
    return os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{db}")


def recreate_database(db: str) -> None:
    """Drop ``db`` (closing its connections) and create it empty."""
    import psycopg2

    connection = psycopg2.connect(ADMIN_URL)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{db}"')
    connection.close()


def setup_django(db: str) -> None:
    """Django in this process, production-like (DEBUG off: no query log), on ``db``."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url(db)
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-0123456789-0123456789")
    os.environ["DJANGO_SETTINGS_MODULE"] = "povertyplan.settings.base"
    import django

    django.setup()
