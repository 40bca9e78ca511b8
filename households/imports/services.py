"""Imports of households, members and review answers from a workbook: the dry run and the commit.

``import_check`` reads and checks a file and saves nothing. ``import_commit`` checks it again inside one
transaction and writes it all, or nothing when a single row is wrong.
"""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from queue import Queue
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from psycopg2.errorcodes import FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION

from accounts.models import Role
from common.process import is_dedicated
from households.access import check_can_edit_unit
from households.errors import ScopeError
from households.models import AdministrativeUnit, Household, UnitLevel
from households.selectors import visible_unit_ids
from households.workflow import may_enter_reviews

from .checking import ChecksInStages, ImportContext, Plan
from .columns import Sheet
from .context import load_context, load_context_before_members, new_household_codes, with_citizen_ids
from .copy import CopiedRows, reserve_ids
from .parsing import parse_records
from .reader import WorkbookError, read_workbook
from .records import MemberRecord, Records, ReviewRecord, RowError
from .writer import PreparedReviews, ReviewWriter, write_households, write_members_first, write_plan

if TYPE_CHECKING:
    from accounts.models import User

Source = str | Path | bytes | IO[bytes]
PARTS_WAITING = 10  # parts of reviews checked and waiting to be written
Progress = Callable[[float], None]


def _noop(_fraction: float) -> None:
    return None


class ImportRefused(ValidationError):
    """The file has errors; ``result`` lists them. Nothing was saved."""

    def __init__(self, result: ImportResult):
        self.result = result
        super().__init__(_("The file has %(count)s errors; nothing was saved.") % {"count": len(result.errors)})


class SavedMeanwhile(Exception):
    """The file is right, yet the database refused its rows: someone else saved a household code or a
    citizen ID the import writes, or deleted a row it refers to, after the import read the database."""

    def __init__(self):
        super().__init__(
            _("Someone else changed these households while the file was being saved; nothing was saved. Run it again.")
        )


def _saved_meanwhile(error: Exception) -> bool:
    """A unique value taken or a referenced row gone, in a file the check found right: someone else changed
    the data since the import read it. (The import's own check of the foreign keys raises ``IntegrityError``
    with no cause.) Any other refusal would come back on a second run: it is raised as it is."""
    if not isinstance(error, IntegrityError):
        return False
    code = getattr(error.__cause__, "pgcode", None)
    return error.__cause__ is None or code in (UNIQUE_VIOLATION, FOREIGN_KEY_VIOLATION)


@dataclass
class ImportResult:
    errors: list[RowError]
    summary: dict[str, Any] = field(default_factory=dict)
    rows: int = 0
    committed: bool = False
    seconds: dict[str, float] = field(default_factory=dict)  # by phase, one after the other
    overlapped: dict[str, float] = field(default_factory=dict)  # seconds of work done at the same time, in a phase
    saved: dict[str, Any] = field(default_factory=dict)  # after a commit: what its page links to

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_dicts(self) -> list[dict[str, Any]]:
        return [e.as_dict() for e in self.errors]


def _file_error(message: str) -> ImportResult:
    return ImportResult(errors=[RowError("", 0, "", str(message))])


def _scope_refusal(user: User, commune: AdministrativeUnit) -> str:
    """Why the user may not import into the commune at all; rows are checked village by village later.

    An officer of a single village may import that village's households, so the commune itself need not be
    in their area: one editable village of it is enough.
    """
    try:
        check_can_edit_unit(user, commune)
    except ScopeError as error:
        ids = visible_unit_ids(user)
        if not user.can_edit or ids is None or not commune.children.filter(pk__in=ids).exists():
            return str(error)
    return ""


