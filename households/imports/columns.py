"""The columns of the import workbook: one definition shared by the template, the reader, the checks and
the export, so that an exported file imports back unchanged.

Each column has a key (the field it fills), a Vietnamese header (the first header row), an English header
(the second header row) and a kind that says how a cell is read. Coded columns take the code or its label
in either language; the template offers the Vietnamese labels in a drop-down list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from unidecode import unidecode

from households.bounds import INCOME_PER_CAPITA, LIVING_AREA_M2, ROUND_YEAR, Bounds
from households.models import Cause, Relation, Sex
from standards.indicators import (
    Device,
    Disability,
    EducationLevel,
    Employment,
    HousingType,
    Latrine,
    TelecomService,
    WasteTreatment,
    WaterSource,
)


class Kind(StrEnum):
    TEXT = "text"
    ID_NUMBER = "id_number"  # digits kept as text: a number cell loses its leading zeros, which are put back
    DATE = "date"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    CHOICES = "choices"  # several values separated by ``SEPARATOR`` (their labels hold commas)


class Sheet(StrEnum):
    HOUSEHOLDS = "households"
    MEMBERS = "members"
    REVIEWS = "reviews"


# What separates the values of a cell of several (``Kind.CHOICES``): no label holds it, where several hold
# commas ("Thiếu công cụ, phương tiện sản xuất", "Ốm đau, tai nạn").
SEPARATOR = ";"
# What a cell of several values, or a choice with a "none" value, says to state that none applies.
NONE_LABEL = "Không"
# What such a cell is read as: an empty set, which ``households.review_facts.household_facts`` keeps as the
# fact "none of them" (an empty list, a form's boxes left unticked, says nothing).
NONE_OF: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Column:
    key: str
    header_vi: str
    header_en: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: type[TextChoices] | None = None
    width: int = 16
    bounds: Bounds | None = None  # of a number: what the form accepts (``households.bounds``)
    # Of several values: "Không" states that none of them applies (an empty set, a fact the standard reads:
    # no member uses a telecom service), where a blank cell is not recorded.
    none: bool = False

    @property
    def label(self) -> str:
        """The header in the user's language (for error messages)."""
        return self.header_vi if (get_language() or "vi").startswith("vi") else self.header_en


YES_NO = ("Có", "Không")

HOUSEHOLD_COLUMNS = (
    Column("code", "Mã hộ", "Household code", required=True, width=14),
    Column("village", "Thôn/bản", "Village", required=True, width=22),
    Column("address", "Địa chỉ", "Address", width=28),
    Column("phone", "Điện thoại", "Phone", width=14),
    Column("head_ethnicity", "Dân tộc chủ hộ", "Ethnicity of the head", width=14),
    Column("has_meritorious_person", "Hộ có người có công", "Meritorious service", Kind.BOOLEAN, width=12),
)
MEMBER_COLUMNS = (
    Column("household", "Mã hộ", "Household code", required=True, width=14),
    Column("full_name", "Họ và tên", "Full name", required=True, width=24),
    Column("sex", "Giới tính", "Sex", Kind.CHOICE, required=True, choices=Sex, width=8),
    Column("date_of_birth", "Ngày sinh", "Date of birth", Kind.DATE, required=True, width=12),
    Column("relation", "Quan hệ với chủ hộ", "Relation to head", Kind.CHOICE, required=True, choices=Relation),
    Column("national_id", "Số CCCD", "Citizen ID (CCCD)", Kind.ID_NUMBER, width=15),
    Column("ethnicity", "Dân tộc", "Ethnicity", width=12),
    Column("in_school", "Đang đi học", "In school", Kind.BOOLEAN, width=10),
    Column("at_age_appropriate_level", "Học đúng cấp theo tuổi", "At the school level for their age", Kind.BOOLEAN),
    Column("education", "Trình độ học vấn", "Education", Kind.CHOICE, choices=EducationLevel, width=22),
    Column("has_health_insurance", "Có BHYT", "Health insurance", Kind.BOOLEAN, width=10),
    Column("employment", "Việc làm", "Employment", Kind.CHOICE, choices=Employment, width=26),
    Column("has_labour_capacity", "Có khả năng lao động", "Able to work", Kind.BOOLEAN, width=12),
    Column("disability", "Khuyết tật", "Disability", Kind.CHOICE, choices=Disability, width=18),
    Column("receives_social_allowance", "Hưởng trợ cấp xã hội", "Social allowance", Kind.BOOLEAN, width=12),
    Column("sick_untreated", "Ốm đau không được chữa", "Ill and not treated", Kind.BOOLEAN, width=12),
    Column("malnourished", "Suy dinh dưỡng", "Malnourished", Kind.BOOLEAN, width=12),
)
REVIEW_COLUMNS = (
    Column("household", "Mã hộ", "Household code", required=True, width=14),
    Column("year", "Năm rà soát", "Review year", Kind.INTEGER, required=True, width=10, bounds=ROUND_YEAR),
    Column(
        "income_per_capita",
        "Thu nhập bình quân (đồng/người/tháng)",
        "Income per person per month (VND)",
        Kind.INTEGER,
        required=True,
        width=20,
        bounds=INCOME_PER_CAPITA,
    ),
    Column("housing", "Nhà ở", "Housing", Kind.CHOICE, choices=HousingType, width=22),
    Column("living_area_m2", "Diện tích ở (m²)", "Living area (m²)", Kind.DECIMAL, width=12, bounds=LIVING_AREA_M2),
    Column("water_source", "Nguồn nước sinh hoạt", "Domestic water source", Kind.CHOICE, choices=WaterSource, width=24),
    Column("latrine", "Nhà tiêu", "Latrine", Kind.CHOICE, choices=Latrine, width=22),
    Column(
        "telecom", "Dịch vụ viễn thông", "Telecom services", Kind.CHOICES, choices=TelecomService, width=22, none=True
    ),
    Column(
        "devices",
        "Phương tiện tiếp cận thông tin",
        "Means of information access",
        Kind.CHOICES,
        choices=Device,
        width=22,
        none=True,
    ),
    Column("village_loudspeaker", "Nghe loa truyền thanh", "Hears the village loudspeaker", Kind.BOOLEAN, width=12),
    Column("waste", "Rác thải sinh hoạt", "Household waste", Kind.CHOICE, choices=WasteTreatment, width=22),
    Column("causes", "Nguyên nhân nghèo", "Causes of poverty", Kind.CHOICES, choices=Cause, width=28),
)

