"""Numbers and dates in the Vietnamese format on the pages: 1.500.000 and 23/11/2026; English keeps its own."""

import datetime

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.utils import translation


def test_thousands_are_grouped_with_dots_in_vietnamese_and_commas_in_english():
    with translation.override("vi"):
        assert intcomma(1_500_000) == "1.500.000"
        assert Template("{{ d|date:'SHORT_DATE_FORMAT' }}").render(Context({"d": datetime.date(2026, 11, 23)})) == (
            "23/11/2026"
        )
    with translation.override("en"):
        assert intcomma(1_500_000) == "1,500,000"


def test_plain_numbers_are_not_grouped():
    with translation.override("vi"):
        assert Template("{{ year }}").render(Context({"year": 2026})) == "2026"