def _review_entry_refusal(user: User, records: Records) -> RowError | None:
    """The reviews of a file are entered by the roles that may enter reviews on the review form, and no other
    (``households.workflow.may_enter_reviews``): a chair who decides on them, or the province, may import
    households and members but not reviews."""
    if not records.reviews or may_enter_reviews(role=user.role, is_superuser=user.is_superuser):
        return None
    message = _("Your role (%(role)s) may not enter reviews: remove the rows of this sheet or ask the commune staff.")
    return RowError(Sheet.REVIEWS.value, 0, "", message % {"role": Role(user.role).label})


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """A large import holds millions of small objects (records, values) until it ends, none of them in a
    reference cycle: Python's cycle collector would walk them all again and again, a quarter of the time
    of the parse and check phases. Reference counting still frees what is dropped. The callers drop the
    records before the collector is on again: its first pass would otherwise walk every one of them
    (0.3 s for 100,000 households). Only in a process that exists for such work (``common.process``): the
    collector is the whole interpreter's."""
    if not is_dedicated():
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plan(
    *,
    user: User,
    commune: AdministrativeUnit,
    source: Source,
    progress: Progress,
    commit: _Commit | None = None,
) -> tuple[Plan | None, ImportResult]:
    """Read and check the file. With ``commit``, the database works while Python reads and checks: the
    members of new households are written as the members sheet is read (``_Commit``), and the rest while
    the households, then the reviews, are checked in another thread (``_check_while_writing``). The
    commit's transaction undoes the writes if the file has errors; the result is the same as checking
    everything first."""
    timings: dict[str, float] = {}
    overlapped: dict[str, float] = {}
    if commune.level != UnitLevel.COMMUNE:
        return None, _file_error(_("Choose a commune."))
    refusal = _scope_refusal(user, commune)
    if refusal:
        return None, _file_error(f"{commune.name}: {refusal}")
    started = time.perf_counter()
    try:
        workbook = read_workbook(source, in_parts=True)
    except WorkbookError as error:
        return None, _file_error(str(error))
    timings["read"] = time.perf_counter() - started
    progress(0.25)
    today = timezone.localdate()
    loaded: list[ImportContext] = []  # the context of the other sheets, while calamine reads the members'

    def before_members(records: Records) -> None:
        since = time.perf_counter()
        loaded.append(load_context_before_members(user=user, commune=commune, records=records, today=today))
        overlapped["load, while the members sheet is read"] = time.perf_counter() - since

    def on_members(records: Records, parts: Iterator[list[MemberRecord]]) -> None:
        commit.write_members_while_read(loaded[0], records, parts)

    records, errors = parse_records(
        workbook, before_members=before_members, on_members=on_members if commit is not None else None
    )
    timings["parse"] = time.perf_counter() - started - timings["read"]
    refusal = _review_entry_refusal(user, records)
    if refusal is not None:
        return None, ImportResult(errors=[refusal], rows=workbook.row_count)  # a commit's rollback undoes the rest
    progress(0.35)
    if loaded:
        written_first = commit.members_written if commit is not None else ()
        context = with_citizen_ids(loaded[0], user=user, records=records, written_first=written_first)
    else:
        context = load_context(user=user, commune=commune, records=records, today=today)
    timings["load"] = time.perf_counter() - started - sum(timings.values())
    progress(0.45)
    stages = ChecksInStages(records, context, errors, keep_outcomes=commit is not None)
    if commit is None or not stages.ok_so_far:
        stages.households_and_members()
        stages.reviews()
        timings["check"] = time.perf_counter() - started - sum(timings.values())
    else:
        failed = _check_while_writing(stages, commit, overlapped, records, context)
        timings["check ‖ write"] = time.perf_counter() - started - sum(timings.values())
        if failed is not None and stages.ok_so_far:
            # The file is right: the write failed as it would have after the check.
            if _saved_meanwhile(failed):
                raise SavedMeanwhile() from failed
            raise failed
    progress(0.6)
    plan = stages.plan()
    result = ImportResult(
        errors=plan.errors, summary=plan.summary(), rows=workbook.row_count, seconds=timings, overlapped=overlapped
    )
    return plan, result


