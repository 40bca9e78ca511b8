"""Filters of the households and reviews API (django-filter). Querysets arrive already scoped to the caller."""

import django_filters
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from common.filters import IntegerFilter, StoredDateTimeFilter
from households.models import AdministrativeUnit, Cause, Household, HouseholdReview, HouseholdStatus, UnitLevel
from households.models.reviews import STATUS_CHOICES, TRANSITION_CHOICES, ReviewState
from households.registry_rules import GROUP_FLAGS, HouseholdGroup


def _communes_with_code(code: str) -> Q:
    """Communes that are, or lie under, a unit with this code (in either tree)."""
    units = AdministrativeUnit.objects.filter(code=code).exclude(level=UnitLevel.VILLAGE)
    return Q(pk__in=units) | Q(parent__in=units) | Q(parent__parent__in=units)


class _UnitFilterMixin:
    unit_field = "commune"

    def filter_unit(self, queryset, name, value):
        communes = AdministrativeUnit.objects.filter(_communes_with_code(value), level=UnitLevel.COMMUNE)
        return queryset.filter(**{f"{self.unit_field}__in": communes})


class HouseholdApiFilter(_UnitFilterMixin, django_filters.FilterSet):
    unit = django_filters.CharFilter(method="filter_unit", label=_("Unit code (province, district or commune)"))
    status = django_filters.ChoiceFilter(choices=HouseholdStatus.choices)
    group = django_filters.ChoiceFilter(choices=HouseholdGroup.choices, method="filter_group", label=_("Group"))
    ethnicity = django_filters.CharFilter(field_name="head_ethnicity__code", label=_("Ethnicity code (01-54)"))
    code = django_filters.CharFilter()

    class Meta:
        model = Household
        fields = ["unit", "status", "group", "ethnicity", "code"]

    def filter_group(self, queryset, name, value):
        return queryset.filter(**{GROUP_FLAGS[value]: True})


class ReviewApiFilter(_UnitFilterMixin, django_filters.FilterSet):
    unit = django_filters.CharFilter(method="filter_unit", label=_("Unit code (province, district or commune)"))
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
        fields = ["unit", "year", "period", "status", "transition", "state", "cause", "group", "ethnicity"]

    def filter_cause(self, queryset, name, value):
        # The causes are a JSON list; matching its text works on PostgreSQL and SQLite alike.
        return queryset.annotate(causes_text=Cast("causes", TextField())).filter(causes_text__contains=f'"{value}"')

    def filter_group(self, queryset, name, value):
        return queryset.filter(**{f"household__{GROUP_FLAGS[value]}": True})
