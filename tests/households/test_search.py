"""Household search: the folded words (pure), the search text kept by the services, the import and the refresh,
and what a search finds (pages: tests/households/test_registry_pages.py)."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from households.imports.services import import_commit
from households.models import Household
from households.search import household_search_refresh, households_matching
from households.search_words import _folded, _folded_token, fold, search_text, words
from households.services import household_create, household_update
from tests.factories import HouseholdFactory, MemberFactory, member_data
from tests.workbooks import household, make_workbook, person


def test_fold_is_lower_case_without_diacritics():
    assert fold("Nguyễn Thị Đông") == "nguyen thi dong"
    assert fold("Lường Văn Hải") == "luong van hai"
    # A name typed with combining accents (as some keyboards and files give it) folds the same.
    assert fold(unicodedata.normalize("NFD", "Nguyễn Thị Đông")) == "nguyen thi dong"
    assert fold("ÐINH Văn Ðức") == "dinh van duc"  # Ð (U+00D0), as files converted from TCVN3 and VNI have it


def test_words_are_split_on_punctuation():
    assert words("BB-ĐÔNG-1") == ["bb", "dong", "1"]
    assert words("  Hoàng  Văn_Páo, 0060 ") == ["hoang", "van", "pao", "0060"]
    assert words("--") == []


def test_the_search_text_is_the_same_whatever_the_order_of_the_members():
    members = [("Hoàng Thị Mai", ""), ("Hoàng Văn Páo", "006075001234")]
    text = search_text("BB-01", "Hoàng Văn Páo", members)
    assert text == search_text("BB-01", "Hoàng Văn Páo", list(reversed(members)))
    assert text == "bb 01 | hoang van pao | hoang thi mai | hoang van pao 006075001234"


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x1EFF), max_size=14))
def test_a_token_folds_the_same_on_the_fast_path(token):
    """Codes and citizen IDs (letters and digits of ASCII) skip the folding and its cache: same words."""
    assert _folded_token(token) == _folded(token)


def found(term: str) -> set[str]:
    return set(households_matching(Household.objects.all(), term).values_list("code", flat=True))


@pytest.mark.django_db
def test_a_search_is_a_phrase_whose_last_word_may_be_unfinished(village):
    MemberFactory(household=HouseholdFactory(village=village, code="A1", head_name="Nguyễn Thị Đông"))
    MemberFactory(household=HouseholdFactory(village=village, code="A2", head_name="Đông Thị Nguyễn"))
    assert found("nguyen thi d") == {"A1"}
    assert found("thi dong") == {"A1"}
    assert found("nguy") == {"A1", "A2"}
    assert found("dong thi nguyen") == {"A2"}
    assert found("   ") == {"A1", "A2"}  # nothing typed: no filter
    assert found("--") == set()  # only punctuation: nothing to find


@pytest.mark.django_db
def test_a_phrase_does_not_run_from_one_name_into_the_next(village):
    household = HouseholdFactory(village=village, code="A3", head_name="Lò Thị Anh")
    MemberFactory(household=household, full_name="Lò Thị Anh")
    MemberFactory(household=household, full_name="Nguyễn Văn Bình", relation="spouse")
    assert found("lo thi anh") == {"A3"}
    assert found("nguyen van binh") == {"A3"}
    assert found("anh nguyen van") == set()


@pytest.mark.django_db
def test_the_services_keep_the_search_text_with_the_members(officer, village):
    created = household_create(
        user=officer,
        village=village,
        data={"code": "BB-7"},
        members=[member_data(full_name="Lục Văn Khải"), member_data(full_name="Lục Thị Hoa", relation="spouse")],
    )
    assert found("luc thi hoa") == {"BB-7"}
    members = [
        {
            "id": m.pk,
            **member_data(
                full_name="Lục Thị Hương" if m.full_name == "Lục Thị Hoa" else m.full_name, relation=m.relation
            ),
        }
        for m in created.members.all()
    ]
    household_update(
        user=officer,
        household=created,
        expected_version=created.version,
        village=village,
        data={},
        members=members,
    )
    assert found("luc thi huong") == {"BB-7"}
    assert found("luc thi hoa") == set()


@pytest.mark.django_db
def test_an_import_writes_the_search_text_of_new_and_updated_households(officer, village):
    commune = village.parent
    first = make_workbook(
        households=[household("BB-01")],
        members=[
            person("BB-01", "Hoàng Văn Páo", **{"Số CCCD": "006075001234"}),
            person("BB-01", "Hoàng Thị Mai", "Vợ/chồng", **{"Giới tính": "Nữ"}),
        ],
    )
    assert import_commit(user=officer, commune=commune, source=first).committed
    assert found("hoang thi mai") == {"BB-01"}
    assert found("006075001234") == {"BB-01"}
    renamed = make_workbook(
        households=[household("BB-01")],
        members=[
            person("BB-01", "Hoàng Văn Páo", **{"Số CCCD": "006075001234"}),
            person("BB-01", "Hoàng Văn Lâm", "Con", **{"Ngày sinh": "2010-09-01"}),
        ],
    )
    assert import_commit(user=officer, commune=commune, source=renamed).committed
    assert found("hoang van lam") == {"BB-01"}
    assert found("hoang thi mai") == set()


@pytest.mark.django_db
def test_the_refresh_recomputes_the_text_of_rows_written_around_the_services(village):
    target = HouseholdFactory(village=village, code="BB-9", head_name="Ma Văn Tài")
    other = HouseholdFactory(village=village, code="BB-10", head_name="Ma Văn Tài")
    Household.objects.update(search_text="")  # as a bulk load that bypasses the services leaves them
    household_search_refresh(Household.objects.filter(pk=target.pk))
    assert found("ma van tai") == {"BB-9"}
    assert Household.objects.get(pk=other.pk).search_text == ""


def test_the_search_text_is_not_in_the_history():
    assert "search_text" not in {f.name for f in Household.history.model._meta.get_fields()}
