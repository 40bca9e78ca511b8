"""Rules of the registry over plain data: the citizen ID check, the dates a member's birth may take and the
groups a household belongs to. The household form and the import both ask these functions, so that a value
one refuses the other refuses too."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standards.working_age import SEXES, is_working_age

from .unit_sources import legacy_province_names


def age_on(date_of_birth: date, on: date) -> int:
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


_CCCD = re.compile(r"[0-9]{12}")
# Nobody alive was born before this; an earlier date is a typing mistake (a year of 19xx typed 18xx).
EARLIEST_BIRTH = date(1900, 1, 1)


def normalize_citizen_id(text: str) -> str:
    """The ID as typed, in the form it is stored: NFKC turns full-width digits (a phone keyboard's ``６``)
    into ASCII ones, so that one person is not stored twice; spaces and the dots some people group the
    digits with are dropped. What is still not 12 ASCII digits is refused by ``cccd_errors``."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).replace(".", "")


def cccd_errors(number: str, *, sex: str | None = None, date_of_birth: date | None = None) -> list[str]:
    """Problems with a 12-digit citizen ID (CCCD), empty when it is well formed.

    Circular 59/2021/TT-BCA, art. 7: 3 digits for the province where the birth was registered, 1 digit for
    the century and sex (1900s: male 0, female 1; 2000s: 2, 3; 2100s: 4, 5 …), 2 digits for the year of
    birth, 6 random digits.
    """
    # ``str.isdigit`` is true of ``²`` and of other scripts' digits: only ASCII digits are a citizen ID.
    if not _CCCD.fullmatch(number):
        return [_("A citizen ID has exactly 12 digits.")]
    errors = []
    if number[:3].lstrip("0").zfill(2) not in legacy_province_names():
        errors.append(_("The first three digits (%(code)s) are not a province code.") % {"code": number[:3]})
    century_digit = int(number[3])
    if date_of_birth is not None:
        expected_century = 19 + century_digit // 2
        if date_of_birth.year // 100 != expected_century or date_of_birth.year % 100 != int(number[4:6]):
            errors.append(
                _("Digits 4 to 6 (%(digits)s) do not match the year of birth %(year)s.")
                % {"digits": number[3:6], "year": date_of_birth.year}
            )
    if sex in ("male", "female") and (century_digit % 2 == 1) != (sex == "female"):
        errors.append(_("The fourth digit (%(digit)s) does not match the sex.") % {"digit": number[3]})
    return errors


def birth_date_errors(date_of_birth: date, *, today: date) -> list[str]:
    """Problems with a date of birth: a day that has not come yet, or one before anyone alive was born."""
    if date_of_birth > today:
        return [_("The date of birth is in the future.")]
    if date_of_birth < EARLIEST_BIRTH:
        return [_("The date of birth is before %(year)s: check the year.") % {"year": EARLIEST_BIRTH.year}]
    return []


class HouseholdGroup(TextChoices):
    """The groups Circular 07/2021/TT-BLĐTBXH reports households by (forms 7.x)."""

    ETHNIC_MINORITY = "ethnic_minority", gettext_lazy("Ethnic minority")
    NO_LABOUR = "no_labour", gettext_lazy("No labour capacity")
    MERITORIOUS = "meritorious", gettext_lazy("Person with meritorious service")
    FEMALE_HEADED = "female_headed", gettext_lazy("Female-headed")
    SOCIAL_ALLOWANCE = "social_allowance", gettext_lazy("Social allowance")


# The household's flag that puts it in each group: the statistics count them, the API filters by them.
GROUP_FLAGS: dict[str, str] = {
    HouseholdGroup.ETHNIC_MINORITY.value: "is_ethnic_minority",
    HouseholdGroup.NO_LABOUR.value: "has_no_labour",
    HouseholdGroup.MERITORIOUS.value: "has_meritorious_person",
    HouseholdGroup.FEMALE_HEADED.value: "is_female_headed",
    HouseholdGroup.SOCIAL_ALLOWANCE.value: "receives_social_allowance",
}


@dataclass(frozen=True)
class MemberSketch:
    relation: str
    sex: str
    date_of_birth: date
    has_labour_capacity: bool
    receives_social_allowance: bool


@dataclass(frozen=True)
class HouseholdGroups:
    head_name_index: int | None
    has_no_labour: bool
    is_female_headed: bool
    receives_social_allowance: bool


def is_worker(member: MemberSketch, *, on: date) -> bool:
    """Able to work and of working age on ``on``. A member under 15 or past the retirement age for their sex
    and year of birth (Labour Code 2019, arts. 3 and 169; Decree 135/2020/NĐ-CP) has no labour capacity
    whatever the registry says."""
    if not member.has_labour_capacity:
        return False
    if member.sex in SEXES:
        return is_working_age(member.date_of_birth, member.sex, on)
    # Sex not recorded (an import row the check refuses anyway): of working age for either sex.
    return any(is_working_age(member.date_of_birth, sex, on) for sex in SEXES)


def household_groups(members: Iterable[MemberSketch], *, on: date) -> HouseholdGroups:
    """The reported groups that follow from the members (Circular 07/2021/TT-BLĐTBXH, forms 7.x)."""
    members = list(members)
    head = next((i for i, m in enumerate(members) if m.relation == "head"), None)
    workers = [m for m in members if is_worker(m, on=on)]
    return HouseholdGroups(
        head_name_index=head,
        has_no_labour=bool(members) and not workers,
        is_female_headed=head is not None and members[head].sex == "female",
        receives_social_allowance=any(m.receives_social_allowance for m in members),
    )
