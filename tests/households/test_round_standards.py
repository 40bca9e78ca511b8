"""The standard of each review round (domain.md §2): from the legal calendar by default, set by the province
when its guidance says so, fixed once a review is approved; statuses compared under one standard only."""

import datetime
import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db.migrations.loader import MigrationLoader

from accounts.models import AuditAction, AuditEvent, Role
from households.errors import WorkflowError
from households.models import ReviewKind, ReviewRound, ReviewState
from households.services import review_create, round_open
from households.services.reviews import round_standard_change
from households.transitions import Transition
from standards.models import IncomeLine, PovertyStandard
from standards.selectors import standard_get
from tests.conftest import AFTER_REFORM
from tests.factories import VillageFactory
from tests.reviews import DEPRIVED, GOOD, approve_all, new_household

pytestmark = pytest.mark.django_db

# Decree 351/2025/NĐ-CP: the 2027-2030 indicators read how household waste is handled.
GOOD_2027 = {**GOOD, "waste": "collected"}
# Decision 59/2015/QĐ-TTg: the information indicator also reads whether the village loudspeaker is heard.
GOOD_2016 = {**GOOD, "village_loudspeaker": True}
DEPRIVED_2027 = {**DEPRIVED, "waste": "collected"}
# Above Decree 07's rural poor line (1.500.000đ), within the 2027 one (2.200.000đ).
BETWEEN_THE_LINES = 1_600_000


@pytest.fixture
def new_commune(unit):
    return unit("Xã Văn Lang", on=AFTER_REFORM)


@pytest.fixture
def new_village(new_commune):
    return VillageFactory(parent=new_commune, name="Thôn Bản Ca")


@pytest.fixture
def new_officer(make_user, new_commune):
    return make_user(Role.COMMUNE_OFFICER, [new_commune])


@pytest.fixture
def province_officer(make_user, unit):
    return make_user(Role.PROVINCE_OFFICER, [unit("Tỉnh Bắc Kạn"), unit("Tỉnh Thái Nguyên", on=AFTER_REFORM)])


def test_2026_reviews_are_classified_under_decree_07(new_officer, new_commune, new_village):
    """Decree 351/2025/NĐ-CP keeps Decree 07/2021/NĐ-CP art. 3 — its lines and 12 indicators — until 31/12/2026."""
    household = new_household(new_officer, new_village, "VL-1")
    ongoing = round_open(
        user=new_officer,
        commune=new_commune,
        year=2026,
        kind=ReviewKind.ONGOING,
        starts_on=datetime.date(2026, 3, 15),
    )
    assert ongoing.standard.code == "2021-2025"
    review = review_create(
        user=new_officer, review_round=ongoing, household=household, income_per_capita=BETWEEN_THE_LINES, facts=DEPRIVED
    )
    assert review.status == "average"
    assert "1.500.000đ" in review.explanation[0]
    assert "2026" in review.explanation[0]
    assert review.deprived == ["housing_quality", "water", "latrine"]
    assert "information_means" in review.round.standard.indicators.values_list("code", flat=True)


def test_the_end_of_2026_review_and_2027_use_the_new_lines(new_officer, new_commune, new_village):
    """The annual review at the end of 2026 is the 2027 baseline under Decree 351/2025/NĐ-CP (2.200.000đ)."""
    household = new_household(new_officer, new_village, "VL-2")
    annual = round_open(user=new_officer, commune=new_commune, year=2026, kind=ReviewKind.ANNUAL)
    assert annual.standard.code == "2026-2030"
    review = review_create(
        user=new_officer,
        review_round=annual,
        household=household,
        income_per_capita=BETWEEN_THE_LINES,
        facts=DEPRIVED_2027,
    )
    assert review.status == "poor"
    assert "2.200.000đ" in review.explanation[0]
    assert "2027" in review.explanation[0]
    ongoing = round_open(
        user=new_officer, commune=new_commune, year=2027, kind=ReviewKind.ONGOING, starts_on=datetime.date(2027, 2, 15)
    )
    assert ongoing.standard == annual.standard


