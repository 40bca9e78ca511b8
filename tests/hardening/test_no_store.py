"""``Cache-Control: no-store`` on whatever a signed-in user is sent: pages, downloads, API answers.

Found by the outside attack (issue 20): household pages and lists of poor households stayed in the browser's
cache of a shared office PC after the officer signed out.
"""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import Role

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def officer_client(client, make_user):
    client.force_login(make_user(Role.COMMUNE_OFFICER))
    return client


def test_pages_and_downloads_of_a_signed_in_user_are_not_stored(officer_client):
    assert no_store(officer_client.get("/households/"))
    download = officer_client.get(reverse("households:import-template"))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert no_store(download)
    # Errors and redirects too: they can say what exists.
    assert no_store(officer_client.get("/households/999999999/"))


def test_api_answers_to_a_token_are_not_stored(client, make_user):
    token = Token.objects.create(user=make_user(Role.API_CLIENT))
    answer = client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert answer.status_code == 200
    assert no_store(answer)
    assert no_store(client.get("/api/v1/units/", {"format": "csv"}, HTTP_AUTHORIZATION=f"Token {token.key}"))


def test_public_pages_and_static_files_keep_their_caching(client, make_user):
    assert not no_store(client.get("/"))
    client.force_login(make_user(Role.COMMUNE_OFFICER))
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert not no_store(static)
