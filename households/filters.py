import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from common.numbers import MAX_ID, whole_number

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


class WholeNumberField(forms.IntegerField):
    """An integer as the API's description writes one: ASCII digits, with a minus for a negative number.
    Django's IntegerField also read "2024.0", "+5", " 5", "1_0" and "٣", which the schema's ``integer`` does
    not admit: ``?plan=0.0`` was answered 200, a request the description calls invalid."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)
        number = whole_number(text.removeprefix("-"))
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return -number if text.startswith("-") else number


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (a year, an id): 2024.5 is an error, not a filter on a decimal. Give it bounds where the
    database has them: ``?commune=`` 10^20, past a bigint, crashed SQLite's driver (a 500)."""

    field_class = WholeNumberField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in ("max_digits", "decimal_places"):
            self.extra.pop(key, None)


class IdFilter(IntegerFilter):
    """An id: 1 to the largest a BigAutoField holds; another is an error, not a query the driver cannot send."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class StoredDateTimeField(IsoDateTimeField):
    """An ISO 8601 date and time the database can compare, handed on in UTC. SQLite's driver gets it in UTC,
    where ``9999-12-31T23:59:59-12:00`` falls after year 9999 and ``0001-01-01`` (midnight here, UTC+7) before
    year 1: an OverflowError, a 500. PostgreSQL got it with its own offset, and refuses one of 16 hours or more
    (``2024-01-01T00:00:00+16:00``, a valid date-time): a DataError, a 500."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                value = value.astimezone(datetime.UTC)
            except OverflowError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return value


class StoredDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = StoredDateTimeField


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
