"""Filters of the plan and project lists (pages and API); the querysets they get are already scoped."""

import django_filters
from django.utils.translation import gettext_lazy as _

from common.filters import IntegerFilter
from common.numbers import MAX_ID

from .models import Plan, Programme, Project


class PlanFilter(django_filters.FilterSet):
    # A whole year within the bounds the schema states: 4e307 was a valid "number" the form then refused.
    year = IntegerFilter(method="filter_year", label=_("Covers the year"), min_value=1990, max_value=2100)
    unit = django_filters.CharFilter(field_name="unit__code", label=_("Unit code"))
    decision_number = django_filters.CharFilter(lookup_expr="icontains", label=_("Decision number"))

    class Meta:
        model = Plan
        fields = ["year", "unit", "decision_number"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(year_from__lte=value, year_to__gte=value)


class ProjectFilter(django_filters.FilterSet):
    programme = django_filters.ChoiceFilter(choices=Programme.choices)
    code = django_filters.CharFilter()
    unit = django_filters.CharFilter(field_name="unit__code", label=_("Unit code"))
    plan = IntegerFilter(method="filter_plan", label=_("Plan id"))

    class Meta:
        model = Project
        fields = ["programme", "code", "unit", "plan"]

    def filter_plan(self, queryset, name, value):
        # An id no plan can have matches nothing; passed on, the database driver would fail on it.
        return queryset.filter(plan=value) if 1 <= value <= MAX_ID else queryset.none()
