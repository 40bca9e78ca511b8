"""Browser tests: Playwright drives Debian's chromium against a live server (run with ``pytest -m live``).

A live server needs committed data, so these tests use a transactional database that is emptied after
each test; ``live_world`` (tests/live_world.py) loads what they need again each time. The ``browser`` and ``page``
fixtures are in tests/conftest.py, so that every folder's browser tests (here, tests/offline) share one Chromium:
a second Playwright started in the same process refuses to run.
"""

import os
import shutil

from tests.live_world import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
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


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def screenshot(page, name: str) -> None:
    page.screenshot(path=f"docs/screenshots/{name}.png", full_page=True)
