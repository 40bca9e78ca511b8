"""One outcome per review, whichever way it is entered: the review form (the services), the import and the demo
generator all store what ``households.review_outcome.review_outcome`` decides."""

import dataclasses
import datetime

import pytest

from accounts.models import Role
from demo.history import households_generate
from households.imports.columns import REVIEW_COLUMNS
from households.imports.services import import_commit
from households.models import HouseholdReview, ReviewKind, ReviewRound
from households.review_facts import household_facts, registry_review_outcome
from households.review_outcome import review_outcome
from households.selectors import last_approved_statuses
from households.services import household_create, review_create, round_open
from households.transitions import Transition
from standards.classification import Area, Status, classify
from standards.indicators import MemberFacts
from standards.selectors import rules_year, standard_get, standard_rules
from tests.factories import member_data
from tests.reviews import DEPRIVED, GOOD, POOR_INCOME, approve_all
from tests.workbooks import household, make_workbook, person

# Near-poor under 2021-2025 (Decree 07/2021/NĐ-CP, art. 3): income at or below the poor line, one deprivation.
ONE_DEPRIVATION = {**GOOD, "water_source": "surface"}
HEAD = {"full_name": "Hoàng Văn Páo", "employment": "self_employed", "education": "lower_secondary"}


@pytest.fixture
def callers(monkeypatch):
    """The modules that decided an outcome through ``review_outcome`` during the test, one entry a call."""
    seen = []
    for module in ("demo.history", "households.imports.checking", "households.review_facts"):

        def spy(*args, module=module, **kwargs):
            seen.append(module)
            return review_outcome(*args, **kwargs)

        monkeypatch.setattr(f"{module}.review_outcome", spy)
    return seen


@pytest.mark.django_db
def test_the_outcome_is_the_classification_with_the_reasons_and_the_transition():
    rules = standard_rules(standard_get("2021-2025"))
    adult = MemberFacts(
        birth_date=datetime.date(1975, 3, 2),
        education="lower_secondary",
        health_insurance=True,
        employment="self_employed",
        sex="male",
    )
    facts = dataclasses.replace(household_facts(DEPRIVED, []), members=(adult,))
    memo = {}
    given = {
        "rules": rules,
        "year": 2024,
        "income_year": 2025,
        "is_urban": False,
        "income": POOR_INCOME,
        "facts": facts,
        "on": datetime.date(2024, 9, 1),
        "classifications": memo,
    }
    first = review_outcome(**given, history=())
    again = review_outcome(**given, history=[(2022, rules.code, "near_poor"), (2023, rules.code, "poor")])
    classification = classify(rules, year=2025, area=Area.RURAL, income=POOR_INCOME, deprived=first.deprived)

    assert first.status == Status.POOR
    assert first.deprived == ("housing_quality", "water", "latrine")
    assert first.explanation[: len(classification.explanation)] == classification.explanation
    assert [line.split(":")[0] for line in first.explanation[len(classification.explanation) :]] == list(first.deprived)
    assert (first.previous_status, first.transition) == ("", Transition.NEWLY_POOR)
    assert (again.previous_status, again.transition) == ("poor", Transition.STAYED_POOR)
    assert len(memo) == 1  # one classification for both: the same income and deprivations


def _review_cells(code: str, year: int, income: int, facts: dict) -> dict:
    """A row of the reviews sheet giving ``facts`` (the import takes the codes as well as the labels)."""
    cells = {"Mã hộ": code, "Năm rà soát": year, "Thu nhập bình quân (đồng/người/tháng)": income}
    for column in REVIEW_COLUMNS:
        value = facts.get(column.key)
        if value is not None:
            cells[column.header_vi] = ", ".join(value) if isinstance(value, list) else value
    return cells


OUTCOME = ("status", "deprived", "deprived_count", "explanation", "previous_status", "transition", "facts")


@pytest.mark.django_db
def test_a_review_entered_on_the_form_and_one_imported_store_the_same_outcome(
    officer, chair, commune, village, callers
):
    """Two households alike, poor in 2023; the 2024 review of one is typed on the form, the other's imported."""
    typed, imported = (
        household_create(user=officer, village=village, data={"code": code}, members=[member_data(**HEAD)])
        for code in ("BB-01", "BB-02")
    )
    round_2023 = round_open(user=officer, commune=commune, year=2023, kind=ReviewKind.ANNUAL)
    approve_all(
        [
            review_create(
                user=officer, review_round=round_2023, household=h, income_per_capita=POOR_INCOME, facts=DEPRIVED
            )
            for h in (typed, imported)
        ],
        officer=officer,
        chair=chair,
        village=village,
        year=2023,
    )
    head = person("BB-02", HEAD["full_name"], **{"Việc làm": HEAD["employment"], "Trình độ học vấn": HEAD["education"]})
    source = make_workbook(
        households=[household("BB-02")],
        members=[head],
        reviews=[_review_cells("BB-02", 2024, POOR_INCOME, ONE_DEPRIVATION)],
    )
    callers.clear()

    result = import_commit(user=officer, commune=commune, source=source)
    assert result.errors == []
    review_create(
        user=officer,
        review_round=ReviewRound.objects.get(commune=commune, year=2024),
        household=typed,
        income_per_capita=POOR_INCOME,
        facts=ONE_DEPRIVATION,
    )

    stored = {
        r["household__code"]: r
        for r in HouseholdReview.objects.filter(round__year=2024).values("household__code", *OUTCOME)
    }
    assert {k: v for k, v in stored["BB-01"].items() if k != "household__code"} == {
        k: v for k, v in stored["BB-02"].items() if k != "household__code"
    }
    assert (stored["BB-01"]["status"], stored["BB-01"]["transition"]) == ("near_poor", "poor_to_near_poor")
    assert any(line.startswith("water: ") for line in stored["BB-01"]["explanation"])
    assert set(callers) == {"households.imports.checking", "households.review_facts"}


@pytest.mark.django_db
def test_the_demo_generator_stores_what_the_form_would(make_user, callers):
    """The generator decides an outcome once for households alike (``demo.history._Outcomes``): each review it
    writes is what the services would store for the household's own facts, members and past."""
    made = households_generate(signer=make_user(Role.COMMUNE_CHAIR), districts=["Huyện Pác Nặm"], scale=0.01)
    assert set(callers) == {"demo.history"}

    reviews = HouseholdReview.objects.filter(household__code__startswith="BK").select_related("round__standard")
    assert reviews.count() == made.reviews == 4 * made.households > 0
    for review in reviews.prefetch_related("household__members"):
        review_round = review.round
        expected = registry_review_outcome(
            standard=review_round.standard,
            year=review_round.year,
            income_year=rules_year(year=review_round.year, kind=review_round.kind, standard=review_round.standard),
            is_urban=review.is_urban,
            income=review.income_per_capita,
            facts=review.facts,
            members=sorted(review.household.members.all(), key=lambda m: m.pk),
            on=review_round.ages_on,
            mountain_island=review.is_mountain_island,
            history=last_approved_statuses(
                household_ids=[review.household_id], up_to_year=review_round.year, exclude_review_id=review.pk
            ).get(review.household_id, []),
        )
        assert review.status == expected.status
        assert review.deprived == list(expected.deprived)
        assert review.deprived_count == expected.deprived_count
        assert review.explanation == list(expected.explanation)
        assert (review.previous_status, review.transition) == (expected.previous_status, expected.transition)
        assert review.facts == expected.facts.to_json()
