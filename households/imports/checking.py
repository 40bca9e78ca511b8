"""Checking an import: the parsed records against each other and against what the database holds, every
problem by sheet, row and column, and the plan of what the import would do.

Pure: ``check_records`` compares ``households.imports.records`` with an ``ImportContext`` (plain data about
the database, loaded by ``households.imports.context``) and returns a ``Plan``: what would be created,
updated and left unchanged, each review with what it stores as ``households.review_outcome.review_outcome``
decides it (the one rule the review form and the API go through too), or the list of errors. The writer
(``households.imports.writer``) carries the plan out. ``ChecksInStages`` checks in two stages, so that the
commit writes the households while the reviews are checked. Nothing is written here.
"""

from __future__ import annotations

import datetime
import logging
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Any

import orjson
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from households.registry_rules import MemberSketch, birth_date_errors, cccd_errors, household_groups
from households.review_facts import FACT_LABELS, household_facts
from households.review_outcome import Classifications, review_outcome
from households.search_words import search_text
from standards.classification import ClassificationError, StandardRules
from standards.indicators import MissingFactsError, decide_indicators

from .columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, REVIEW_COLUMNS, Column, Sheet, normalize
from .records import (
    GROUP_FIELDS,
    HOUSEHOLD_FIELDS,
    LET_GO,
    MEMBER_FIELDS,
    HouseholdRecord,
    MemberRecord,
    RawJSON,
    Records,
    ReviewRecord,
    RowError,
    as_python,
    member_field_values,
)

logger = logging.getLogger(__name__)
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
REVIEWS_PER_PART = 5000  # the last part is written after the check ends: the smaller, the sooner it ends


# Plain data about what the database holds, loaded before the check (``households.imports.context``).


@dataclass(frozen=True)
class VillageInfo:
    id: int
    name: str
    is_urban: bool
    editable: bool


class MemberValues(tuple):
    """A saved member's ``MEMBER_FIELDS`` in their order (ethnicity as its id), read by name as a dict's: a
    dict each took about 0.9 KB, and a re-import of 262,144 households holds a million of them (issue 25)."""

    __slots__ = ()

    def __getitem__(self, key):
        return tuple.__getitem__(self, _MEMBER_INDEX[key] if key.__class__ is str else key)


_MEMBER_INDEX = {name: index for index, name in enumerate(MEMBER_FIELDS)}


@dataclass(frozen=True)
class ExistingMember:
    id: int
    values: Mapping[str, Any] | MemberValues  # MEMBER_FIELDS, ethnicity as its id


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
    facts: Mapping[str, Any] | RawJSON  # ``context`` gives its JSON text (a dict each took 5 KB)
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
    # The villages in force by their names' keys (``village_key``), then without their kind ("Thôn") where no
    # name is so; a key two villages share is in ``villages_ambiguous`` instead, with their names.
    villages: Mapping[str, VillageInfo]
    ethnicities: Mapping[str, tuple[int, bool]]  # normalised name or code → (id, is minority)
    households: Mapping[str, ExistingHousehold]  # by code
    cccd_owners: Mapping[str, tuple[str, str]]  # number → (household code, message for the user)
    rounds: Mapping[int, RoundInfo | str]  # year → the round, or why there is none
    reviews: Mapping[tuple[str, int], ExistingReview]  # (household code, year)
    # household id → approved (round year, standard code, status) triples, oldest first
    approved_history: Mapping[int, list[tuple[int, str, str]]]
    # The commune is rural mountainous or island (Decision 1143/2000/QĐ-LĐTBXH: the 2001-2005 line).
    mountain_island: bool = False
    villages_ambiguous: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The villages' names by their keys without diacritics (``normalize``): what a name matching none exactly
    # may have meant. Never taken for it: "Nà Lang" and "Nà Làng" may be two villages.
    villages_folded: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


_VILLAGE_PREFIX = re.compile(r"^(thôn|bản|tổ dân phố|tổ|xóm|ấp|khu phố|khu|buôn|làng|village)\s+", re.IGNORECASE)


