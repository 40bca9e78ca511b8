import django_filters
from django.utils.translation import gettext_lazy as _

from .models import AdministrativeUnit, UnitLevel


class UnitFilter(django_filters.FilterSet):
    on = django_filters.DateFilter(method="filter_on", label=_("Valid on (YYYY-MM-DD)"))
    level = django_filters.ChoiceFilter(choices=UnitLevel.choices)
    parent = django_filters.CharFilter(field_name="parent__code", label=_("Parent unit code"))
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "level", "unit_type", "is_urban"]

    def filter_on(self, queryset, name, value):
        return queryset.valid_on(value)