class _Commit:
    """The writes of a commit: the members of new households as the file is read, then the households and
    the other members, then the reviews a part at a time."""

    def __init__(self, *, user: User, commune: AdministrativeUnit, progress: Progress):
        self.user, self.commune, self.progress = user, commune, progress
        self.reviews: ReviewWriter | None = None  # once the households are written, or made ahead
        self.done = False  # everything written
        self.households_written = False
        self.reserved: dict[str, int] = {}  # ids reserved for new households, by code
        self.members_written: frozenset[str] = frozenset()  # the codes of those whose members are written
        self.members: CopiedRows | None = None  # those members, until their history and checks are done

    def write_members_while_read(
        self, context: ImportContext, records: Records, parts: Iterator[list[MemberRecord]]
    ) -> None:
        """On PostgreSQL, copy the members of the households the database does not hold as the members
        sheet is read, in a savepoint: the database works while Python reads. A member it refuses (a
        citizen ID registered already or twice in the file, an unknown ethnicity, a required value left
        empty) undoes them all: they are then written after the check, with their households, as without
        this step, and the check reports the row. An error in reading the sheet itself is raised: psycopg2
        reports any error of the COPY's source as the database's, and the rows after it would be lost."""
        if connection.vendor != "postgresql":
            return
        reading_failed: list[BaseException] = []

        def watched() -> Iterator[list[MemberRecord]]:
            try:
                yield from parts
            except GeneratorExit:  # the COPY stopped reading: the database's refusal
                raise
            except BaseException as error:
                reading_failed.append(error)
                raise

        try:
            with transaction.atomic():
                self.reserved, self.members = write_members_first(
                    user=self.user, context=context, records=records, members=watched()
                )
            self.members_written = frozenset(self.reserved)
        except DatabaseError:
            if reading_failed:
                raise reading_failed[0] from None
            self.reserved, self.members = {}, None

    def write_members_history(self) -> None:
        if self.members is not None:
            self.members.write_history()

    def prepare_reviews(self, stages: ChecksInStages, records: Records, context: ImportContext) -> None:
        """On PostgreSQL, before the check starts: ids for the new households whose members were not written
        first, the rounds the reviews open, ids for the reviews. The thread that checks the reviews then makes
        their COPY text itself (``ReviewWriter.prepare``), with no database."""
        if connection.vendor != "postgresql":
            return
        codes = [code for code in new_household_codes(context, records) if code not in self.reserved]
        self.reserved = {**self.reserved, **dict(zip(codes, reserve_ids(Household, len(codes)), strict=True))}
        writer = ReviewWriter(
            user=self.user, commune=self.commune, households=stages.by_code, household_ids=self.reserved
        )
        to_open = {r.year for r in records.reviews if getattr(context.rounds.get(r.year), "id", 0) is None}
        writer.prepare_ahead(sorted(to_open), len(records.reviews))
        self.reviews = writer

    def write_households(self, stages: ChecksInStages) -> None:
        copied = write_households(
            user=self.user,
            commune=self.commune,
            households=stages.households,
            member_deletions=stages.deletions,
            progress=lambda f: self.progress(0.45 + 0.2 * f),
            reserved=self.reserved,
            members_written=self.members_written,
        )
        if self.members is not None:  # the members' households are there now
            self.members.check_references(written_here={"household_id": copied})
        if self.reviews is None:
            self.reviews = ReviewWriter(user=self.user, commune=self.commune, households=stages.by_code)
        self.reviews.copied_households = copied
        self.households_written = True

    def prepared(self, reviews: list[ReviewRecord]) -> list[ReviewRecord] | PreparedReviews:
        """The reviews ready to write, made in the checking thread when ``prepare_reviews`` made a writer."""
        return reviews if self.reviews is None else self.reviews.prepare(reviews)

    def write_reviews(self, reviews: list[ReviewRecord] | PreparedReviews) -> None:
        if not self.households_written:
            raise RuntimeError("The households are written first.")
        self.reviews.write(reviews)


_switching = threading.Lock()
_switch_users = [0, 0.0]  # imports inside ``_writes_keep_up``, and the interval to put back after the last


@contextmanager
def _writes_keep_up() -> Iterator[None]:
    """A shorter switch interval while the check and the writes run together. The writing thread lets the
    GIL go while PostgreSQL reads what it sent, and then waits for it again up to the interpreter's switch
    interval (5 ms) while the check holds it: PostgreSQL sat half idle during the reviews' check, and 2 to
    3.5 s of writes were left when it ended. With 0.5 ms the writes keep up (1.1 s left). The interval is
    the process's: the last of several imports running at once puts it back, and it is changed only in a
    process that exists for such work (``common.process``), never in a web worker's other requests."""
    if not is_dedicated():
        yield
        return
    with _switching:
        if not _switch_users[0]:
            _switch_users[1] = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_users[1], 0.0005))
        _switch_users[0] += 1
    try:
        yield
    finally:
        with _switching:
            _switch_users[0] -= 1
            if not _switch_users[0]:
                sys.setswitchinterval(_switch_users[1])


