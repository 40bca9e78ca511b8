from decimal import Decimal

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

register = template.Library()

VERDICT_LABELS = {
    "reached": _("Reached"),
    "on_track": _("On track"),
    "behind": _("Behind"),
    "no_data": _("No data"),
}
CHECK_LABELS = {
    "households": _("Households"),
    "poor": _("Poor households"),
    "poor_rate": _("Poverty rate (%)"),
    "reduction": _("Planned reduction (households)"),
    "reduction_pp": _("Planned reduction (percentage points)"),
    "near_poor": _("Near-poor households"),
    "near_poor_rate": _("Near-poor rate (%)"),
    "near_poor_reduction_pp": _("Planned near-poor reduction (percentage points)"),
}


@register.filter
def verdict_label(judgement) -> str:
    return VERDICT_LABELS.get(str(getattr(judgement, "verdict", judgement)), "")


@register.filter
def check_label(name: str) -> str:
    return CHECK_LABELS.get(name, name)


_COUNTS = {"households", "poor", "reduction", "near_poor"}


@register.filter
def num(value, decimals="0") -> str:
    """A number as the interface language writes it: 78.200 and 26,61 in Vietnamese, 78,200 and 26.61 in English.

    ``decimals`` is the number of decimals; a negative one ("-2") drops them for a whole number.
    """
    if value is None or value == "":
        return ""
    places = int(decimals)
    number = Decimal(str(value))
    if places < 0:
        places = 0 if number == number.to_integral_value() else -places
    text = f"{number:,.{places}f}"
    if get_language() == "vi" or (get_language() or "").startswith("vi"):
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


@register.filter
def check_value(value, name: str) -> str:
    """A figure of a printed-against-computed check: counts without decimals, rates with two."""
    return num(value, "0" if name in _COUNTS else "2")
