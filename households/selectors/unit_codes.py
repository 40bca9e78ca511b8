"""A unit named by its code, as the API's filters and the statistics read one: never a guess between two units.

The 2025 reform (Resolution 202/2025/QH15) let a new commune keep an old commune's code: 02143 names both Xã
Lương Thượng (until 30/6/2025) and Xã Văn Lang (from 1/7/2025), and so for 93 codes of Bắc Kạn and Thái
Nguyên alone. A code that names two units is refused until the caller says which tree (or, where a list
already reads a date, which day) it means; figures of two units are never joined under one code.

An unknown code and a code outside the caller's area are the same answer, so that the answer does not tell
which codes exist elsewhere.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households.models import LAST_LEGACY_DAY, REFORM_DATE, AdministrativeUnit, UnitLevel
from households.selectors.units import visible_unit_ids

if TYPE_CHECKING:
    from accounts.models import User


class Tree(models.TextChoices):
    """The two unit trees the 2025 reform left side by side."""

    LEGACY = "legacy", gettext_lazy("Until 30/6/2025 (province, district, commune)")
    CURRENT = "current", gettext_lazy("From 1/7/2025 (province, commune)")


def unit_tree_of(unit: AdministrativeUnit) -> Tree:
    return Tree.LEGACY if unit.valid_to is not None and unit.valid_to < REFORM_DATE else Tree.CURRENT


def in_tree(tree: str) -> models.Q:
    """The units of one tree: those that ended before the reform, or the others."""
    legacy = models.Q(valid_to__lt=REFORM_DATE)
    return legacy if tree == Tree.LEGACY else ~legacy  # Django's negation keeps the units still in force (NULL)


class UnitCodeError(LookupError):
    """A unit code that names no single unit of the caller's area; ``message`` says why, in the active language."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class UnitCodeUnknown(UnitCodeError):
    """No unit has the code, or none of the caller's area (the same answer: no leak of what exists elsewhere)."""

    def __init__(self, code: str):
        super().__init__(code, _("No administrative unit has the code %(code)s in your area.") % {"code": code})


class UnitCodeAmbiguous(UnitCodeError):
    """The code names several units (the two sides of the reform): the caller must say which."""

    def __init__(self, code: str, units: list[AdministrativeUnit]):
        self.units = units
        named = "; ".join(f"{unit.name} ({_period(unit)}, tree={unit_tree_of(unit)})" for unit in units)
        super().__init__(
            code,
            _("The code %(code)s names %(count)s units: %(units)s. Say which with tree=legacy or tree=current.")
            % {"code": code, "count": len(units), "units": named},
        )


def _period(unit: AdministrativeUnit) -> str:
    if unit.valid_to is not None and unit.valid_to <= LAST_LEGACY_DAY:
        return _("until %(day)s") % {"day": date_format(unit.valid_to, "SHORT_DATE_FORMAT")}
    if unit.valid_from is not None:
        return _("from %(day)s") % {"day": date_format(unit.valid_from, "SHORT_DATE_FORMAT")}
    return _("in force")


def unit_by_code(
    *, user: User, code: str, tree: str | None = None, on: datetime.date | None = None
) -> AdministrativeUnit:
    """The one unit (not a village) with ``code``, in ``tree`` and in force ``on`` when given, of the user's area.

    Raises ``UnitCodeAmbiguous`` when the code still names several units (whoever asks: the code is public, the
    answer does not depend on the area), ``UnitCodeUnknown`` when it names none, or one outside the area.
    One query, and the scope's (cached per request).
    """
    candidates = AdministrativeUnit.objects.exclude(level=UnitLevel.VILLAGE).filter(code=code)
    if tree:
        candidates = candidates.filter(in_tree(tree))
    if on is not None:
        candidates = candidates.valid_on(on)
    units = list(candidates.order_by(models.F("valid_from").asc(nulls_first=True), "pk"))
    if len(units) > 1:
        raise UnitCodeAmbiguous(code, units)
    ids = visible_unit_ids(user)
    if not units or (ids is not None and units[0].pk not in ids):
        raise UnitCodeUnknown(code)
    return units[0]
