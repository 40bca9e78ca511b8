"""Filters of the households, reviews and units API (django-filter). Querysets arrive already scoped to the caller.

A unit code in a filter names one unit or is refused (``households.selectors.unit_codes``): a code shared by the
two sides of the 2025 reform is a 400 asking for ``tree``, an unknown code or one outside the caller's area a
404 naming it, on every endpoint that reads one.
"""

import django_filters
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError

from common.filters import IntegerFilter, StoredDateTimeFilter
from households.filters import UnitFilter
from households.models import AdministrativeUnit, Cause, Household, HouseholdReview, HouseholdStatus, UnitLevel
from households.models.reviews import STATUS_CHOICES, TRANSITION_CHOICES, ReviewState
from households.registry_rules import GROUP_FLAGS, HouseholdGroup
from households.selectors.unit_codes import Tree, UnitCodeAmbiguous, UnitCodeUnknown, in_tree, unit_by_code


def unit_from_query(*, user, code: str, tree: str | None = None, on=None, field: str = "unit") -> AdministrativeUnit:
    """The unit a request names by ``code``; a 400 on ``field`` when the code names two units, a 404 naming the
    code when it names none of the caller's area."""
    try:
        return unit_by_code(user=user, code=code, tree=tree or None, on=on)
    except UnitCodeAmbiguous as error:
        raise ValidationError({field: [error.message]}) from None
    except UnitCodeUnknown as error:
        raise NotFound(error.message) from None


TREE_HELP = _("Which tree the unit code is read in when both have it: legacy (until 30/6/2025) or current.")


def unit_code_filter() -> django_filters.CharFilter:
    return django_filters.CharFilter(method="filter_unit", label=_("Unit code (province, district or commune)"))


def tree_filter() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(choices=Tree.choices, method="filter_tree", label=TREE_HELP)


class UnitCodeFilters:
    """What ``unit = unit_code_filter()`` and ``tree = tree_filter()`` do in a FilterSet: the code names one unit
    (``unit_from_query``), and ``unit_lookup`` says which rows it selects."""

    def unit_lookup(self, unit: AdministrativeUnit) -> Q:
        """The communes that are, or lie under, the unit (households and reviews are kept by commune)."""
        communes = AdministrativeUnit.objects.filter(
            Q(pk=unit.pk) | Q(parent=unit) | Q(parent__parent=unit), level=UnitLevel.COMMUNE
        )
        return Q(commune__in=communes)

    def filter_tree(self, queryset, name, value):
        return queryset  # read by filter_unit

    def filter_unit(self, queryset, name, value):
        unit = unit_from_query(user=self.request.user, code=value, tree=self.form.cleaned_data.get("tree"))
        return queryset.filter(self.unit_lookup(unit))


class UnitApiFilter(UnitFilter):
    """The units list's filters; ``parent`` is a code read like every other (``tree``, or the day of ``on``)."""

    parent = django_filters.CharFilter(method="filter_parent", label=_("Parent unit code"))
    tree = django_filters.ChoiceFilter(
        choices=Tree.choices,
        method="filter_tree",
        label=_("Only the units of this tree (legacy: until 30/6/2025; current); a parent code is read in it."),
    )

    def filter_tree(self, queryset, name, value):
        return queryset.filter(in_tree(value))

    def filter_parent(self, queryset, name, value):
        data = self.form.cleaned_data
        on = data.get("on") or data.get("date")
        parent = unit_from_query(user=self.request.user, code=value, tree=data.get("tree"), on=on, field="parent")
        return queryset.filter(parent=parent)


class HouseholdApiFilter(UnitCodeFilters, django_filters.FilterSet):
    unit = unit_code_filter()
    tree = tree_filter()
    status = django_filters.ChoiceFilter(choices=HouseholdStatus.choices)
    group = django_filters.ChoiceFilter(choices=HouseholdGroup.choices, method="filter_group", label=_("Group"))
    ethnicity = django_filters.CharFilter(field_name="head_ethnicity__code", label=_("Ethnicity code (01-54)"))
    code = django_filters.CharFilter()

    class Meta:
        model = Household
        fields = ["unit", "tree", "status", "group", "ethnicity", "code"]

    def filter_group(self, queryset, name, value):
        return queryset.filter(**{GROUP_FLAGS[value]: True})


class ReviewApiFilter(UnitCodeFilters, django_filters.FilterSet):
    unit = unit_code_filter()
    tree = tree_filter()
    # The bounds of a plan's years; a round's year has a standard in force (2001 on).
    year = IntegerFilter(field_name="round__year", min_value=1990, max_value=2100)
    period = django_filters.CharFilter(field_name="round__standard__code", label=_("Standard period, e.g. 2021-2025"))
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES)
    transition = django_filters.ChoiceFilter(choices=TRANSITION_CHOICES)
    state = django_filters.ChoiceFilter(choices=ReviewState.choices)
    cause = django_filters.ChoiceFilter(choices=Cause.choices, method="filter_cause")
    group = django_filters.ChoiceFilter(choices=HouseholdGroup.choices, method="filter_group")
    ethnicity = django_filters.CharFilter(field_name="household__head_ethnicity__code")
    updated_since = StoredDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = HouseholdReview
        fields = ["unit", "tree", "year", "period", "status", "transition", "state", "cause", "group", "ethnicity"]

    def filter_cause(self, queryset, name, value):
        # The causes are a JSON list; matching its text works on PostgreSQL and SQLite alike.
        return queryset.annotate(causes_text=Cast("causes", TextField())).filter(causes_text__contains=f'"{value}"')

    def filter_group(self, queryset, name, value):
        return queryset.filter(**{f"household__{GROUP_FLAGS[value]}": True})
