"""A body the API cannot read, a NUL character and a number with a fraction for a whole one: each answered with a
400 in the request's language, never a message of Python's JSON parser in English, never a year read as 2021."""

import json

import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

CLASSIFY = "/api/v1/standards/2021-2025/classify/"


@pytest.fixture
def token(province_officer):
    return Token.objects.get_or_create(user=province_officer)[0].key


def post(client, token, language, body, *, raw=False):
    data = body if raw else json.dumps(body)
    return client.post(
        CLASSIFY,
        data,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
        HTTP_ACCEPT_LANGUAGE=language,
    )


@pytest.mark.parametrize(
    "body",
    [
        '{"year": 2024, "area": "rural"',  # cut short
        "{'year': 2024}",  # Python, not JSON
        '{"year": 2024, "area": "rural", "income": NaN}',  # a constant JSON does not have
        b'{"area": "\xff"}',  # not UTF-8
    ],
    ids=["cut-short", "python-quotes", "nan", "not-utf8"],
)
def test_an_unreadable_body_is_refused_in_the_requests_language(client, token, body):
    english = post(client, token, "en", body, raw=True)
    vietnamese = post(client, token, "vi", body, raw=True)
    assert english.status_code == vietnamese.status_code == 400
    in_english, in_vietnamese = english.json()["detail"], vietnamese.json()["detail"]
    assert in_english.isascii()
    assert "Expecting" not in in_english
    assert "codec" not in in_english
    assert not in_vietnamese.isascii()  # Vietnamese is written with diacritics
    assert in_vietnamese != in_english


def test_where_the_json_breaks_is_told(client, token):
    answer = post(client, token, "en", '{\n  "year": 2024,\n  "area" "rural"\n}', raw=True)
    assert answer.status_code == 400
    assert "line 3" in answer.json()["detail"]


def test_a_null_character_is_refused_in_the_requests_language(client, token):
    body = {"year": 2024, "area": "rural", "income": 1, "deprived": ["water\x00"]}
    english = post(client, token, "en", body)
    vietnamese = post(client, token, "vi", body)
    assert english.status_code == vietnamese.status_code == 400
    assert english.json() == {"deprived": ["0: Null characters are not allowed."]}
    assert vietnamese.json() == {"deprived": ["0: Không được có ký tự NUL."]}


def test_a_null_character_in_a_filter_is_refused_in_the_requests_language(client, token, reviewed):
    for language in ("en", "vi"):
        answer = client.get(
            "/api/v1/reviews/",
            {"period": "2021\x002025"},
            HTTP_AUTHORIZATION=f"Token {token}",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert answer.status_code == 400
        message = answer.json()["period"][0]
        assert message == ("Null characters are not allowed." if language == "en" else "Không được có ký tự NUL.")


@pytest.mark.parametrize("year", [2024.0, 2024.5, "2024.0", "2024.5"])
def test_a_year_with_a_fraction_is_refused(client, token, year):
    for language in ("en", "vi"):
        answer = post(client, token, language, {"year": year, "area": "rural", "income": 1})
        assert answer.status_code == 400, answer.json()
        assert list(answer.json()) == ["year"]
        message = answer.json()["year"][0]
        assert message.isascii() == (language == "en")


def test_a_whole_year_is_still_read(client, token):
    answer = post(client, token, "en", {"year": 2024, "area": "rural", "income": 1})
    assert answer.status_code == 200
    answer = post(client, token, "en", {"year": "2024", "area": "rural", "income": 1})
    assert answer.status_code == 200


def test_a_year_with_a_fraction_in_a_query_is_refused(client, token, reviewed):
    for language in ("en", "vi"):
        answer = client.get(
            "/api/v1/statistics/",
            {"year": "2024.0", "unit": "06"},
            HTTP_AUTHORIZATION=f"Token {token}",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert answer.status_code == 400
        assert list(answer.json()) == ["year"]
