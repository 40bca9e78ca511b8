"""Offline work in a real Chromium: the officer takes a village onto the phone, the service worker keeps the
app shell, and with the network cut the shell opens and shows what the phone keeps (IndexedDB)."""

import pytest
from django.utils import timezone

from households.models import ReviewKind
from households.services import round_open
from tests.browser.conftest import log_in
from tests.factories import HouseholdFactory, MemberFactory

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]


def test_downloaded_villages_open_with_no_network(live_world, live_server, page):
    today = timezone.localdate()
    officer, village = live_world["officer"], live_world["village"]
    review_round = round_open(
        user=officer, commune=live_world["commune"], year=today.year, kind=ReviewKind.ONGOING, starts_on=today
    )
    for n in range(2):
        MemberFactory(household=HouseholdFactory(village=village, code=f"NL-{n}"), national_id=f"01918000010{n}")

    log_in(page, "can.bo.xa")
    page.goto("/offline/")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== undefined")
    page.get_by_label(village.name).check()
    page.locator(f'form[data-round="{review_round.pk}"] button[type=submit]').click()
    saved = page.locator(f'#offline-downloads li[data-round="{review_round.pk}"]')
    saved.wait_for()
    assert "Xã Văn Lang" in saved.inner_text()
    assert " 2 " in saved.inner_text()  # households
    stored = page.evaluate(
        "(round) => PovertyplanStore.households(round).then((rows) => rows.map((h) => h.code).sort())",
        review_round.pk,
    )
    assert stored == ["NL-0", "NL-1"]
    # The worker has kept the shell once it is active.
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.scriptURL)").endswith("/offline/sw.js")
    cached = page.evaluate(
        "caches.keys().then((keys) => Promise.all(keys.map((k) => caches.open(k).then((c) => c.keys()))))"
        ".then((all) => all.flat().map((r) => new URL(r.url).pathname))"
    )
    assert "/offline/app/" in cached
    assert not [path for path in cached if path.startswith(("/offline/", "/api/")) and path != "/offline/app/"]

    # The network cut: the server answers nothing any more (Playwright's offline emulation fails what a service
    # worker answers too, which a phone without data does not).
    server = live_server.thread.httpd
    working = server.get_app()
    server.set_app(_unreachable)
    try:
        assert page.goto("/offline/").status == 503  # a page about the user: never kept
        shell = page.goto("/offline/app/")
        assert shell.status == 200
        assert shell.from_service_worker
        kept = page.locator(f'#offline-downloads li[data-round="{review_round.pk}"]')
        kept.wait_for()
        assert "Xã Văn Lang" in kept.inner_text()
        assert page.locator("#offline-empty").is_hidden()
    finally:
        server.set_app(working)
    # Only the 503 of the page that is not kept.
    assert [error for error in page.console_errors if "503" not in error] == []


def _unreachable(environ, start_response):
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"no network"]
