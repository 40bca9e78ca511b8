"""Amounts of money typed as people type them in Vietnam, read into whole đồng.

Accepted (case and diacritics as typed, "đ", "đồng" or "VND" at the end or not):

- digits, the thousands grouped by dots, commas or spaces, or not at all: ``1500000``, ``1.500.000``,
  ``1,500,000``, ``1 500 000``, ``1.500.000đ``;
- a number of thousands or millions, whole or with a decimal part after a comma or a dot:
  ``1500k``, ``1500 nghìn`` (``ngàn``), ``2 triệu``, ``1,5 triệu``, ``1.5tr``, ``0,75 triệu``;
- millions and thousands together: ``1 triệu 200 nghìn``, ``1tr200k``; and the way it is said, one digit
  after the millions being the tenth (``1tr5`` = 1.500.000) and three digits the thousands
  (``2 triệu 300`` = 2.300.000).

Refused, each with a reason (``AmountError.code``) a form turns into a message with an example: what is not
a number (``abc``), a negative amount (``-5``), a number in scientific notation (``1e9``), thousands grouped
wrongly (``1,5,5``, ``1.50.000``), a decimal part without a unit (``1,5``: 1,5 đồng or 1,5 triệu?), a single
separator followed by three digits before a unit (``1.500k``: 1.500 nghìn or 1,5 nghìn?), two digits after
the millions (``1tr50``: 1.050.000 or 1.500.000?), and a part of a đồng (``1,2345678 triệu``).

No Django here: the form fields, the import and the API can all read amounts with it.
"""

import re
import unicodedata
from decimal import Decimal

MILLION = 1_000_000
THOUSAND = 1_000

# Longest spelling first, so that "triệu" is not read as "tr" followed by "iệu".
_MULTIPLIERS: dict[str, int] = {
    "triệu": MILLION,
    "trieu": MILLION,
    "tr": MILLION,
    "nghìn": THOUSAND,
    "nghin": THOUSAND,
    "ngàn": THOUSAND,
    "ngan": THOUSAND,
    "k": THOUSAND,
}
_THOUSANDS = "k|nghìn|nghin|ngàn|ngan"
_CURRENCY = re.compile(r"\s*(?:đồng|dong|vnđ|vnd|đ|₫|d)$")
_AMOUNT = re.compile(
    r"(?P<number>\d+(?:[., ]\d+)*)\s*"
    rf"(?:(?P<unit>{'|'.join(_MULTIPLIERS)})"
    rf"(?:\s*(?P<rest>\d+)\s*(?P<rest_unit>{_THOUSANDS})?)?)?",
    re.ASCII,  # "\d" is 0-9 only: int() would also read other scripts' digits
)
_GROUPED = re.compile(r"\d{1,3}(?:(?P<sep>[., ])\d{3})(?:(?P=sep)\d{3})*", re.ASCII)
_LONGEST = 40  # characters: longer is no amount anybody types


class AmountError(ValueError):
    """Why a text is not an amount. ``code`` is one of ``empty``, ``not_a_number``, ``negative``, ``exponent``,
    ``grouping``, ``decimal_without_unit``, ``ambiguous``, ``fraction``."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


def parse_amount(text: str) -> int:
    """The amount ``text`` says, in whole đồng; ``AmountError`` (a ``ValueError``) with the reason otherwise.

    >>> parse_amount("1.500.000"), parse_amount("1,5 triệu"), parse_amount("1500k"), parse_amount("1tr5")
    (1500000, 1500000, 1500000, 1500000)
    """
    # Phones type "ệ" as one character or as "e" and two combining marks; "\u00a0" comes from copying.
    cleaned = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
    cleaned = " ".join(cleaned.lower().split())
    if not cleaned:
        raise AmountError("empty", "No amount was given.")
    if len(cleaned) > _LONGEST:
        raise AmountError("not_a_number", "This is too long to be an amount.")
    if cleaned[0] in "-−–":
        raise AmountError("negative", "An amount cannot be below zero.")
    if re.search(r"\d\s*e\s*[+-]?\d", cleaned, re.ASCII):
        raise AmountError("exponent", "Scientific notation is not an amount: write the digits.")
    cleaned = _CURRENCY.sub("", cleaned)
    match = _AMOUNT.fullmatch(cleaned)
    if not match:
        raise AmountError("not_a_number", "This is not an amount.")
    unit = match["unit"]
    number = _number(match["number"], with_unit=unit is not None)
    if unit is None:
        return _whole(number)
    multiplier = _MULTIPLIERS[unit]
    amount = number * multiplier
    if match["rest"] is not None:
        amount += _rest(match["rest"], match["rest_unit"], number=number, multiplier=multiplier)
    return _whole(amount)


def _number(digits: str, *, with_unit: bool) -> Decimal:
    """The number before the unit: thousands grouped, or (before a unit only) a decimal part."""
    separators = re.findall(r"[., ]", digits)
    if not separators:
        return Decimal(digits)
    if _GROUPED.fullmatch(digits):
        if len(separators) == 1 and with_unit and separators[0] != " ":
            raise AmountError("ambiguous", f"“{digits}” before a unit can be read two ways.")
        return Decimal(re.sub(r"[., ]", "", digits))
    if len(separators) == 1 and separators[0] in ".,":
        if not with_unit:
            raise AmountError("decimal_without_unit", "A decimal amount needs its unit (triệu, nghìn).")
        return Decimal(digits.replace(",", "."))
    raise AmountError("grouping", "The thousands are not grouped by three.")


def _rest(digits: str, unit: str | None, *, number: Decimal, multiplier: int) -> int:
    """What follows the millions: "200 nghìn", or as said, "5" (the tenth) or "300" (the thousands)."""
    if multiplier != MILLION or number != number.to_integral_value():
        raise AmountError("not_a_number", "Only whole millions can be followed by thousands.")
    if unit is not None:
        if len(digits) > 3:
            raise AmountError("grouping", "More than 999 thousands after the millions.")
        return int(digits) * THOUSAND
    if len(digits) == 1:
        return int(digits) * MILLION // 10
    if len(digits) == 3:
        return int(digits) * THOUSAND
    raise AmountError("ambiguous", "Two digits after the millions can be read two ways.")


def _whole(amount: Decimal) -> int:
    if amount != amount.to_integral_value():
        raise AmountError("fraction", "An amount is a whole number of đồng.")
    return int(amount)
