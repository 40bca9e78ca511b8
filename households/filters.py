"""Filters of the unit and household lists (pages and API); the querysets they get are already scoped."""

from functools import cached_property

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from common.filters import StrictBooleanFilter
from common.numbers import MAX_ID, whole_number

from .models import AdministrativeUnit, Household, HouseholdStatus, UnitLevel
from .search import households_matching
from .widgets import UnitChoiceField

# Past this many villages, the village filter lists those of the chosen commune only: a province's thousands of
# villages in one list are a page of a megabyte on a phone. Any village of the area is still accepted.
VILLAGES_LISTED = 400


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


class VillagesListed:
    """The villages the village filter lists: those of the chosen commune, or all of the area's while they fit in
    a list (one query either way), and always the chosen one. Read only when the list is drawn: a download and
    the review form read the filter without drawing it."""

    def __init__(self, villages: QuerySet[AdministrativeUnit], *, commune: int | None, village: int | None):
        self.villages = villages.select_related("parent__parent")
        self.commune = commune
        self.chosen = Q(pk=village) if village else Q(pk__in=[])
        self.hint = _ChooseCommuneFirst(self)

    @cached_property
    def _read(self) -> tuple[list[AdministrativeUnit], bool]:
        if self.commune:
            return list(self.villages.filter(Q(parent_id=self.commune) | self.chosen)), False
        listed = list(self.villages[: VILLAGES_LISTED + 1])
        if len(listed) <= VILLAGES_LISTED:
            return listed, False
        return list(self.villages.filter(self.chosen)), True

    @property
    def too_many(self) -> bool:
        return self._read[1]

    def __iter__(self):
        return iter(self._read[0])


class _ChooseCommuneFirst:
    """The village filter's help text, there only when the villages are too many to list."""

    def __init__(self, listed: VillagesListed):
        self.listed = listed

    def __bool__(self) -> bool:
        return self.listed.too_many

    def __str__(self) -> str:
        return str(_("Choose a commune first: its villages are then listed.")) if self.listed.too_many else ""


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
    commune = UnitChoiceFilter(field_name="commune", label=_("Commune"))
    village = UnitChoiceFilter(field_name="village", label=_("Village"))
    status = django_filters.ChoiceFilter(choices=HouseholdStatus.choices, label=_("Status"))
    is_ethnic_minority = django_filters.BooleanFilter(label=_("Ethnic minority"))
    has_no_labour = django_filters.BooleanFilter(label=_("No labour capacity"))
    has_meritorious_person = django_filters.BooleanFilter(label=_("Person with meritorious service"))
    is_female_headed = django_filters.BooleanFilter(label=_("Female-headed"))

    class Meta:
        model = Household
        fields = ["q", "commune", "village", "status"]

    def __init__(self, data=None, queryset=None, *, units: QuerySet[AdministrativeUnit], **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["commune"].queryset = units.filter(level=UnitLevel.COMMUNE)
        self.filters["village"].queryset = units.filter(level=UnitLevel.VILLAGE)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            data = self.data or {}
            commune, village = (_an_id(data.get(name)) for name in ("commune", "village"))
            listed = VillagesListed(self.filters["village"].queryset, commune=commune, village=village)
            form.fields["village"].widget.offer(listed)
            form.fields["village"].help_text = listed.hint
        return self._form

    def search(self, queryset, name, value):
        return households_matching(queryset, value)
