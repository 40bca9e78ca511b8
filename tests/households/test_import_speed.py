"""What the fast paths of the import must not change (issue 6): the foreign keys checked without triggers,
the reviews checked while the households are written, cells read a column at a time."""

import datetime
import io
import time

import psycopg2
import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from households.imports import checking, copy, parsing, writer
from households.imports.columns import MEMBER_COLUMNS
from households.imports.records import MEMBER_FIELDS, MemberRecord
from households.imports.services import ImportRefused, import_check, import_commit
from households.models import AdministrativeUnit, Ethnicity, Household, HouseholdReview, Member, ReviewRound, UnitLevel
from households.provinces import province_of
from tests.workbooks import clean_file, household, make_workbook, person, review

pytestmark = pytest.mark.django_db

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")


def replication_role() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('session_replication_role')")
        return cursor.fetchone()[0]


def check_deferred_constraints() -> None:
    """What the commit would do with the foreign keys (a test never commits)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def dangling_member() -> tuple[tuple, tuple]:
    columns = ("id", "household_id", "full_name", "sex", "date_of_birth", "relation", "province_id")
    (pk,) = copy.reserve_ids(Member, 1)
    province = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).values_list("pk", flat=True).first()
    return columns, ((pk, 10**9, "Không có hộ", "male", datetime.date(1980, 1, 1), "head", province),)


@needs_postgresql
def test_the_copy_checks_the_foreign_keys_itself_when_the_triggers_are_off():
    with transaction.atomic():
        assert copy._may_skip_triggers([Member])  # the test database's user is a superuser
    columns, rows = dangling_member()
    with (
        pytest.raises(IntegrityError, match=r"Key \(household_id\)=\(1000000000\) is not present"),
        transaction.atomic(),
    ):
        copy.copy_rows(Member, columns, rows)
    assert replication_role() == "origin"


@needs_postgresql
def test_without_the_privilege_the_triggers_check_as_before(monkeypatch):
    monkeypatch.setattr(copy, "_may_skip_triggers", lambda models: False)
    columns, rows = dangling_member()

    def copy_then_commit():
        with transaction.atomic():
            copy.copy_rows(Member, columns, rows)  # accepted here: the trigger's check is deferred …
            check_deferred_constraints()  # … to the commit

    with pytest.raises(IntegrityError):
        copy_then_commit()


@needs_postgresql
def test_a_commit_leaves_the_triggers_on(officer, commune, village):
    import_commit(user=officer, commune=commune, source=clean_file())
    assert replication_role() == "origin"
    member = Member(
        household_id=10**9,
        province_id=province_of(commune.pk),
        full_name="Không có hộ",
        sex="male",
        date_of_birth="1980-01-01",
    )

    def save_then_commit():
        with transaction.atomic():
            member.save()  # accepted here: the trigger's check is deferred …
            check_deferred_constraints()  # … to the commit

    with pytest.raises(IntegrityError):
        save_then_commit()


@needs_postgresql
def test_a_trigger_of_a_table_keeps_the_triggers_on():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION pp_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$; "
            "CREATE TRIGGER pp_audit AFTER INSERT ON households_member FOR EACH ROW EXECUTE FUNCTION pp_audit()"
        )
        assert not copy._may_skip_triggers([Member])
        assert copy._may_skip_triggers([Household])


@needs_postgresql
def test_a_trigger_enabled_always_keeps_the_fast_path():
    """It fires under the replica role too (the registry counts' triggers on households are such)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION pp_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$; "
            "CREATE TRIGGER pp_count AFTER INSERT ON households_member FOR EACH ROW EXECUTE FUNCTION pp_count(); "
            "ALTER TABLE households_member ENABLE ALWAYS TRIGGER pp_count"
        )
        assert copy._may_skip_triggers([Member])


