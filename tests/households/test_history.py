"""A household's history says what changed, field by field ("Điện thoại: — → 0912345678"), who changed it and
when, in the reader's language: choices by their labels, units and ethnicities by their names, dates day first."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.models import Role
from households.models import Ethnicity, HouseholdReview, ReviewKind
from households.selectors.history import household_history, record_changes
from households.selectors.units import visible_unit_ids
from households.services import household_update, review_create, review_update, round_open
from tests.factories import VillageFactory, member_data
from tests.reviews import GOOD, new_household

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_language_after():
    """A page asked for in English leaves English active in the thread: the next tests read Vietnamese."""
    yield
    translation.deactivate()


def history_items(html: str) -> list[str]:
    table = html.split('<table class="data history">', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", table, re.S)]


def history_cells(html: str) -> list[str]:
    table = html.split('<table class="data history">', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", table, re.S)]


def members_of(household, **changes_by_name) -> list[dict]:
    """The household's members as the form sends them back, with ``changes_by_name[full_name]`` applied."""
    return [
        {
            **member_data(
                full_name=m.full_name,
                sex=m.sex,
                date_of_birth=m.date_of_birth,
                relation=m.relation,
                has_health_insurance=m.has_health_insurance,
                ethnicity=m.ethnicity,
            ),
            "id": m.pk,
            **changes_by_name.get(m.full_name, {}),
        }
        for m in household.members.order_by("pk")
    ]


@pytest.fixture
def edited(officer, village, commune):
    """A household registered, then edited twice: its phone, village and head's ethnicity, its head's birth
    date, a spouse added, then the spouse's relation and insurance changed."""
    household = new_household(officer, village, "H1")
    other_village = VillageFactory(parent=commune, name="Thôn Khuổi Slẳng")
    tay = Ethnicity.objects.get(name="Tày")
    household = household_update(
        user=officer,
        household=household,
        expected_version=household.version,
        village=other_village,
        data={"phone": "0912345678", "head_ethnicity": tay},
        members=[
            *members_of(household, **{"Chủ hộ H1": {"date_of_birth": datetime.date(1976, 4, 5)}}),
            member_data(
                full_name="Hoàng Thị Mai", sex="female", relation="spouse", date_of_birth=datetime.date(1978, 1, 5)
            ),
        ],
    )
    household.refresh_from_db()
    household_update(
        user=officer,
        household=household,
        expected_version=household.version,
        village=other_village,
        data={},
        members=members_of(household, **{"Hoàng Thị Mai": {"relation": "child", "has_health_insurance": None}}),
    )
    return household


def test_the_page_says_what_changed_in_vietnamese(client, officer, edited):
    client.force_login(officer)
    items = history_items(client.get(edited.get_absolute_url()).text)
    assert "Điện thoại: — → 0912345678" in items
    assert "Thôn: Thôn Nà Hin → Thôn Khuổi Slẳng" in items
    assert "Dân tộc của chủ hộ: — → Tày" in items
    assert "Ngày sinh: 02/03/1975 → 05/04/1976" in items
    assert "Quan hệ với chủ hộ: Vợ/chồng → Con" in items
    assert "Bảo hiểm y tế: Có → Chưa ghi nhận" in items
    cells = history_cells(client.get(edited.get_absolute_url()).text)
    assert str(officer) in cells
    assert not any(re.fullmatch(r"Changed|Created|~|\+", cell) for cell in cells)


def test_the_rows_are_named_in_vietnamese(client, officer, edited):
    """Needs the compiled catalogue (the rows' own words are new msgids)."""
    client.force_login(officer)
    cells = history_cells(client.get(edited.get_absolute_url()).text)
    assert any(cell.startswith("Thêm thành viên Hoàng Thị Mai") for cell in cells)
    assert any(cell.startswith("Sửa thông tin hộ ") for cell in cells)


def test_an_english_reader_reads_it_in_english(client, officer, edited):
    client.force_login(officer)
    page = client.get(edited.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    items = history_items(page)
    assert "Phone: — → 0912345678" in items
    assert "Date of birth: 02/03/1975 → 05/04/1976" in items
    assert "Relation to head: Spouse → Child" in items
    assert "Health insurance: Yes → Not recorded" in items
    assert any(cell.startswith("Member Hoàng Thị Mai added") for cell in history_cells(page))


def test_a_save_that_changes_nothing_adds_no_row(officer, edited):
    before = household_history(user=officer, household=edited)
    edited.refresh_from_db()
    household_update(
        user=officer,
        household=edited,
        expected_version=edited.version,
        village=edited.village,
        data={},
        members=members_of(edited),
    )
    assert household_history(user=officer, household=edited) == before


def test_two_queries_whatever_the_records(officer, edited, django_assert_num_queries):
    visible_unit_ids(officer)  # the user's area, read once per request by every selector
    with django_assert_num_queries(2):
        rows = household_history(user=officer, household=edited)
    assert [row.when for row in rows] == sorted((row.when for row in rows), reverse=True)
    for number in range(3):
        edited.refresh_from_db()
        household_update(
            user=officer,
            household=edited,
            expected_version=edited.version,
            village=edited.village,
            data={"address": f"Số {number}"},
            members=members_of(edited),
        )
    with django_assert_num_queries(2):
        assert len(household_history(user=officer, household=edited)) == len(rows) + 3


def test_the_history_stays_in_the_user_s_area(make_user, unit, edited):
    elsewhere = make_user(Role.COMMUNE_OFFICER, [unit("Xã Lương Thượng")])
    with pytest.raises(PermissionDenied):
        household_history(user=elsewhere, household=edited)


def test_an_amount_is_written_as_the_reader_writes_it(officer, village, commune):
    household = new_household(officer, village, "H2")
    review_round = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    review = review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=1_200_000, facts=GOOD
    )
    review_update(user=officer, review=review, expected_version=review.version, income_per_capita=1_500_000, facts=GOOD)
    after, before = review.history.order_by("-history_id")[:2]
    field = HouseholdReview._meta.get_field("income_per_capita")
    with translation.override("vi"):
        (change,) = record_changes([field], before, after)
    assert f"{change.field}: {change.old} → {change.new}" == (
        "Thu nhập bình quân đầu người/tháng (đồng): 1.200.000 → 1.500.000"
    )
    with translation.override("en"):
        (change,) = record_changes([field], before, after)
    assert f"{change.field}: {change.old} → {change.new}" == "Income per person per month (VND): 1,200,000 → 1,500,000"
