from django import forms
from django.utils.translation import gettext_lazy as _

from households.widgets import UnitChoiceField

from .selectors import import_communes
from .upload import upload_problems


class ImportForm(forms.Form):
    # With its code: the workbook's "Mã xã" column names the commune by it.
    commune = UnitChoiceField(label=_("Commune"), with_code=True)
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