def _check_while_writing(
    stages: ChecksInStages, commit: _Commit, seconds: dict[str, float], records: Records, context: ImportContext
) -> Exception | None:
    """The checks in a thread (pure Python: they never touch the database, and read nothing the writes
    change) while this thread writes, on its own connection: the history of the members written as the
    file was read while the households are checked; once they are, the households and the other members;
    then the reviews as they come. On PostgreSQL the checking thread also makes the reviews' COPY text
    (``_Commit.prepare_reviews`` opened their rounds and reserved their ids first): this thread then only
    sends it, and the database does not wait for Python while it writes them. Once an error is found,
    nothing more is written (the transaction will be undone). Returns the exception of a write (the
    database's refusal, a round that cannot be opened), if any, for the caller to raise only when the file
    itself has no error: a file with errors is refused for them, as when the writes waited for the check.
    ``seconds`` gets the time each took."""
    language = translation.get_language()
    # At most PARTS_WAITING parts wait to be written (9 MB of COPY text each): the check runs ahead while
    # the households are written, but when the writes fall further behind it waits rather than hold every
    # review's text (the peak memory went over 1 GiB so).
    parts: Queue[list[ReviewRecord] | PreparedReviews | None] = Queue(maxsize=PARTS_WAITING)
    households_checked = threading.Event()
    started = time.perf_counter()

    def timed(name: str, since: float) -> float:
        now = time.perf_counter()
        seconds[name] = now - since
        return now

    checked: list[str] = []  # what the thread checked to the end
    failed = None
    try:
        commit.prepare_reviews(stages, records, context)
    except Exception as error:  # raised by the caller unless the file has errors; nothing more is written
        failed = error
    ahead_failed = failed is not None
    writing_stopped = threading.Event()  # set by this thread when a write failed

    def write_part(part: list[ReviewRecord]) -> None:
        if stages.ok_so_far and not writing_stopped.is_set():  # else the part would never be written
            parts.put(commit.prepared(part))  # the COPY text made here, on this thread (PostgreSQL)

    def check() -> None:
        mark = started
        try:
            with translation.override(language):  # the messages, in the user's language as on this thread
                stages.households_and_members()
                mark = timed("check households", mark)
                checked.append("households")
                households_checked.set()
                stages.reviews(on_part=write_part if stages.ok_so_far and not ahead_failed else None)
                timed("check reviews", mark)
        finally:
            households_checked.set()
            parts.put(None)

    with _writes_keep_up(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-check") as pool:
        checking = pool.submit(check)
        ended = False  # the checking thread's last part taken
        try:
            if ahead_failed:
                raise failed
            commit.write_members_history()
            mark = timed("write new members' history", started)
            households_checked.wait()
            mark = timed("wait for the households' check", mark)
            if checked and stages.ok_so_far:
                commit.write_households(stages)
                mark = timed("write households", mark)
                while (part := parts.get()) is not None:
                    if stages.ok_so_far:
                        commit.write_reviews(part)
                ended = True
                timed("write reviews", mark)
            commit.done = stages.ok_so_far
        except Exception as error:  # raised by the caller unless the file has errors
            failed = error
            writing_stopped.set()
        while not ended:  # the checking thread may be waiting to hand over a part: take them, to its last
            ended = parts.get() is None
        checking.result()
    return failed


CREATED_LISTED = 20  # new households the page of a saved import links to


def _what_was_saved(plan: Plan, opened: dict[int, int]) -> dict[str, Any]:
    """For the page of a saved import: the first new households (id, code, head) and the round of each year
    its reviews went into (opened by it or not)."""
    # A new household's record has no version of its own until written (an existing one's is at least 1).
    created = [[r.id, r.code, r.values.get("head_name", "")] for r in plan.households if not r.version]
    rounds = {**{r.year: r.round_id for r in plan.reviews if r.round_id}, **opened}
    return {
        "created_households": created[:CREATED_LISTED],
        "rounds": [[year, rounds[year]] for year in sorted(rounds)],
    }


def import_check(
    *, user: User, commune: AdministrativeUnit, source: Source, progress: Progress = _noop
) -> ImportResult:
    """The dry run: every problem by sheet, row and column, and what would be created, updated, left alone."""
    with _no_cycle_collection():
        plan, result = _plan(user=user, commune=commune, source=source, progress=progress)
        del plan  # see _no_cycle_collection
    return result


@transaction.atomic
def import_commit(
    *, user: User, commune: AdministrativeUnit, source: Source, progress: Progress = _noop
) -> ImportResult:
    """Check the file again and save all of it in one transaction; raise ``ImportRefused`` on any error."""
    with _no_cycle_collection():
        commit = _Commit(user=user, commune=commune, progress=progress)
        plan, result = _plan(user=user, commune=commune, source=source, progress=progress, commit=commit)
        if plan is None or not plan.ok:
            raise ImportRefused(result)  # the transaction's rollback undoes what was written
        if commit.done:  # a plan without errors is written while it is checked
            opened = commit.reviews.opened if commit.reviews is not None else {}
        else:  # in case it was not:
            if commit.members is not None:
                raise RuntimeError("Members were written ahead of a plan that was not written.")
            started = time.perf_counter()
            opened = write_plan(user=user, commune=commune, plan=plan, progress=lambda f: progress(0.6 + 0.4 * f))
            result.seconds["write"] = time.perf_counter() - started
        result.saved = _what_was_saved(plan, opened)
        del plan, commit  # see _no_cycle_collection
        progress(1.0)
    result.committed = True
    return result
