"""Forms of the villages page and the carry-over page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import DayField
from .models import AdministrativeUnit, UnitType
from .services.villages import VILLAGE_TYPES
from .widgets import UnitChoiceField

TYPE_CHOICES = [(t.value, t.label) for t in UnitType if t in VILLAGE_TYPES]


class VillageCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    unit_type = forms.ChoiceField(label=_("Kind"), choices=TYPE_CHOICES)
    code = forms.CharField(label=_("Code"), max_length=10, required=False)
    valid_from = DayField(label=_("In force from"), required=False)


class VillageRenameForm(forms.Form):
    village = UnitChoiceField(label=_("Village"))
    name = forms.CharField(label=_("New name"), max_length=200)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class VillageCloseForm(forms.Form):
    village = UnitChoiceField(label=_("Village"))
    last_day = DayField(label=_("Last day"))

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class VillageMergeForm(forms.Form):
    villages = forms.ModelMultipleChoiceField(
        label=_("Villages to merge"), queryset=AdministrativeUnit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    name = forms.CharField(label=_("Name of the merged village"), max_length=200)
    unit_type = forms.ChoiceField(label=_("Kind"), choices=TYPE_CHOICES)
    on = DayField(label=_("In force from"))
    decision = forms.CharField(label=_("Decision"), max_length=150)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = villages


class VillageImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Columns: Mã xã, Tên thôn, Loại (Thôn, Bản, Tổ dân phố), optionally Mã thôn and Từ ngày."),
    )


class CarryOverProvinceForm(forms.Form):
    province = forms.ChoiceField(label=_("Province"))

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        choices = {p.code: p.name for p in provinces}
        self.fields["province"].choices = sorted(choices.items(), key=lambda c: c[1])


class CarryOverAssignForm(forms.Form):
    village = forms.ModelChoiceField(queryset=AdministrativeUnit.objects.none(), widget=forms.HiddenInput)
    successor = UnitChoiceField(label=_("New commune"))

    def __init__(self, *args, villages, successors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["successor"].queryset = successors


class CarryOverCommitForm(forms.Form):
    decision = forms.CharField(
        label=_("Decision it rests on"),
        max_length=150,
        help_text=_("For example: Nghị quyết 1683/NQ-UBTVQH15 về sắp xếp các đơn vị hành chính cấp xã."),
    )
