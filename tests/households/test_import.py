"""Imports of households, members and reviews from real workbooks: dry run, every error, all or nothing."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import Workbook

from accounts.models import Role
from households.imports.columns import SHEETS, Sheet
from households.imports.services import ImportRefused, import_check, import_commit
from households.models import Household, HouseholdReview, Member, ReviewRound, ReviewState
from households.review_facts import registry_review_outcome
from households.services import household_create
from standards.selectors import rules_year
from tests.factories import VillageFactory, member_data
from tests.workbooks import clean_file, household, make_workbook, person, review

pytestmark = pytest.mark.django_db


def test_a_clean_workbook_is_checked_then_saved(officer, commune, village):
    source = clean_file()
    checked = import_check(user=officer, commune=commune, source=source)
    assert checked.errors == []
    assert checked.summary["households"]["created"] == 2
    assert checked.summary["members"]["created"] == 3
    assert checked.summary["reviews"]["created"] == 2
    assert checked.summary["rounds_to_open"] == [2024]
    assert not Household.objects.exists()

    result = import_commit(user=officer, commune=commune, source=source)
    assert result.committed
    first = Household.objects.get(code="BB-01")
    assert first.head_name == "Hoàng Văn Páo"
    assert first.address == "Nà Hin"
    assert first.village == village
    assert first.members.count() == 2
    assert first.members.get(full_name="Hoàng Thị Mai").date_of_birth == datetime.date(1976, 8, 28)
    reviews = {r.household.code: r for r in HouseholdReview.objects.select_related("household")}
    assert reviews["BB-01"].status == "poor"
    assert reviews["BB-01"].deprived == ["housing_quality", "water", "latrine"]
    assert reviews["BB-02"].status == "average"
    assert {r.state for r in reviews.values()} == {ReviewState.DRAFT}
    assert ReviewRound.objects.get().year == 2024
    assert first.history.count() == 1
    assert reviews["BB-01"].history.count() == 1


def test_reimporting_the_same_file_changes_nothing(officer, commune, village):
    source = clean_file()
    import_commit(user=officer, commune=commune, source=source)
    again = import_check(user=officer, commune=commune, source=source)
    assert again.errors == []
    assert again.summary["households"] == {"created": 0, "updated": 0, "unchanged": 2, "deleted": 0}
    assert again.summary["members"] == {"created": 0, "updated": 0, "unchanged": 3, "deleted": 0}
    assert again.summary["reviews"] == {"created": 0, "updated": 0, "unchanged": 2, "deleted": 0}
    import_commit(user=officer, commune=commune, source=source)
    assert Household.history.count() == 2
    assert Member.history.count() == 3


def test_every_bad_row_is_reported_and_nothing_is_saved(officer, commune, village, make_user, unit):
    other_commune = unit("Xã Lương Thượng")
    other_officer = make_user(Role.COMMUNE_OFFICER, [other_commune])
    household_create(
        user=other_officer,
        village=VillageFactory(parent=other_commune),
        data={"code": "LT-01"},
        members=[member_data(national_id="006075009999")],
    )
    source = make_workbook(
        households=[
            household("BB-01"),
            household("BB-02", "Thôn Không Có"),
            household("LT-01"),
            household("BB-03"),
        ],
        members=[
            person("BB-01", "Hoàng Văn Páo", **{"Số CCCD": "12345"}),
            person(
                "BB-01",
                "Hoàng Thị Mai",
                "Vợ/chồng",
                **{"Giới tính": "Nữ", "Ngày sinh": "01/01/1976", "Số CCCD": "006176001111"},
            ),
            person("BB-02", "Lý Thị Dung", **{"Giới tính": "Nữ", "Ngày sinh": "05/06/1976", "Số CCCD": "006176001111"}),
            person("BB-02", "Lý Văn Tài", "Con", **{"Số CCCD": "006075009999"}),
            person("LT-01", "Lục Văn Khải"),
            person("BB-03", "Nông Văn Dền"),
        ],
        reviews=[
            review("BB-01", "một triệu"),
            review("BB-03", "1.200.000", **{"Nguồn nước sinh hoạt": None}),
        ],
    )
    result = import_check(user=officer, commune=commune, source=source)
    assert [(e["sheet"], e["row"], e["column"], e["message"]) for e in result.error_dicts()] == [
        ("Hộ gia đình", 4, "Thôn/bản", "Không có thôn “Thôn Không Có” ở Xã Bộc Bố."),
        ("Hộ gia đình", 5, "Mã hộ", "Mã hộ LT-01 thuộc về một hộ ở xã khác hoặc ngoài địa bàn của bạn."),
        ("Thành viên", 3, "Số CCCD", "Số CCCD phải có đúng 12 chữ số."),
        ("Thành viên", 5, "Số CCCD", "Số CCCD 006176001111 cũng có ở dòng 4."),
        ("Thành viên", 6, "Số CCCD", "Số CCCD 006075009999 đã được đăng ký ở một xã khác."),
        ("Rà soát", 3, "Thu nhập bình quân (đồng/người/tháng)", "“một triệu” không phải là số."),
        ("Rà soát", 4, "Nguồn nước sinh hoạt", "Còn thiếu: Nguồn nước sinh hoạt."),
    ]
    with pytest.raises(ImportRefused):
        import_commit(user=officer, commune=commune, source=source)
    assert list(Household.objects.values_list("code", flat=True)) == ["LT-01"]
    assert not HouseholdReview.objects.exists()
    assert not ReviewRound.objects.exists()


def test_a_row_with_a_known_code_updates_that_household_and_its_history(officer, commune, village):
    import_commit(user=officer, commune=commune, source=clean_file())
    changed = make_workbook(
        households=[household("BB-01", **{"Địa chỉ": "Km 5, Nà Hin", "Điện thoại": "0912345678"})],
        members=[
            person("BB-01", "Hoàng Văn Páo", **{"Số CCCD": "006075001234"}),
            # 14 on the 2024 round's reference date (1 September 2024), whatever the day of the import: at the
            # school level for their age is needed (Decree 07/2021/NĐ-CP, 3 to under 16).
            person(
                "BB-01",
                "Hoàng Văn Lâm",
                "Con",
                **{"Ngày sinh": "2010-09-01", "Đang đi học": "Có", "Học đúng cấp theo tuổi": "Có"},
            ),
        ],
        reviews=[review("BB-01", 1_600_000)],
    )
    checked = import_check(user=officer, commune=commune, source=changed)
    assert checked.errors == []
    assert checked.summary["households"] == {"created": 0, "updated": 1, "unchanged": 0, "deleted": 0}
    assert checked.summary["members"] == {"created": 1, "updated": 0, "unchanged": 1, "deleted": 1}
    assert checked.summary["reviews"] == {"created": 0, "updated": 1, "unchanged": 0, "deleted": 0}
    import_commit(user=officer, commune=commune, source=changed)
    updated = Household.objects.get(code="BB-01")
    assert updated.address == "Km 5, Nà Hin"
    assert updated.version == 2
    assert sorted(updated.members.values_list("full_name", flat=True)) == ["Hoàng Văn Lâm", "Hoàng Văn Páo"]
    assert [h.history_type for h in updated.history.order_by("history_date")] == ["+", "~"]
    assert updated.history.latest().history_user == officer
    assert Member.history.filter(history_type="-", full_name="Hoàng Thị Mai").exists()
    saved = HouseholdReview.objects.get(household=updated)
    assert saved.income_per_capita == 1_600_000
    assert saved.status == "average"
    assert Household.objects.get(code="BB-02").version == 1


def test_an_officer_outside_the_commune_is_refused(make_user, unit, commune, village):
    stranger = make_user(Role.COMMUNE_OFFICER, [unit("Xã Lương Thượng")])
    result = import_check(user=stranger, commune=commune, source=clean_file())
    assert [e["message"] for e in result.error_dicts()] == ["Xã Bộc Bố: Đơn vị này nằm ngoài địa bàn của bạn."]
    viewer = make_user(Role.VIEWER, [commune])
    assert import_check(user=viewer, commune=commune, source=clean_file()).errors
    with pytest.raises(ImportRefused):
        import_commit(user=stranger, commune=commune, source=clean_file())
    assert not Household.objects.exists()


def test_a_village_officer_imports_only_their_village(make_user, commune, village):
    other = VillageFactory(parent=commune, name="Bản Khuổi Khí")
    village_officer = make_user(Role.COMMUNE_OFFICER, [village])
    source = make_workbook(
        households=[household("BB-01"), household("BB-09", "Khuổi Khí")],
        members=[person("BB-01", "Hoàng Văn Páo"), person("BB-09", "Ma Văn Sinh")],
    )
    result = import_check(user=village_officer, commune=commune, source=source)
    assert [(e["row"], e["column"], e["message"]) for e in result.error_dicts()] == [
        (4, "Thôn/bản", f"{other.name} nằm ngoài địa bàn của bạn."),
    ]


def test_lenient_headers_dates_and_numbers(officer, commune, village):
    workbook = Workbook()
    workbook.remove(workbook.active)
    households = workbook.create_sheet("HO GIA DINH")
    households.append(["  mã HỘ ", "thon/ban", "Household code?"])
    households.append(["BB-05", "Nà Hin", None])
    households["D1"] = "Địa chỉ"
    households["D2"] = "Tổ 5\\Nà Hin"
    members = workbook.create_sheet("members")
    members.append(
        ["Household code", "FULL NAME", "sex", "Date of birth", "Relation to head", "so cccd", "Employment", "Có BHYT"]
    )
    members.append(
        ["BB-05", "Đàm Thị Nguyệt", "female", datetime.date(1980, 5, 17), "head", 6180001234, "self_employed", "x"]
    )
    reviews = workbook.create_sheet("Rà soát")
    reviews.append([c.header_vi for c in SHEETS[Sheet.REVIEWS][2]])
    reviews.append(
        ["BB-05", 2024, "1.500.000", "Nhà kiên cố", "60,5", "Nước máy", "Nhà tiêu tự hoại", "Internet", "ti vi; radio"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    checked = import_check(user=officer, commune=commune, source=buffer.getvalue())
    assert checked.error_dicts() == []
    result = import_commit(user=officer, commune=commune, source=buffer.getvalue())
    assert result.errors == []
    assert Household.objects.get().address == "Tổ 5\\Nà Hin"
    member = Member.objects.get()
    assert member.national_id == "006180001234"
    assert member.date_of_birth == datetime.date(1980, 5, 17)
    saved = HouseholdReview.objects.get()
    assert saved.income_per_capita == 1_500_000
    assert saved.facts["living_area_m2"] == "60.5"
    assert saved.facts["devices"] == ["radio", "tv"]


def test_an_imported_review_is_explained_as_the_review_form_explains_it(officer, commune, village):
    """The import decides without the text and writes the reasons of the deprived indicators only; what it
    stores is what the one classification of the review form gives."""
    import_commit(user=officer, commune=commune, source=clean_file())
    for stored in HouseholdReview.objects.select_related("household", "round__standard"):
        expected = registry_review_outcome(
            standard=stored.round.standard,
            year=stored.round.year,
            # An annual round gives the next year's list, under that year's line.
            income_year=rules_year(year=stored.round.year, kind=stored.round.kind, standard=stored.round.standard),
            is_urban=stored.is_urban,
            income=stored.income_per_capita,
            facts=stored.facts,
            members=stored.household.members.order_by("pk"),
            on=timezone.localdate(),
        )
        assert stored.status == expected.status
        assert stored.deprived == list(expected.deprived)
        assert stored.deprived_count == expected.deprived_count
        assert stored.explanation == list(expected.explanation)
        assert stored.facts == expected.facts.to_json()
        assert (stored.previous_status, stored.transition) == (expected.previous_status, expected.transition)
    assert any(r.deprived for r in HouseholdReview.objects.all())


@pytest.mark.parametrize("model", [Household, Member, HouseholdReview])
def test_each_imported_row_has_a_history_row_repeating_it(officer, commune, village, model):
    import_commit(user=officer, commune=commune, source=clean_file())
    history = model.history.model
    tracked = {f.attname for f in history._meta.concrete_fields}  # less what history excludes (search text)
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in tracked]
    rows = {row["id"]: row for row in model.objects.values(*fields)}
    kept = list(history.objects.values(*fields, "history_type", "history_user_id", "history_date"))
    assert len(kept) == len(rows) > 0
    for row in kept:
        assert (row.pop("history_type"), row.pop("history_user_id")) == ("+", officer.pk)
        assert row.pop("history_date") is not None
        assert row == rows[row["id"]]
