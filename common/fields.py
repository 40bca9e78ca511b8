"""API fields shared by the apps' serializers."""

import re

from rest_framework import serializers


class WholeNumberField(serializers.IntegerField):
    """DRF's ``IntegerField`` without its leniency for a fraction of zero: DRF reads ``2021.0`` (a JSON number)
    and ``"2021.0"`` as 2021, which the OpenAPI description (``type: integer``) does not allow and a client
    must not rely on. Any number with a fraction, or a string with a decimal point, is "A valid integer is
    required."; a whole number as a JSON number or as a string of digits is read as before."""

    re_decimal = re.compile(r"(?!)")  # matches nothing: no fraction is stripped before ``int()``
