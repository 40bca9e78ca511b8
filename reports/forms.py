from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.numbers import whole_number
from households.models import AdministrativeUnit, CommuneGroup, UnitLevel
from households.selectors import units_visible_to, visible_unit_ids
from households.selectors.residents import CommuneResidents
from households.services.residents import resident_count_set
from households.widgets import UnitChoiceField
from programmes.models import Plan
from programmes.selectors import plan_list
from standards.models import PovertyStandard

from .national import NATIONAL_BY_CHOICES

if TYPE_CHECKING:
    from accounts.models import User


class ReportForm(forms.Form):
    # Both trees, grouped by parent, each labelled with its path and period (households.widgets.UnitSelect).
    unit = UnitChoiceField(label=_("Unit"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    # A year can have figures under two standards (the review at the end of a period opens the next one).
    standard = forms.ChoiceField(label=_("Poverty standard"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_visible_to(user).exclude(level=UnitLevel.VILLAGE)
        self.fields["unit"].queryset = units.order_by("valid_to", "level", "name")
        self.fields["year"].initial = timezone.localdate().year - 1
        codes = PovertyStandard.objects.order_by("code").values_list("code", flat=True).distinct()
        self.fields["standard"].choices = [("", _("That of the year's latest annual review")), *((c, c) for c in codes)]

    def clean_standard(self) -> str | None:
        return self.cleaned_data["standard"] or None


class ListForm(ReportForm):
    status = forms.ChoiceField(
        label=_("Households"),
        choices=[("both", _("Poor and near-poor")), ("poor", _("Poor")), ("near_poor", _("Near-poor"))],
        initial="both",
        required=False,
    )

    def clean_status(self) -> str:
        return self.cleaned_data["status"] or "both"


# Past this many units of the user's area, the dashboard's unit list narrows to the top levels and the unit shown.
UNITS_LISTED = 1500


class DashboardForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args, user, years, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_visible_to(user).exclude(level=UnitLevel.VILLAGE)
        self.fields["unit"].queryset = units.order_by("valid_to", "level", "name")
        self.fields["year"].choices = [(y, y) for y in reversed(years)]
        # The area's units read once a request already (villages too): only a large area costs a count.
        ids = visible_unit_ids(user)
        if ids is None or (len(ids) > UNITS_LISTED and units[: UNITS_LISTED + 1].count() > UNITS_LISTED):
            # The country's 14,000 units are a page of megabytes: the provinces and districts, and around the unit
            # shown its parent, its siblings and the units below it. Any unit of the area is still accepted.
            chosen = whole_number(str(self.data.get("unit") or getattr(self.initial.get("unit"), "pk", "")))
            top = Q(level__in=[UnitLevel.PROVINCE, UnitLevel.DISTRICT])
            if chosen:
                # Its parent read first: a join to the children, ORed, multiplied the rows by the country's units.
                parent = AdministrativeUnit.objects.filter(pk=chosen).values_list("parent_id", flat=True).first()
                top |= Q(pk=chosen) | Q(parent_id=chosen)
                if parent:
                    top |= Q(pk=parent) | Q(parent_id=parent)
            self.fields["unit"].widget.offer(units.filter(top))
            self.fields["unit"].help_text = _("Choose a province and Show: the units below it are listed then.")


class NationalForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    by = forms.ChoiceField(label=_("Rows"), choices=NATIONAL_BY_CHOICES, required=False)
    group = forms.ChoiceField(
        label=_("Group of communes"), choices=[("", _("Every commune")), *CommuneGroup.choices], required=False
    )
    # A year may have figures under two standards (the review at the end of a period opens the next one).
    standard = forms.ChoiceField(label=_("Poverty standard"), required=False)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in reversed(years)]
        codes = PovertyStandard.objects.order_by("code").values_list("code", flat=True).distinct()
        self.fields["standard"].choices = [("", _("The year's own")), *((code, code) for code in codes)]


class PlanChoiceForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plan_list(user=user)


class PlanYearForm(PlanChoiceForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class ResidentYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)


class ResidentCountsForm(forms.Form):
    """The resident households and people of each commune of a year; a commune left blank is not changed."""

    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        required=False,
        help_text=_("Where the figures come from, e.g. the commune police's population records at 31/12."),
    )

    def __init__(self, *args, rows: list[CommuneResidents], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            pk = row.commune.pk
            self.fields[f"households_{pk}"] = forms.IntegerField(
                label=_("Resident households"),
                min_value=1,
                required=False,
                initial=row.count.households if row.count else None,
            )
            self.fields[f"people_{pk}"] = forms.IntegerField(
                label=_("Resident people"), min_value=1, required=False, initial=row.count.people if row.count else None
            )

    def lines(self):
        """(commune, its count, the households field, the people field) for the template."""
        for row in self.rows:
            pk = row.commune.pk
            yield row.commune, row.count, self[f"households_{pk}"], self[f"people_{pk}"]

    def clean(self):
        data = super().clean()
        for row in self.rows:
            pk = row.commune.pk
            households, people = data.get(f"households_{pk}"), data.get(f"people_{pk}")
            if (households is None) != (people is None) and not self.has_error(f"households_{pk}"):
                missing = f"households_{pk}" if households is None else f"people_{pk}"
                self.add_error(missing, _("Enter both figures, or neither."))
        return data

    def save(self, *, user: User, year: int) -> int | None:
        """Set every changed commune's counts, all or nothing; None (and field errors) when one is refused."""
        saved = 0
        with transaction.atomic():
            for row in self.rows:
                pk = row.commune.pk
                households = self.cleaned_data.get(f"households_{pk}")
                people = self.cleaned_data.get(f"people_{pk}")
                if households is None or (
                    row.count and (row.count.households, row.count.people) == (households, people)
                ):
                    continue
                try:
                    resident_count_set(
                        user=user,
                        commune=row.commune,
                        year=year,
                        households=households,
                        people=people,
                        source=self.cleaned_data["source"],
                    )
                except ValidationError as error:
                    for name, messages in error.message_dict.items():
                        field = f"{name}_{pk}" if name in ("households", "people") else None
                        for message in messages:
                            self.add_error(field, f"{row.commune.name}: {message}" if field is None else message)
                else:
                    saved += 1
            if self.errors:
                transaction.set_rollback(True)
                return None
        return saved


class ResidentImportForm(forms.Form):
    workbook = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("One row per commune: code, year, resident households, resident people."),
    )
