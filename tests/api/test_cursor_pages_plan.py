"""Keyset pages cost the same at any depth: the list's query reads the table by its primary key from the cursor's
position (``id > p ORDER BY id LIMIT n``), never scanning from the start, sorting the rows or skipping an OFFSET,
and a deep page makes the same queries as the first. Checked from SQLite's query plan and its count of virtual
machine steps (no timing: the work itself is compared)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from accounts.models import Role
from households.models import Household, HouseholdReview

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan and step counter"),
]

ROWS = 20_000
PAGE = 500


def _copies(model, template_id: int, n: int, values: dict[str, str]) -> None:
    """``n`` copies of one row, made in SQL (a recursive series), some columns given as SQL of ``s.i``."""
    columns = [f.column for f in model._meta.concrete_fields if f.column != "id"]
    chosen = ", ".join(values.get(column, f"t.{column}") for column in columns)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) "
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {chosen} FROM s, {table} t WHERE t.id = {template_id}"
        )


@pytest.fixture
def many(reviewed):
    """ROWS more households and a review of each, all in one commune's village."""
    household = Household.objects.order_by("pk").first()
    review = HouseholdReview.objects.filter(household=household).first()
    first_new = Household.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    _copies(Household, household.pk, ROWS, {"code": "'K' || s.i"})
    _copies(HouseholdReview, review.pk, ROWS, {"household_id": f"{first_new - 1} + s.i"})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return household.commune


def _walk(client, user, path: str, pages: int) -> list[tuple[list[str], int]]:
    """The SQL of each page's list query and the SQLite steps (thousands) of each request, following ``next``."""
    token = Token.objects.get_or_create(user=user)[0].key
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0  # go on

    connection.ensure_connection()
    connection.connection.set_progress_handler(count, 1000)
    walked = []
    url = f"{path}?page_size={PAGE}"
    try:
        for _page in range(pages):
            steps[0] = 0
            with CaptureQueriesContext(connection) as queries:
                answer = client.get(url, HTTP_AUTHORIZATION=f"Token {token}")
            assert answer.status_code == 200
            walked.append(([q["sql"] for q in queries.captured_queries], steps[0]))
            url = answer.json()["next"]
    finally:
        connection.connection.set_progress_handler(None, 0)
    return walked


def _plan(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[3] for row in cursor.fetchall()]


@pytest.mark.parametrize(
    ("path", "table"),
    [("/api/v1/households/", "households_household"), ("/api/v1/reviews/", "households_householdreview")],
)
@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.PROVINCE_OFFICER])
def test_a_deep_page_reads_from_its_position_as_the_first_does(client, make_user, many, path, table, role):
    user = make_user(role, [many if role == Role.COMMUNE_OFFICER else many.parent.parent])
    walked = _walk(client, user, path, pages=30)
    first, deep = walked[1], walked[-1]  # the first with a cursor, and the 30th page (14,500 rows in)
    assert len(deep[0]) == len(first[0])  # the same queries
    [listing] = [sql for sql in deep[0] if f'FROM "{table}"' in sql and "LIMIT" in sql]
    assert " OFFSET " not in listing
    plan = _plan(listing)
    assert plan[0] == f"SEARCH {table} USING INTEGER PRIMARY KEY (rowid>?)", plan
    assert not any("TEMP B-TREE" in step for step in plan), plan  # no sort of the matching rows
    # The work of a page does not grow with its depth (SQLite's steps, a thousand each; 10 % for the noise of
    # the session and throttle writes).
    assert deep[1] <= first[1] * 1.1, [steps for _sql, steps in walked]
