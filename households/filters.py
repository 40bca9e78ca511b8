import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import AdministrativeUnit, Household, HouseholdStatus, UnitLevel
from .search import households_matching


class StrictBooleanField(forms.NullBooleanField):
    """true or false (1 or 0); empty is no filter. Anything else is an error: the select widget read it as
    empty, so ``?is_urban=yes`` answered every unit as if no filter had been asked."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Must be a valid boolean.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


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
    commune = django_filters.NumberFilter(field_name="commune", label=_("Commune"))
    village = django_filters.NumberFilter(field_name="village", label=_("Village"))
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
