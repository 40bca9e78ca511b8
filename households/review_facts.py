"""From a household's registry rows and the facts entered in a review to the review's outcome.

The registry holds the member facts (schooling, insurance, employment …); the review form holds the
household facts (housing, water, latrine …). Both go into ``standards.indicators.HouseholdFacts``, from which
``households.review_outcome.review_outcome`` decides what the review stores. The facts used are kept on the
review as JSON, so a later change in the registry does not rewrite the past. This module holds the form's
side of it: the fields the standard needs, the facts of the registry's members, and the messages a
problem becomes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields as dataclass_fields
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standards.classification import ClassificationError, StandardRules
from standards.indicators import (
    Device,
    HouseholdFacts,
    HousingType,
    Latrine,
    MemberFacts,
    MissingFactsError,
    TelecomService,
    WasteTreatment,
    WaterSource,
)
from standards.models import PovertyStandard
from standards.selectors import standard_rules

from .bounds import LIVING_AREA_M2
from .models import Member, ReviewKind
from .review_outcome import ReviewOutcome, review_outcome

# The household-level facts each indicator reads (member-level facts come from the registry).
INDICATOR_FACTS: dict[str, tuple[str, ...]] = {
    "housing_quality": ("housing",),
    "housing_area": ("living_area_m2",),
    "water": ("water_source",),
    "latrine": ("latrine",),
    "telecom": ("telecom",),
    "information_means": ("devices", "village_loudspeaker"),
    "waste": ("waste",),
}
FACT_LABELS = {
    "housing": gettext_lazy("Housing"),
    "living_area_m2": gettext_lazy("Living area (m²)"),
    "water_source": gettext_lazy("Domestic water source"),
    "latrine": gettext_lazy("Latrine"),
    "telecom": gettext_lazy("Telecom services used"),
    "devices": gettext_lazy("Means of information access"),
    "village_loudspeaker": gettext_lazy("Hears the village loudspeaker"),
    "waste": gettext_lazy("Household waste"),
    "education": gettext_lazy("highest education completed"),
    "employment": gettext_lazy("employment"),
    "at_age_appropriate_level": gettext_lazy("at the school level for their age"),
    "health_insurance": gettext_lazy("health insurance"),
    "in_school": gettext_lazy("attending school or training"),
    "sex": gettext_lazy("sex"),
}
_CHOICES = {
    "housing": HousingType,
    "water_source": WaterSource,
    "latrine": Latrine,
    "waste": WasteTreatment,
    "telecom": TelecomService,
    "devices": Device,
}
_MULTIPLE = {"telecom", "devices"}
# The box of a fact of several values that states that none applies (the import's "Không").
NONE_OF_CHOICE = "none"
_NONE_LABELS = {
    "telecom": gettext_lazy("None: no member uses a telecom service"),
    "devices": gettext_lazy("None: the household has none of these"),
}


class FactChoicesField(forms.MultipleChoiceField):
    """A fact of several values (telecom services, devices) with a box that states that none applies.

    No box ticked says nothing (the fact is not recorded, and a standard that needs it names it missing);
    "none" is the fact that the household has none, which the indicator reads (Decree 07/2021/NĐ-CP, access to
    information: deprived when no member uses a telecom service, or the household has no means of
    information access). Its value is then an empty set, as the import reads "Không"
    (``households.imports.columns.NONE_OF``), so the form, the API and the import store the same outcome."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, choices, none_label, **kwargs):
        super().__init__(choices=[*choices, (NONE_OF_CHOICE, none_label)], required=False, **kwargs)

    def clean(self, value):
        values = super().clean(value)
        if NONE_OF_CHOICE not in values:
            return values
        if len(values) > 1:
            raise ValidationError(
                _("“%(none)s” cannot go with other values.") % {"none": dict(self.choices)[NONE_OF_CHOICE]},
                code="none_with_others",
            )
        return frozenset()

    def prepare_value(self, value):
        # The stored "none of them" (an empty set, written [] in the review's facts) shows its box ticked.
        if isinstance(value, frozenset) and not value:
            return [NONE_OF_CHOICE]
        return super().prepare_value(value)


def review_reference_date(*, kind: str, round_date: datetime.date, requested_on: datetime.date | None) -> datetime.date:
    """The day a review takes the members' ages on, never the day its facts are entered.

    An annual review: the round's reference date (by default its start, 1 September: Decision
    24/2021/QĐ-TTg, art. 4). An ongoing review: the day the household asked to be reviewed (Decision
    24/2021/QĐ-TTg, art. 5: an ongoing review starts from the household's request, Form 01), or the round's
    date when that day was not recorded.
    """
    if kind == ReviewKind.ONGOING and requested_on is not None:
        return requested_on
    return round_date


