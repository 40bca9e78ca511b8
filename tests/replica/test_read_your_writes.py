"""A user who has written reads from the primary until the replica has replayed the write: WAL positions."""

import logging

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from common.replica import REPLICA, positions, scope
from common.replica.positions import lsn_value, replica_has, writes_pending, writes_remember
from households.models import Household
from jobs.runner import job_run
from reports.models import ReportJob
from tests.replica.conftest import on_postgresql, without_a_replica

# Every database: with DATABASE_REPLICA_URL set the configured replica alias is read too.
pytestmark = pytest.mark.django_db(databases="__all__")


def test_an_lsn_is_its_byte_position():
    assert lsn_value("0/0") == 0
    assert lsn_value("16/B374D848") == 0x16B374D848
    assert lsn_value("1/0") > lsn_value("0/FFFFFFFF")  # compared as numbers, not as text


@pytest.mark.parametrize(
    ("answer", "caught_up"),
    [
        ((True, "0/17FF"), False),
        ((True, "0/1800"), True),
        ((True, "1/0"), True),
        ((True, None), False),  # a standby that has replayed nothing yet
        ((False, None), True),  # not replaying: a promoted standby holds everything
    ],
)
def test_the_replica_has_a_position_once_it_has_replayed_it(monkeypatch, answer, caught_up):
    monkeypatch.setattr(positions, "replica_position", lambda: answer)
    assert replica_has("0/1800") is caught_up


@without_a_replica
def test_without_a_replica_nothing_is_recorded(make_user):
    user = make_user()
    writes_remember(user_id=user.pk)
    assert writes_pending(user_id=user.pk) is None


@on_postgresql
def test_the_primary_position_moves_past_a_write(replica, make_user, unit):
    before = positions.primary_position()
    Household.objects.filter(pk=-1).update(code="x")  # no row: the position of the statement, not of a commit
    make_user(Role.VIEWER, [unit("Xã Bộc Bố")])
    after = positions.primary_position()
    assert lsn_value(after) > lsn_value(before)
    # The tests' replica is the primary itself: not replaying, so it holds every position.
    assert positions.replica_position() == (False, None)
    assert replica_has(after) is True


def marked_view_reads(user) -> tuple[list[str], list[str]]:
    """The SQL a marked view ran on the primary and on the replica when it read a household table."""

    @scope.replica_reads
    def view(request):
        list(Household.objects.all()[:1])
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = user
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        view(request)
    return [q["sql"] for q in primary.captured_queries], [q["sql"] for q in replica.captured_queries]


def test_a_user_who_has_written_reads_from_the_primary_until_the_replica_has_replayed_it(
    replica, primary_lsn, lagging, make_user
):
    writer, other = make_user(), make_user()
    before = primary_lsn()
    writes_remember(user_id=writer.pk)
    written = writes_pending(user_id=writer.pk)
    assert lsn_value(before) <= lsn_value(written) <= lsn_value(primary_lsn())

    lagging(f"{lsn_value(written) - 1 >> 32:X}/{lsn_value(written) - 1 & 0xFFFFFFFF:X}")
    primary, on_replica = marked_view_reads(writer)
    assert any("households_household" in sql for sql in primary)
    assert on_replica == []
    assert writes_pending(user_id=writer.pk) == written  # still waiting
    # Someone else's read is not held back by this user's write.
    assert any("households_household" in sql for sql in marked_view_reads(other)[1])

    lagging(written)
    primary, on_replica = marked_view_reads(writer)
    assert any("households_household" in sql for sql in on_replica)
    assert not any("households_household" in sql for sql in primary)
    assert writes_pending(user_id=writer.pk) is None  # forgotten: the next read asks the replica nothing