def test_a_commune_holds_an_annual_round_of_2021_under_each_standard(province_officer, officer, commune):
    """Seed 003: 2021 at 3.24 % under 2016-2020 and 6.52 % under 2021-2025 (the end-of-2021 baseline)."""
    baseline = round_open(user=officer, commune=commune, year=2021, kind=ReviewKind.ANNUAL)
    assert baseline.standard.code == "2021-2025"
    old = round_open(
        user=province_officer,
        commune=commune,
        year=2021,
        kind=ReviewKind.ANNUAL,
        standard=standard_get("2016-2020"),
    )
    assert old.standard.code == "2016-2020"
    assert ReviewRound.objects.filter(commune=commune, year=2021, kind=ReviewKind.ANNUAL).count() == 2
    with pytest.raises(ValidationError):
        round_open(user=province_officer, commune=commune, year=2021, kind=ReviewKind.ANNUAL)


def test_only_the_province_chooses_a_rounds_standard(officer, commune):
    with pytest.raises(WorkflowError):
        round_open(user=officer, commune=commune, year=2021, kind=ReviewKind.ANNUAL, standard=standard_get("2016-2020"))
    # Naming the standard the calendar gives is no choice.
    same = round_open(
        user=officer, commune=commune, year=2021, kind=ReviewKind.ANNUAL, standard=standard_get("2021-2025")
    )
    assert same.standard.code == "2021-2025"


def test_changing_a_rounds_standard_classifies_its_reviews_again(province_officer, officer, commune, village):
    poor_then = new_household(officer, village, "BB-1")
    missing = new_household(officer, village, "BB-2")
    review_round = round_open(user=officer, commune=commune, year=2021, kind=ReviewKind.ANNUAL)
    review = review_create(
        user=officer, review_round=review_round, household=poor_then, income_per_capita=900_000, facts=GOOD_2016
    )
    other = review_create(
        user=officer, review_round=review_round, household=missing, income_per_capita=900_000, facts=GOOD_2016
    )
    assert review.status == "near_poor"  # Decree 07/2021/NĐ-CP: within the line, fewer than 3 deprivations
    round_standard_change(user=province_officer, review_round=review_round, standard=standard_get("2026-2030"))
    review.refresh_from_db()
    other.refresh_from_db()
    assert review.round.standard.code == "2026-2030"
    # GOOD has no fact on household waste: the review goes back to the staff, its facts kept.
    assert review.state == ReviewState.RETURNED
    assert review.facts["devices"] == ["tv"]
    assert other.state == ReviewState.RETURNED

    round_standard_change(user=province_officer, review_round=review_round, standard=standard_get("2016-2020"))
    review.refresh_from_db()
    # Decision 59/2015/QĐ-TTg, art. 2: at or below the 700.000đ line is poor; 900.000đ is between the line and
    # the minimum living standard, with fewer than 3 deprivations: near-poor, classified by the 2021 line.
    assert review.round.standard.code == "2016-2020"
    assert review.status == "near_poor"
    assert "700.000đ" in review.explanation[0]
    assert "2021" in review.explanation[0]
    events = AuditEvent.objects.filter(action=AuditAction.ROUND_STANDARD).order_by("pk")
    assert [(e.user, e.detail["standard_from"], e.detail["standard_to"]) for e in events] == [
        (province_officer, "2021-2025", "2026-2030"),
        (province_officer, "2026-2030", "2016-2020"),
    ]
    assert events[0].detail == {
        "round": review_round.pk,
        "commune": commune.code,
        "year": 2021,
        "standard_from": "2021-2025",
        "standard_to": "2026-2030",
        "reviews": 2,
    }


def test_a_rounds_standard_is_fixed_once_a_review_is_approved(province_officer, officer, chair, commune, village):
    household = new_household(officer, village, "BB-3")
    review_round = round_open(user=officer, commune=commune, year=2022, kind=ReviewKind.ANNUAL)
    review = review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=900_000, facts=GOOD
    )
    with pytest.raises(WorkflowError):
        round_standard_change(user=officer, review_round=review_round, standard=standard_get("2026-2030"))
    approve_all([review], officer=officer, chair=chair, village=village, year=2022)
    with pytest.raises(ValidationError, match="2021-2025") as error:
        round_standard_change(user=province_officer, review_round=review_round, standard=standard_get("2026-2030"))
    assert error.value.code == "round_standard_fixed"
    review_round.refresh_from_db()
    assert review_round.standard.code == "2021-2025"
    assert not AuditEvent.objects.filter(action=AuditAction.ROUND_STANDARD).exists()  # refused: nothing changed


