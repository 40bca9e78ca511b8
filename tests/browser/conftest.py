"""Browser tests: Playwright drives Debian's chromium against a live server (run with ``pytest -m browser``).

A live server needs committed data, so these tests use a transactional database that is emptied after
each test; ``browser_world`` loads what they need again each time (units, standards, people).
"""

import os
import shutil

import pytest
from django.core.management import call_command

from accounts.models import Role
from accounts.services import user_create
from households.models import AdministrativeUnit, UnitLevel, UnitType
from households.services import village_create
from tests.conftest import AFTER_REFORM, BEFORE_REFORM

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
PASSWORD = "Trình-duyệt-2026"
# Without these flags, chromium keeps calling home, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


@pytest.fixture
def browser_world(transactional_db):
    call_command("load_units", province=["Bắc Kạn", "Thái Nguyên"], verbosity=0)
    call_command("loaddata", "standards", "ethnicities", verbosity=0)
    commune = AdministrativeUnit.objects.valid_on(AFTER_REFORM).get(name="Xã Văn Lang")
    village = village_create(commune=commune, name="Thôn Nà Làng", unit_type=UnitType.THON)
    province_new = AdministrativeUnit.objects.valid_on(AFTER_REFORM).get(level=UnitLevel.PROVINCE, code="19")
    province_old = AdministrativeUnit.objects.valid_on(BEFORE_REFORM).get(level=UnitLevel.PROVINCE, code="06")
    people = {
        "officer": user_create(
            username="can.bo.xa",
            password=PASSWORD,
            role=Role.COMMUNE_OFFICER,
            units=[commune],
            full_name="Lương Thị Hà",
        ),
        "chair": user_create(
            username="chu.tich.xa",
            password=PASSWORD,
            role=Role.COMMUNE_CHAIR,
            units=[commune],
            full_name="Hà Văn Khánh",
        ),
        "province": user_create(
            username="can.bo.tinh",
            password=PASSWORD,
            role=Role.PROVINCE_OFFICER,
            units=[province_old, province_new],
            full_name="Hoàng Thị Lan",
        ),
    }
    return {"commune": commune, "village": village, **people}


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def screenshot(page, name: str) -> None:
    page.screenshot(path=f"docs/screenshots/{name}.png", full_page=True)
