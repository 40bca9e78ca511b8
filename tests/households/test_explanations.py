"""A classification is explained in the reader's language, each indicator by its name (Decree 07/2021/NĐ-CP,
art. 3; Decision 59/2015/QĐ-TTg): on the review's page and in the lists of poor households (HTML, PDF, XLSX),
never an indicator's code such as ``housing_quality``."""

import io
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook

from households.models import HouseholdReview, ReviewKind
from households.services import review_create, round_open
from reports.definitions.lists import household_rows
from reports.list_selectors import ListedHousehold
from standards.classification import IndicatorRule, Method, StandardRules
from standards.explanation_text import indicator_names, named_explanation
from tests.conftest import SCOPE_AGAIN
from tests.pdfs import pdf_text
from tests.reviews import DEPRIVED, new_household

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_language_after():
    """A page asked for in English leaves English active in the thread: the next tests read Vietnamese."""
    yield
    translation.deactivate()


# The three indicators the tests' DEPRIVED facts miss, as the standard's data names them (fixtures/standards.json).
VIETNAMESE = ["Chất lượng nhà ở", "Nguồn nước sinh hoạt", "Nhà tiêu hợp vệ sinh"]
ENGLISH = ["Housing quality", "Domestic water", "Hygienic latrine"]
CODES = ["housing_quality", "water", "latrine"]
# The codes written with an underscore: found anywhere they leak. The one-word codes ("water", "latrine") are
# also English words: a line must not begin with one.
CODE = re.compile(r"\b(housing_quality|housing_area|health_insurance|information_means|child_schooling)\b")


def poor_review(officer, village, commune, code="X1") -> HouseholdReview:
    household = new_household(officer, village, code)
    review_round = round_open(user=officer, commune=commune, year=2024, kind=ReviewKind.ANNUAL)
    return review_create(
        user=officer, review_round=review_round, household=household, income_per_capita=1_000_000, facts=DEPRIVED
    )


