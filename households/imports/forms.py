from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import AdministrativeUnit

from .selectors import import_communes
from .upload import upload_problems


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return f"{obj.name} ({obj.code})" if obj.code else obj.name


class ImportForm(forms.Form):
    commune = CommuneChoiceField(label=_("Commune"), queryset=AdministrativeUnit.objects.none())
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = import_communes(user=user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        problems = upload_problems(upload)
        if problems:
            raise forms.ValidationError(problems)
        return upload
