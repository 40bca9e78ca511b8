"""The first run's SQLite database serves pages while an import commits in its own process."""

import sqlite3

from django.db.utils import ConnectionHandler

from povertyplan.settings.base import database


def test_a_page_reads_while_another_process_writes(tmp_path, django_db_blocker):
    path = tmp_path / "db.sqlite3"
    handler = ConnectionHandler({"default": database(f"sqlite:///{path}")})
    page = handler["default"]
    with django_db_blocker.unblock():
        _read_while_writing(page, path)


def _read_while_writing(page, path) -> None:
    try:
        with page.cursor() as cursor:
            cursor.execute("CREATE TABLE household (id INTEGER PRIMARY KEY, name TEXT)")
            cursor.execute("INSERT INTO household (name) VALUES ('Hộ Ma Văn A')")
        # The import: another connection, in a write transaction that has not committed yet.
        writer = sqlite3.connect(path, timeout=0)
        # A large import outgrows its page cache: SQLite then writes to the file mid-transaction, and without a
        # write-ahead log it locks every reader out until the commit.
        writer.execute("PRAGMA cache_size=-64")
        writer.execute("BEGIN IMMEDIATE")
        writer.executemany("INSERT INTO household (name) VALUES (?)", [("Hộ Hoàng Thị B " * 20,)] * 5000)
        with page.cursor() as cursor:
            cursor.execute("SELECT name FROM household")
            assert cursor.fetchall() == [("Hộ Ma Văn A",)]  # read at once, without the uncommitted row
        writer.commit()
        writer.close()
    finally:
        page.close()


def test_postgresql_gets_no_sqlite_options_but_its_work_mem(monkeypatch):
    options = database("postgres://postgres@127.0.0.1:5432/povertyplan")["OPTIONS"]
    assert options == {"options": "-c work_mem=32MB"}
    monkeypatch.setenv("DATABASE_WORK_MEM", "")
    assert "OPTIONS" not in database("postgres://postgres@127.0.0.1:5432/povertyplan")
