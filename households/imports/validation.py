"""Checking an import: parsed rows and what the database already holds in, every problem and a plan out.

Pure: ``parse_records`` turns cells into typed records (cell errors by sheet, row and column);
``check_records`` compares them with an ``ImportContext`` (plain data loaded by ``households.imports.context``)
and returns a ``Plan``: what would be created, updated and left unchanged, classified by the one rule of
``programmes`` (``decide_indicators`` and ``classify``), or the list of errors. Nothing is written here.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from operator import attrgetter, itemgetter
from typing import Any

import orjson
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from households.registry_rules import MemberSketch, birth_date_errors, cccd_errors, household_groups
from households.review_facts import FACT_LABELS, household_facts
from households.search_words import search_text
from households.transitions import transition_in_year
from standards.classification import Area, Classification, ClassificationError, StandardRules, classify
from standards.indicators import MissingFactsError, decide_indicators, deprived_codes

from .columns import (
    HOUSEHOLD_COLUMNS,
    MEMBER_COLUMNS,
    REVIEW_COLUMNS,
    REVIEW_FACT_KEYS,
    SHEET_LABELS,
    SHEETS,
    Column,
    Kind,
    Sheet,
    choice_lookup,
    normalize,
    vietnamese_label,
)
from .reader import (
    CellError,
    ParsedWorkbook,
    SheetRows,
    parse_boolean,
    parse_choice,
    parse_choices,
    parse_date,
    parse_decimal,
    parse_id_number,
    parse_integer,
    parse_text,
    within,
)

logger = logging.getLogger(__name__)
MEMBER_FIELDS = tuple(c.key for c in MEMBER_COLUMNS if c.key != "household")
# What a household's blank cell (or one that cannot be read) stands for.
HOUSEHOLD_DEFAULTS: dict[str, Any] = {
    "code": "",
    "village": "",
    "address": "",
    "phone": "",
    "has_meritorious_person": False,
}
# Defaults of the member model for a blank cell (``households.models.Member``).
MEMBER_DEFAULTS: dict[str, Any] = {
    "national_id": "",
    "ethnicity": None,
    # A blank cell is "not recorded", never "no" (an unknown fact is not a deprivation).
    "in_school": None,
    "at_age_appropriate_level": None,
    "education": "",
    "has_health_insurance": None,
    "employment": "",
    "has_labour_capacity": True,
    "disability": "none",
    "receives_social_allowance": False,
    "sick_untreated": False,
    "malnourished": False,
}
HOUSEHOLD_FIELDS = ("village_id", "address", "phone", "head_ethnicity_id", "has_meritorious_person")
GROUP_FIELDS = ("head_name", "is_ethnic_minority", "has_no_labour", "is_female_headed", "receives_social_allowance")
# What the import derives from the members and writes: the groups, compared to tell a change, and the search
# text (households.search_words), which follows the names and is written, never compared.
DERIVED_FIELDS = (*GROUP_FIELDS, "search_text")
# Member facts an indicator may miss, and the member column that holds each.
MEMBER_FACT_COLUMNS = {
    "health_insurance": "has_health_insurance",
    "education": "education",
    "employment": "employment",
    "at_age_appropriate_level": "at_age_appropriate_level",
    "in_school": "in_school",
    "sex": "sex",
}
# The states in which staff may change a review (``households.workflow``: draft, returned, being checked again).
EDITABLE_REVIEW_STATES = frozenset({"draft", "returned", "rechecking"})
_existing_member_values = itemgetter(*MEMBER_FIELDS)  # of ``ExistingMember.values``, as a tuple


@dataclass(frozen=True)
class RowError:
    sheet: str  # a ``Sheet`` value; "" for the whole file
    row: int  # the Excel row number; 0 for the whole sheet or file
    column: str  # the column's header in the user's language; "" for the whole row
    message: str

    def as_dict(self) -> dict[str, Any]:
        label = str(SHEET_LABELS[Sheet(self.sheet)]) if self.sheet else ""
        return {"sheet": label, "row": self.row, "column": self.column, "message": self.message}


# Plain data about what the database holds, loaded before the check (``households.imports.context``).


@dataclass(frozen=True)
class VillageInfo:
    id: int
    name: str
    is_urban: bool
    editable: bool


@dataclass(frozen=True)
class ExistingMember:
    id: int
    values: Mapping[str, Any]  # MEMBER_FIELDS, ethnicity as its id


@dataclass(frozen=True)
class ExistingHousehold:
    id: int
    commune_id: int
    editable: bool  # in the user's area
    values: Mapping[str, Any]  # HOUSEHOLD_FIELDS and GROUP_FIELDS
    members: tuple[ExistingMember, ...]
    version: int


@dataclass(frozen=True)
class ExistingReview:
    id: int
    state: str
    state_label: str
    income_per_capita: int
    facts: Mapping[str, Any]
    causes: tuple[str, ...]
    version: int


@dataclass(frozen=True)
class RoundInfo:
    id: int | None  # None: the round is opened by the import
    year: int
    rules: StandardRules
    rules_year: int  # the year whose income line applies (``standards.selectors.rules_year``)
    # The day the members' ages are taken on (``ReviewRound.reference_date``; the import's rounds are annual).
    reference_date: datetime.date


@dataclass
class ImportContext:
    commune_id: int
    commune_name: str
    today: datetime.date  # the registry's groups are today's; a review's ages are on its round's reference date
    villages: Mapping[str, VillageInfo]  # by normalised name
    ethnicities: Mapping[str, tuple[int, bool]]  # normalised name or code → (id, is minority)
    households: Mapping[str, ExistingHousehold]  # by code
    cccd_owners: Mapping[str, tuple[str, str]]  # number → (household code, message for the user)
    rounds: Mapping[int, RoundInfo | str]  # year → the round, or why there is none
    reviews: Mapping[tuple[str, int], ExistingReview]  # (household code, year)
    # household id → approved (round year, standard code, status) triples, oldest first
    approved_history: Mapping[int, list[tuple[int, str, str]]]
    # The commune is rural mountainous or island (Decision 1143/2000/QĐ-LĐTBXH: the 2001-2005 line).
    mountain_island: bool = False


def ethnicity_id(ethnicities: Mapping[str, tuple[int, bool]], name: str | None) -> int | None:
    """The id of the ethnicity written ``name`` (its name or code) in ``ethnicities`` (as
    ``ImportContext.ethnicities``), ``None`` for a blank cell; ``LookupError`` for a name not known."""
    if not name:
        return None
    found = ethnicities.get(normalize(name))
    if found is None:
        raise LookupError(name)
    return found[0]


# Typed records parsed from the rows.


class MemberRecord:
    """A row of the members sheet, its fields (``MEMBER_FIELDS``) as attributes: ``ethnicity`` is the name
    written until the check puts its id there. A slotted object, not a dict of values: there are hundreds of
    thousands in a large import, and a dict of 16 values takes three times the memory. The attributes are
    those of ``households.models.Member`` that ``households.review_facts.member_facts`` reads."""

    __slots__ = ("changed", "household_code", "id", "row", *MEMBER_FIELDS)

    def __init__(self, row: int, household_code: str, values: Sequence[Any]):
        """``values``: the ``MEMBER_FIELDS`` in their order."""
        self.row = row
        self.household_code = household_code
        self.id: int | None = None
        self.changed = True
        (
            self.full_name,
            self.sex,
            self.date_of_birth,
            self.relation,
            self.national_id,
            self.ethnicity,
            self.in_school,
            self.at_age_appropriate_level,
            self.education,
            self.has_health_insurance,
            self.employment,
            self.has_labour_capacity,
            self.disability,
            self.receives_social_allowance,
            self.sick_untreated,
            self.malnourished,
        ) = values

    @property
    def values(self) -> dict[str, Any]:
        """The fields as a new dict (a copy: change the attributes to change the record)."""
        return dict(zip(MEMBER_FIELDS, member_field_values(self), strict=True))


member_field_values = attrgetter(*MEMBER_FIELDS)  # a member record's MEMBER_FIELDS, as a tuple


@dataclass(slots=True)  # hundreds of thousands in a large import
class HouseholdRecord:
    row: int
    code: str
    village_name: str
    values: dict[str, Any]  # HOUSEHOLD_FIELDS but village and ethnicity still as text
    members: list[MemberRecord] = field(default_factory=list)
    id: int | None = None
    changed: bool = True
    is_urban: bool = False
    version: int = 0


@dataclass(slots=True)  # hundreds of thousands in a large import
class ReviewRecord:
    row: int
    household_code: str
    year: int
    income_per_capita: int
    facts: dict[str, Any]
    causes: list[str]
    id: int | None = None
    changed: bool = True
    round_id: int | None = None
    version: int = 0
    result: dict[str, Any] = field(default_factory=dict)


@dataclass
class Records:
    households: list[HouseholdRecord]
    members: list[MemberRecord]
    reviews: list[ReviewRecord]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "deleted": self.deleted}


@dataclass
class Plan:
    households: list[HouseholdRecord]
    reviews: list[ReviewRecord]
    member_deletions: list[int]
    rounds_to_open: list[int]
    errors: list[RowError]
    counts: dict[str, Counts]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> dict[str, Any]:
        return {
            **{name: c.as_dict() for name, c in self.counts.items()},
            "rounds_to_open": list(self.rounds_to_open),
        }


def _allowed(column: Column) -> str:
    return ", ".join(vietnamese_label(column.choices, v) for v in column.choices.values)


_PARSERS = {
    Kind.TEXT: parse_text,
    Kind.ID_NUMBER: parse_id_number,
    Kind.DATE: parse_date,
    Kind.INTEGER: parse_integer,
    Kind.DECIMAL: parse_decimal,
    Kind.BOOLEAN: parse_boolean,
}
# Kinds whose cells repeat a few values over and over: each distinct cell is read once per file.
_MEMO_KINDS = frozenset({Kind.BOOLEAN, Kind.CHOICE, Kind.CHOICES, Kind.DATE})


class _Parser:
    def __init__(self):
        self.errors: list[RowError] = []
        # Household codes repeat on every member's and review's row: one string for each code.
        self.codes: dict[str, str] = {}

    def error(self, sheet: Sheet, row: int, column: Column | None, message: str) -> None:
        self.errors.append(RowError(sheet.value, row, column.label if column else "", str(message)))

    def converters(self, columns: tuple[Column, ...], rows: SheetRows) -> list[tuple[Column, int | None, Any, dict]]:
        """For each column: its position in the sheet, the function reading a cell, and a memo of read cells."""
        found = []
        for column in columns:
            if column.kind in (Kind.CHOICE, Kind.CHOICES):
                lookup, allowed = choice_lookup(column.choices), _allowed(column)
                read = parse_choice if column.kind == Kind.CHOICE else parse_choices

                def convert(raw, read=read, lookup=lookup, allowed=allowed):
                    return read(raw, lookup, allowed)

            else:
                convert = _PARSERS[column.kind]
            if column.bounds is not None:

                def convert(raw, parse=convert, bounds=column.bounds):
                    return within(parse(raw), bounds)

            found.append((column, rows.columns.get(column.key), convert, {}))
        return found

    def read(
        self,
        sheet: Sheet,
        columns: tuple[Column, ...],
        sheet_rows: SheetRows,
        defaults: Mapping[str, Any] | None = None,
    ) -> Iterator[tuple[int, dict]]:
        """``(Excel row number, values by column key)`` of each data row of the sheet; a cell without a value
        (blank, or that cannot be read) takes its column's value in ``defaults``, else ``None``."""
        keys = [column.key for column in columns]
        for number, values in self.read_values(sheet, columns, sheet_rows, defaults):
            yield number, dict(zip(keys, values, strict=True))

    def read_values(
        self,
        sheet: Sheet,
        columns: tuple[Column, ...],
        sheet_rows: SheetRows,
        defaults: Mapping[str, Any] | None = None,
    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """As ``read``, the values in the order of ``columns``: no dict a row (the members sheet's
        records take them as they are)."""
        converters = self.converters(columns, sheet_rows)
        defaults = [(defaults or {}).get(column.key) for column in columns]
        rows = sheet_rows.iter_rows()
        while batch := list(islice(rows, ROWS_PER_BATCH)):
            yield from zip(
                (number for number, _cells in batch), self.rows(sheet, converters, defaults, batch), strict=True
            )

    def rows(
        self, sheet: Sheet, converters, defaults: list[Any], batch: list[tuple[int, list[Any]]]
    ) -> list[tuple[Any, ...]]:
        """The values of a batch of rows, read a column at a time (the same values and errors, in the same
        order, as cell by cell: a blank cell is the default, an error for a required column, a cell that
        cannot be read is the default and its error). A column whose cells repeat (codes, choices, dates,
        villages) is read once per distinct cell, through ``memo``."""
        widths = set(map(len, (cells for _number, cells in batch)))
        # Calamine gives rows of the sheet's width: the batch is turned into columns in one step.
        grid = list(zip(*(cells for _number, cells in batch), strict=True)) if len(widths) == 1 else None
        width = min(widths)
        columns: list[list[Any]] = []
        found: list[tuple[int, int, Column, str]] = []  # (row in batch, column position, column, message)
        for position, (column, index, convert, memo) in enumerate(converters):
            if index is None:
                cells = [None] * len(batch)
            elif grid is not None and index < width:
                cells = grid[index]
            else:
                cells = [row[index] if index < len(row) else None for _number, row in batch]
            distinct = set(cells)
            if column.kind not in _MEMO_KINDS and (
                len(distinct) * 2 > len(cells) or bool in set(map(type, cells))  # not ``distinct``: True is 1 there
            ):
                # Mostly different cells (names, numbers), or True among 1s (equal as keys, read differently):
                # cell by cell.
                values = [_read_cell(raw, convert) for raw in cells]
                problems = any(value.__class__ is _Problem for value in values)
            else:
                for raw in distinct:
                    if raw not in memo:
                        memo[raw] = _read_cell(raw, convert)
                values = list(map(memo.__getitem__, cells))
                problems = any(memo[raw].__class__ is _Problem for raw in distinct)
            if problems:
                default = defaults[position]
                for i, value in enumerate(values):
                    if value.__class__ is _Problem:
                        values[i] = default
                        if value is _BLANK:
                            if column.required:
                                found.append((i, position, column, _("This column is required.")))
                        else:
                            found.append((i, position, column, str(value.error)))
            columns.append(values)
        for i, _position, column, message in sorted(found, key=lambda f: (f[0], f[1])):
            self.error(sheet, batch[i][0], column, message)
        return list(zip(*columns, strict=True))


class _Problem:
    """A cell that gives no value: blank, or that cannot be read (``error``)."""

    __slots__ = ("error",)

    def __init__(self, error: CellError | None = None):
        self.error = error


_BLANK = _Problem()
ROWS_PER_BATCH = 2000
REVIEWS_PER_PART = 5000  # the last part is written after the check ends: the smaller, the sooner it ends


def _read_cell(raw: Any, convert: Callable[[Any], Any]) -> Any:
    if raw is None or raw == "" or (raw.__class__ is str and not raw.strip()):
        return _BLANK
    try:
        return convert(raw)
    except CellError as error:
        return _Problem(error)


MembersRead = Callable[[Records, Iterator[list[MemberRecord]]], None]


def parse_records(
    workbook: ParsedWorkbook,
    on_members: MembersRead | None = None,
    before_members: Callable[[Records], None] | None = None,
) -> tuple[Records, list[RowError]]:
    """Typed records from the cells; a cell that cannot be read is an error and its row is still kept.

    A missing sheet or column is reported alone (with the others of the file), before any cell. Each sheet is
    let go once its rows are records; the members sheet is read (``SheetRows.load``) in a thread meanwhile.
    It is read last: ``before_members`` is given the records of the other two while calamine still reads
    it (the import loads its context from the database then). When those two have no error,
    ``on_members`` is given the records read so far and the member records a part at a time as they are
    read (the commit writes some meanwhile); what it leaves unread is read after it."""
    parser = _Parser()
    for sheet, rows in workbook.sheets.items():
        if not rows.found and sheet != Sheet.REVIEWS:
            parser.error(sheet, 0, None, _("The sheet “%(sheet)s” is missing.") % {"sheet": SHEETS[sheet][0]})
    header_errors = parser.errors
    parser.errors = []
    records = Records([], [], [])
    read = {Sheet.HOUSEHOLDS: _households, Sheet.REVIEWS: _reviews, Sheet.MEMBERS: _members}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-read") as pool:
        # The members sheet (four rows a household) is read in a thread while the others become records.
        members_read = workbook.load_in_thread(Sheet.MEMBERS, pool)
        for sheet, reader in read.items():
            rows = workbook.sheets[sheet]
            if not rows.found:
                continue
            if sheet == Sheet.MEMBERS and before_members is not None and not header_errors:
                before_members(records)
            if sheet == Sheet.MEMBERS and members_read is not None:
                members_read.result()
            else:
                rows.load()
            for column in rows.missing:
                header_errors.append(RowError(sheet.value, 1, column.label, str(_("The column is missing."))))
            if header_errors:
                rows.release()  # its headers were all that was needed
            elif sheet == Sheet.MEMBERS and on_members is not None and not parser.errors:
                parts = _member_parts(parser, rows, records)
                on_members(records, parts)
                for _rest in parts:
                    pass
            else:
                reader(parser, rows, records)
    if header_errors:
        return Records([], [], []), header_errors
    return records, parser.errors


def _households(parser: _Parser, sheet_rows: SheetRows, records: Records) -> None:
    households = records.households
    for number, values in parser.read(Sheet.HOUSEHOLDS, HOUSEHOLD_COLUMNS, sheet_rows, HOUSEHOLD_DEFAULTS):
        code = values.pop("code")
        code = parser.codes.setdefault(code, code)
        village = values.pop("village")
        households.append(HouseholdRecord(number, code, village, values))


def _members(parser: _Parser, sheet_rows: SheetRows, records: Records) -> None:
    for _part in _member_parts(parser, sheet_rows, records):
        pass


def _member_parts(parser: _Parser, sheet_rows: SheetRows, records: Records) -> Iterator[list[MemberRecord]]:
    """The members sheet's records, added to ``records`` and given a part at a time as they are read."""
    members = records.members
    defaults = {**MEMBER_DEFAULTS, "household": "", "full_name": ""}
    codes = parser.codes
    part: list[MemberRecord] = []
    for number, (code, *values) in parser.read_values(Sheet.MEMBERS, MEMBER_COLUMNS, sheet_rows, defaults):
        part.append(MemberRecord(number, codes.setdefault(code, code), values))
        if len(part) == ROWS_PER_BATCH:
            members.extend(part)
            yield part
            part = []
    members.extend(part)
    if part:
        yield part


def _reviews(parser: _Parser, sheet_rows: SheetRows, records: Records) -> None:
    reviews = records.reviews
    for number, values in parser.read(Sheet.REVIEWS, REVIEW_COLUMNS, sheet_rows):
        facts = {key: values[key] for key in REVIEW_FACT_KEYS if values[key] is not None}
        code = values["household"] or ""
        reviews.append(
            ReviewRecord(
                number,
                parser.codes.setdefault(code, code),
                values["year"] or 0,
                values["income_per_capita"] if values["income_per_capita"] is not None else -1,
                facts,
                values["causes"] or [],
            )
        )


def _column(columns: tuple[Column, ...], key: str) -> Column:
    return next(c for c in columns if c.key == key)


def _col_label(columns: tuple[Column, ...], key: str) -> str:
    return _column(columns, key).label


class _Checker:
    def __init__(self, records: Records, context: ImportContext, errors: list[RowError]):
        self.records = records
        self.context = context
        self.errors = errors
        self.minority = dict(context.ethnicities.values())
        self.classified: dict[tuple[Any, ...], Classification] = {}
        self.language: str | None = None  # of the messages and explanations, read once by ``reviews``
        self.unreadable: set[tuple[str, int, str]] | None = None  # cells reported as unreadable, by ``missing``
        self.foreign_codes: set[str] = set()  # codes of households of another commune or outside the user's area

    def error(self, sheet: Sheet, row: int, columns: tuple[Column, ...] | None, key: str, message: str) -> None:
        label = _col_label(columns, key) if columns and key else ""
        self.errors.append(RowError(sheet.value, row, label, str(message)))

    def households(self) -> dict[str, HouseholdRecord]:
        ctx = self.context
        by_code: dict[str, HouseholdRecord] = {}
        for record in self.records.households:
            if record.code:
                first = by_code.get(record.code)
                if first is not None:
                    self.error(
                        Sheet.HOUSEHOLDS,
                        record.row,
                        HOUSEHOLD_COLUMNS,
                        "code",
                        _("Household code %(code)s is also on row %(row)s.") % {"code": record.code, "row": first.row},
                    )
                    continue
                by_code[record.code] = record
            if record.village_name:
                village = ctx.villages.get(normalize(record.village_name))
                if village is None:
                    self.error(
                        Sheet.HOUSEHOLDS,
                        record.row,
                        HOUSEHOLD_COLUMNS,
                        "village",
                        _("There is no village “%(village)s” in %(commune)s.")
                        % {"village": record.village_name, "commune": ctx.commune_name},
                    )
                elif not village.editable:
                    self.error(
                        Sheet.HOUSEHOLDS,
                        record.row,
                        HOUSEHOLD_COLUMNS,
                        "village",
                        _("Village %(village)s is outside your area.") % {"village": village.name},
                    )
                else:
                    record.values["village_id"] = village.id
                    record.is_urban = village.is_urban
            ethnicity = record.values.pop("head_ethnicity", None)
            record.values["head_ethnicity_id"] = self.ethnicity(
                Sheet.HOUSEHOLDS, record.row, ethnicity, "head_ethnicity"
            )
            existing = ctx.households.get(record.code)
            if existing is not None:
                if existing.commune_id != ctx.commune_id or not existing.editable:
                    self.error(
                        Sheet.HOUSEHOLDS,
                        record.row,
                        HOUSEHOLD_COLUMNS,
                        "code",
                        _("Household code %(code)s belongs to a household of another commune or outside your area.")
                        % {"code": record.code},
                    )
                    # Nothing of it is matched or counted: the dry run tells nothing of another area's household.
                    self.foreign_codes.add(record.code)
                    continue
                record.id = existing.id
                record.version = existing.version
        return by_code

    def existing(self, code: str) -> ExistingHousehold | None:
        """The household the database holds under ``code``, if the import may touch it."""
        return None if code in self.foreign_codes else self.context.households.get(code)

    def ethnicity(self, sheet: Sheet, row: int, name: str | None, key: str) -> int | None:
        try:
            return ethnicity_id(self.context.ethnicities, name)
        except LookupError:
            columns = HOUSEHOLD_COLUMNS if sheet == Sheet.HOUSEHOLDS else MEMBER_COLUMNS
            self.error(sheet, row, columns, key, _("Unknown ethnicity “%(name)s”.") % {"name": name})
            return None

    def members(self, by_code: dict[str, HouseholdRecord]) -> None:
        seen_numbers: dict[str, MemberRecord] = {}
        for member in self.records.members:
            household = by_code.get(member.household_code)
            if member.household_code and household is None:
                self.error(
                    Sheet.MEMBERS,
                    member.row,
                    MEMBER_COLUMNS,
                    "household",
                    _("Household code %(code)s is not on the households sheet.") % {"code": member.household_code},
                )
            elif household is not None:
                household.members.append(member)
            member.ethnicity = self.ethnicity(Sheet.MEMBERS, member.row, member.ethnicity, "ethnicity")
            if member.date_of_birth is not None:
                for problem in birth_date_errors(member.date_of_birth, today=self.context.today):
                    self.error(Sheet.MEMBERS, member.row, MEMBER_COLUMNS, "date_of_birth", problem)
            number = member.national_id
            if not number:
                continue
            problems = cccd_errors(number, sex=member.sex, date_of_birth=member.date_of_birth)
            for problem in problems:
                self.error(Sheet.MEMBERS, member.row, MEMBER_COLUMNS, "national_id", problem)
            first = seen_numbers.get(number)
            if first is not None:
                self.error(
                    Sheet.MEMBERS,
                    member.row,
                    MEMBER_COLUMNS,
                    "national_id",
                    _("Citizen ID %(number)s is also on row %(row)s.") % {"number": number, "row": first.row},
                )
            else:
                seen_numbers[number] = member
            owner = self.context.cccd_owners.get(number)
            # An ID of the household being imported is its own, unless that household is another area's: then
            # saying nothing would tell which household holds the ID.
            if owner is not None and (owner[0] != member.household_code or owner[0] in self.foreign_codes):
                self.error(Sheet.MEMBERS, member.row, MEMBER_COLUMNS, "national_id", owner[1])

    def household_members(self, by_code: dict[str, HouseholdRecord], deletions: list[int], counts) -> None:
        today = self.context.today
        for household in by_code.values():
            heads = sum(1 for m in household.members if m.relation == "head")
            if heads != 1:
                self.error(
                    Sheet.HOUSEHOLDS,
                    household.row,
                    HOUSEHOLD_COLUMNS,
                    "code",
                    _("A household has exactly one head; this one has %(count)s.") % {"count": heads},
                )
            sketches = [
                MemberSketch(
                    m.relation or "",
                    m.sex or "",
                    m.date_of_birth or today,
                    m.has_labour_capacity,
                    m.receives_social_allowance,
                )
                for m in household.members
            ]
            groups = household_groups(sketches, on=today)
            values = household.values
            index = groups.head_name_index
            values["head_name"] = household.members[index].full_name if index is not None else ""
            values["has_no_labour"] = groups.has_no_labour
            values["is_female_headed"] = groups.is_female_headed
            values["receives_social_allowance"] = groups.receives_social_allowance
            values["search_text"] = search_text(
                household.code,
                values["head_name"],
                [(m.full_name or "", m.national_id or "") for m in household.members],
            )
            head_ethnicity = values.get("head_ethnicity_id")
            values["is_ethnic_minority"] = bool(head_ethnicity and self.minority.get(head_ethnicity))
            existing = self.existing(household.code)
            if existing is None:
                counts["households"].created += 1
                counts["members"].created += len(household.members)
                continue
            household.changed = any(existing.values.get(k) != values.get(k) for k in (*HOUSEHOLD_FIELDS, *GROUP_FIELDS))
            by_number = {m.values["national_id"]: m for m in existing.members if m.values["national_id"]}
            by_person = {
                (normalize(m.values["full_name"]), m.values["date_of_birth"]): m
                for m in existing.members
                if not m.values["national_id"]
            }
            kept: set[int] = set()
            for member in household.members:
                number = member.national_id
                match = by_number.get(number) if number else None
                if match is None:
                    match = by_person.get((normalize(member.full_name), member.date_of_birth))
                if match is None or match.id in kept:
                    counts["members"].created += 1
                    household.changed = True
                    continue
                kept.add(match.id)
                member.id = match.id
                member.changed = _existing_member_values(match.values) != member_field_values(member)
                if member.changed:
                    counts["members"].updated += 1
                    household.changed = True
                else:
                    counts["members"].unchanged += 1
            gone = [m.id for m in existing.members if m.id not in kept]
            if gone:
                household.changed = True
                deletions.extend(gone)
                counts["members"].deleted += len(gone)
            if household.changed:
                counts["households"].updated += 1
            else:
                counts["households"].unchanged += 1

    def reviews(
        self,
        by_code: dict[str, HouseholdRecord],
        counts,
        rounds_to_open: set[int],
        on_part: Callable[[list[ReviewRecord]], None] | None = None,
    ) -> list[ReviewRecord]:
        """The reviews to write. ``on_part`` is given them a part at a time, as they are checked: a review kept
        is final once kept, whatever the rows after it."""
        ctx = self.context
        self.language = get_language()  # read once: see ``standards.classification.classify``
        seen: dict[tuple[str, int], ReviewRecord] = {}
        kept: list[ReviewRecord] = []
        given = 0
        for index, review in enumerate(self.records.reviews):
            if on_part is not None and index % REVIEWS_PER_PART == 0 and len(kept) > given:
                on_part(kept[given:])
                given = len(kept)
            household = by_code.get(review.household_code)
            if review.household_code and household is None:
                self.error(
                    Sheet.REVIEWS,
                    review.row,
                    REVIEW_COLUMNS,
                    "household",
                    _("Household code %(code)s is not on the households sheet.") % {"code": review.household_code},
                )
                continue
            if household is None or not review.year:
                continue
            key = (review.household_code, review.year)
            if key in seen:
                self.error(
                    Sheet.REVIEWS,
                    review.row,
                    REVIEW_COLUMNS,
                    "year",
                    _("The review of household %(code)s in %(year)s is also on row %(row)s.")
                    % {"code": review.household_code, "year": review.year, "row": seen[key].row},
                )
                continue
            seen[key] = review
            found = ctx.rounds.get(review.year)
            if found is None or isinstance(found, str):
                self.error(Sheet.REVIEWS, review.row, REVIEW_COLUMNS, "year", found or "")
                continue
            review.round_id = found.id
            if found.id is None:
                rounds_to_open.add(review.year)
            if review.income_per_capita < 0:
                continue  # already reported: the income was missing or not a number
            if self.classify(review, household, found) is None:
                continue
            existing = None if review.household_code in self.foreign_codes else ctx.reviews.get(key)
            if existing is None:
                counts["reviews"].created += 1
                kept.append(_compact(review))
                continue
            review.id, review.version = existing.id, existing.version
            review.changed = (
                existing.income_per_capita != review.income_per_capita
                or existing.facts != as_python(review.result["facts"])
                or list(existing.causes) != review.causes
            )
            if not review.changed:
                counts["reviews"].unchanged += 1
                review.result = {}  # nothing to write
            elif existing.state not in EDITABLE_REVIEW_STATES:
                self.error(
                    Sheet.REVIEWS,
                    review.row,
                    REVIEW_COLUMNS,
                    "household",
                    _("The review of household %(code)s in %(year)s is “%(state)s” and can no longer be changed.")
                    % {"code": review.household_code, "year": review.year, "state": existing.state_label},
                )
                continue
            else:
                counts["reviews"].updated += 1
            kept.append(_compact(review))
        if on_part is not None and len(kept) > given:
            on_part(kept[given:])
        self.unaccounted(kept, by_code)
        return kept

    def unaccounted(self, kept: list[ReviewRecord], by_code: dict[str, HouseholdRecord]) -> None:
        """No row is left out without a word: a review neither kept nor reported, on its own row or on its
        household's and members' rows, gets an error of its own, so that the import cannot be saved without
        it."""
        kept_rows = {review.row for review in kept}
        reported = {(error.sheet, error.row) for error in self.errors}
        for review in self.records.reviews:
            if review.row in kept_rows or (Sheet.REVIEWS.value, review.row) in reported:
                continue
            household = by_code.get(review.household_code)
            if household is not None and (
                (Sheet.HOUSEHOLDS.value, household.row) in reported
                or any((Sheet.MEMBERS.value, member.row) in reported for member in household.members)
            ):
                continue
            logger.error(
                "Import: review row %s of household %s left out without a reason", review.row, review.household_code
            )
            self.error(
                Sheet.REVIEWS,
                review.row,
                REVIEW_COLUMNS,
                "household",
                _("This row could not be checked, so the file cannot be saved. Tell the administrator."),
            )

    def classify(self, review: ReviewRecord, household: HouseholdRecord, round_info: RoundInfo) -> bool | None:
        rules = round_info.rules
        members = household.members  # read as ``households.models.Member`` (``MemberRecord``)
        if any(m.date_of_birth is None for m in members):
            return None
        full_facts = household_facts(review.facts, members)
        on = round_info.reference_date  # never the day of the import: people as they were
        deprived: tuple[str, ...] = ()
        reasons: tuple[str, ...] = ()
        if rules.uses_deprivation:
            # Only the deprived indicators' reasons are written, as ``HouseholdClassification.explanation``
            # does; the text of the others (most of the cost) is never made.
            try:
                decided = decide_indicators(rules, full_facts, on=on, explain="deprived", language=self.language)
            except MissingFactsError as error:
                for missing in error.missing:
                    self.missing(review, household, missing.fact)
                return None
            deprived = tuple(deprived_codes(decided))
            reasons = tuple(f"{code}: {decided[code].reason}" for code in deprived if decided[code].reason)
        area = Area.URBAN if household.is_urban else Area.RURAL
        # ``classify`` is pure: many households share its inputs, so each combination is classified once.
        mountain_island = self.context.mountain_island
        key = (id(rules), round_info.rules_year, area, mountain_island, review.income_per_capita, deprived)
        result = self.classified.get(key)
        if result is None:
            try:
                result = classify(
                    rules,
                    year=round_info.rules_year,
                    area=area,
                    income=review.income_per_capita,
                    deprived=deprived,
                    mountain_island=mountain_island,
                    language=self.language,
                )
            except ClassificationError as error:
                field = "income_per_capita" if error.field == "income" else "year"
                self.error(Sheet.REVIEWS, review.row, REVIEW_COLUMNS, field, error.message)
                return None
            self.classified[key] = result
        # The household as the database holds it, not ``household.id``: the commit writes new households
        # (and gives them ids) while the reviews are checked (``ChecksInStages``).
        existing = self.existing(household.code)
        history = self.context.approved_history.get(existing.id, []) if existing is not None else []
        # Against the end of the previous round year, under the round's standard only, as the services
        # compute it (``households.services.reviews._set_transition``; Circular 07/2021/TT-BLĐTBXH).
        previous, change = transition_in_year(history, result.status, year=round_info.year, standard_code=rules.code)
        review.result = {
            "facts": RawJSON(full_facts.to_json_text()),
            "status": result.status.value,
            "deprived": list(result.deprived),
            "deprived_count": result.deprived_count,
            "explanation": [*result.explanation, *reasons],
            "previous_status": previous,
            "transition": change.value,
        }
        return True

    def missing(self, review: ReviewRecord, household: HouseholdRecord, fact: str) -> None:
        """Report a fact the indicators need and the row does not give, unless its cell was already reported
        as unreadable (the cell's own error says what is wrong with it)."""
        if self.unreadable is None:
            self.unreadable = {(e.sheet, e.row, e.column) for e in self.errors}
        if fact.startswith("members["):
            index, name = fact.removeprefix("members[").split("].")
            member = household.members[int(index) - 1]
            column = MEMBER_FACT_COLUMNS.get(name, "")
            if column and (Sheet.MEMBERS.value, member.row, _col_label(MEMBER_COLUMNS, column)) in self.unreadable:
                return
            self.error(
                Sheet.MEMBERS,
                member.row,
                MEMBER_COLUMNS,
                column,
                _("Missing for %(member)s: %(fact)s.")
                % {"member": member.full_name, "fact": FACT_LABELS.get(name, name)},
            )
            return
        if (Sheet.REVIEWS.value, review.row, _col_label(REVIEW_COLUMNS, fact)) in self.unreadable:
            return
        self.error(
            Sheet.REVIEWS,
            review.row,
            REVIEW_COLUMNS,
            fact,
            _("Missing: %(fact)s.") % {"fact": FACT_LABELS.get(fact, fact)},
        )


class RawJSON(str):
    """A value already serialised as JSON: a large import keeps each review's facts as one string rather
    than as nested dicts (a tenth of the memory)."""


def as_python(value: Any) -> Any:
    return json.loads(value) if isinstance(value, RawJSON) else value


def _compact(review: ReviewRecord) -> ReviewRecord:
    if review.result:  # the facts are written as JSON by ``_Checker.classify``
        review.result["explanation"] = RawJSON(orjson.dumps(review.result["explanation"]).decode())
    return review


def check_records(records: Records, context: ImportContext, errors: list[RowError]) -> Plan:
    """Every problem of the file against the database, and what the import would do."""
    stages = ChecksInStages(records, context, errors)
    stages.households_and_members()
    stages.reviews()
    return stages.plan()


class ChecksInStages:
    """``check_records`` in two stages, so that the commit can write the households and members (database
    work) while the reviews are checked and classified (Python work, in another thread: both stages run
    there, ``services._check_while_writing``): the households and members as ``households_and_members``
    leaves them are final, and ``reviews`` does not change them. The plan and its errors are the same as in
    one go; a commit writes nothing that stays unless ``plan().ok``."""

    def __init__(self, records: Records, context: ImportContext, errors: list[RowError]):
        self.errors = list(errors)
        self.checker = _Checker(records, context, self.errors)
        self.counts: dict[str, Counts] = {name: Counts() for name in ("households", "members", "reviews")}
        self.deletions: list[int] = []
        self.rounds_to_open: set[int] = set()
        self.by_code: dict[str, HouseholdRecord] = {}
        self.kept_reviews: list[ReviewRecord] = []

    def households_and_members(self) -> None:
        self.by_code.update(self.checker.households())  # the same dict: a review writer made ahead holds it
        self.checker.members(self.by_code)
        self.checker.household_members(self.by_code, self.deletions, self.counts)

    @property
    def households(self) -> list[HouseholdRecord]:
        return list(self.by_code.values())

    @property
    def ok_so_far(self) -> bool:
        return not self.errors

    def reviews(self, on_part: Callable[[list[ReviewRecord]], None] | None = None) -> None:
        """Check the reviews; ``on_part`` is given the reviews to write a part at a time (``_Checker.reviews``)."""
        self.kept_reviews = self.checker.reviews(self.by_code, self.counts, self.rounds_to_open, on_part)

    def plan(self) -> Plan:
        errors = sorted(self.errors, key=lambda e: (list(Sheet).index(Sheet(e.sheet)) if e.sheet else -1, e.row))
        return Plan(
            households=self.households,
            reviews=self.kept_reviews,
            member_deletions=self.deletions,
            rounds_to_open=sorted(self.rounds_to_open),
            errors=errors,
            counts=dict(self.counts),
        )
