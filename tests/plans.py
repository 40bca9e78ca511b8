"""Approved reviews written directly for the plan and report tests, with the statistics rebuilt from them."""

import datetime

from households.models import AdministrativeUnit, HouseholdReview, ReviewDecision, ReviewRound, UnitLevel
from households.services.statistics import statistics_rebuild
from standards.selectors import standard_for_year
from tests.factories import HouseholdFactory, VillageFactory


def approved(commune, year, statuses, *, signer, households=None):
    """Approved annual reviews of ``commune`` in ``year`` with these statuses (rows written directly, then
    the statistics rebuilt from them, as ``manage.py rebuild_statistics`` does)."""
    village = AdministrativeUnit.objects.filter(parent=commune, level=UnitLevel.VILLAGE).first()
    village = village or VillageFactory(parent=commune)
    review_round = ReviewRound.objects.create(
        commune=commune,
        year=year,
        kind="annual",
        standard=standard_for_year(year),
        starts_on=datetime.date(year, 9, 1),
        ends_on=datetime.date(year, 12, 14),
    )
    decision = ReviewDecision.objects.create(
        round=review_round, number=f"{year}/QĐ-UBND", signed_on=datetime.date(year, 12, 1), signer=signer
    )
    households = households or [HouseholdFactory(village=village) for _ in statuses]
    HouseholdReview.objects.bulk_create(
        HouseholdReview(
            round=review_round,
            household=household,
            province_id=household.province_id,
            commune=commune,
            village=village,
            is_urban=False,
            income_per_capita=1_000_000,
            status=status,
            transition="stayed_poor",
            state="approved",
            decision=decision,
        )
        for household, status in zip(households, statuses, strict=True)
    )
    statistics_rebuild()
    return households
