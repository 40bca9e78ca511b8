"""Shared fixtures. The demo provinces' units are loaded once per test session, from the real packages."""

import os
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from accounts.models import Role
from accounts.services import user_create
from households.models import LAST_LEGACY_DAY, REFORM_DATE, AdministrativeUnit, UnitLevel

BEFORE_REFORM = LAST_LEGACY_DAY
AFTER_REFORM = REFORM_DATE
# Queries a request spends on the user's scope (``households.scope_cache``): on PostgreSQL its version, and the
# scope itself (3) unless an earlier request read it under that version; SQLite computes it on every request.
SCOPE_FIRST = 4 if connection.vendor == "postgresql" else 3
SCOPE_AGAIN = 1 if connection.vendor == "postgresql" else 3


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_units", province=["Bắc Kạn", "Thái Nguyên"], verbosity=0)
        call_command("loaddata", "standards", "ethnicities", verbosity=0)
        if connection.vendor == "postgresql":
            # Planner statistics for the units just loaded, as autovacuum would give them a minute later (or much
            # later, when its workers are busy elsewhere on the server): without them PostgreSQL takes the unit
            # table for empty and joins the communes in nested loops (100 ms a roll-up instead of 1).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


def find_unit(name: str, on: date = BEFORE_REFORM, parent: str | None = None) -> AdministrativeUnit:
    """A unit of the demo provinces by name, before the reform by default."""
    units = AdministrativeUnit.objects.valid_on(on).exclude(level=UnitLevel.VILLAGE).filter(name=name)
    if parent:
        units = units.filter(parent__name=parent)
    return units.get()


def user_maker(prefix: str = "user"):
    counter = iter(range(1, 10_000))

    def make(role: str = Role.COMMUNE_OFFICER, units=(), **kwargs):
        username = f"{prefix}{next(counter)}"
        return user_create(username=username, password="pw-Secret-123", role=role, units=units, **kwargs)

    return make


@pytest.fixture
def unit(db):
    """``unit("Xã Bộc Bố")`` finds a unit of the demo provinces by name, before the reform by default."""
    return find_unit


@pytest.fixture
def make_user(db):
    return user_maker()


# Shared data fixtures: approved reviews over three years in a few communes (statistics, API, reports),
# and the committed data of the tests marked ``live``.
@pytest.fixture(autouse=True)
def _language_reset():
    """Every test starts in the site's language: a request with ``Accept-Language: en`` leaves English active
    in the thread (Django's ``LocaleMiddleware`` activates the request's language and never deactivates it),
    and a later test in the same thread would read English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


# The browser tests' Chromium (tests/browser, tests/offline): one per session for every folder.
@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


from tests.live_world import live_world  # noqa: E402, F401
from tests.review_data import province_officer, reviewed  # noqa: E402, F401
