"""A household with no telecom service and no device (Decree 07/2021/NĐ-CP, access to information) can be told so
through the review form's "None" box as through the import's "Không", and is deprived on both indicators with the
same stored outcome either way; the API states it as an empty list, where null is "not recorded". No box ticked
is still "not recorded", never "none"."""

import pytest
from django.urls import reverse

from households.imports.services import import_commit
from households.models import HouseholdReview, ReviewKind
from households.review_facts import FACT_LABELS
from households.services import review_create, round_open
from tests.reviews import GOOD, POOR_INCOME, new_household
from tests.workbooks import make_workbook, person, review

pytestmark = pytest.mark.django_db

# Poor under Decree 07/2021/NĐ-CP: income under the line and three deprivations (housing, telecom, devices).
NOTHING = {**GOOD, "housing": "simple"}
INFORMATION = {"telecom", "information_means"}


@pytest.fixture
def review_round(officer, commune):
    return round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)


def _form_data(household, **facts):
    data = {"household": household.pk, "income_per_capita": str(POOR_INCOME)}
    data.update({f"fact_{k}": v for k, v in {**NOTHING, **facts}.items() if v is not None})
    return data


def _post(client, review_round, data):
    return client.post(reverse("households:review-create", args=[review_round.pk]), data)


def test_the_form_states_none_and_the_household_is_deprived(client, officer, village, review_round):
    household = new_household(officer, village, "NT-01")
    client.force_login(officer)
    response = _post(client, review_round, _form_data(household, telecom="none", devices="none"))
    review = HouseholdReview.objects.get()
    assert response["Location"] == review.get_absolute_url()
    assert set(review.deprived) >= INFORMATION
    assert review.status == "poor"
    assert (review.facts["telecom"], review.facts["devices"]) == ([], [])


def test_the_form_and_the_import_store_the_same_outcome(client, officer, village, commune, review_round):
    household = new_household(officer, village, "NT-02")
    client.force_login(officer)
    _post(client, review_round, _form_data(household, telecom="none", devices="none"))
    source = make_workbook(
        households=[{"Mã hộ": "NT-03", "Thôn/bản": "Thôn Nà Hin"}],
        members=[person("NT-03", "Chủ hộ NT-03")],
        reviews=[
            review(
                "NT-03",
                POOR_INCOME,
                **{"Nhà ở": "Nhà đơn sơ", "Dịch vụ viễn thông": "Không", "Phương tiện tiếp cận thông tin": "Không"},
            )
        ],
    )
    assert import_commit(user=officer, commune=commune, source=source).errors == []
    by_form, by_import = (HouseholdReview.objects.get(household__code=code) for code in ("NT-02", "NT-03"))
    stored = ("status", "deprived", "deprived_count", "transition")
    assert [getattr(by_form, f) for f in stored] == [getattr(by_import, f) for f in stored]
    household_facts = [k for k in by_form.facts if k != "members"]
    assert {k: by_form.facts[k] for k in household_facts} == {k: by_import.facts[k] for k in household_facts}


def test_the_service_reads_an_empty_set_as_none(officer, village, review_round):
    """What the form hands the services for its "None" box: the import's value, an empty set."""
    household = new_household(officer, village, "NT-04")
    facts = {**NOTHING, "telecom": frozenset(), "devices": frozenset()}
    review = review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=POOR_INCOME, facts=facts
    )
    assert set(review.deprived) >= INFORMATION


def test_no_box_ticked_is_not_recorded_and_named(client, officer, village, review_round):
    household = new_household(officer, village, "NT-05")
    client.force_login(officer)
    response = _post(client, review_round, _form_data(household, telecom=None))
    assert response.status_code == 200
    assert not HouseholdReview.objects.exists()
    assert response.context["form"].non_field_errors() == [f"Còn thiếu: {FACT_LABELS['telecom']}."]


def test_none_with_a_service_is_refused_and_what_was_ticked_is_kept(client, officer, village, review_round):
    household = new_household(officer, village, "NT-06")
    client.force_login(officer)
    response = _post(client, review_round, _form_data(household, telecom=["none", "phone"]))
    assert response.status_code == 200
    assert not HouseholdReview.objects.exists()
    form = response.context["form"]
    # Needs the compiled catalogue for the box's label.
    assert form.errors["fact_telecom"] == [
        "“Không: không thành viên nào dùng dịch vụ viễn thông” không thể ghi cùng các giá trị khác."
    ]
    assert form["fact_telecom"].value() == ["none", "phone"]  # what was ticked stays ticked


def test_the_edit_form_shows_the_stored_none_ticked(client, officer, village, review_round):
    household = new_household(officer, village, "NT-07")
    facts = {**NOTHING, "telecom": frozenset(), "devices": ["tv"]}
    review = review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=POOR_INCOME, facts=facts
    )
    client.force_login(officer)
    page = client.get(reverse("households:review-edit", args=[review.pk]))
    form = page.context["form"]
    assert form["fact_telecom"].value() == ["none"]
    assert form["fact_devices"].value() == ["tv"]
    # Saved again unchanged, it stays "none".
    response = _post_edit(client, review, form)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.facts["telecom"] == []
    assert "telecom" in review.deprived


def _post_edit(client, review, form):
    data = {"income_per_capita": str(review.income_per_capita), "version": review.version}
    for name, _field in form.fields.items():
        if name.startswith("fact_"):
            value = form[name].value()
            if value not in (None, ""):
                data[name] = value
    return client.post(reverse("households:review-edit", args=[review.pk]), data)


def test_the_api_states_none_as_an_empty_list(client, officer, village, review_round):
    first, second = new_household(officer, village, "NT-08"), new_household(officer, village, "NT-09")
    for household, telecom in ((first, frozenset()), (second, ["phone", "internet"])):
        review_create(
            user=officer,
            review_round=review_round,
            household=household,
            income_per_capita=POOR_INCOME,
            facts={**NOTHING, "telecom": telecom},
        )
    client.force_login(officer)
    rows = {row["household_code"]: row for row in client.get("/api/v1/reviews/").json()["results"]}
    assert rows["NT-08"]["facts"]["telecom"] == []
    assert "telecom" in rows["NT-08"]["deprived"]
    assert rows["NT-09"]["facts"]["telecom"] == ["internet", "phone"]
    assert rows["NT-09"]["facts"]["devices"] == ["tv"]
    assert "members" not in rows["NT-08"]["facts"]  # the members' facts stay in the registry
