"""Filters of the plan and project lists (pages and API); the querysets they get are already scoped."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Plan, Programme, Project


class PlanFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(method="filter_year", label=_("Covers the year"), min_value=1990)
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
    plan = django_filters.NumberFilter(field_name="plan")

    class Meta:
        model = Project
        fields = ["programme", "code", "unit", "plan"]
