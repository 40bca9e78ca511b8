"""The ranges of the numbers a review records. The review form, the round form and the import take them
from here, so that a value one refuses the others refuse too."""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Bounds:
    minimum: int | Decimal
    maximum: int | Decimal
    decimal_places: int = 0

    def __contains__(self, value: int | Decimal) -> bool:
        return self.minimum <= value <= self.maximum


# VND a person a month. Nothing below zero; above a billion is a typing mistake (extra zeros), not an
# income a poverty review meets — and it keeps the value far inside the database's integer.
INCOME_PER_CAPITA = Bounds(0, 1_000_000_000)
# m²: the review form's field (7 digits, 2 of them decimals).
LIVING_AREA_M2 = Bounds(Decimal(0), Decimal("99999.99"), decimal_places=2)
# A review round's year: the first standard held is that of 2001–2005 (Decision 1143/2000/QĐ-LĐTBXH).
ROUND_YEAR = Bounds(2001, 2100)
