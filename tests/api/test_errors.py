"""The API's errors as a client meets them: two shapes ({field: [messages]} and {detail: message}, as the schema's
FieldErrors and ErrorDetail say), in one language per request: DRF's messages, Django's (the filters' form fields)
and the project's all follow Accept-Language."""

import pytest
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import Throttled

from accounts.models import Role
from common.api_errors import exception_handler, field_errors
from households.models import ImportJob

pytestmark = pytest.mark.django_db

# Bad requests that reach every kind of message: DRF's fields, authentication, pagination and 404; Django's form
# fields (django-filter); the project's own (statistics, unit codes, page sizes).
BAD_REQUESTS = [
    ("get", "/api/v1/statistics/", {"year": "abc"}),
    ("get", "/api/v1/statistics/", {"year": 2024, "unit": "06", "group_by": "colour"}),
    ("get", "/api/v1/statistics/", {"year": 2031, "unit": "06"}),
    ("get", "/api/v1/statistics/", {"year": 2024, "unit": "06", "standard": "2019-2023"}),
    ("get", "/api/v1/reviews/", {"status": "rich"}),
    ("get", "/api/v1/reviews/", {"updated_since": "yesterday"}),
    ("get", "/api/v1/reviews/", {"cursor": "bad"}),
    ("get", "/api/v1/units/", {"page_size": "0"}),
    ("get", "/api/v1/units/999999/", {}),
    ("get", "/api/v1/households/", {"unit": "999"}),
    ("post", "/api/v1/standards/2021-2025/classify/", {"area": "rural", "income": 1, "deprived": [{"x": 1}]}),
    ("post", "/api/v1/standards/2021-2025/classify/", {"year": "x", "area": "town", "income": -1}),
    ("get", "/api/v1/households/", "no token"),
    ("get", "/api/v1/households/", "wrong token"),
]


@pytest.fixture
def token(province_officer):
    return Token.objects.get_or_create(user=province_officer)[0].key


def messages(body) -> list[str]:
    return [body["detail"]] if "detail" in body else [m for each in body.values() for m in each]


def ask(client, token, language, method, path, params):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    if params != "no token":
        headers["HTTP_AUTHORIZATION"] = f"Token {'0' * 40 if params == 'wrong token' else token}"
        params = params if isinstance(params, dict) else {}
    else:
        params = {}
    if method == "post":
        return client.post(path, params, content_type="application/json", **headers)
    return client.get(path, params, **headers)


@pytest.mark.parametrize(("method", "path", "params"), BAD_REQUESTS)
def test_an_english_request_gets_english_errors(client, reviewed, token, method, path, params):
    answer = ask(client, token, "en", method, path, params)
    assert answer.status_code in (400, 401, 404)
    for message in messages(answer.json()):
        assert message.isascii(), message


@pytest.mark.parametrize(("method", "path", "params"), BAD_REQUESTS)
def test_a_vietnamese_request_gets_vietnamese_errors(client, reviewed, token, method, path, params):
    english = messages(ask(client, token, "en", method, path, params).json())
    answer = ask(client, token, "vi", method, path, params)
    for message, in_english in zip(messages(answer.json()), english, strict=True):
        assert not message.isascii(), message  # Vietnamese is written with diacritics
        assert message != in_english


def test_an_error_inside_a_field_is_a_message_of_the_field(client, token):
    answer = client.post(
        "/api/v1/standards/2021-2025/classify/",
        {"year": 2024, "area": "rural", "income": 1, "deprived": ["water", {"x": 1}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    assert answer.json() == {"deprived": ["1: Not a valid string."]}


def test_an_error_raised_as_a_list_is_under_non_field_errors(client, make_user, unit):
    officer = make_user(Role.COMMUNE_OFFICER, [unit("Xã Bộc Bố")])
    job = ImportJob.objects.create(user=officer, commune=unit("Xã Bộc Bố"), file_name="danh-sach.xlsx")
    token = Token.objects.get_or_create(user=officer)[0].key
    answer = client.post(f"/api/v1/imports/{job.pk}/commit/", HTTP_AUTHORIZATION=f"Token {token}")
    assert answer.status_code == 400
    body = answer.json()
    assert list(body) == ["non_field_errors"]
    assert all(isinstance(message, str) for message in body["non_field_errors"])


def test_nested_errors_become_one_level():
    errors = {"members": [{}, {"full_name": ["Required."]}], "deprived": {0: ["Bad."]}, "year": ["Late."]}
    assert field_errors(errors) == {
        "members": ["1.full_name: Required."],
        "deprived": ["0: Bad."],
        "year": ["Late."],
    }
    assert field_errors(["One.", "Two."]) == {"non_field_errors": ["One.", "Two."]}


def test_the_wait_of_a_throttled_request_is_in_the_callers_language():
    with translation.override("en"):
        answer = exception_handler(Throttled(wait=2.2), {})
    assert answer.status_code == 429
    assert answer.data == {"detail": "Request was throttled. Expected available in 3 seconds."}