@needs_postgresql
def test_the_rows_referred_to_are_locked_until_the_commit(officer, commune, village, settings):
    """As the foreign-key trigger does, so that no other transaction deletes an ethnicity (committed data
    of the test database) that a member just copied refers to."""
    tay = Ethnicity.objects.get(name="Tày")
    source = make_workbook(
        households=[household("BB-01")],
        members=[person("BB-01", "Hoàng Văn Páo", **{"Dân tộc": "Tày"})],
        reviews=[review("BB-01", 2_000_000)],
    )
    import_commit(user=officer, commune=commune, source=source)
    assert Member.objects.get().ethnicity == tay
    database = settings.DATABASES["default"]
    other = psycopg2.connect(
        dbname=connection.settings_dict["NAME"],
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"],
    )
    try:
        with other.cursor() as cursor, pytest.raises(psycopg2.errors.LockNotAvailable):
            cursor.execute("SELECT id FROM households_ethnicity WHERE id = %s FOR UPDATE NOWAIT", [tay.pk])
    finally:
        other.close()


@needs_postgresql
def test_a_commit_with_errors_in_the_reviews_only_saves_nothing(officer, commune, village):
    """The households and members are right, so the commit writes them while it checks the reviews; a
    review is wrong, so the whole file is refused and what was written is undone."""
    source = make_workbook(
        households=[household("BB-01"), household("BB-02")],
        members=[person("BB-01", "Hoàng Văn Páo"), person("BB-02", "Lý Thị Dung", **{"Giới tính": "Nữ"})],
        reviews=[review("BB-01", 1_000_000), review("BB-02", 1_200_000, **{"Nguồn nước sinh hoạt": None})],
    )
    checked = import_check(user=officer, commune=commune, source=source)
    assert [(e["sheet"], e["row"], e["column"]) for e in checked.error_dicts()] == [
        ("Rà soát", 4, "Nguồn nước sinh hoạt")
    ]
    with pytest.raises(ImportRefused) as refused:
        import_commit(user=officer, commune=commune, source=source)
    assert refused.value.result.error_dicts() == checked.error_dicts()
    assert refused.value.result.summary == checked.summary
    assert not Household.objects.exists()
    assert not Member.objects.exists()
    assert not Household.history.exists()
    assert not Member.history.exists()
    assert not HouseholdReview.objects.exists()
    assert not ReviewRound.objects.exists()
    assert replication_role() == "origin"


