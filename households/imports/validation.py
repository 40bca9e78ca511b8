"""Checking an import: parsed rows and what the database already holds in, every problem and a plan out.

Pure: ``parse_records`` turns cells into typed records (cell errors by sheet, row and column);
``check_records`` compares them with an ``ImportContext`` (plain data loaded by ``households.imports.context``)
and returns a ``Plan``: what would be created, updated and left unchanged, classified by the one rule of
``programmes`` (``decide_indicators`` and ``classify``), or the list of errors. Nothing is written here.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from households.registry_rules import MemberSketch, cccd_errors, household_groups
from households.review_facts import FACT_LABELS, household_facts
from households.transitions import transition
from programmes.classification import Area, Classification, ClassificationError, StandardRules, classify
from programmes.indicators import MissingFactsError, decide_indicators, deprived_codes

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
)

MEMBER_FIELDS = tuple(c.key for c in MEMBER_COLUMNS if c.key != "household")
# Defaults of the member model for a blank cell (``households.models.Member``).
MEMBER_DEFAULTS: dict[str, Any] = {
    "national_id": "",
    "ethnicity": None,
    "in_school": False,
    "at_age_appropriate_level": None,
    "education": "",
    "has_health_insurance": False,
    "employment": "",
    "has_labour_capacity": True,
    "disability": "none",
    "receives_social_allowance": False,
    "sick_untreated": False,
    "malnourished": False,
}
HOUSEHOLD_FIELDS = ("village_id", "address", "phone", "head_ethnicity_id", "has_meritorious_person")
GROUP_FIELDS = ("head_name", "is_ethnic_minority", "has_no_labour", "is_female_headed", "receives_social_allowance")
# Member facts an indicator may miss, and the member column that holds each.
MEMBER_FACT_COLUMNS = {
    "health_insurance": "has_health_insurance",
    "education": "education",
    "employment": "employment",
    "at_age_appropriate_level": "at_age_appropriate_level",
}
EDITABLE_REVIEW_STATES = frozenset({"draft", "returned"})


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


@dataclass
class ImportContext:
    commune_id: int
    commune_name: str
    today: datetime.date
    villages: Mapping[str, VillageInfo]  # by normalised name
    ethnicities: Mapping[str, tuple[int, bool]]  # normalised name or code → (id, is minority)
    households: Mapping[str, ExistingHousehold]  # by code
    cccd_owners: Mapping[str, tuple[str, str]]  # number → (household code, message for the user)
    rounds: Mapping[int, RoundInfo | str]  # year → the round, or why there is none
    reviews: Mapping[tuple[str, int], ExistingReview]  # (household code, year)
    approved_history: Mapping[int, list[str]]  # household id → approved statuses, oldest first


# Typed records parsed from the rows.


@dataclass(slots=True)  # hundreds of thousands in a large import
class MemberRecord:
    row: int
    household_code: str
    values: dict[str, Any]
    id: int | None = None
    changed: bool = True


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
_FAILED = object()


class _Parser:
    def __init__(self):
        self.errors: list[RowError] = []

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
            found.append((column, rows.columns.get(column.key), convert, {}))
        return found

    def values(self, sheet: Sheet, converters, number: int, cells: list[Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        width = len(cells)
        for column, index, convert, memo in converters:
            raw = cells[index] if index is not None and index < width else None
            if raw is None or raw == "" or (raw.__class__ is str and not raw.strip()):
                if column.required:
                    self.error(sheet, number, column, _("This column is required."))
                values[column.key] = None
                continue
            memoize = column.kind in _MEMO_KINDS
            if memoize:
                value = memo.get(raw, _FAILED)
                if value is not _FAILED:
                    if value.__class__ is CellError:
                        self.error(sheet, number, column, str(value))
                        value = None
                    values[column.key] = value
                    continue
            try:
                value = convert(raw)
            except CellError as error:
                if memoize:
                    memo[raw] = error
                self.error(sheet, number, column, str(error))
                value = None
            else:
                if memoize:
                    memo[raw] = value
            values[column.key] = value
        return values


def parse_records(workbook: ParsedWorkbook) -> tuple[Records, list[RowError]]:
    """Typed records from the cells; a cell that cannot be read is an error and its row is still kept."""
    parser = _Parser()
    for sheet, rows in workbook.sheets.items():
        if not rows.found:
            if sheet != Sheet.REVIEWS:
                parser.error(sheet, 0, None, _("The sheet “%(sheet)s” is missing.") % {"sheet": SHEETS[sheet][0]})
            continue
        for column in rows.missing:
            parser.error(sheet, 1, column, _("The column is missing."))
    if parser.errors:
        return Records([], [], []), parser.errors

    households: list[HouseholdRecord] = []
    sheet_rows = workbook.sheets[Sheet.HOUSEHOLDS]
    converters = parser.converters(HOUSEHOLD_COLUMNS, sheet_rows)
    for number, cells in sheet_rows.iter_rows():
        values = parser.values(Sheet.HOUSEHOLDS, converters, number, cells)
        code = values.pop("code") or ""
        village = values.pop("village") or ""
        values["address"] = values["address"] or ""
        values["phone"] = values["phone"] or ""
        values["has_meritorious_person"] = bool(values["has_meritorious_person"])
        households.append(HouseholdRecord(number, code, village, values))

    members: list[MemberRecord] = []
    sheet_rows = workbook.sheets[Sheet.MEMBERS]
    converters = parser.converters(MEMBER_COLUMNS, sheet_rows)
    for number, cells in sheet_rows.iter_rows():
        values = parser.values(Sheet.MEMBERS, converters, number, cells)
        code = values.pop("household") or ""
        for key, default in MEMBER_DEFAULTS.items():
            if values[key] is None:
                values[key] = default
        values["full_name"] = values["full_name"] or ""
        members.append(MemberRecord(number, code, values))

    reviews: list[ReviewRecord] = []
    sheet_rows = workbook.sheets[Sheet.REVIEWS]
    converters = parser.converters(REVIEW_COLUMNS, sheet_rows)
    for number, cells in sheet_rows.iter_rows():
        values = parser.values(Sheet.REVIEWS, converters, number, cells)
        facts = {key: values[key] for key in REVIEW_FACT_KEYS if values[key] is not None}
        reviews.append(
            ReviewRecord(
                number,
                values["household"] or "",
                values["year"] or 0,
                values["income_per_capita"] if values["income_per_capita"] is not None else -1,
                facts,
                values["causes"] or [],
            )
        )
    return Records(households, members, reviews), parser.errors


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
                record.id = existing.id
                record.version = existing.version
        return by_code

    def ethnicity(self, sheet: Sheet, row: int, name: str | None, key: str) -> int | None:
        if not name:
            return None
        found = self.context.ethnicities.get(normalize(name))
        if found is None:
            columns = HOUSEHOLD_COLUMNS if sheet == Sheet.HOUSEHOLDS else MEMBER_COLUMNS
            self.error(sheet, row, columns, key, _("Unknown ethnicity “%(name)s”.") % {"name": name})
            return None
        return found[0]

    def members(self, by_code: dict[str, HouseholdRecord]) -> None:
        seen_numbers: dict[str, MemberRecord] = {}
        for member in self.records.members:
            values = member.values
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
            ethnicity = values.pop("ethnicity", None)
            values["ethnicity"] = self.ethnicity(Sheet.MEMBERS, member.row, ethnicity, "ethnicity")
            number = values["national_id"]
            if not number:
                continue
            problems = cccd_errors(number, sex=values["sex"], date_of_birth=values["date_of_birth"])
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
            if owner is not None and owner[0] != member.household_code:
                self.error(Sheet.MEMBERS, member.row, MEMBER_COLUMNS, "national_id", owner[1])

    def household_members(self, by_code: dict[str, HouseholdRecord], deletions: list[int], counts) -> None:
        today = self.context.today
        for household in by_code.values():
            heads = sum(1 for m in household.members if m.values["relation"] == "head")
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
                    m.values["relation"] or "",
                    m.values["sex"] or "",
                    m.values["date_of_birth"] or today,
                    m.values["has_labour_capacity"],
                    m.values["receives_social_allowance"],
                )
                for m in household.members
            ]
            groups = household_groups(sketches, on=today)
            values = household.values
            index = groups.head_name_index
            values["head_name"] = household.members[index].values["full_name"] if index is not None else ""
            values["has_no_labour"] = groups.has_no_labour
            values["is_female_headed"] = groups.is_female_headed
            values["receives_social_allowance"] = groups.receives_social_allowance
            head_ethnicity = values.get("head_ethnicity_id")
            values["is_ethnic_minority"] = bool(head_ethnicity and self.minority.get(head_ethnicity))
            existing = self.context.households.get(household.code)
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
                number = member.values["national_id"]
                match = by_number.get(number) if number else None
                if match is None:
                    match = by_person.get((normalize(member.values["full_name"]), member.values["date_of_birth"]))
                if match is None or match.id in kept:
                    counts["members"].created += 1
                    household.changed = True
                    continue
                kept.add(match.id)
                member.id = match.id
                member.changed = any(match.values.get(k) != member.values.get(k) for k in MEMBER_FIELDS)
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

    def reviews(self, by_code: dict[str, HouseholdRecord], counts, rounds_to_open: set[int]) -> list[ReviewRecord]:
        ctx = self.context
        seen: dict[tuple[str, int], ReviewRecord] = {}
        kept: list[ReviewRecord] = []
        for review in self.records.reviews:
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
            existing = ctx.reviews.get(key)
            if existing is None:
                counts["reviews"].created += 1
                kept.append(_compact(review))
                continue
            review.id, review.version = existing.id, existing.version
            review.changed = (
                existing.income_per_capita != review.income_per_capita
                or dict(existing.facts) != review.result["facts"]
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
        return kept

    def classify(self, review: ReviewRecord, household: HouseholdRecord, round_info: RoundInfo) -> bool | None:
        rules = round_info.rules
        members = [_MemberView(m.values) for m in household.members]
        if any(m.date_of_birth is None for m in members):
            return None
        full_facts = household_facts(review.facts, members)
        today = self.context.today
        deprived: tuple[str, ...] = ()
        if rules.uses_deprivation:
            # Decided without the text first (most of the cost); only the deprived indicators' reasons are
            # written, as ``HouseholdClassification.explanation`` does.
            try:
                deprived = tuple(deprived_codes(decide_indicators(rules, full_facts, on=today, explain=False)))
            except MissingFactsError as error:
                for missing in error.missing:
                    self.missing(review, household, missing.fact)
                return None
        area = Area.URBAN if household.is_urban else Area.RURAL
        # ``classify`` is pure: many households share its inputs, so each combination is classified once.
        key = (id(rules), review.year, area, review.income_per_capita, deprived)
        result = self.classified.get(key)
        if result is None:
            try:
                result = classify(
                    rules, year=review.year, area=area, income=review.income_per_capita, deprived=deprived
                )
            except ClassificationError as error:
                field = "income_per_capita" if error.field == "income" else "year"
                self.error(Sheet.REVIEWS, review.row, REVIEW_COLUMNS, field, error.message)
                return None
            self.classified[key] = result
        reasons: tuple[str, ...] = ()
        if deprived:
            explained = decide_indicators(rules, full_facts, on=today, only=deprived)
            reasons = tuple(f"{code}: {d.reason}" for code, d in explained.items() if d.deprived and d.reason)
        history = self.context.approved_history.get(household.id, []) if household.id else []
        review.result = {
            "facts": full_facts.to_json(),
            "status": result.status.value,
            "deprived": list(result.deprived),
            "deprived_count": result.deprived_count,
            "explanation": [*result.explanation, *reasons],
            "previous_status": history[-1] if history else "",
            "transition": transition(history, result.status).value,
        }
        return True

    def missing(self, review: ReviewRecord, household: HouseholdRecord, fact: str) -> None:
        if fact.startswith("members["):
            index, name = fact.removeprefix("members[").split("].")
            member = household.members[int(index) - 1]
            self.error(
                Sheet.MEMBERS,
                member.row,
                MEMBER_COLUMNS,
                MEMBER_FACT_COLUMNS.get(name, ""),
                _("Missing for %(member)s: %(fact)s.")
                % {"member": member.values["full_name"], "fact": FACT_LABELS.get(name, name)},
            )
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
    than as nested dicts (a tenth of the memory). Written with ASCII escapes: Python keeps a string with
    one Vietnamese letter at two bytes per character, an ASCII one at one byte; the JSON value is the same."""


