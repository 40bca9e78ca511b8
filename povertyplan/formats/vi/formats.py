"""Vietnamese formats: Django's, plus grouping by thousands (Django's Vietnamese locale sets the separators
but no grouping, so ``intcomma`` printed 1100000 instead of 1.100.000) and dates as offices write them."""

from django.conf.locale.vi.formats import *  # noqa: F403

NUMBER_GROUPING = 3
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"

# Dates typed in a form: day first, as in Vietnam ("01/07/2025" is 1 July), and ISO, which <input type="date">
# and the programmes' date pickers send (first: Django renders a date input's value in the first format).
# Django's Vietnamese locale sets none, so its defaults applied, month first: 01/07/2025 was 7 January.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
]
