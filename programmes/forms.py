"""Forms of the plan pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PlanGoal, PlanTask


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
