"""The error pages with DEBUG off: the site's own look, in the user's language, JSON under /api/.

Found by the outside attack (issue 20): 400 and 403 were Django's bare English pages, and every error page
left the site's frame and language.
"""

from pathlib import Path

import pytest
from django.test import Client, RequestFactory, override_settings
from django.utils import translation
from django.utils.translation import gettext

from povertyplan.errors import crashed

pytestmark = [pytest.mark.urls("tests.hardening.error_urls")]

ROOT = Path(__file__).resolve().parents[2]

HEADINGS = {400: "Bad request", 403: "Access denied", 404: "Page not found", 500: "Server error"}


def heading_in(language: str, status: int) -> str:
    with translation.override(language):
        return gettext(HEADINGS[status])


@pytest.fixture
def browser():
    """A visitor with DEBUG off: errors become pages, not exceptions in the test."""
    with override_settings(DEBUG=False):
        yield Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [400, 403, 404, 500])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_error_has_its_page_in_the_users_language(browser, status, language):
    page = browser.get(f"/error/{status}/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == status
    assert page["Content-Type"].startswith("text/html")
    text = page.content.decode()
    assert f'<html lang="{language}">' in text
    assert f'<h1 id="error-title">{heading_in(language, status)}</h1>' in text
    assert "Povertyplan" in text
    # The words of a crash or of a 404 never reach the page; a 403 says the reason the view gave.
    assert "crashed" not in text
    assert "missing" not in text
    assert ("Your role may not take this step." in text) == (status == 403)
    if language == "en":
        assert HEADINGS[status] in text


@pytest.mark.django_db
def test_the_frame_pages_carry_the_sites_menu_and_style(browser):
    text = browser.get("/error/404/").content.decode()
    assert "css/app.css" in text
    assert 'class="topbar"' in text


@pytest.mark.django_db
def test_an_unknown_address_is_the_404_page(browser):
    page = browser.get("/no-such-page/")
    assert page.status_code == 404
    assert heading_in("vi", 404) in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [400, 403, 500])
def test_the_api_answers_errors_in_json(browser, status):
    answer = browser.get(f"/api/v1/error/{status}/")
    assert answer.status_code == status
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["detail"]


def broken_context_processor(request):
    raise RuntimeError("the database is gone")


def test_the_500_page_needs_no_database_nor_context_processors(settings):
    """No database access is allowed in this test (no ``django_db``), and every context processor fails."""
    settings.DEBUG = False
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {"context_processors": [f"{__name__}.broken_context_processor"]},
        }
    ]
    with translation.override("vi"):
        page = crashed(RequestFactory().get("/reports/"))
    assert page.status_code == 500
    text = page.content.decode()
    assert heading_in("vi", 500) in text
    assert '<html lang="vi">' in text


def test_the_500_page_stands_alone():
    """Nothing that could fail with the database, the session or a missing static manifest."""
    source = (ROOT / "templates" / "500.html").read_text()
    for needs_more in ("{% extends", "{% include", "{% static", "{% url", "{{ user", "{{ request", "csrf"):
        assert needs_more not in source, needs_more


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [("vi", "Biểu mẫu đã hết hạn"), ("en", "The form has expired")])
def test_a_form_sent_without_its_token_has_the_sites_page_in_the_users_language(language, heading):
    """Found by the attack tour: the CSRF failure was Django's bare English page."""
    # The override puts the language back afterwards: the middleware leaves the request's language active.
    with override_settings(DEBUG=False), translation.override("vi"):
        page = Client(enforce_csrf_checks=True).post(
            "/accounts/login/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE=language
        )
    text = page.content.decode()
    assert page.status_code == 403
    assert f'<html lang="{language}">' in text
    assert f'<h1 id="error-title">{heading}</h1>' in text
    assert 'class="topbar"' in text
