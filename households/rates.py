"""The official poverty and near-poor rates, as the documents print them: a count over the resident
households (tổng số hộ dân cư), never over the households reviewed, since only listed and applying households
are reviewed (Decision 24/2021/QĐ-TTg, art. 4). Pure: the roll-up's figures and the plans' progress both use
it, so a rate is computed one way wherever it is shown.
"""

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def rate(part: int | None, whole: int | None) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded half up to two decimals; None when there is no whole."""
    if part is None or not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


class OfficialRates:
    """The rates and coverage of counts that have ``poor``, ``near_poor``, ``resident_households`` (None when
    a commune lacks its count: then there is no rate), ``communes`` and ``communes_reported``."""

    @property
    def poor_rate(self) -> Decimal | None:
        return rate(self.poor, self.resident_households)

    @property
    def near_poor_rate(self) -> Decimal | None:
        return rate(self.near_poor, self.resident_households)

    @property
    def partial(self) -> bool:
        """Partial until every commune of the unit has reported (a year with no commune at all is not partial)."""
        return self.communes_reported < self.communes
