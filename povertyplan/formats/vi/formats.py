"""Vietnamese formats: Django's, plus grouping by thousands (Django's Vietnamese locale sets the separators
but no grouping, so ``intcomma`` printed 1100000 instead of 1.100.000) and dates as offices write them."""

from django.conf.locale.vi.formats import *  # noqa: F403

NUMBER_GROUPING = 3
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
