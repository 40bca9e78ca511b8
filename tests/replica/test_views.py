"""The marked views read their data from the replica; downloads still write their audit row on the primary; a
user's write followed by a read is read from the primary until the replica has it."""

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from accounts.models import AuditAction, AuditEvent, Role
from common.replica import REPLICA
from common.replica.positions import writes_pending
from tests.replica.conftest import domain_reads, reads_domain

# Every database: with DATABASE_REPLICA_URL set the configured replica alias is read too.
pytestmark = pytest.mark.django_db(databases="__all__")

STATISTICS = "/api/v1/statistics/?year=2024&unit=06&group_by=unit"
MARKED = {
    "statistics API": STATISTICS,
    "statistics API by status": "/api/v1/statistics/?year=2024&unit=06&group_by=unit,status",
    "households list": "/api/v1/households/?page_size=5",
    "household": None,  # the detail of the first household listed
    "reviews list": "/api/v1/reviews/?page_size=5",
    "units list": "/api/v1/units/?page_size=5",
    "households export (streamed)": "/api/v1/households/export/",
    "dashboard": "/dashboard/",
    "dashboard of a unit": "/dashboard/?unit={bac_kan}&year=2024",
    "report page": "/reports/circular07/?unit={bac_kan}&year=2024",
    "report file": "/reports/circular07/?unit={bac_kan}&year=2024&format=xlsx",
    "list report page": "/reports/lists/?unit={bac_kan}&year=2024",
    "list report file": "/reports/lists/?unit={bac_kan}&year=2024&format=pdf",
    "national statistics API": "/api/v1/statistics/national/?year=2024",
    "national table": "/national/?year=2024",
}


def signed_in(client, user):
    """Pages by the session, the API by a token, as they are used."""
    client.force_login(user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.get_or_create(user=user)[0].key}"
    return client


def read(client, path: str):
    """The answer and the SQL run on the primary and on the replica while it was made and its body read."""
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        answer = client.get(path)
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    return answer, body, primary, replica


@pytest.mark.parametrize("name", MARKED)
def test_a_marked_view_reads_its_data_from_the_replica(
    replica, client, reviewed, province_officer, make_user, unit, name
):
    # The national table is the ministry's.
    reader = make_user(Role.MINISTRY_OFFICER) if "national" in name else province_officer
    client = signed_in(client, reader)
    path = MARKED[name]
    if path is None:
        path = f"/api/v1/households/{client.get(MARKED['households list']).json()['results'][0]['id']}/"
    answer, body, primary, on_replica = read(client, path.format(bac_kan=unit("Tỉnh Bắc Kạn").pk))
    assert answer.status_code == 200, body[:500]
    assert len(body) > 500
    assert ("file" in name or "export" in name) == ("Content-Disposition" in answer)
    assert domain_reads(on_replica.captured_queries)
    assert domain_reads(primary.captured_queries) == []


def test_a_download_writes_its_audit_row_on_the_primary(replica, client, reviewed, province_officer, unit):
    client = signed_in(client, province_officer)
    answer, _body, primary, on_replica = read(client, MARKED["report file"].format(bac_kan=unit("Tỉnh Bắc Kạn").pk))
    assert answer.status_code == 200
    assert "Content-Disposition" in answer
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, user=province_officer).count() == 1
    assert any(q["sql"].startswith("INSERT") and "accounts_auditevent" in q["sql"] for q in primary.captured_queries)
    # Reads only (the scope's walk down the units is a recursive WITH).
    assert not any(not q["sql"].lstrip().upper().startswith(("SELECT", "WITH")) for q in on_replica.captured_queries)


def test_a_view_not_marked_reads_from_the_primary(replica, client, reviewed, province_officer):
    client = signed_in(client, province_officer)
    answer, _body, primary, on_replica = read(client, "/api/v1/standards/")
    assert answer.status_code == 200
    assert domain_reads(primary.captured_queries)
    assert on_replica.captured_queries == []


def test_a_users_write_then_read_is_read_from_the_primary_until_the_replica_has_it(
    replica, primary_lsn, lagging, client, reviewed, make_user, unit
):
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")])
    client = signed_in(client, officer)
    boc_bo = unit("Xã Bộc Bố")
    lagging("0/0")
    written = client.post("/residents/?year=2024", {f"households_{boc_bo.pk}": "412", f"people_{boc_bo.pk}": "1630"})
    assert written.status_code == 302

    answer, _body, primary, on_replica = read(client, "/dashboard/")
    assert answer.status_code == 200
    assert domain_reads(primary.captured_queries)
    assert on_replica.captured_queries == []
    # Somebody else is not held back by it.
    other = signed_in(client.__class__(), make_user(Role.VIEWER, [boc_bo]))
    assert domain_reads(read(other, "/dashboard/")[3].captured_queries)

    lagging(writes_pending(user_id=officer.pk))  # the replica has replayed the write
    answer, _body, primary, on_replica = read(client, "/dashboard/")
    assert answer.status_code == 200
    assert domain_reads(on_replica.captured_queries)
    assert domain_reads(primary.captured_queries) == []


def test_a_replica_failing_during_a_view_is_answered_from_the_primary(replica, client, reviewed, province_officer):
    client = signed_in(client, province_officer)

    def cancelled(execute, sql, params, many, context):
        if reads_domain(sql):
            # As PostgreSQL cancels a standby's query that conflicts with the replay.
            replica.errors_occurred = True
            raise OperationalError("canceling statement due to conflict with recovery")
        return execute(sql, params, many, context)

    expected = client.get(STATISTICS).json()
    with replica.execute_wrapper(cancelled):
        answer, _body, primary, _on_replica = read(client, STATISTICS)
    assert answer.status_code == 200
    assert answer.json() == expected
    assert domain_reads(primary.captured_queries)