def test_a_position_recorded_meanwhile_is_not_forgotten(replica, lagging, make_user, monkeypatch):
    written = iter(["0/100", "0/200"])
    monkeypatch.setattr(positions, "primary_position", lambda: next(written))
    writer = make_user()
    writes_remember(user_id=writer.pk)
    lagging("0/100")
    real_has = positions.replica_has

    def has_while_the_user_writes_again(position):
        writes_remember(user_id=writer.pk)  # another tab's request ends between the check and the forgetting
        return real_has(position)

    monkeypatch.setattr(scope, "replica_has", has_while_the_user_writes_again)
    marked_view_reads(writer)
    assert writes_pending(user_id=writer.pk) == "0/200"


def test_without_a_recorded_position_a_read_asks_the_replica_nothing_more(replica, make_user):
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        marked_view_reads(make_user())
    assert [q["sql"] for q in on_replica.captured_queries if "households_household" not in q["sql"]] == []
    assert len(on_replica) == 1


@on_postgresql
def test_a_recorded_position_costs_one_query_on_the_replica(replica, make_user):
    reader = make_user()
    writes_remember(user_id=reader.pk)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        marked_view_reads(reader)
    assert len(on_replica) == 2
    assert "pg_last_wal_replay_lsn" in on_replica.captured_queries[0]["sql"]


def test_a_successful_unsafe_request_records_the_users_position(replica, primary_lsn, client, make_user, unit):
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")])
    client.force_login(officer)
    boc_bo = unit("Xã Bộc Bố")
    client.get("/residents/", {"year": 2024})
    assert writes_pending(user_id=officer.pk) is None  # a read records nothing
    before = primary_lsn()
    refused = client.post("/residents/?year=2024", {f"households_{boc_bo.pk}": "412", f"people_{boc_bo.pk}": "3"})
    assert refused.status_code == 200  # the form again, with its errors: nothing was refused by status
    written = client.post("/residents/?year=2024", {f"households_{boc_bo.pk}": "412", f"people_{boc_bo.pk}": "1630"})
    assert written.status_code == 302
    assert lsn_value(before) < lsn_value(writes_pending(user_id=officer.pk)) <= lsn_value(primary_lsn())
    viewer = make_user(Role.VIEWER, [boc_bo])
    client.force_login(viewer)
    assert client.post("/residents/?year=2024", {}).status_code == 403
    assert writes_pending(user_id=viewer.pk) is None  # a refused request wrote nothing


def test_a_marked_view_that_writes_records_the_users_position(replica, primary_lsn, make_user):
    user = make_user()

    @scope.replica_reads
    def view(request):
        ReportJob.objects.create(user=request.user, kind="lists", output="xlsx")  # a long report's job, in a GET
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = user
    before = primary_lsn()
    view(request)
    assert lsn_value(before) < lsn_value(writes_pending(user_id=user.pk)) <= lsn_value(primary_lsn())


def test_a_finished_job_records_its_users_position(replica, primary_lsn, make_user):
    user = make_user()
    job = ReportJob.objects.create(user=user, kind="lists", output="xlsx")
    before = primary_lsn()
    job_run(ReportJob, job.pk, lambda job, progress: {"status": "done"})
    assert lsn_value(before) < lsn_value(writes_pending(user_id=user.pk)) <= lsn_value(primary_lsn())


def test_an_unreachable_replica_sends_the_reads_to_the_primary_for_a_while(replica, make_user, monkeypatch, caplog):
    def refused():
        raise OperationalError("connection refused")

    monkeypatch.setattr(scope, "replica_connect", refused)
    with caplog.at_level(logging.WARNING, logger="common.replica.scope"):
        primary, on_replica = marked_view_reads(make_user())
    assert any("households_household" in sql for sql in primary)
    assert on_replica == []
    assert "cannot be reached" in caplog.text
    monkeypatch.undo()  # reachable again, but not tried before RETRY_AFTER
    assert marked_view_reads(make_user())[1] == []
    scope._replica_down_until = 0.0
    assert marked_view_reads(make_user())[1] != []
