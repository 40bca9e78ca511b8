"""Filters of the unit and household lists (pages and API); the querysets they get are already scoped."""

from functools import cached_property

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from common.filters import StrictBooleanFilter
from common.numbers import MAX_ID, whole_number

from .models import AdministrativeUnit, Household, HouseholdStatus, UnitLevel, in_province
from .search import households_matching
from .widgets import UnitChoiceField

# Past this many villages, the village filter lists those of the chosen commune only: a province's thousands of
# villages in one list are a page of a megabyte on a phone. Any village of the area is still accepted. So with
# communes past COMMUNES_LISTED (the ministry's 13,000): those of the chosen province.
VILLAGES_LISTED = 400
COMMUNES_LISTED = 600


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


def _an_id(value) -> int | None:
    """The id a query names, or None: an id out of range would reach the database driver (the field says why)."""
    number = whole_number(str(value or ""))
    return number if number is not None and 1 <= number <= MAX_ID else None


class UnitsListed:
    """The units a filter lists: those under the chosen parent, or all of the area's while they fit in a list (one
    query either way), and always the chosen one. Read only when the list is drawn: a download and the review
    form read the filter without drawing it."""

    def __init__(self, units: QuerySet[AdministrativeUnit], *, under: Q | None, chosen: int | None, limit: int, hint):
        self.units = units.select_related("parent__parent")
        self.under = under
        self.chosen = Q(pk=chosen) if chosen else Q(pk__in=[])
        self.limit = limit
        self.hint = _ChooseFirst(self, hint)

    @cached_property
    def _read(self) -> tuple[list[AdministrativeUnit], bool]:
        if self.under is not None:
            return list(self.units.filter(self.under | self.chosen)), False
        listed = list(self.units[: self.limit + 1])
        if len(listed) <= self.limit:
            return listed, False
        return list(self.units.filter(self.chosen)), True

    @property
    def too_many(self) -> bool:
        return self._read[1]

    def __iter__(self):
        return iter(self._read[0])


class _ChooseFirst:
    """A filter's help text, there only when its units are too many to list."""

    def __init__(self, listed: UnitsListed, text):
        self.listed, self.text = listed, text

    def __bool__(self) -> bool:
        return self.listed.too_many

    def __str__(self) -> str:
        return str(self.text) if self.listed.too_many else ""


class UnitChoiceFilter(django_filters.ModelChoiceFilter):
    """A unit chosen from the user's units (``households.widgets.UnitSelect``); an id outside them, or not an id,
    is the field's error."""

    field_class = UnitChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("All"))
        super().__init__(*args, queryset=AdministrativeUnit.objects.none(), **kwargs)


class HouseholdFilter(django_filters.FilterSet):
    """Search and filters of the household list; the queryset it gets is already limited to the user's area, and
    ``units`` are the units of that area (``units_visible_to``), of either side of the 2025 reform."""

    q = django_filters.CharFilter(method="search", label=_("Name, citizen ID or household code"))
    province = UnitChoiceFilter(method="in_province", label=_("Province"))
    commune = UnitChoiceFilter(field_name="commune", label=_("Commune"))
    village = UnitChoiceFilter(field_name="village", label=_("Village"))
    status = django_filters.ChoiceFilter(choices=HouseholdStatus.choices, label=_("Status"))
    is_ethnic_minority = django_filters.BooleanFilter(label=_("Ethnic minority"))
    has_no_labour = django_filters.BooleanFilter(label=_("No labour capacity"))
    has_meritorious_person = django_filters.BooleanFilter(label=_("Person with meritorious service"))
    is_female_headed = django_filters.BooleanFilter(label=_("Female-headed"))

    class Meta:
        model = Household
        fields = ["q", "province", "commune", "village", "status"]

    def __init__(self, data=None, queryset=None, *, units: QuerySet[AdministrativeUnit], **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["province"].queryset = units.filter(level=UnitLevel.PROVINCE)
        self.filters["commune"].queryset = units.filter(level=UnitLevel.COMMUNE)
        self.filters["village"].queryset = units.filter(level=UnitLevel.VILLAGE)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            data = self.data or {}
            province, commune, village = (_an_id(data.get(name)) for name in ("province", "commune", "village"))
            communes = UnitsListed(
                self.filters["commune"].queryset,
                under=in_province(province) if province else None,
                chosen=commune,
                limit=COMMUNES_LISTED,
                hint=_("Choose a province first: its communes are then listed."),
            )
            form.fields["commune"].widget.offer(communes)
            form.fields["commune"].help_text = communes.hint
            # The province is asked for only where the communes are too many to list (the ministry's country).
            if not (province or communes.too_many):
                del form.fields["province"]
            villages = UnitsListed(
                self.filters["village"].queryset,
                under=Q(parent_id=commune) if commune else None,
                chosen=village,
                limit=VILLAGES_LISTED,
                hint=_("Choose a commune first: its villages are then listed."),
            )
            form.fields["village"].widget.offer(villages)
            form.fields["village"].help_text = villages.hint
        return self._form

    def in_province(self, queryset, name, value):
        return queryset.filter(in_province(value.pk, via="commune"))

    def search(self, queryset, name, value):
        return households_matching(queryset, value)
