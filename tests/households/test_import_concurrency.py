"""Two imports of two communes at once (issue 25): neither waits for the other, and each still saves all of
its file or nothing. Runs with committed data (``pytest -m live``) so that the two connections see each
other's locks.

The first import is held inside its transaction, every row written, until the second has committed: were
anything the first holds (a lock on a table, a row, a sequence, an index entry) in the second's way, the
second could not finish and the test would fail on its timeout, not on a measured time."""

import datetime
import threading

import pytest
from django.db import connection

from accounts.models import Role
from accounts.services import user_create
from households.imports import copy, services
from households.models import AdministrativeUnit, Household, HouseholdReview, Member, UnitLevel, UnitType
from households.services import village_create
from tests.workbooks import household, make_workbook, person, review

pytestmark = [
    pytest.mark.live,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one transaction at a time"),
]
HOUSEHOLDS = 40
WAIT = 60  # seconds: far more than an import of this size takes; reached only when the second one is blocked


def _file(prefix: str, village: str, serial: int) -> bytes:
    codes = [f"{prefix}-{n:03d}" for n in range(HOUSEHOLDS)]
    members = []
    for n, code in enumerate(codes):
        # A citizen ID of each file's own: 006 (Bắc Kạn), 0 (a man born in the 1900s), 75, then a serial.
        members.append(person(code, f"Nông Văn {prefix} {n}", **{"Số CCCD": f"006075{serial + n:06d}"}))
        members.append(
            person(
                code,
                f"Con {prefix} {n}",
                relation="Con",
                **{"Ngày sinh": "01/03/2013", "Đang đi học": "Có", "Học đúng cấp theo tuổi": "Có"},
            )
        )
    return make_workbook(
        households=[household(code, village) for code in codes],
        members=members,
        reviews=[
            review(code, 900_000, year=datetime.date.today().year, **{"Rác thải sinh hoạt": "Được thu gom"})
            for code in codes
        ],
    )


@pytest.fixture
def two_communes(live_world):
    first = live_world["commune"]
    second = (
        AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE, valid_to=first.valid_to)
        .exclude(pk=first.pk)
        .order_by("pk")
        .first()
    )
    village_create(commune=second, name="Thôn Bản Cậu", unit_type=UnitType.THON)
    officer = user_create(username="can.bo.xa.hai", password=None, role=Role.COMMUNE_OFFICER, units=[second])
    return [
        (live_world["officer"], first, _file("VL", "Thôn Nà Làng", 1)),
        (officer, second, _file("BC", "Thôn Bản Cậu", 500)),
    ]


def _run_both(two_communes, monkeypatch, *, first_fails: bool) -> dict[str, object]:
    """The first import written whole and held before its commit until the second ends; then it commits (or
    fails, with ``first_fails``). Returns what each thread ended with."""
    (first_user, first_commune, first_file), (second_user, second_commune, second_file) = two_communes
    first_written = threading.Event()
    second_done = threading.Event()
    outcomes: dict[str, object] = {}
    what_was_saved = services._what_was_saved

    def held(plan, opened):
        saved = what_was_saved(plan, opened)  # after every write, inside the transaction
        if threading.current_thread().name == "first":
            first_written.set()
            outcomes["second done while the first held its transaction"] = second_done.wait(WAIT)
            if first_fails:
                raise RuntimeError("the first import fails after writing everything")
        return saved

    monkeypatch.setattr(services, "_what_was_saved", held)

    def run(name, user, commune, source, before=None):
        try:
            if before is not None:
                before.wait(WAIT)
            result = services.import_commit(user=user, commune=commune, source=source)
            outcomes[name] = "committed" if result.committed else "not committed"
        except services.ImportRefused as refused:
            outcomes[name] = f"refused: {refused.result.error_dicts()[:3]}"
        except Exception as error:
            outcomes[name] = f"failed: {error}"
        finally:
            if name == "second":
                second_done.set()
            connection.close()

    threads = [
        threading.Thread(target=run, name="first", args=("first", first_user, first_commune, first_file)),
        threading.Thread(
            target=run, name="second", args=("second", second_user, second_commune, second_file, first_written)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(2 * WAIT)
    return outcomes


def _saved(commune) -> tuple[int, int, int]:
    return (
        Household.objects.filter(commune=commune).count(),
        Member.objects.filter(household__commune=commune).count(),
        HouseholdReview.objects.filter(household__commune=commune).count(),
    )


@pytest.mark.parametrize("triggers", ["off, the import checks the keys", "on, PostgreSQL checks them at commit"])
def test_two_imports_of_two_communes_do_not_wait_for_each_other(two_communes, monkeypatch, triggers):
    if triggers.startswith("on"):  # a role that may not set session_replication_role
        monkeypatch.setattr(copy, "_may_skip_triggers", lambda models: False)
    outcomes = _run_both(two_communes, monkeypatch, first_fails=False)

    assert outcomes == {
        "second done while the first held its transaction": True,
        "second": "committed",
        "first": "committed",
    }
    for _user, commune, _file in two_communes:
        assert _saved(commune) == (HOUSEHOLDS, 2 * HOUSEHOLDS, HOUSEHOLDS)


def test_an_import_that_fails_beside_another_saves_nothing_and_the_other_all(two_communes, monkeypatch):
    outcomes = _run_both(two_communes, monkeypatch, first_fails=True)

    assert outcomes == {
        "second done while the first held its transaction": True,
        "second": "committed",
        "first": "failed: the first import fails after writing everything",
    }
    (_u, first, _f), (_u2, second, _f2) = two_communes
    assert _saved(first) == (0, 0, 0)
    assert _saved(second) == (HOUSEHOLDS, 2 * HOUSEHOLDS, HOUSEHOLDS)
