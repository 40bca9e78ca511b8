"""Forms of the plan pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import UnitLevel
from households.selectors import units_visible_to
from households.widgets import UnitChoiceField, UnitSelect

from .models import Plan, PlanGoal, PlanTask


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100, required=False)


class TargetImportForm(forms.Form):
    year = forms.IntegerField(label=_("Target year"), min_value=1990, max_value=2100)
    workbook = forms.FileField(label=_("Workbook (.xlsx)"), help_text=_("Shaped like the target table of 397/QĐ-UBND."))

    def clean_workbook(self):
        workbook = self.cleaned_data["workbook"]
        if not workbook.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an .xlsx file."))
        return workbook


class GoalActualForm(forms.ModelForm):
    class Meta:
        model = PlanGoal
        fields = ["actual", "actual_note"]


class TaskForm(forms.ModelForm):
    class Meta:
        model = PlanTask
        fields = ["status", "deadline", "progress_notes"]
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}),
            "progress_notes": forms.Textarea(attrs={"rows": 2}),
        }


class PlanForm(forms.ModelForm):
    """A plan's decision, period and unit; the unit is one the officer may see."""

    class Meta:
        model = Plan
        fields = [
            "title",
            "decision_number",
            "decision_date",
            "issuing_body",
            "signer",
            "unit",
            "period_from",
            "period_to",
            "year_from",
            "year_to",
            "baseline_year",
            "standard",
            "notes",
        ]
        field_classes = {"unit": UnitChoiceField}
        widgets = {
            "decision_date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "unit": UnitSelect,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            units_visible_to(user)
            .filter(level__in=[UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE])
            .order_by("level", "name")
        )


class TargetRowForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"))
    households = forms.IntegerField(label=_("Households"), min_value=0)
    poor_households = forms.IntegerField(label=_("Poor households"), min_value=0)
    poor_rate_printed = forms.DecimalField(
        label=_("Printed rate (%)"), required=False, max_digits=6, decimal_places=2, localize=True
    )
    reduction_households = forms.IntegerField(label=_("Planned reduction (households)"), min_value=0)
    reduction_pp_printed = forms.DecimalField(
        label=_("Printed reduction (pp)"), required=False, max_digits=6, decimal_places=2, localize=True
    )
    near_poor_households = forms.IntegerField(label=_("Near-poor households"), required=False, min_value=0)
    near_poor_reduction_households = forms.IntegerField(
        label=_("Planned near-poor reduction (households)"), required=False, min_value=0
    )

    def __init__(self, *args, units=None, listed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        if listed is not None:
            self.fields["unit"].widget.offer(listed)


class BaseTargetRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, units=None, **kwargs):
        self.units = units
        self._listed = None
        super().__init__(*args, **kwargs)

    def listed(self) -> list:
        """The units every row's list offers, read once for the table (a query per row made 100 for a plan's
        communes)."""
        if self._listed is None:
            self._listed = [] if self.units is None else list(self.units.select_related("parent__parent"))
        return self._listed

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "units": self.units, "listed": _Listed(self)}

    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class _Listed:
    """The formset's units, read when a row's list is first drawn (not when the rows are only checked)."""

    def __init__(self, formset: BaseTargetRowFormSet):
        self.formset = formset

    def __iter__(self):
        return iter(self.formset.listed())


TargetRowFormSet = forms.formset_factory(TargetRowForm, formset=BaseTargetRowFormSet, extra=3, can_delete=True)


class GoalForm(forms.ModelForm):
    """A goal as the plan words it: the comparison is offered by its words ("dưới", "không quá", "trên", "ít nhất /
    đạt"), and ``PlanGoal.clean`` refuses one the description contradicts ("dưới 10%" chosen as "không quá")."""

    class Meta:
        model = PlanGoal
        fields = ["kind", "group", "description", "direction", "target_low", "target_high", "unit_of_measure", "year"]


class TaskCreateForm(forms.ModelForm):
    class Meta:
        model = PlanTask
        fields = ["order", "title", "lead_agency", "partner_agencies", "approving_body", "deadline_text", "deadline"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}), "title": forms.Textarea(attrs={"rows": 2})}
