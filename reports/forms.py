from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households.models import AdministrativeUnit, UnitLevel
from households.selectors import units_visible_to
from programmes.models import PovertyStandard
from programmes.plan_models import Plan
from programmes.plan_selectors import plan_list


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        period = _("until 30/6/2025") if obj.valid_to else _("from 1/7/2025")
        return f"{obj.name} ({period})"


class ReportForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=AdministrativeUnit.objects.none())
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


class DashboardForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=AdministrativeUnit.objects.none(), required=False)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args, user, years, **kwargs):
        super().__init__(*args, **kwargs)
        units = units_visible_to(user).exclude(level=UnitLevel.VILLAGE)
        self.fields["unit"].queryset = units.order_by("valid_to", "level", "name")
        self.fields["year"].choices = [(y, y) for y in reversed(years)]


class PlanChoiceForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plan_list(user=user)


class PlanYearForm(PlanChoiceForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
