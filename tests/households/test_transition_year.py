"""Which earlier statuses a review's transition compares with: the end of the previous round year, under the
same standard only (Circular 07/2021/TT-BLĐTBXH, Appendix VII; Decision 24/2021/QĐ-TTg, arts. 4 and 5)."""

import datetime

import pytest

from accounts.models import Role
from households.models import ReviewKind
from households.services import review_create, round_open
from households.transitions import Transition, escaped_from, transition_in_year
from standards.classification import Status
from standards.models import PovertyStandard
from tests.reviews import FACTS, approve_all, new_household

P, N, A = Status.POOR, Status.NEAR_POOR, Status.AVERAGE
NOW, EARLIER, LATER = "2021-2025", "2016-2020", "2026-2030"


def test_an_ongoing_review_of_the_same_year_is_not_compared_with():
    """Circular 07/2021/TT-BLĐTBXH, Appendix VII; Decision 24/2021/QĐ-TTg, art. 5: the ongoing review's change
    shows in its month; the annual review of the same year is compared with the end of the previous year."""
    history = [(2023, NOW, P), (2024, NOW, N)]  # annual 2023 poor; ongoing 2024 near-poor
    assert transition_in_year(history, P, year=2024, standard_code=NOW) == ("poor", Transition.STAYED_POOR)
    # The ongoing review itself was compared with the end of 2023 too.
    assert transition_in_year(history[:1], N, year=2024, standard_code=NOW) == ("poor", Transition.POOR_TO_NEAR_POOR)
    # A row of an earlier year (an import of several years) never sees a later year's status.
    assert transition_in_year([(2022, NOW, N), (2024, NOW, P)], P, year=2023, standard_code=NOW) == (
        "near_poor",
        Transition.NEAR_POOR_TO_POOR,
    )


def test_fell_back_looks_only_at_statuses_under_the_same_standard():
    """Domain notes §2 (Decree 07/2021/NĐ-CP; Decree 351/2025/NĐ-CP): statuses are compared under the same
    standard only; tái nghèo needs a poor status under this standard, left since."""
    # Poor under 2016-2020, out of poverty and then poor under 2021-2025: newly poor, not fell back.
    history = [(2019, EARLIER, P), (2022, NOW, A)]
    assert transition_in_year(history, P, year=2023, standard_code=NOW)[1] == Transition.NEWLY_POOR
    assert transition_in_year([*history, (2023, NOW, P), (2024, NOW, A)], P, year=2025, standard_code=NOW)[1] == (
        Transition.FELL_BACK_POOR
    )
    # First status under a new standard after an earlier one: the new period's baseline.
    assert transition_in_year([(2020, EARLIER, P)], P, year=2021, standard_code=NOW)[1] == Transition.BASELINE
    # A status under a *later* standard (the next period's baseline, taken the same year) is no earlier one.
    assert transition_in_year([(2021, NOW, P)], P, year=2021, standard_code=EARLIER) == ("", Transition.NEWLY_POOR)


def test_escaped_is_against_the_status_recognised_before_the_decision():
    """Decision 24/2021/QĐ-TTg, Form 02: the decision lists the households that escaped poverty and near-poverty."""
    assert escaped_from(P, N) == Status.POOR
    assert escaped_from(P, A) == Status.POOR
    assert escaped_from(N, A) == Status.NEAR_POOR
    assert escaped_from(N, P) is None
    assert escaped_from("", A) is None


def _round(user, commune, year, kind, **extra):
    return round_open(user=user, commune=commune, year=year, kind=kind, **extra)


def _review(user, review_round, household, status):
    income, facts = FACTS[status]
    # The loudspeaker is an indicator fact of 2016-2020 only (Decision 59/2015/QĐ-TTg); 2021-2025 ignores it.
    return review_create(
        user=user,
        review_round=review_round,
        household=household,
        income_per_capita=income,
        facts={**facts, "village_loudspeaker": True},
    )


@pytest.mark.django_db
def test_the_annual_review_after_an_ongoing_one_compares_with_last_year(make_user, commune, village, chair):
    """Circular 07/2021/TT-BLĐTBXH, Appendix VII; Decision 24/2021/QĐ-TTg, arts. 4–5: poor at the end of 2023,
    near-poor by an ongoing review in 2024, poor again at the 2024 annual review — the annual review "stayed
    poor" (the ongoing decision already counted the escape in its month), not "near-poor became poor"."""
    officer = make_user(Role.DISTRICT_OFFICER, [commune])
    household = new_household(officer, village, "TY-1")
    first = _review(officer, _round(officer, commune, 2023, ReviewKind.ANNUAL), household, "P")
    approve_all([first], officer=officer, chair=chair, village=village, year=2023)
    ongoing_round = _round(officer, commune, 2024, ReviewKind.ONGOING, starts_on=datetime.date(2024, 3, 15))
    ongoing = _review(officer, ongoing_round, household, "N")
    approve_all([ongoing], officer=officer, chair=chair, village=village, year=2024)
    ongoing.refresh_from_db()
    assert ongoing.transition == Transition.POOR_TO_NEAR_POOR
    annual = _review(officer, _round(officer, commune, 2024, ReviewKind.ANNUAL), household, "P")
    approve_all([annual], officer=officer, chair=chair, village=village, year=2024)
    annual.refresh_from_db()
    assert (annual.previous_status, annual.transition) == ("poor", Transition.STAYED_POOR)


@pytest.mark.django_db
def test_a_later_standard_does_not_make_an_earlier_one_a_baseline(make_user, unit, commune, village, chair):
    """Domain notes §2 (seed 003: 2021 under 2016-2020 and under 2021-2025): a household first reviewed in 2021
    under both standards is newly poor under 2016-2020 even when the 2021-2025 baseline was approved first."""
    # The province chooses a round's standard; the district's staff enter the reviews.
    province = make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn")])
    officer = make_user(Role.DISTRICT_OFFICER, [commune])
    household = new_household(officer, village, "TY-2")
    baseline = _review(officer, _round(officer, commune, 2021, ReviewKind.ANNUAL), household, "P")
    approve_all([baseline], officer=officer, chair=chair, village=village, year=2021)
    old = PovertyStandard.objects.get(code=EARLIER)
    late = _review(officer, _round(province, commune, 2021, ReviewKind.ANNUAL, standard=old), household, "P")
    approve_all([late], officer=officer, chair=chair, village=village, year=2021)
    late.refresh_from_db()
    assert late.round.standard.code == EARLIER
    assert late.transition == Transition.NEWLY_POOR
