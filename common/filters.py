"""Strict django-filter fields shared by every API and list page: a value the OpenAPI description calls
invalid is a 400 with the field's error, never read as "no filter" and never sent to the database."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from common.numbers import MAX_ID, whole_number


class StrictBooleanField(forms.NullBooleanField):
    """true or false (1 or 0); empty is no filter. Anything else is an error: the select widget read it as
    empty, so ``?is_urban=yes`` answered every unit as if no filter had been asked."""

    widget = forms.TextInput
    default_error_messages = {"invalid": _("Must be a valid boolean.")}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class WholeNumberField(forms.IntegerField):
    """An integer as the API's description writes one: ASCII digits, with a minus for a negative number.
    Django's IntegerField also read "2024.0", "+5", " 5", "1_0" and "٣", which the schema's ``integer`` does
    not admit, so ``?plan=0.0`` is an error as the description says."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)
        number = whole_number(text.removeprefix("-"))
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return -number if text.startswith("-") else number


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (a year, an id): 2024.5 is an error, not a filter on a decimal. Give it bounds where the
    database has them: ``?commune=`` 10^20, past a bigint, would reach the database driver and fail there."""

    field_class = WholeNumberField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in ("max_digits", "decimal_places"):
            self.extra.pop(key, None)


class IdFilter(IntegerFilter):
    """An id: 1 to the largest a BigAutoField holds; another is an error, not a query the driver cannot send."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class StoredDateTimeField(IsoDateTimeField):
    """An ISO 8601 date and time the database can compare, handed on in UTC. SQLite's driver gets it in UTC,
    where ``9999-12-31T23:59:59-12:00`` falls after year 9999 and ``0001-01-01`` (midnight here, UTC+7) before
    year 1: an OverflowError, a 500. PostgreSQL got it with its own offset, and refuses one of 16 hours or more
    (``2024-01-01T00:00:00+16:00``, a valid date-time): a DataError, a 500."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                value = value.astimezone(datetime.UTC)
            except OverflowError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return value


class StoredDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = StoredDateTimeField
