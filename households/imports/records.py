"""The records an import parses from the rows (``households.imports.parsing``) and hands on to the check
(``households.imports.checking``) and the writer (``households.imports.writer``), and the error of a row that
every stage reports.

Records are slotted objects, not dicts of values: a large import holds hundreds of thousands of them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from types import MappingProxyType
from typing import Any

from .columns import MEMBER_COLUMNS, SHEET_LABELS, Sheet

MEMBER_FIELDS = tuple(c.key for c in MEMBER_COLUMNS if c.key != "household")
HOUSEHOLD_FIELDS = ("village_id", "address", "phone", "head_ethnicity_id", "has_meritorious_person")
GROUP_FIELDS = ("head_name", "is_ethnic_minority", "has_no_labour", "is_female_headed", "receives_social_allowance")
# What the import derives from the members and writes: the groups, compared to tell a change, and the search
# text (households.search_words), which follows the names and is written, never compared.
DERIVED_FIELDS = (*GROUP_FIELDS, "search_text")


@dataclass(frozen=True)
class RowError:
    sheet: str  # a ``Sheet`` value; "" for the whole file
    row: int  # the Excel row number; 0 for the whole sheet or file
    column: str  # the column's header in the user's language; "" for the whole row
    message: str

    def as_dict(self) -> dict[str, Any]:
        label = str(SHEET_LABELS[Sheet(self.sheet)]) if self.sheet else ""
        return {"sheet": label, "row": self.row, "column": self.column, "message": self.message}


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


# What a review record keeps of its facts and outcome once they are written or counted: one shared empty
# mapping, not an empty dict each (64 bytes a review).
LET_GO: Any = MappingProxyType({})


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


class RawJSON(str):
    """A value already serialised as JSON: a large import keeps each review's facts as one string rather
    than as nested dicts (a tenth of the memory)."""


def as_python(value: Any) -> Any:
    return json.loads(value) if isinstance(value, RawJSON) else value
