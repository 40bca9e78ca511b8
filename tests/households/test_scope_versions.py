"""A user's scope is kept across requests while the units, successions and assignments stay as they are
(``households.scope_cache``), and computed again as soon as any of them changes — in this process or another,
by the ORM or by plain SQL — and never reused from a transaction that rolled back."""

import pytest
from django.db import connection, transaction

from accounts.models import Role, User
from households.models import AdministrativeUnit, UnitLevel
from households.selectors import visible_unit_ids

KEPT = connection.vendor == "postgresql"  # SQLite serves one process: its scope lives one request


def fresh(user: User) -> User:
    """The user as the next request reads them: a new object, nothing cached on it."""
    return User.objects.get(pk=user.pk)


def outside(user: User) -> AdministrativeUnit:
    """A commune the user does not see (Bộc Bố's successor is in their area across the reform)."""
    return AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).exclude(pk__in=visible_unit_ids(user)).first()


@pytest.fixture
def officer(make_user, unit):
    return make_user(role=Role.COMMUNE_OFFICER, units=[unit("Xã Bộc Bố")])


def test_the_next_request_reads_the_version_only(officer, django_assert_num_queries):
    first = visible_unit_ids(fresh(officer))
    next_request = fresh(officer)
    # The version; without it, the assigned units with all below, the links across the reform, what they add.
    with django_assert_num_queries(1 if KEPT else 3):
        again = visible_unit_ids(next_request)
    assert again == first
    assert len(first) == 2  # Bộc Bố and the commune it became part of in 2025


def test_an_assignment_made_with_plain_sql_is_seen_at_once(officer, unit):
    """No signal: what another process (a worker, an administrator's psql) writes changes the version too."""
    before = visible_unit_ids(fresh(officer))
    other = outside(officer)
    through = User.units.through._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {through.db_table} (user_id, administrativeunit_id) VALUES (%s, %s)", [officer.pk, other.pk]
        )
    after = visible_unit_ids(fresh(officer))
    assert other.pk not in before
    assert other.pk in after
    assert before < after


def test_each_change_of_one_transaction_is_a_version_of_its_own(officer, unit):
    """A test runs in one transaction, as a service does: the transaction alone would not tell them apart."""
    second = outside(officer)
    officer.units.add(second)
    with_second = visible_unit_ids(fresh(officer))
    officer.units.remove(second)
    assert second.pk in with_second
    assert second.pk not in visible_unit_ids(fresh(officer))


def test_a_scope_seen_in_a_rolled_back_transaction_is_never_reused(officer, unit):
    elsewhere = outside(officer)
    before = visible_unit_ids(fresh(officer))

    seen_inside = set()
    try:
        with transaction.atomic():
            officer.units.add(elsewhere)
            seen_inside = visible_unit_ids(fresh(officer))
            raise RuntimeError("undone")
    except RuntimeError:
        pass
    assert elsewhere.pk in seen_inside
    assert visible_unit_ids(fresh(officer)) == before
    # A later change of its own in this transaction does not bring back the undone scope.
    commune = unit("Xã Bộc Bố")
    commune.short_name = "Bộc Bố"
    commune.save()
    assert elsewhere.pk not in visible_unit_ids(fresh(officer))


def test_a_new_village_is_in_the_scope_of_the_commune_s_officer(officer, unit):
    commune = unit("Xã Bộc Bố")
    visible_unit_ids(fresh(officer))
    village = AdministrativeUnit.objects.create(
        code="BB99", name="Thôn Mới", level=UnitLevel.VILLAGE, parent=commune, valid_from=commune.valid_from
    )
    assert village.pk in visible_unit_ids(fresh(officer))
