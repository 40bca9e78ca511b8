"""The offline app's browser tests share the browser tests' Chromium."""

from tests.browser.conftest import browser, page  # noqa: F401
