"""The place and date line of the printed forms (``{{ commune.name|place_date:decision.signed_on }}``)."""

from datetime import date

from django import template

from common.documents import place_date_line, place_name

register = template.Library()


@register.filter
def place_date(unit_name: str, day: date | None) -> str:
    """The line, "Văn Lang, ngày 05 tháng 12 năm 2026"; without a day, blanks to fill in by hand."""
    return place_date_line(place_name(unit_name or ""), day)
