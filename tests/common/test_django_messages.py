"""Django's own field messages in Vietnamese, as a clerk reads them: Django's catalogue says "Nhập một số tổng
thể" for a whole number, which ours replaces (``common/django_messages.py``) on every form of every app."""

from django import forms
from django.utils import translation

from programmes.forms import TargetRowForm


def test_a_whole_number_is_asked_for_in_words_a_clerk_reads():
    with translation.override("vi"):
        form = TargetRowForm(data={"households": "mười", "poor_households": "12,5"})
        form.is_valid()
        assert form.errors["households"] == ["Nhập một số nguyên, ví dụ 12."]
        assert form.errors["poor_households"] == ["Nhập một số nguyên, ví dụ 12."]
        assert "tổng thể" not in str(form.errors)
        decimal = forms.DecimalField()
        assert decimal.error_messages["invalid"] == "Nhập một số, ví dụ 12 hoặc 12,5."
    with translation.override("en"):
        assert TargetRowForm(data={"households": "ten"}).errors["households"] == ["Enter a whole number."]