def test_statuses_are_compared_under_the_same_standard_only(officer, chair, commune, village):
    """A household poor under 2016-2020 and poor at the end-of-2021 baseline under 2021-2025 did not become
    "newly poor": it is at the baseline. The next year compares with the baseline only."""
    household = new_household(officer, village, "BB-4")

    def approved(year, income, facts):
        review_round = round_open(user=officer, commune=commune, year=year, kind=ReviewKind.ANNUAL)
        review = review_create(
            user=officer, review_round=review_round, household=household, income_per_capita=income, facts=facts
        )
        approve_all([review], officer=officer, chair=chair, village=village, year=year)
        review.refresh_from_db()
        return review

    under_2016 = approved(2020, 600_000, GOOD_2016)
    assert (under_2016.round.standard.code, under_2016.status) == ("2016-2020", "poor")
    baseline = approved(2021, 1_000_000, DEPRIVED)
    assert (baseline.round.standard.code, baseline.status) == ("2021-2025", "poor")
    assert (baseline.previous_status, baseline.transition) == ("", Transition.BASELINE)
    after = approved(2022, 1_000_000, GOOD)
    assert (after.previous_status, after.transition) == ("poor", Transition.POOR_TO_NEAR_POOR)


def test_the_round_form_lets_the_province_choose_the_standard(client, province_officer, officer, commune):
    client.force_login(officer)
    assert "standard" not in client.get("/reviews/").context["form"].fields
    client.force_login(province_officer)
    form = client.get("/reviews/").context["form"]
    assert [s.code for s in form.fields["standard"].queryset][-2:] == ["2021-2025", "2026-2030"]
    standard = standard_get("2016-2020")
    response = client.post(
        "/reviews/", {"commune": commune.pk, "year": 2021, "kind": "annual", "standard": standard.pk}
    )
    assert response.status_code == 302
    assert ReviewRound.objects.get(commune=commune, year=2021).standard == standard


def test_the_migration_moves_unapproved_2026_rounds_to_decree_07(new_officer, new_commune, new_village):
    """programmes 0003: a database of the old calendar (2026 under 2026-2030 with Decree 07's lines)."""
    household = new_household(new_officer, new_village, "VL-3")
    wrong = standard_get("2026-2030")
    PovertyStandard.objects.filter(code="2021-2025").update(year_from=2021, year_to=2025)
    IncomeLine.objects.filter(standard__code="2021-2025").update(year_from=2021, year_to=2025)
    PovertyStandard.objects.filter(pk=wrong.pk).update(year_from=2026)
    IncomeLine.objects.create(
        standard=wrong, year_from=2026, year_to=2026, poor_rural=1_500_000, poor_urban=2_000_000, confirmed=False
    )
    wrong.refresh_from_db()
    ongoing = round_open(
        user=new_officer,
        commune=new_commune,
        year=2026,
        kind=ReviewKind.ONGOING,
        starts_on=datetime.date(2026, 3, 15),
        standard=None,
    )
    ReviewRound.objects.filter(pk=ongoing.pk).update(standard=wrong)
    ongoing.refresh_from_db()
    review = review_create(
        user=new_officer, review_round=ongoing, household=household, income_per_capita=1_000_000, facts=DEPRIVED_2027
    )
    migration = importlib.import_module("programmes.migrations.0003_legal_calendar")
    # The models as the migration knows them (the standards were then programmes' models).
    state = MigrationLoader(None).project_state(("programmes", "0003_legal_calendar")).apps
    migration.correct_calendar(state, None)
    migration.correct_rounds(state, None)
    wrong.refresh_from_db()
    assert (wrong.year_from, wrong.year_to) == (2027, 2030)
    assert not IncomeLine.objects.filter(standard=wrong, year_from=2026).exists()
    assert [(line.year_from, line.year_to) for line in standard_get("2021-2025").income_lines.all()] == [(2022, 2026)]
    ongoing.refresh_from_db()
    review.refresh_from_db()
    assert ongoing.standard.code == "2021-2025"
    assert review.status == "poor"
    assert "waste" not in review.deprived
    assert review.state == ReviewState.DRAFT