def explanation_items(html: str) -> list[str]:
    block = html.split('<ul class="explanation">', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


def test_the_review_keeps_codes_and_the_page_names_the_indicators(client, officer, village, commune):
    review = poor_review(officer, village, commune)
    # Stored language-neutral: the code, not a name in the language of whoever entered the review.
    assert [line.split(": ", 1)[0] for line in review.explanation[-3:]] == CODES

    client.force_login(officer)
    items = explanation_items(client.get(review.get_absolute_url()).text)
    assert [item.split(": ", 1)[0] for item in items[-3:]] == VIETNAMESE
    assert "1.000.000đ" in items[0]
    assert "Chất lượng nhà ở, Nguồn nước sinh hoạt, Nhà tiêu hợp vệ sinh" in items[1]
    assert not any(CODE.search(item) or item.split(": ")[0] in ("water", "latrine") for item in items)


def test_an_english_reader_reads_it_in_english(client, officer, village, commune):
    review = poor_review(officer, village, commune)
    client.force_login(officer)
    items = explanation_items(client.get(review.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text)
    assert [item.split(": ", 1)[0] for item in items[-3:]] == ENGLISH
    # The whole explanation, not only the names: it is written again in the reader's language.
    assert items[0] == "income 1,000,000 VND ≤ poor line 1,500,000 VND (rural, 2025)"
    assert "Housing quality, Domestic water, Hygienic latrine" in items[1]
    assert not any(CODE.search(item) or item.split(": ")[0] in ("water", "latrine") for item in items)


def test_an_explanation_stored_as_text_is_shown_with_the_names(client, officer, village, commune):
    """A review whose facts cannot explain it again (kept by an older form) shows its stored lines, each
    deprivation under its indicator's name."""
    review = poor_review(officer, village, commune)
    stored = ["thu nhập 1.000.000đ ≤ chuẩn nghèo 1.500.000đ (nông thôn, 2025)", "housing_quality: nhà ở: nhà tạm"]
    HouseholdReview.objects.filter(pk=review.pk).update(facts={}, explanation=stored)
    client.force_login(officer)
    items = explanation_items(client.get(review.get_absolute_url()).text)
    assert items == [stored[0], "Chất lượng nhà ở: nhà ở: nhà tạm"]
    english = explanation_items(client.get(review.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text)
    assert english[1] == "Housing quality: nhà ở: nhà tạm"


def test_what_was_not_decided_is_not_explained_again(client, officer, village, commune):
    """The stored status stands: an explanation written again that reaches another status is not shown."""
    review = poor_review(officer, village, commune)
    HouseholdReview.objects.filter(pk=review.pk).update(income_per_capita=2_000_000)
    client.force_login(officer)
    items = explanation_items(client.get(review.get_absolute_url()).text)
    assert items[0] == review.explanation[0]
    assert items[-1].startswith("Nhà tiêu hợp vệ sinh: ")


def test_the_review_page_reads_the_standard_once(client, officer, village, commune, django_assert_num_queries):
    review = poor_review(officer, village, commune)
    client.force_login(officer)
    client.get(review.get_absolute_url())
    # The page's five and its scope read again, and the standard's lines and indicators (its row comes with the
    # review).
    with django_assert_num_queries(5 + SCOPE_AGAIN + 2):
        assert client.get(review.get_absolute_url()).status_code == 200


RULES = StandardRules(
    code="2021-2025",
    name="",
    method=Method.INCOME_AND_DEPRIVATION,
    deprivation_cutoff=3,
    year_from=2022,
    year_to=2025,
    lines=(),
    indicators=(
        IndicatorRule("housing_quality", "Chất lượng nhà ở", "Housing quality", "housing", "Nhà ở"),
        IndicatorRule("water", "Nguồn nước sinh hoạt", "Domestic water", "wash", "Nước sinh hoạt và vệ sinh"),
    ),
)


def test_stored_lines_are_named_in_the_active_language(settings):
    lines = ["kết luận: hộ nghèo", "housing_quality: nhà ở: nhà tạm", "water: nguồn nước: sông, suối", "waste: x"]
    assert named_explanation(lines, RULES) == [
        "kết luận: hộ nghèo",  # not an indicator: kept
        "Chất lượng nhà ở: nhà ở: nhà tạm",
        "Nguồn nước sinh hoạt: nguồn nước: sông, suối",
        "waste: x",  # not an indicator of this standard: kept as it is, never dropped
    ]
    with translation.override("en"):
        assert indicator_names(RULES) == {"housing_quality": "Housing quality", "water": "Domestic water"}


def test_a_list_row_names_the_deprivations():
    household = ListedHousehold("BB-01", "Hoàng Văn Páo", "Xã Bộc Bố", "Thôn Nà Hin", "poor", tuple(CODES), ())
    names = dict(zip(CODES, VIETNAMESE, strict=True))
    assert household_rows(1, household, names)[0]["deprived"] == ", ".join(VIETNAMESE)


def listed_deprivations(values) -> list[str]:
    return [v for v in values if isinstance(v, str) and v.startswith(VIETNAMESE[0])]


def test_the_lists_name_the_deprivations_in_html_pdf_and_xlsx(client, reviewed, province_officer, unit):
    client.force_login(province_officer)
    params = {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024, "status": "poor"}
    names = ", ".join(VIETNAMESE)

    page = client.get("/reports/lists/", params).text
    assert names in page
    assert not CODE.search(page)

    text = pdf_text(client.get("/reports/lists/", {**params, "format": "pdf"}))
    # A long cell wraps in the PDF: its words are read back with line breaks.
    assert names in re.sub(r"\s+", " ", text)
    assert not CODE.search(text)

    xlsx = client.get("/reports/lists/", {**params, "format": "xlsx"})
    values = [c.value for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows() for c in row]
    assert listed_deprivations(values)
    assert set(listed_deprivations(values)) == {names}
    assert not any(isinstance(v, str) and CODE.search(v) for v in values)


def test_the_lists_speak_english_to_an_english_reader(client, reviewed, province_officer, unit):
    client.force_login(province_officer)
    params = {"unit": unit("Tỉnh Bắc Kạn").pk, "year": 2024, "status": "poor", "format": "xlsx"}
    xlsx = client.get("/reports/lists/", params, HTTP_ACCEPT_LANGUAGE="en")
    values = [c.value for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows() for c in row]
    assert ", ".join(ENGLISH) in values
    assert not any(isinstance(v, str) and CODE.search(v) for v in values)