@lru_cache(maxsize=10_000)
def village_key(name: str) -> str:
    """The key a village's name is matched by: Unicode NFC (a name typed on another keyboard may hold the
    same letters composed otherwise), case-folded, spaces collapsed; the diacritics kept."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def village_keys(name: str) -> tuple[str, str]:
    """A village is found by its name as written, or else without its kind ("Thôn Nà Hin" or "Nà Hin"): the
    two keys, in that order."""
    key = village_key(name)
    return key, _VILLAGE_PREFIX.sub("", key)


def ethnicity_id(ethnicities: Mapping[str, tuple[int, bool]], name: str | None) -> int | None:
    """The id of the ethnicity written ``name`` (its name or code) in ``ethnicities`` (as
    ``ImportContext.ethnicities``), ``None`` for a blank cell; ``LookupError`` for a name not known."""
    if not name:
        return None
    found = ethnicities.get(normalize(name))
    if found is None:
        raise LookupError(name)
    return found[0]


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
        self.classified: Classifications = {}  # ``review_outcome``'s memo, for the whole file
        self.language: str | None = None  # of the messages and explanations, read once by ``reviews``
        self.unreadable: set[tuple[str, int, str]] | None = None  # cells reported as unreadable, by ``missing``
        self.foreign_codes: set[str] = set()  # codes of households of another commune or outside the user's area
        self.keep_outcomes = True  # see ``ChecksInStages``

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
            village = self.village(record) if record.village_name else None  # None: reported (or blank)
            if village is not None:
                if not village.editable:
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

    def village(self, record: HouseholdRecord) -> VillageInfo | None:
        """The village named on the row, matched exactly (``village_key``); None when the name is no village's
        or could be two, reported with the names it may have meant."""
        ctx = self.context
        name = record.village_name
        keys = village_keys(name)
        for key in keys:
            if key in ctx.villages:
                return ctx.villages[key]
        ambiguous = next((ctx.villages_ambiguous[k] for k in keys if k in ctx.villages_ambiguous), None)
        if ambiguous:
            message = _("“%(village)s” may be any of %(names)s: write the village’s full name.") % {
                "village": name,
                "names": _names(ambiguous),
            }
        else:
            near = next((ctx.villages_folded[k] for k in map(normalize, keys) if k in ctx.villages_folded), None)
            message = _("There is no village “%(village)s” in %(commune)s.") % {
                "village": name,
                "commune": ctx.commune_name,
            }
            if near:
                message += " " + _("Did you mean %(names)s?") % {"names": _names(near)}
        self.error(Sheet.HOUSEHOLDS, record.row, HOUSEHOLD_COLUMNS, "village", message)
        return None

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
        self.language = get_language()  # read once for ``review_outcome``: a read costs as much as a classify
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
            if household is None:
                continue
            if not review.year:
                # The year could not be read (the parser told so): the facts are checked all the same.
                self.facts_missing_in_any_year(review, household)
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
                # The income was reported (missing or not a number): the facts are checked all the same, so
                # that one pass tells every problem of the row.
                self.facts_missing(review, household, found)
                continue
            if self.classify(review, household, found) is None:
                continue
            existing = None if review.household_code in self.foreign_codes else ctx.reviews.get(key)
            if existing is None:
                counts["reviews"].created += 1
                kept.append(_compact(review, keep_outcome=self.keep_outcomes))
                continue
            review.id, review.version = existing.id, existing.version
            review.changed = (
                existing.income_per_capita != review.income_per_capita
                or as_python(existing.facts) != as_python(review.result["facts"])
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
            kept.append(_compact(review, keep_outcome=self.keep_outcomes))
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
        """Put on ``review.result`` what the review stores, as ``review_outcome`` decides it for the form and
        the API alike; None when a problem was reported instead."""
        members = household.members  # read as ``households.models.Member`` (``MemberRecord``)
        if any(m.date_of_birth is None for m in members):
            self.facts_missing(review, household, round_info)  # a birth date was reported; the rest is told too
            return None
        # The household as the database holds it, not ``household.id``: the commit writes new households
        # (and gives them ids) while the reviews are checked (``ChecksInStages``).
        existing = self.existing(household.code)
        history = self.context.approved_history.get(existing.id, []) if existing is not None else []
        try:
            outcome = review_outcome(
                rules=round_info.rules,
                year=round_info.year,
                income_year=round_info.rules_year,
                is_urban=household.is_urban,
                income=review.income_per_capita,
                facts=household_facts(review.facts, members),
                on=round_info.reference_date,  # never the day of the import: people as they were
                mountain_island=self.context.mountain_island,
                history=history,
                language=self.language,
                classifications=self.classified,
            )
        except MissingFactsError as error:
            for missing in error.missing:
                self.missing(review, members, missing.fact)
            return None
        except ClassificationError as error:
            field = "income_per_capita" if error.field == "income" else "year"
            self.error(Sheet.REVIEWS, review.row, REVIEW_COLUMNS, field, error.message)
            return None
        review.result = {
            "facts": RawJSON(outcome.facts.to_json_text()),
            "status": outcome.status.value,
            "deprived": list(outcome.deprived),
            "deprived_count": outcome.deprived_count,
            "explanation": list(outcome.explanation),
            "previous_status": outcome.previous_status,
            "transition": outcome.transition.value,
        }
        return True

    def facts_missing(self, review: ReviewRecord, household: HouseholdRecord, round_info: RoundInfo) -> None:
        """Report the facts the indicators need and the rows do not give, for a review that cannot be
        classified for a reason reported already (its income, a member's birth date): told now, not once that
        is corrected. The members without a birth date are left out (their age decides what they need)."""
        members, facts = self.missing_facts(review, household, round_info)
        for fact in facts:
            self.missing(review, members, fact)

    def facts_missing_in_any_year(self, review: ReviewRecord, household: HouseholdRecord) -> None:
        """Report, for a review whose year cannot be read (reported already), the facts missing under the
        standard of every round of the file: missing whatever year is meant, and told in the same pass as the
        year. A file whose years all fail to be read names no standard: nothing more is told then."""
        rounds = [found for found in self.context.rounds.values() if isinstance(found, RoundInfo)]
        if not rounds:
            return
        found = [self.missing_facts(review, household, round_info) for round_info in rounds]
        everywhere = set.intersection(*(set(facts) for _members, facts in found))
        members, facts = found[0]
        for fact in facts:
            if fact in everywhere:
                self.missing(review, members, fact)

    def missing_facts(
        self, review: ReviewRecord, household: HouseholdRecord, round_info: RoundInfo
    ) -> tuple[list[MemberRecord], list[str]]:
        """The household's members with a birth date, and the facts the round's standard needs that the rows
        do not give (``members[i].name`` for a member's, ``i`` counted in those members)."""
        rules = round_info.rules
        members = [m for m in household.members if m.date_of_birth is not None]
        if not rules.uses_deprivation:
            return members, []
        try:
            decide_indicators(
                rules, household_facts(review.facts, members), on=round_info.reference_date, explain=False
            )
        except MissingFactsError as error:
            return members, [missing.fact for missing in error.missing]
        return members, []

    def missing(self, review: ReviewRecord, members: list[MemberRecord], fact: str) -> None:
        """Report a fact the indicators need and the row does not give, unless its cell was already reported
        as unreadable (the cell's own error says what is wrong with it), or, a member's, for the review of
        another year (it is the same cell)."""
        if self.unreadable is None:
            self.unreadable = {(e.sheet, e.row, e.column) for e in self.errors}
        if fact.startswith("members["):
            index, name = fact.removeprefix("members[").split("].")
            member = members[int(index) - 1]
            column = MEMBER_FACT_COLUMNS.get(name, "")
            cell = (Sheet.MEMBERS.value, member.row, _col_label(MEMBER_COLUMNS, column) if column else name)
            if cell in self.unreadable:
                return
            self.unreadable.add(cell)
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


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(f"“{name}”" for name in names)


def _compact(review: ReviewRecord, *, keep_outcome: bool = True) -> ReviewRecord:
    if not keep_outcome:
        review.facts = review.result = LET_GO
    elif review.result:  # the facts are written as JSON by ``_Checker.classify``
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

    def __init__(self, records: Records, context: ImportContext, errors: list[RowError], *, keep_outcomes: bool = True):
        self.errors = list(errors)
        self.checker = _Checker(records, context, self.errors)
        # Without them (a dry run, which writes nothing) a review's facts and outcome go once it is counted.
        self.checker.keep_outcomes = keep_outcomes
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
