"""The one way a unit is chosen on a form: a ``<select>`` of the user's units read as a tree.

A province holds hundreds of communes and thousands of villages, and a flat list of names cannot tell Xã Bằng
Thành of Huyện Pác Nặm (until 30/6/2025) from Xã Bằng Thành of Tỉnh Thái Nguyên (from 1/7/2025). So each
option says its path ("Xã Bằng Thành — Huyện Pác Nặm"), the options are grouped under their parent
(``<optgroup>``, the tree read top-down, the units in force first), and ``static/js/unit_picker.js`` adds a
search box that narrows the list as one types, with or without diacritics. Without scripts the grouped select
works alone.

The units offered are those of the field's queryset, which the form takes from a selector that knows the user
(``units_visible_to``): the widget never widens it. They are read in one query, parents joined, whatever their
number.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import date

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from common.numbers import MAX_ID, whole_number

from .models import AdministrativeUnit, UnitLevel
from .search_words import fold

# Parent and grandparent: an option names its parent, its group names the parent's parent.
PARENTS = "parent__parent"
LEVEL_RANK = {level: rank for rank, level in enumerate(UnitLevel.values)}
# Below this many units the list is short enough to read: no search box (read by unit_picker.js).
SEARCH_FROM = 8


def _day(on: date) -> str:
    # As the offices write it and as the reports have always labelled the two trees: 30/6/2025, 1/7/2025.
    return f"{on.day}/{on.month}/{on.year}"


def unit_period(unit: AdministrativeUnit) -> str:
    """When the unit was in force, for telling the two sides of the 2025 reform apart; "" for a unit without dates."""
    if unit.valid_to:
        return str(_("until %(day)s") % {"day": _day(unit.valid_to)})
    if unit.valid_from:
        return str(_("from %(day)s") % {"day": _day(unit.valid_from)})
    return ""


def unit_path(unit: AdministrativeUnit, *, period: bool = False) -> str:
    """The unit and its parent, "Xã Bằng Thành — Huyện Pác Nặm"; with its period when two trees are offered."""
    text = f"{unit.name} — {unit.parent.name}" if unit.parent_id else unit.name
    when = unit_period(unit) if period else ""
    return f"{text} ({when})" if when else text


def _ended(unit: AdministrativeUnit, today: date) -> bool:
    return unit.valid_to is not None and unit.valid_to < today


def _path_key(unit: AdministrativeUnit) -> tuple[str, ...]:
    # Root first, so that a province's group comes right before its districts' groups (the tree read top-down).
    names = [unit.name]
    if unit.parent_id:
        names.insert(0, unit.parent.name)
    return tuple(fold(name) for name in names)


def grouped_unit_choices(
    units: Iterable[AdministrativeUnit], *, with_code: bool = False, today: date | None = None
) -> list[tuple]:
    """Choices for a ``<select>``: the units without a parent first, then one group per parent, named by its path.

    Units in force come before those ended (the tree of today first), each group in tree order, each unit in
    its group by level and name as Vietnamese reads it (diacritics folded: "Bằng" before "Bình"). When the
    units span the two sides of the reform, every label carries its period.
    """
    today = today or timezone.localdate()
    units = list(units)
    mixed = any(_ended(u, today) for u in units) and any(not _ended(u, today) for u in units)

    def label(unit: AdministrativeUnit) -> str:
        text = unit_path(unit, period=mixed)
        return f"{text} · {unit.code}" if with_code and unit.code else text

    def unit_key(unit: AdministrativeUnit):
        return (_ended(unit, today), LEVEL_RANK.get(unit.level, 0), fold(unit.name), unit.pk)

    roots = sorted((u for u in units if not u.parent_id), key=unit_key)
    groups: dict[int, list[AdministrativeUnit]] = {}
    for unit in units:
        if unit.parent_id:
            groups.setdefault(unit.parent_id, []).append(unit)
    parents = sorted(
        (members[0].parent for members in groups.values()),
        key=lambda p: (_ended(p, today), _path_key(p), LEVEL_RANK.get(p.level, 0), p.pk),
    )
    choices: list[tuple] = [(u.pk, label(u)) for u in roots]
    for parent in parents:
        members = sorted(groups[parent.pk], key=unit_key)
        choices.append((unit_path(parent, period=mixed), [(u.pk, label(u)) for u in members]))
    return choices


class UnitSelect(forms.Select):
    """A ``<select>`` of units grouped by parent, each labelled with its path; searchable where scripts run.

    Give it to any ``ModelChoiceField`` over ``AdministrativeUnit`` (``UnitChoiceField`` does); ``offer()``
    narrows what is listed without narrowing what is accepted (the household list's villages of one commune).
    """

    def __init__(self, attrs=None, choices=(), *, with_code: bool = False):
        defaults = {
            "data-unit-picker": "",
            "data-search-from": str(SEARCH_FROM),
            # The script's words, translated here (it has no catalogue of its own).
            "data-search-label": _("Search by name"),
            "data-search-placeholder": _("Type a few letters, e.g. bang thanh"),
            "data-matches": _("Units matching: {count}"),
            "data-no-match": _("No unit matches “{query}”."),
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, choices=choices)
        self.with_code = with_code
        self.offered: Iterable[AdministrativeUnit] | None = None

    def offer(self, units: Iterable[AdministrativeUnit]) -> None:
        """List these units instead of the whole queryset the field accepts; read when the list is drawn."""
        self.offered = units.select_related(PARENTS) if hasattr(units, "select_related") else units

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.offered = copy.copy(self.offered)
        return result

    def _units_and_empty_label(self, *, load: bool = True) -> tuple[Sequence[AdministrativeUnit] | None, str | None]:
        choices = self.choices
        empty_label = getattr(getattr(choices, "field", None), "empty_label", None)
        if self.offered is not None:
            return (list(self.offered) if load else []), empty_label
        if isinstance(choices, ModelChoiceIterator):
            # One query, the parents joined: never a query per option.
            return (list(choices.queryset.select_related(PARENTS)) if load else []), empty_label
        return None, None

    def use_required_attribute(self, initial) -> bool:
        # Select's own check reads the first choice, which for a list without an empty label runs the query.
        units, empty_label = self._units_and_empty_label(load=False)
        if units is None:
            return super().use_required_attribute(initial)
        return forms.Widget.use_required_attribute(self, initial) and empty_label is not None

    def optgroups(self, name, value, attrs=None):
        units, empty_label = self._units_and_empty_label()
        if units is None:  # plain choices given by hand: shown as given
            return super().optgroups(name, value, attrs)
        grouped = grouped_unit_choices(units, with_code=self.with_code)
        if empty_label is not None:
            grouped.insert(0, ("", empty_label))
        widget = copy.copy(self)
        widget.choices = grouped
        return super(UnitSelect, widget).optgroups(name, value, attrs)

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        """Django's ``select.html`` written out here: its template includes one template per option, 0.2 ms each,
        and a province officer's commune filter lists 500 communes of both trees (100 ms of a 150 ms page)."""
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(option["value"])}"{_attributes(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # the option template's own line end
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every value above is escaped


def _attributes(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``: a True value is a bare name, False leaves the attribute out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class UnitChoiceField(forms.ModelChoiceField):
    """A unit of the queryset the form gives (always one a selector scoped to the user), shown by ``UnitSelect``.

    A value that is not an id (``?commune=1e30``, "²", beyond a bigint) is an invalid choice, said beside the
    field, and never reaches the database."""

    widget = UnitSelect

    def __init__(self, queryset=None, *, with_code: bool = False, **kwargs):
        kwargs.setdefault("widget", UnitSelect(with_code=with_code))
        super().__init__(queryset if queryset is not None else AdministrativeUnit.objects.none(), **kwargs)

    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return unit_path(obj)

    def to_python(self, value):
        if value not in self.empty_values:
            number = whole_number(str(value))
            if number is None or not 1 <= number <= MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
                )
        return super().to_python(value)
