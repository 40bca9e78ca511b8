"""Which database a query goes to: the replica only for the views' own tables, in a marked view's safe request,
outside any transaction on the primary and before the request has written."""

import pytest
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.models import AuditEvent, User
from common.replica import REPLICA
from common.replica.scope import current_scope, replica_reads
from households.models import AdministrativeUnit, Household
from reports.models import ReportJob
from standards.models import PovertyStandard
from tests.replica.conftest import without_a_replica

# Every database: with DATABASE_REPLICA_URL set the configured replica alias is read too.
pytestmark = pytest.mark.django_db(databases="__all__")


def routed(method: str = "get", user=None, during=None) -> dict:
    """Where the router sends reads of a few models from inside a marked view, and what ``during`` (run in the
    view first) changed."""
    seen = {}

    @replica_reads
    def view(request):
        seen["scope"] = current_scope() is not None
        if during:
            during()
        for model in (Household, AdministrativeUnit, PovertyStandard, ReportJob, User, Session, AuditEvent):
            seen[model.__name__] = router.db_for_read(model)
        return HttpResponse()

    request = getattr(RequestFactory(), method)("/")
    request.user = user
    view(request)
    return seen


@without_a_replica
def test_without_a_replica_a_marked_view_reads_from_the_primary(make_user):
    seen = routed(user=make_user())
    assert seen["scope"] is False
    assert seen["Household"] == DEFAULT_DB_ALIAS


def test_a_marked_view_reads_the_domain_tables_from_the_replica_and_the_rest_from_the_primary(replica, make_user):
    seen = routed(user=make_user())
    assert seen["scope"] is True
    assert [seen[name] for name in ("Household", "AdministrativeUnit", "PovertyStandard", "ReportJob")] == [REPLICA] * 4
    # Sessions, users and the audit log are read back right after the request that wrote them (a sign-in).
    assert [seen[name] for name in ("User", "Session", "AuditEvent")] == [DEFAULT_DB_ALIAS] * 3


def test_outside_a_marked_view_every_read_goes_to_the_primary(replica):
    assert router.db_for_read(Household) == DEFAULT_DB_ALIAS
    assert current_scope() is None


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_unsafe_request_reads_from_the_primary(replica, make_user, method):
    seen = routed(method, user=make_user())
    assert seen["scope"] is False
    assert seen["Household"] == DEFAULT_DB_ALIAS


def test_writes_go_to_the_primary_even_in_a_marked_view(replica, make_user):
    seen = {}

    def write():
        seen["write"] = router.db_for_write(AuditEvent)

    assert routed(user=make_user(), during=write)["Household"] == REPLICA  # a write of the audit log: no matter
    assert seen["write"] == DEFAULT_DB_ALIAS


def test_after_the_request_writes_a_domain_table_its_reads_go_to_the_primary(replica, make_user):
    seen = {}

    def write():
        seen["write"] = router.db_for_write(ReportJob)

    assert routed(user=make_user(), during=write)["Household"] == DEFAULT_DB_ALIAS
    assert seen["write"] == DEFAULT_DB_ALIAS


def test_inside_a_transaction_on_the_primary_reads_go_to_the_primary(replica, make_user):
    seen = {}

    def in_transaction():
        with transaction.atomic():
            seen["inside"] = router.db_for_read(Household)

    assert routed(user=make_user(), during=in_transaction)["Household"] == REPLICA
    assert seen["inside"] == DEFAULT_DB_ALIAS


def test_a_row_read_from_the_replica_may_be_pointed_to_by_a_row_saved_on_the_primary(replica, make_user, unit):
    officer = make_user()
    commune = AdministrativeUnit.objects.using(REPLICA).get(pk=unit("Xã Bộc Bố").pk)
    assert commune._state.db == REPLICA
    officer.units.add(commune)  # would raise ValueError without the router's allow_relation
    assert list(User.objects.filter(units=commune)) == [officer]
    assert router.allow_migrate(REPLICA, "households") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "households") is not False