def as_python(value: Any) -> Any:
    return json.loads(value) if isinstance(value, RawJSON) else value


def _compact(review: ReviewRecord) -> ReviewRecord:
    for name in ("facts", "explanation") if review.result else ():
        review.result[name] = RawJSON(json.dumps(review.result[name]))
    return review


class _MemberView:
    """A member record seen as ``households.models.Member`` by ``households.review_facts.member_facts``."""

    __slots__ = (
        "at_age_appropriate_level",
        "date_of_birth",
        "disability",
        "education",
        "employment",
        "full_name",
        "has_health_insurance",
        "in_school",
        "malnourished",
        "receives_social_allowance",
        "sick_untreated",
    )

    def __init__(self, values: Mapping[str, Any]):
        for name in self.__slots__:
            setattr(self, name, values[name])


def check_records(records: Records, context: ImportContext, errors: list[RowError]) -> Plan:
    """Every problem of the file against the database, and what the import would do."""
    errors = list(errors)
    checker = _Checker(records, context, errors)
    counts = defaultdict(Counts)
    for name in ("households", "members", "reviews"):
        counts[name] = Counts()
    deletions: list[int] = []
    rounds_to_open: set[int] = set()
    by_code = checker.households()
    checker.members(by_code)
    checker.household_members(by_code, deletions, counts)
    reviews = checker.reviews(by_code, counts, rounds_to_open)
    errors.sort(key=lambda e: (list(Sheet).index(Sheet(e.sheet)) if e.sheet else -1, e.row))
    return Plan(
        households=list(by_code.values()),
        reviews=reviews,
        member_deletions=deletions,
        rounds_to_open=sorted(rounds_to_open),
        errors=errors,
        counts=dict(counts),
    )