SHEETS: dict[Sheet, tuple[str, str, tuple[Column, ...]]] = {
    Sheet.HOUSEHOLDS: ("Hộ gia đình", "Households", HOUSEHOLD_COLUMNS),
    Sheet.MEMBERS: ("Thành viên", "Members", MEMBER_COLUMNS),
    Sheet.REVIEWS: ("Rà soát", "Reviews", REVIEW_COLUMNS),
}
SHEET_LABELS = {
    Sheet.HOUSEHOLDS: _("Households"),
    Sheet.MEMBERS: _("Members"),
    Sheet.REVIEWS: _("Reviews"),
}
# Columns of amounts of đồng, read as the review form reads them ("1,5 triệu": ``common.amounts``).
AMOUNT_COLUMNS = frozenset({"income_per_capita"})
# Facts of the review sheet that go into ``HouseholdReview.facts`` (names of ``standards.indicators``).
REVIEW_FACT_KEYS = tuple(
    c.key for c in REVIEW_COLUMNS if c.key not in ("household", "year", "income_per_capita", "causes")
)

# The columns that hold facts the standards' indicators read: their blank cell is "not recorded".
FACT_COLUMNS: dict[Sheet, frozenset[str]] = {
    Sheet.HOUSEHOLDS: frozenset(),
    Sheet.MEMBERS: frozenset(
        {"sex", "date_of_birth", "in_school", "at_age_appropriate_level", "education", "has_health_insurance"}
        | {"employment", "has_labour_capacity", "disability", "receives_social_allowance", "sick_untreated"}
        | {"malnourished"}
    ),
    Sheet.REVIEWS: frozenset({"income_per_capita", *REVIEW_FACT_KEYS}),
}


_NOT_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=100_000)
def normalize(text: object) -> str:
    """A key for lenient matching: no case, no diacritics (đ → d), no spacing or punctuation."""
    text = unicodedata.normalize("NFC", str(text)).strip().lower()
    return _NOT_WORD.sub("", unidecode(text))


def vietnamese_label(choices: type[TextChoices], value: str) -> str:
    with translation.override("vi"):
        return str(choices(value).label)


# "Không" and "Không có" (and their English) for a choice's "none" value, or no value at all of several.
NONE_KEYS = frozenset({"khong", "khongco", "none", "no"})


def choice_lookup(choices: type[TextChoices]) -> dict[str, str]:
    """Every accepted spelling of a choice (code, Vietnamese label, English label), normalised → code; a
    choice with a "none" value (no latrine, no disability) is also "Không"."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[normalize(value)] = value
        lookup[normalize(label)] = value
        for language in ("vi", "en"):
            with translation.override(language):
                lookup[normalize(str(choices(value).label))] = value
    if "none" in choices.values:
        for key in NONE_KEYS:
            lookup.setdefault(key, "none")
    return lookup


def choice_labels(column: Column) -> list[str]:
    """The Vietnamese labels a coded column offers, in order (and "Không" for several values that may be none)."""
    labels = [vietnamese_label(column.choices, v) for v in column.choices.values]
    return [*labels, NONE_LABEL] if column.none else labels
