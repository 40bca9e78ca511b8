"""Demo households and two approved annual reviews, entered through the same services as real data."""

import datetime

from accounts.models import User
from households.models import AdministrativeUnit, Ethnicity, Household, ReviewKind
from households.services import (
    household_create,
    review_approve,
    review_create,
    review_district_consult,
    review_meeting_confirm,
    review_post,
    review_submit,
    round_open,
)
from households.workflow import consults_district

_GOOD = {
    "housing": "permanent",
    "living_area_m2": "64",
    "water_source": "piped",
    "latrine": "septic",
    "telecom": ["phone"],
    "devices": ["tv", "smartphone"],
}
_POOR_FACTS = {**_GOOD, "housing": "simple", "water_source": "unprotected_spring", "latrine": "none"}
# (code, head, sex, born, ethnicity, [(income 2023, poor facts?), (income 2024, poor facts?)])
DEMO_HOUSEHOLDS = [
    ("LT-0001", "Hoàng Văn Páo", "male", 1968, "Tày", [(1_100_000, True), (1_300_000, True)]),
    ("LT-0002", "Nông Thị Slao", "female", 1975, "Tày", [(1_200_000, True), (1_400_000, False)]),
    ("LT-0003", "Triệu Văn Chàn", "male", 1981, "Dao", [(1_400_000, False), (1_900_000, False)]),
    ("LT-0004", "Lý Thị Mẩy", "female", 1990, "Dao", [(1_700_000, False), (1_200_000, True)]),
    ("LT-0005", "Lục Văn Thắng", "male", 1972, "Nùng", [(2_600_000, False), (2_800_000, False)]),
    ("LT-0006", "Đàm Thị Hương", "female", 1985, "Kinh", [(1_450_000, False), (1_450_000, False)]),
]


def demo_reviews_create(
    *, officer: User, chair: User, district_officer: User, villages: list[AdministrativeUnit]
) -> int:
    """Register the demo households and run the 2023 and 2024 annual reviews to approval; before the 2025
    reform the district chair is consulted before the decision (Decision 24/2021/QĐ-TTg, art. 4)."""
    if Household.objects.filter(code__in=[row[0] for row in DEMO_HOUSEHOLDS]).exists():
        return 0
    ethnicities = {e.name: e for e in Ethnicity.objects.all()}
    households = []
    for i, (code, head, sex, born, ethnicity, _incomes) in enumerate(DEMO_HOUSEHOLDS):
        member = {
            "full_name": head,
            "sex": sex,
            "date_of_birth": datetime.date(born, 3, 1 + i),
            "relation": "head",
            "ethnicity": ethnicities[ethnicity],
            "has_health_insurance": True,
            "employment": "self_employed",
            "education": "lower_secondary",
        }
        households.append(
            household_create(
                user=officer,
                village=villages[i % len(villages)],
                data={"code": code, "head_ethnicity": ethnicities[ethnicity]},
                members=[member],
            )
        )
    commune = villages[0].parent
    for year_index, year in enumerate((2023, 2024)):
        review_round = round_open(user=officer, commune=commune, year=year, kind=ReviewKind.ANNUAL)
        reviews = [
            review_create(
                user=officer,
                review_round=review_round,
                household=household,
                income_per_capita=row[5][year_index][0],
                facts=_POOR_FACTS if row[5][year_index][1] else _GOOD,
                causes=["no_capital", "no_skills"] if row[5][year_index][1] else [],
            )
            for household, row in zip(households, DEMO_HOUSEHOLDS, strict=True)
        ]
        for village in villages:
            in_village = [r for r in reviews if r.village_id == village.pk]
            review_meeting_confirm(
                user=officer,
                reviews=in_village,
                village=village,
                held_on=datetime.date(year, 10, 5),
                attendance=45,
                agreeing=41,
            )
        review_post(user=officer, reviews=reviews, posted_on=datetime.date(year, 10, 8))
        # The day after the complaint period (3 working days, holidays skipped).
        submitted_on = max(r.complaints_until for r in reviews) + datetime.timedelta(days=1)
        review_submit(user=officer, reviews=reviews, submitted_on=submitted_on)
        if consults_district(review_round.starts_on):
            review_district_consult(
                user=district_officer, reviews=reviews, consulted_on=submitted_on + datetime.timedelta(days=7)
            )
        review_approve(
            user=chair,
            reviews=reviews,
            decision_number=f"{112 + year_index}/QĐ-UBND",
            signed_on=datetime.date(year, 11, 2),
        )
    return len(households)