def needed_facts(rules: StandardRules) -> list[str]:
    """The household facts the standard's indicators need, in form order."""
    needed: list[str] = []
    for code in rules.indicator_codes:
        needed.extend(f for f in INDICATOR_FACTS.get(code, ()) if f not in needed)
    return needed


def fact_form_fields(rules: StandardRules) -> dict[str, forms.Field]:
    """Form fields for the household facts the standard needs (none for an income-only standard)."""
    fields: dict[str, forms.Field] = {}
    for name in needed_facts(rules):
        label = FACT_LABELS[name]
        if name in _MULTIPLE:
            fields[name] = FactChoicesField(label=label, choices=_CHOICES[name].choices, none_label=_NONE_LABELS[name])
        elif name in _CHOICES:
            fields[name] = forms.ChoiceField(label=label, choices=[("", "—"), *_CHOICES[name].choices])
        elif name == "living_area_m2":
            fields[name] = forms.DecimalField(
                label=label,
                min_value=LIVING_AREA_M2.minimum,
                max_value=LIVING_AREA_M2.maximum,
                decimal_places=LIVING_AREA_M2.decimal_places,
            )
        else:
            fields[name] = forms.NullBooleanField(label=label, widget=forms.NullBooleanSelect)
    return fields


def member_facts(member: Member) -> MemberFacts:
    return MemberFacts.of(
        member.date_of_birth,
        member.full_name,
        member.in_school,
        member.at_age_appropriate_level,
        member.education or None,
        member.has_health_insurance,
        member.sick_untreated,
        member.employment or None,
        member.disability,
        member.receives_social_allowance,
        member.malnourished,
        member.sex or None,
    )


_HOUSEHOLD_FACT_NAMES = frozenset(f.name for f in dataclass_fields(HouseholdFacts)) - {"members"}


def household_facts(facts: Mapping[str, Any], members: Iterable[Member]) -> HouseholdFacts:
    """Household facts (unknown keys ignored) with the members' facts from the registry.

    A blank fact (``None``, "", an empty list: a form's boxes left unticked) is not recorded. An empty set
    (``frozenset()``) states that none applies: no member uses a telecom service, the household has no
    device (the import reads "Không" so); the indicator then decides on it."""
    values: dict[str, Any] = {}
    for name, value in facts.items():
        # Not ``value in (None, "", [])``: a Decimal compared with "" goes through the numbers ABCs (slow).
        if name not in _HOUSEHOLD_FACT_NAMES or value is None or (isinstance(value, str | list) and not value):
            continue
        if name == "living_area_m2" and value.__class__ is not Decimal:
            value = Decimal(str(value))
        values[name] = value
    return HouseholdFacts(members=tuple(member_facts(m) for m in members), **values)


def registry_review_outcome(
    *,
    standard: PovertyStandard,
    year: int,
    income_year: int,
    is_urban: bool,
    income: int,
    facts: Mapping[str, Any],
    members: Iterable[Member],
    on: datetime.date,
    mountain_island: bool = False,
    history: Sequence[tuple[int, str, str]] = (),
) -> ReviewOutcome:
    """``households.review_outcome.review_outcome`` of the facts entered for a household of the registry, with
    its members' facts; problems become a ``ValidationError`` by field, a missing member fact naming the member.

    ``year`` is the round's year, ``income_year`` the year whose income line applies
    (``standards.selectors.rules_year``); ``on`` the review's reference date (``review_reference_date``);
    ``mountain_island`` the commune's flag for the 2001-2005 rural mountainous and island line (Decision
    1143/2000/QĐ-LĐTBXH); ``history`` the household's approved ``(round year, standard code, status)`` triples,
    oldest first."""
    members = list(members)
    rules = standard_rules(standard)
    full_facts = household_facts(facts, members)
    try:
        return review_outcome(
            rules=rules,
            year=year,
            income_year=income_year,
            is_urban=is_urban,
            income=income,
            facts=full_facts,
            on=on,
            mountain_island=mountain_island,
            history=history,
        )
    except MissingFactsError as error:
        raise ValidationError([_missing_message(m.fact, members) for m in error.missing]) from None
    except ClassificationError as error:
        raise ValidationError({_FIELDS.get(error.field, "__all__"): error.message}) from None


_FIELDS = {"income": "income_per_capita", "year": "round", "deprived": "facts"}


def _missing_message(fact: str, members: list[Member]) -> str:
    if fact.startswith("members["):
        index, name = fact.removeprefix("members[").split("].")
        member = members[int(index) - 1]
        return _("Missing for %(member)s: %(fact)s.") % {
            "member": member.full_name,
            "fact": FACT_LABELS.get(name, name),
        }
    return _("Missing: %(fact)s.") % {"fact": FACT_LABELS.get(fact, fact)}