@needs_postgresql
def test_a_database_error_while_the_reviews_are_checked(officer, commune, village, monkeypatch):
    """The write of the households fails (as a concurrent change could make it): with a wrong review the
    file is refused for its errors, as it would be had the write waited; with right reviews the database's
    error is raised."""
    from households.imports import services

    def refused_by_the_database(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1/0")

    monkeypatch.setattr(services, "write_households", refused_by_the_database)
    wrong = make_workbook(
        households=[household("BB-01")],
        members=[person("BB-01", "Hoàng Văn Páo")],
        reviews=[review("BB-01", "một triệu")],
    )
    with pytest.raises(ImportRefused):
        import_commit(user=officer, commune=commune, source=wrong)
    right = make_workbook(
        households=[household("BB-01")],
        members=[person("BB-01", "Hoàng Văn Páo")],
        reviews=[review("BB-01", 1_000_000)],
    )
    with pytest.raises(DatabaseError, match="division by zero"):
        import_commit(user=officer, commune=commune, source=right)


def test_the_reviews_are_checked_in_the_users_language_on_the_commit(officer, commune, village):
    """The reviews are checked in another thread on the commit: their messages still speak the user's language."""
    source = make_workbook(
        households=[household("BB-01")],
        members=[person("BB-01", "Hoàng Văn Páo")],
        reviews=[review("BB-01", 1_000_000, **{"Nguồn nước sinh hoạt": None})],
    )
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        import_commit(user=officer, commune=commune, source=source)
    with translation.override("en"):
        assert refused.value.result.error_dicts() == [
            {
                "sheet": "Reviews",
                "row": 3,
                "column": "Domestic water source",
                "message": "Missing: Domestic water source.",
            }
        ]


def test_cells_read_a_column_at_a_time_give_the_errors_of_a_row_in_column_order(officer, commune, village):
    members = [person(f"BB-{n:02d}", f"Người {n}") for n in range(1, 40)]
    members[20] = person("BB-21", None, **{"Giới tính": "Khác lạ", "Ngày sinh": "31/02/1980"})
    households = [household(f"BB-{n:02d}") for n in range(1, 40)]
    result = import_check(user=officer, commune=commune, source=make_workbook(households=households, members=members))
    assert [(e["row"], e["column"]) for e in result.error_dicts()] == [
        (23, "Họ và tên"),
        (23, "Giới tính"),
        (23, "Ngày sinh"),
    ]


def test_a_true_cell_among_ones_is_read_as_itself(officer, commune, village):
    """Read once per distinct cell, True and 1 would be one key (True == 1): a number column reads a cell
    that holds True as the error it is, whatever the 1s around it."""
    codes = [f"BB-{n:02d}" for n in range(1, 12)]
    reviews = [review(code, 1_000_000, **{"Diện tích ở (m²)": 1}) for code in codes]
    reviews[5] = review(codes[5], 1_000_000, **{"Diện tích ở (m²)": True})
    source = make_workbook(
        households=[household(code) for code in codes],
        members=[person(code, f"Chủ hộ {code}") for code in codes],
        reviews=reviews,
    )
    errors = import_check(user=officer, commune=commune, source=source).error_dicts()
    assert {e["row"] for e in errors} == {8}
    assert errors[0] == {
        "sheet": "Rà soát",
        "row": 8,
        "column": "Diện tích ở (m²)",
        "message": "“True” không phải là số.",
    }


@pytest.fixture
def parts_written(monkeypatch):
    """The reviews checked one at a time, and the sizes of the parts written."""
    monkeypatch.setattr(checking, "REVIEWS_PER_PART", 1)
    sizes = []
    write = writer.ReviewWriter.write

    def counted(self, reviews):
        sizes.append(len(reviews))
        write(self, reviews)

    monkeypatch.setattr(writer.ReviewWriter, "write", counted)
    return sizes


def test_the_reviews_are_written_a_part_at_a_time(officer, commune, village, parts_written):
    import_commit(user=officer, commune=commune, source=clean_file())
    assert parts_written == [1, 1]
    assert sorted(HouseholdReview.objects.values_list("household__code", "status")) == [
        ("BB-01", "poor"),
        ("BB-02", "average"),
    ]
    assert ReviewRound.objects.count() == 1
    assert HouseholdReview.history.count() == 2


def test_a_wrong_review_after_parts_were_written_saves_nothing(officer, commune, village, parts_written, monkeypatch):
    codes = ["BB-01", "BB-02", "BB-03"]
    source = make_workbook(
        households=[household(code) for code in codes],
        members=[person(code, f"Chủ hộ {code}") for code in codes],
        reviews=[
            review("BB-01", 1_000_000),
            review("BB-02", 1_100_000),
            review("BB-03", 1_200_000, **{"Nguồn nước sinh hoạt": None}),
        ],
    )
    classify = checking._Checker.classify

    def after_two_parts(self, record, *args):
        # The wrong review is checked once the two before it are written.
        deadline = time.monotonic() + 10
        while record.household_code == "BB-03" and len(parts_written) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        return classify(self, record, *args)

    monkeypatch.setattr(checking._Checker, "classify", after_two_parts)
    with pytest.raises(ImportRefused) as refused:
        import_commit(user=officer, commune=commune, source=source)
    assert parts_written == [1, 1]
    assert [(e["sheet"], e["row"]) for e in refused.value.result.error_dicts()] == [("Rà soát", 5)]
    assert not Household.objects.exists()
    assert not HouseholdReview.objects.exists()
    assert not HouseholdReview.history.exists()
    assert not ReviewRound.objects.exists()


def test_a_workbook_given_as_a_file_object_is_read_as_its_bytes(officer, commune, village):
    # The members sheet is read from a second opening of the file (in a thread): a stream is read once.
    source = clean_file()
    from_bytes = import_check(user=officer, commune=commune, source=source)
    from_stream = import_check(user=officer, commune=commune, source=io.BytesIO(source))
    assert from_stream.errors == from_bytes.errors == []
    assert from_stream.summary == from_bytes.summary
    assert from_stream.summary["members"]["created"] == 3


def test_the_headers_of_the_sheet_read_in_a_thread_are_checked_like_the_others(officer, commune, village):
    workbook = load_workbook(io.BytesIO(clean_file()))
    members = workbook["Thành viên"]
    members.delete_cols([c.value for c in members[1]].index("Họ và tên") + 1)
    del workbook["Hộ gia đình"]
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_check(user=officer, commune=commune, source=buffer.getvalue())
    assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [
        ("households", 0, "", "Thiếu sheet “Hộ gia đình”."),
        ("members", 1, "Họ và tên", "Thiếu cột này."),
    ]
    assert not Household.objects.exists()


@needs_postgresql
def test_rows_copied_first_get_their_history_and_checks_when_the_caller_says(officer):
    # Members are copied before their households: the check of the household ids waits for them.
    columns, rows = dangling_member()
    with transaction.atomic():
        copied = copy.copy_with_history(Member, columns, rows, user_id=officer.pk, finish=False)
        assert not Member.history.exists()
        copied.write_history()
        assert list(Member.history.values_list("full_name", "history_type", "history_user")) == [
            ("Không có hộ", "+", officer.pk)
        ]
        with pytest.raises(IntegrityError, match=r"Key \(household_id\)=\(1000000000\) is not present"):
            copied.check_references()


@pytest.fixture
def written_first(monkeypatch):
    """The new households whose members each commit wrote as the file was read, or "refused"."""
    from households.imports import services

    calls = []

    def spied(**kwargs):
        try:
            reserved, copied = writer.write_members_first(**kwargs)
        except DatabaseError:
            calls.append("refused")
            raise
        calls.append(sorted(reserved))
        return reserved, copied

    monkeypatch.setattr(services, "write_members_first", spied)
    return calls


@needs_postgresql
def test_the_members_of_new_households_are_written_while_the_households_are_checked(
    officer, commune, village, written_first
):
    import_commit(user=officer, commune=commune, source=clean_file())
    assert written_first == [["BB-01", "BB-02"]]
    paos_history = Member.history.filter(full_name="Hoàng Văn Páo").values_list("history_type", "history_user")
    assert list(paos_history) == [("+", officer.pk)]
    source = make_workbook(
        households=[household("BB-01"), household("BB-03")],
        members=[
            person("BB-03", "Lò Văn Minh"),
            person("BB-01", "Hoàng Văn Páo", **{"Số CCCD": "006075001234"}),
            person("BB-03", "Lò Thị Hoa", "Vợ/chồng", **{"Giới tính": "Nữ"}),
            person("BB-01", "Hoàng Văn Pử", "Con", **{"Ngày sinh": "01/06/2010"}),
        ],
    )
    result = import_commit(user=officer, commune=commune, source=source)
    assert written_first[1] == ["BB-03"]  # BB-01 is saved already: its new member is written with it
    assert result.summary["members"]["created"] == 3
    members = Member.objects.order_by("household__code", "pk").values_list("household__code", "full_name")
    assert list(members) == [
        ("BB-01", "Hoàng Văn Páo"),
        ("BB-01", "Hoàng Văn Pử"),
        ("BB-02", "Lý Thị Dung"),
        ("BB-03", "Lò Văn Minh"),
        ("BB-03", "Lò Thị Hoa"),
    ]
    assert Household.objects.get(code="BB-03").head_name == "Lò Văn Minh"
    assert Member.history.filter(household__code="BB-03", history_type="+").count() == 2
    assert replication_role() == "origin"


@needs_postgresql
def test_a_citizen_id_registered_already_refuses_the_members_written_first(officer, commune, village, written_first):
    """The database refuses the members written first (a unique citizen ID): they are undone to their
    savepoint, the check reports the row, and nothing of the file is saved."""
    import_commit(user=officer, commune=commune, source=clean_file())
    source = make_workbook(
        households=[household("BB-09")],
        members=[person("BB-09", "Hoàng Văn Páo", **{"Số CCCD": "006075001234"})],
    )
    with pytest.raises(ImportRefused) as refused:
        import_commit(user=officer, commune=commune, source=source)
    assert written_first == [["BB-01", "BB-02"], "refused"]
    assert [(e["sheet"], e["row"], e["column"]) for e in refused.value.result.error_dicts()] == [
        ("Thành viên", 3, "Số CCCD")
    ]
    assert not Household.objects.filter(code="BB-09").exists()
    assert Member.objects.count() == 3
    assert replication_role() == "origin"


@needs_postgresql
def test_members_the_database_refused_first_are_written_with_their_households(officer, commune, village, monkeypatch):
    from households.imports import services

    def refused(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1/0")

    monkeypatch.setattr(services, "write_members_first", refused)
    result = import_commit(user=officer, commune=commune, source=clean_file())
    assert result.summary["members"]["created"] == 3
    assert sorted(Member.objects.values_list("household__code", "full_name")) == [
        ("BB-01", "Hoàng Thị Mai"),
        ("BB-01", "Hoàng Văn Páo"),
        ("BB-02", "Lý Thị Dung"),
    ]
    assert Member.history.count() == 3


@needs_postgresql
def test_an_unknown_ethnicity_stops_the_members_written_first(officer, commune, village, written_first):
    source = make_workbook(
        households=[household("BB-01")],
        members=[person("BB-01", "Hoàng Văn Páo", **{"Dân tộc": "Người sao Hỏa"})],
    )
    with pytest.raises(ImportRefused) as refused:
        import_commit(user=officer, commune=commune, source=source)
    assert written_first == ["refused"]
    assert [(e["sheet"], e["row"], e["column"]) for e in refused.value.result.error_dicts()] == [
        ("Thành viên", 3, "Dân tộc")
    ]
    assert not Member.objects.exists()
    assert not Member.history.exists()


@needs_postgresql
def test_an_error_reading_the_members_sheet_is_raised_as_itself(officer, commune, village, monkeypatch):
    """psycopg2 reports any error of the COPY's source as the database's: the commit must not take a
    failing read for a refused member and go on with the rows read so far."""
    read = parsing._Parser.read_values

    def failing(self, sheet, *args, **kwargs):
        for number, values in read(self, sheet, *args, **kwargs):
            if sheet == parsing.Sheet.MEMBERS and number > 3:
                raise MemoryError("out of memory")
            yield number, values

    monkeypatch.setattr(parsing._Parser, "read_values", failing)
    with pytest.raises(MemoryError):
        import_commit(user=officer, commune=commune, source=clean_file())


@needs_postgresql
def test_a_household_saved_by_someone_else_during_the_import(officer, commune, village, monkeypatch):
    """After the import read the database, someone else saves a household of the file: its members were
    written for the id reserved when it was new, and its code is taken. The import stops with a message in
    the user's language rather than the database's, and saves nothing."""
    from households.imports import services
    from tests.factories import HouseholdFactory

    def then_saved_by_someone_else(**kwargs):
        written = writer.write_members_first(**kwargs)
        HouseholdFactory(code="BB-02", village=village)
        return written

    monkeypatch.setattr(services, "write_members_first", then_saved_by_someone_else)
    with translation.override("en"), pytest.raises(services.SavedMeanwhile, match="Someone else changed") as raised:
        import_commit(user=officer, commune=commune, source=clean_file())
    assert isinstance(raised.value.__cause__, IntegrityError)
    assert not Household.objects.exists()
    assert not Member.objects.exists()


@needs_postgresql
def test_without_the_privilege_the_members_written_first_meet_their_foreign_keys_at_commit(
    officer, commune, village, monkeypatch, written_first
):
    monkeypatch.setattr(copy, "_may_skip_triggers", lambda models: False)
    import_commit(user=officer, commune=commune, source=clean_file())
    assert written_first == [["BB-01", "BB-02"]]
    check_deferred_constraints()  # what the commit does: every trigger's check, now
    assert Member.objects.filter(household__code="BB-01").count() == 2
    assert Member.history.count() == 3


def test_the_context_is_loaded_while_the_members_sheet_is_read(officer, commune, village, monkeypatch):
    """The database's part of the context is loaded once the households and reviews sheets are records,
    before the members sheet's rows are (calamine reads that sheet meanwhile); only the citizen IDs'
    owners are looked up after."""
    from households.imports import services

    seen = []
    before_members = services.load_context_before_members

    def spied(**kwargs):
        records = kwargs["records"]
        seen.append((len(records.households), len(records.reviews), len(records.members)))
        return before_members(**kwargs)

    def whole_load(**kwargs):
        raise AssertionError("The context was loaded whole, after the parse.")

    monkeypatch.setattr(services, "load_context_before_members", spied)
    monkeypatch.setattr(services, "load_context", whole_load)
    checked = import_check(user=officer, commune=commune, source=clean_file())
    assert checked.ok, checked.error_dicts()
    assert seen == [(2, 2, 0)]
    import_commit(user=officer, commune=commune, source=clean_file())
    assert seen[1:] == [(2, 2, 0)]
    assert Member.objects.count() == 3


@needs_postgresql
def test_members_written_first_are_not_looked_up_again(officer, commune, village, monkeypatch):
    """The database took the members of new households under its unique index on citizen IDs: their
    numbers are not looked up again. A member of a saved household still is, and a number given twice is
    still refused. (A number registered already stops the members written first: see above.)"""
    from households.imports import context as import_context

    looked_up = []
    owners = import_context.cccd_owners

    def spied(*, user, numbers):
        numbers = list(numbers)
        looked_up.append(sorted(numbers))
        return owners(user=user, numbers=numbers)

    monkeypatch.setattr(import_context, "cccd_owners", spied)
    import_commit(user=officer, commune=commune, source=clean_file())
    assert looked_up == [[]]
    source = make_workbook(
        households=[household("BB-01"), household("BB-03")],
        members=[
            person("BB-01", "Hoàng Văn Páo", **{"Số CCCD": "006075001234"}),
            person("BB-03", "Lò Văn Minh", **{"Số CCCD": "006075009999"}),
            person("BB-01", "Hoàng Văn Pử", "Con", **{"Số CCCD": "006075009999"}),
        ],
    )
    with pytest.raises(ImportRefused) as refused:
        import_commit(user=officer, commune=commune, source=source)
    assert looked_up[1] == ["006075001234", "006075009999"]  # BB-01's members, not new BB-03's
    assert [(e["row"], e["column"]) for e in refused.value.result.error_dicts()] == [
        (5, "Số CCCD")
    ]  # twice in the file


def test_the_switch_interval_is_put_back_after_the_last_of_imports_running_at_once(monkeypatch):
    import sys

    from households.imports.services import _writes_keep_up

    monkeypatch.setattr("common.process._dedicated", True)  # a worker's or a job's own process
    before = sys.getswitchinterval()
    with _writes_keep_up():
        assert sys.getswitchinterval() == min(before, 0.0005)
        with _writes_keep_up():
            assert sys.getswitchinterval() == min(before, 0.0005)
        assert sys.getswitchinterval() == min(before, 0.0005)
    assert sys.getswitchinterval() == before


def test_a_web_worker_keeps_its_interpreter_settings_during_an_import(officer, commune, village, monkeypatch):
    """The cycle collector and the switch interval are the whole process's: a web worker's other requests
    would share the import's settings."""
    import gc
    import sys

    from households.imports import services

    seen = []
    read = services.read_workbook

    def read_and_look(*args, **kwargs):
        seen.append((gc.isenabled(), sys.getswitchinterval()))
        return read(*args, **kwargs)

    monkeypatch.setattr(services, "read_workbook", read_and_look)
    before = (gc.isenabled(), sys.getswitchinterval())
    assert import_commit(user=officer, commune=commune, source=clean_file()).committed
    assert seen == [before]
    assert (gc.isenabled(), sys.getswitchinterval()) == before


def test_a_member_record_takes_the_member_fields_in_their_order():
    """The members sheet's values come as a tuple (no dict a row): the household code, then MEMBER_FIELDS."""
    assert [c.key for c in MEMBER_COLUMNS] == ["household", *MEMBER_FIELDS]
    values = [f"value of {name}" for name in MEMBER_FIELDS]
    record = MemberRecord(7, "BB-01", values)
    assert record.values == dict(zip(MEMBER_FIELDS, values, strict=True))
    assert (record.row, record.household_code, record.id, record.changed) == (7, "BB-01", None, True)


def test_names_with_backslashes_and_quotes_are_copied_as_written(officer, commune, village):
    """COPY's text format escapes a backslash; JSON escapes a quote: both kept, in the rows and their facts."""
    name = 'Lò "Văn" \\ Páo\\n'
    source = make_workbook(
        households=[household("BB-01")],
        members=[person("BB-01", name, **{"Có BHYT": "Không"})],  # the reason of health insurance names them
        reviews=[review("BB-01", "1.000.000")],
    )
    import_commit(user=officer, commune=commune, source=source)
    assert Member.objects.get().full_name == name
    assert Household.objects.get().head_name == name
    saved = HouseholdReview.objects.get()
    assert saved.facts["members"][0]["name"] == name
    assert any(name in line for line in saved.explanation)


@needs_postgresql
def test_households_the_import_copied_are_neither_looked_up_nor_locked_again(officer, commune, village):
    """The rows referring to households this import copied skip the check of that key (they exist, and no
    other transaction sees them); a household saved before is still looked up and locked."""

    def household_checks() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            import_commit(user=officer, commune=commune, source=clean_file())
        return [
            q["sql"]
            for q in queries.captured_queries
            if 'FROM "households_household"' in q["sql"] and "FOR KEY SHARE" in q["sql"]
        ]

    assert household_checks() == []  # new households: members and reviews refer to rows copied here
    Household.objects.filter(code="BB-02").update(address="changed")  # the next import updates it
    HouseholdReview.objects.all().delete()
    checks = household_checks()  # their reviews are new again, for households saved before
    assert len(checks) == 1
    assert HouseholdReview.objects.count() == 2


@needs_postgresql
def test_a_value_not_copied_here_is_still_checked(officer):
    columns, rows = dangling_member()
    with transaction.atomic():
        copied = copy.copy_with_history(Member, columns, rows, user_id=officer.pk, finish=False)
        copied.write_history()
        with pytest.raises(IntegrityError, match=r"Key \(household_id\)=\(1000000000\) is not present"):
            copied.check_references(written_here={"household_id": {123}})


@needs_postgresql
def test_the_checking_thread_makes_the_reviews_copy_text_and_this_thread_sends_it(
    officer, commune, village, monkeypatch
):
    """The rounds are opened and the reviews' ids reserved before the check starts, so the checking thread
    makes the COPY text with no database; the connection's thread only sends it."""
    import threading

    threads = {"prepare": set(), "write": set()}
    prepare, write = writer.ReviewWriter.prepare, writer.ReviewWriter.write

    def prepared(self, reviews):
        threads["prepare"].add(threading.current_thread().name.split("_")[0])
        return prepare(self, reviews)

    def written(self, reviews):
        assert isinstance(reviews, writer.PreparedReviews)
        assert reviews.formatted is not None
        threads["write"].add(threading.current_thread().name)
        return write(self, reviews)

    monkeypatch.setattr(writer.ReviewWriter, "prepare", prepared)
    monkeypatch.setattr(writer.ReviewWriter, "write", written)
    import_commit(user=officer, commune=commune, source=clean_file())
    assert threads == {"prepare": {"import-check"}, "write": {threading.current_thread().name}}
    assert sorted(HouseholdReview.objects.values_list("household__code", "round__year", "state")) == [
        ("BB-01", 2024, "draft"),
        ("BB-02", 2024, "draft"),
    ]
    assert ReviewRound.objects.count() == 1
    assert HouseholdReview.history.count() == 2


@needs_postgresql
def test_a_refusal_that_would_come_back_is_not_taken_for_someone_elses_change(officer, commune, village, monkeypatch):
    """Only a unique value taken or a referenced row gone reads "someone else changed…, run it again"; a
    refusal a second run would meet again is raised as it is."""
    from households.imports import services

    def not_null(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO households_ethnicity (code, name, is_minority) VALUES (NULL, 'x', false)")

    monkeypatch.setattr(services, "write_households", not_null)
    with pytest.raises(IntegrityError) as raised:
        import_commit(user=officer, commune=commune, source=clean_file())
    assert not isinstance(raised.value, services.SavedMeanwhile)
    assert raised.value.__cause__.pgcode == "23502"
    assert not Member.objects.exists()


@needs_postgresql
def test_a_review_writer_prepared_ahead_never_reaches_for_the_database(officer, commune):
    review_writer = writer.ReviewWriter(user=officer, commune=commune, households={})
    review_writer.prepare_ahead([], 1)
    assert len(review_writer._ids(1)) == 1
    with pytest.raises(RuntimeError, match="Too few review ids"):
        review_writer._ids(1)
    with pytest.raises(RuntimeError, match="round of 2024 was not opened ahead"):
        review_writer._round_id(2024)


@needs_postgresql
def test_once_a_write_failed_the_checking_thread_makes_no_more_copy_text(officer, commune, village, monkeypatch):
    import threading

    from households.imports import services

    failed = threading.Event()
    prepared = []
    check_households = checking.ChecksInStages.households_and_members

    def refused(self):
        failed.set()
        raise DatabaseError("refused")

    def after_the_failure(self):
        failed.wait(5)
        time.sleep(0.05)  # the writing thread marks the writes stopped as it catches the error
        check_households(self)

    prepare = writer.ReviewWriter.prepare

    def spied(self, reviews):
        prepared.append(len(reviews))
        return prepare(self, reviews)

    monkeypatch.setattr(services._Commit, "write_members_history", refused)
    monkeypatch.setattr(checking.ChecksInStages, "households_and_members", after_the_failure)
    monkeypatch.setattr(writer.ReviewWriter, "prepare", spied)
    with pytest.raises(DatabaseError, match="refused"):
        import_commit(user=officer, commune=commune, source=clean_file())
    assert prepared == []
    assert not Member.objects.exists()


@needs_postgresql
def test_a_write_failing_while_parts_wait_does_not_leave_the_check_waiting(officer, commune, village, monkeypatch):
    """Reviews wait to be written in a bounded queue; when a write fails, the writing thread takes what the
    check still hands over, so that neither waits for the other forever."""
    from households.imports import services

    monkeypatch.setattr(checking, "REVIEWS_PER_PART", 1)
    monkeypatch.setattr(services, "PARTS_WAITING", 1)
    codes = [f"BB-{n:02d}" for n in range(1, 7)]
    source = make_workbook(
        households=[household(code) for code in codes],
        members=[person(code, f"Chủ hộ {code}") for code in codes],
        reviews=[review(code, 2_000_000) for code in codes],
    )
    write = writer.ReviewWriter.write

    def slow_then_refused(self, reviews):
        time.sleep(0.2)  # the check fills the queue meanwhile
        write(self, reviews)
        raise DatabaseError("refused")

    monkeypatch.setattr(writer.ReviewWriter, "write", slow_then_refused)
    with pytest.raises(DatabaseError, match="refused"):
        import_commit(user=officer, commune=commune, source=source)
    assert not HouseholdReview.objects.exists()
