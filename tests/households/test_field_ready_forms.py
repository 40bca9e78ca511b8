"""The forms as they are filled in the field: days typed dd/mm/yyyy (1 July in both languages, never 7 January),
amounts typed "1,5 triệu" or "1500k", any number of members, required fields marked before sending, and errors
summed up at the top with a link to each field."""

import datetime
import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from households.forms import AmountField, DayField, ReviewForm
from households.models import Household, HouseholdReview, ReviewKind
from households.services import round_open
from tests.conftest import AFTER_REFORM
from tests.factories import household_form_data
from tests.reviews import DEPRIVED, new_household

pytestmark = pytest.mark.django_db

JULY_FIRST = datetime.date(2025, 7, 1)


@pytest.fixture
def commune(unit):
    return unit("Xã Văn Lang", on=AFTER_REFORM)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def members_data(village, code: str, *members: dict, **household) -> dict:
    """The household form with ``members`` (dicts of a member's fields): the head first."""
    data = household_form_data(village, code, **members[0])
    data.update(household)
    data["members-TOTAL_FORMS"] = str(len(members))
    for index, member in enumerate(members[1:], start=1):
        data.update({f"members-{index}-{key}": value for key, value in member.items()})
    return data


CHILD = {"full_name": "Đàm Văn Tú", "sex": "male", "relation": "child", "disability": "none"}


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_day_typed_dd_mm_yyyy_is_the_first_of_july_in_both_languages(officer_client, village, language):
    data = members_data(village, "BB-0701", {}, {**CHILD, "date_of_birth": "01/07/2025"}, status_date="01/07/2025")
    response = officer_client.post(reverse("households:household-create"), data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302, response.content.decode()[:2000]
    household = Household.objects.get(code="BB-0701")
    assert household.status_date == JULY_FIRST
    assert household.members.get(full_name="Đàm Văn Tú").date_of_birth == JULY_FIRST


@pytest.mark.parametrize("typed", ["01/07/2025", "1/7/2025", "2025-07-01", "01-07-2025", "01.07.2025", "01072025"])
def test_a_day_is_read_as_offices_and_date_pickers_write_it(typed):
    assert DayField().clean(typed) == JULY_FIRST


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_date_field_reads_the_day_first(language):
    """Django's own date fields too (the programmes' forms, the admin): through povertyplan/formats."""
    with translation.override(language):
        assert forms.DateField().clean("01/07/2025") == JULY_FIRST
        assert forms.DateField().clean("2025-07-01") == JULY_FIRST


def test_a_day_that_is_not_one_is_refused_with_an_example():
    with translation.override("en"):
        with pytest.raises(forms.ValidationError) as refused:
            DayField().clean("31/02/2025")
        assert refused.value.messages == ["Enter a valid date. Type it as day/month/year, for example 01/07/2025."]


def test_a_day_is_shown_back_dd_mm_yyyy():
    rendered = DayField().widget.render("born", JULY_FIRST)
    assert 'value="01/07/2025"' in rendered
    assert 'type="text"' in rendered
    assert "data-day" in rendered


def test_four_members_are_saved_and_a_removed_one_is_deleted(officer_client, village):
    members = [{}, *({**CHILD, "full_name": f"Đàm Văn {name}", "date_of_birth": "02/09/2015"} for name in "ABC")]
    response = officer_client.post(reverse("households:household-create"), members_data(village, "BB-0004", *members))
    assert response.status_code == 302
    household = Household.objects.get(code="BB-0004")
    assert household.members.count() == 4

    page = officer_client.get(reverse("households:household-edit", args=[household.pk]))
    assert 'id="member-template"' in page.text  # the empty form the page copies for a new member
    assert 'name="members-__prefix__-full_name"' in page.text
    data = {
        "members-TOTAL_FORMS": "4",
        "members-INITIAL_FORMS": "4",
        "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "1000",
        "village": village.pk,
        "code": "BB-0004",
        "status": "active",
        "version": household.version,
    }
    for index, form in enumerate(page.context["formset"].forms[:4]):
        member = form.instance
        data |= {
            f"members-{index}-id": member.pk,
            f"members-{index}-full_name": member.full_name,
            f"members-{index}-sex": member.sex,
            f"members-{index}-date_of_birth": member.date_of_birth.strftime("%d/%m/%Y"),
            f"members-{index}-relation": member.relation,
            f"members-{index}-disability": member.disability,
        }
    data["members-3-DELETE"] = "on"
    response = officer_client.post(reverse("households:household-edit", args=[household.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert household.members.count() == 3


def test_required_fields_are_marked_before_sending(officer_client):
    page = officer_client.get(reverse("households:household-create")).content.decode()
    code = re.search(r'<input[^>]*name="code"[^>]*>', page).group()
    assert "required" in code
    full_name = re.search(r'<input[^>]*name="members-0-full_name"[^>]*>', page).group()
    assert 'aria-required="true"' in full_name
    assert '<label for="id_members-0-full_name">' in page
    assert page.count('class="required" aria-hidden="true">*</span>') >= 5
    address = re.search(r'<label for="id_address">[^<]*(<span[^>]*>)?', page).group()
    assert "required" not in address


def test_errors_are_summed_up_at_the_top_with_a_link_to_each_field(officer_client, village):
    data = members_data(village, "", {"national_id": "123", "full_name": ""}, {**CHILD, "date_of_birth": "31/02/2015"})
    response = officer_client.post(reverse("households:household-create"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    summary = page[page.index("data-error-summary") : page.index("</ul>", page.index("data-error-summary"))]
    assert 'href="#id_code"' in summary
    assert 'href="#id_members-0-full_name"' in summary
    assert 'href="#id_members-0-national_id"' in summary
    assert 'href="#id_members-1-date_of_birth"' in summary
    assert "Member 2, date of birth: Enter a valid date. Type it as day/month/year, for example 01/07/2025." in summary
    # What was typed stays, and each field says what is wrong beside it.
    assert 'value="31/02/2015"' in page
    assert 'value="123"' in page
    assert 'id="id_members-1-date_of_birth_error"' in page


def test_a_removed_member_with_errors_is_no_error(officer_client, village):
    data = members_data(village, "BB-0005", {}, {**CHILD, "date_of_birth": "not a day", "DELETE": "on"})
    response = officer_client.post(reverse("households:household-create"), data)
    assert response.status_code == 302
    assert Household.objects.get(code="BB-0005").members.count() == 1


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.500.000", 1_500_000),
        ("1,5 triệu", 1_500_000),
        ("1500k", 1_500_000),
        ("1.5tr", 1_500_000),
        ("2 triệu", 2_000_000),
    ],
)
def test_the_review_reads_the_income_as_people_type_it(officer_client, officer, village, commune, typed, amount):
    review_round = round_open(user=officer, commune=commune, year=2025, kind=ReviewKind.ANNUAL)
    household = new_household(officer, village, "BB-0011")
    data = {"household": household.pk, "income_per_capita": typed, **{f"fact_{k}": v for k, v in DEPRIVED.items()}}
    response = officer_client.post(reverse("households:review-create", args=[review_round.pk]), data)
    assert response.status_code == 302
    assert HouseholdReview.objects.get().income_per_capita == amount


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Enter an amount in đồng, for example 1.500.000, 1,5 triệu or 1500k."),
        ("-5", "An amount cannot be below zero. For example: 1.500.000."),
        ("1,5,5", "Group the thousands by three, for example 1.500.000."),
        ("1e9", "Write the amount in digits, for example 1.500.000 or 1,5 triệu."),
        ("1,5", "A decimal needs its unit, for example 1,5 triệu or 0,8 triệu; or write 1.500.000."),
        ("1.500k", "This can be read two ways: write 1.500.000, or 1,5 triệu."),
    ],
)
def test_an_income_that_is_not_an_amount_is_refused_with_an_example(typed, message):
    with translation.override("en"):
        form = ReviewForm({"income_per_capita": typed})
        assert form.errors["income_per_capita"] == [message]


def test_an_amount_is_shown_back_grouped():
    with translation.override("vi"):
        assert 'value="1.500.000"' in AmountField().widget.render("income", 1_500_000)


def test_a_whole_number_refused_says_what_to_type(officer_client, commune):
    response = officer_client.post(
        reverse("households:round-list"),
        {"commune": commune.pk, "year": "hai nghìn", "kind": "annual"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Enter a whole number, for example 2026." in response.content.decode()
