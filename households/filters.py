"""Filters of the unit and household lists (pages and API); the querysets they get are already scoped."""

import django_filters
from django.utils.translation import gettext_lazy as _

from common.filters import IdFilter, StrictBooleanFilter

from .models import AdministrativeUnit, Household, HouseholdStatus, UnitLevel
from .search import households_matching


class UnitFilter(django_filters.FilterSet):
    on = django_filters.DateFilter(method="filter_on", label=_("Valid on (YYYY-MM-DD)"))
    date = django_filters.DateFilter(method="filter_on", label=_("Valid on (YYYY-MM-DD); same as on"))
    level = django_filters.ChoiceFilter(choices=UnitLevel.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label=_("Parent unit code"))
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    is_urban = StrictBooleanFilter()

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "level", "unit_type", "is_urban"]

    def filter_on(self, queryset, name, value):
        return queryset.valid_on(value)


class HouseholdFilter(django_filters.FilterSet):
    """Search and filters of the household list; the queryset it gets is already limited to the user's area."""

    q = django_filters.CharFilter(method="search", label=_("Name, citizen ID or household code"))
    commune = IdFilter(field_name="commune", label=_("Commune"))
    village = IdFilter(field_name="village", label=_("Village"))
    status = django_filters.ChoiceFilter(choices=HouseholdStatus.choices, label=_("Status"))
    is_ethnic_minority = django_filters.BooleanFilter(label=_("Ethnic minority"))
    has_no_labour = django_filters.BooleanFilter(label=_("No labour capacity"))
    has_meritorious_person = django_filters.BooleanFilter(label=_("Person with meritorious service"))
    is_female_headed = django_filters.BooleanFilter(label=_("Female-headed"))

    class Meta:
        model = Household
        fields = ["q", "commune", "village", "status"]

    def search(self, queryset, name, value):
        return households_matching(queryset, value)
