"""Imports of households, members and review answers from a workbook: the dry run and the commit.

``import_check`` reads and checks a file and saves nothing. ``import_commit`` checks it again inside one
transaction and writes it all, or nothing when a single row is wrong.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.access import check_can_edit_unit
from households.errors import ScopeError
from households.models import AdministrativeUnit, UnitLevel
from households.selectors import visible_unit_ids

from .context import load_context
from .reader import WorkbookError, read_workbook
from .validation import Plan, RowError, check_records, parse_records
from .writer import write_plan

if TYPE_CHECKING:
    from accounts.models import User

Source = str | Path | bytes | IO[bytes]
Progress = Callable[[float], None]


def _noop(_fraction: float) -> None:
    return None


class ImportRefused(ValidationError):
    """The file has errors; ``result`` lists them. Nothing was saved."""

    def __init__(self, result: ImportResult):
        self.result = result
        super().__init__(_("The file has %(count)s errors; nothing was saved.") % {"count": len(result.errors)})


@dataclass
class ImportResult:
    errors: list[RowError]
    summary: dict[str, Any] = field(default_factory=dict)
    rows: int = 0
    committed: bool = False
    seconds: dict[str, float] = field(default_factory=dict)

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


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """A large import holds millions of small objects (records, values) until it ends, none of them in a
    reference cycle: Python's cycle collector would walk them all again and again, a quarter of the time
    of the parse and check phases. Reference counting still frees what is dropped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plan(
    *, user: User, commune: AdministrativeUnit, source: Source, progress: Progress
) -> tuple[Plan | None, ImportResult]:
    timings: dict[str, float] = {}
    if commune.level != UnitLevel.COMMUNE:
        return None, _file_error(_("Choose a commune."))
    refusal = _scope_refusal(user, commune)
    if refusal:
        return None, _file_error(f"{commune.name}: {refusal}")
    started = time.perf_counter()
    try:
        workbook = read_workbook(source)
    except WorkbookError as error:
        return None, _file_error(str(error))
    timings["read"] = time.perf_counter() - started
    progress(0.25)
    records, errors = parse_records(workbook)
    timings["parse"] = time.perf_counter() - started - timings["read"]
    progress(0.35)
    context = load_context(user=user, commune=commune, records=records, today=timezone.localdate())
    timings["load"] = time.perf_counter() - started - sum(timings.values())
    progress(0.45)
    plan = check_records(records, context, errors)
    timings["check"] = time.perf_counter() - started - sum(timings.values())
    progress(0.6)
    result = ImportResult(errors=plan.errors, summary=plan.summary(), rows=workbook.row_count, seconds=timings)
    return plan, result


def import_check(
    *, user: User, commune: AdministrativeUnit, source: Source, progress: Progress = _noop
) -> ImportResult:
    """The dry run: every problem by sheet, row and column, and what would be created, updated, left alone."""
    with _no_cycle_collection():
        _unused, result = _plan(user=user, commune=commune, source=source, progress=progress)
    return result


@transaction.atomic
def import_commit(
    *, user: User, commune: AdministrativeUnit, source: Source, progress: Progress = _noop
) -> ImportResult:
    """Check the file again and save all of it in one transaction; raise ``ImportRefused`` on any error."""
    with _no_cycle_collection():
        plan, result = _plan(user=user, commune=commune, source=source, progress=progress)
        if plan is None or not plan.ok:
            raise ImportRefused(result)
        started = time.perf_counter()
        write_plan(user=user, commune=commune, plan=plan, progress=lambda f: progress(0.6 + 0.4 * f))
        result.seconds["write"] = time.perf_counter() - started
    result.committed = True
    return result
