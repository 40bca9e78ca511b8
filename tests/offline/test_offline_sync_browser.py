"""The sync on the phone, in a real Chromium (390×844): "Đồng bộ" sends what the phone queued offline (the sync
API's changes, kept in IndexedDB), keeps each answer, survives a cut in the middle without writing anything twice,
shows a colleague's conflicting change field by field for the officer to choose, and what the phone kept goes on
sign-out and after OFFLINE_KEEP_DAYS without a sync."""

import datetime
import time
import uuid

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_create
from households.models import Household, HouseholdReview, Member, ReviewKind
from households.services import household_update, review_create, round_open
from offline.models import SyncedChange
from offline.sync import FROM_SYNC, FROM_SYNC_RESOLVED
from tests.browser.conftest import log_in
from tests.factories import HouseholdFactory, MemberFactory
from tests.live_world import PASSWORD
from tests.offline.test_sync import FACTS, new_household, review_of

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

SYNC = "**/api/v1/offline/sync/"


def take_offline(page, world):
    """The officer signs in on a phone and downloads the village of an open round; returns the round."""
    today = timezone.localdate()
    review_round = round_open(
        user=world["officer"], commune=world["commune"], year=today.year, kind=ReviewKind.ONGOING, starts_on=today
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "can.bo.xa")
    page.goto("/offline/")
    page.get_by_label(world["village"].name).check()
    page.locator(f'form[data-round="{review_round.pk}"] button[type=submit]').click()
    page.locator(f'#offline-downloads li[data-round="{review_round.pk}"]').wait_for()
    return review_round


def queue(page, *changes, saved_at=None):
    """Changes saved offline, as the forms queue them: pending, oldest first."""
    start = saved_at or datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    records = [
        {**change, "state": "pending", "saved_at": (start + datetime.timedelta(seconds=n)).isoformat()}
        for n, change in enumerate(changes)
    ]
    page.evaluate("async (records) => { for (const r of records) await PovertyplanStore.putQueued(r); }", records)
    page.reload()
    until(page, "window.PovertyplanSync && PovertyplanSync.ready.then(() => true)")
    page.evaluate("PovertyplanSync.ready")


def until(page, expression, timeout=20):
    """Wait until ``expression`` (evaluated in the page, promises awaited) is true: the page's CSP refuses the
    string predicates of wait_for_function."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false: {expression}"
        time.sleep(0.1)


def press_sync(page):
    """Press "Đồng bộ" and wait until the sync is over (the button is enabled again once every answer is kept)."""
    page.locator("#offline-sync-button").click()
    until(page, "!document.getElementById('offline-sync-button').disabled")


def states(page):
    return page.evaluate(
        "PovertyplanStore.queue().then((records) => Object.fromEntries(records.map((r) => [r.client_id, r.state])))"
    )


def test_a_household_of_four_and_its_review_reach_the_server(live_world, page):
    review_round = take_offline(page, live_world)
    household = new_household(live_world["village"], "VL-OFF-1")
    review = review_of(review_round, household["client_id"])
    queue(page, household, review)
    assert page.locator("#offline-sync-items").get_attribute("data-waiting") == "2"
    # No CSRF cookie yet (the shell has no token): the script gets one from the "Offline work" page first.
    page.context.clear_cookies(name="csrftoken")

    press_sync(page)
    assert set(states(page).values()) == {"applied"}
    assert page.locator("#offline-sync-status").inner_text().startswith(("Đã đồng bộ", "Synced"))

    # As a colleague sees them: the household of four and its review, written as the officer.
    saved = Household.objects.get(code="VL-OFF-1")
    assert sorted(saved.members.values_list("full_name", flat=True)) == sorted(
        m["full_name"] for m in household["household"]["members"]
    )
    assert saved.created_by == live_world["officer"]
    stored = HouseholdReview.objects.get(household=saved, round=review_round)
    assert stored.income_per_capita == 1_000_000
    assert saved.history.order_by("-history_id").first().history_change_reason == str(FROM_SYNC)
    # The phone kept the server's answers: ids to name the household by afterwards.
    answers = page.evaluate("PovertyplanStore.queue().then((rs) => rs.map((r) => r.answer))")
    assert answers[0]["household"]["id"] == saved.pk
    assert answers[1]["review"]["id"] == stored.pk
    # A second press has nothing to send and writes nothing.
    press_sync(page)
    assert SyncedChange.objects.count() == 2
    # Neither the sync's answer nor any page about the user is kept by the service worker.
    cached = page.evaluate(
        "caches.keys().then((keys) => Promise.all(keys.map((k) => caches.open(k).then((c) => c.keys()))))"
        ".then((all) => all.flat().map((r) => new URL(r.url).pathname))"
    )
    assert not [path for path in cached if path.startswith(("/api/", "/offline/")) and path != "/offline/app/"]
    assert page.console_errors == []


def test_a_cut_in_the_middle_of_a_sync_then_a_retry_creates_nothing_twice(live_world, page):
    review_round = take_offline(page, live_world)
    changes = []
    for n in range(2):
        household = new_household(live_world["village"], f"VL-CUT-{n}")
        household["household"]["members"][0]["national_id"] = f"01908500{n}999"
        changes += [household, review_of(review_round, household["client_id"])]
    queue(page, *changes)

    cut = []

    def applied_then_cut(route):
        # The server gets the batch and applies it; the phone loses the signal before the answer arrives.
        response = route.fetch()
        cut.append(response.status)
        route.abort("internetdisconnected")

    page.context.route(SYNC, applied_then_cut)
    press_sync(page)
    until(page, "document.getElementById('offline-sync-status').textContent.length > 0")
    assert cut == [200]
    assert Household.objects.filter(code__startswith="VL-CUT-").count() == 2  # applied on the server
    assert set(states(page).values()) == {"pending"}  # but no answer: still to send
    page.context.unroute(SYNC)

    page.locator("#offline-sync-button").click()
    until(page, "PovertyplanStore.queue().then((rs) => rs.every((r) => r.state === 'applied'))")
    assert Household.objects.filter(code__startswith="VL-CUT-").count() == 2
    assert Member.objects.filter(household__code__startswith="VL-CUT-").count() == 8
    assert HouseholdReview.objects.filter(household__code__startswith="VL-CUT-").count() == 2
    assert SyncedChange.objects.count() == 4
    assert [e for e in page.console_errors if "INTERNET_DISCONNECTED" not in e and "Failed to fetch" not in e] == []


def test_a_colleagues_change_is_a_conflict_resolved_field_by_field(live_world, page):
    village = live_world["village"]
    known = HouseholdFactory(village=village, code="VL-K", address="Thôn Nà Làng")
    head = MemberFactory(
        household=known,
        full_name="Lục Thị Mai",
        relation="head",
        sex="female",
        national_id="019180000001",
        employment="self_employed",
        education="lower_secondary",
    )
    take_offline(page, live_world)
    downloaded = page.evaluate(
        "(id) => PovertyplanStore.downloads().then((ds) => PovertyplanStore.households(ds[0].round.id))"
        ".then((hs) => hs.find((h) => h.id === id).version)",
        known.pk,
    )
    # A colleague changes the address and the head's name online after the download.
    colleague = user_create(
        username="can.bo.xa.2", password=PASSWORD, role=Role.COMMUNE_OFFICER, units=[live_world["commune"]]
    )
    known.refresh_from_db()
    household_update(
        user=colleague,
        household=known,
        expected_version=downloaded,
        village=village,
        data={"code": "VL-K", "address": "Thôn Nà Làng, xóm Dưới", "status": "active"},
        members=[
            {
                "id": head.pk,
                "full_name": "Lục Thị Mai Anh",
                "relation": "head",
                "sex": "female",
                "date_of_birth": head.date_of_birth,
                "national_id": head.national_id,
                "employment": head.employment,
                "education": head.education,
            }
        ],
    )
    offline = {
        "client_id": str(uuid.uuid4()),
        "kind": "household_update",
        "base_version": downloaded,
        "household": {
            "id": known.pk,
            "address": "Thôn Nà Làng, số 12",
            "members": [{"id": head.pk, "full_name": "Lục Thị Mai", "relation": "head", "sex": "female"}],
        },
    }
    queue(page, offline)
    page.locator("#offline-sync-button").click()
    conflict = page.locator(f'li[data-state="conflict"][data-client-id="{offline["client_id"]}"]')
    conflict.wait_for()
    # Field by field: the officer's value beside the server's.
    address = conflict.locator('fieldset[data-field="address"]')
    assert "Thôn Nà Làng, số 12" in address.inner_text()
    assert "Thôn Nà Làng, xóm Dưới" in address.inner_text()
    name = conflict.locator(f'fieldset[data-field="members.{head.pk}.full_name"]')
    assert "Lục Thị Mai Anh" in name.inner_text()
    assert conflict.locator("fieldset[data-field]").count() == 2
    known.refresh_from_db()
    assert known.address == "Thôn Nà Làng, xóm Dưới"  # nothing written yet

    # On the phone's screen: nothing wider than it.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The choice: the officer's address, the colleague's name.
    address.locator('input[value="yours"]').check()
    name.locator('input[value="server"]').check()
    conflict.locator("button[type=submit]").click()
    until(page, "PovertyplanStore.queue().then((rs) => rs.some((r) => r.resolves_conflict && r.state === 'applied'))")
    assert states(page)[offline["client_id"]] == "resolved"
    page.locator('li[data-state="conflict"]').wait_for(state="detached")
    known.refresh_from_db()
    assert (known.address, known.head_name) == ("Thôn Nà Làng, số 12", "Lục Thị Mai Anh")
    head.refresh_from_db()
    assert head.national_id == "019180000001"  # not on the phone, kept
    # The phone's copy takes the server's new version: the officer's next change is made on it.
    assert (
        page.evaluate(
            "(id) => PovertyplanStore.downloads().then((ds) => PovertyplanStore.households(ds[0].round.id))"
            ".then((hs) => hs.find((h) => h.id === id).version)",
            known.pk,
        )
        == known.version
    )
    last = known.history.order_by("-history_id").first()
    assert last.history_user == live_world["officer"]
    assert last.history_change_reason == str(FROM_SYNC_RESOLVED)
    assert SyncedChange.objects.get().resolves_conflict
    assert page.console_errors == []


def test_a_review_entered_meanwhile_on_the_server_is_a_conflict_resolved_by_choosing(live_world, page):
    village = live_world["village"]
    known = HouseholdFactory(village=village, code="VL-R")
    MemberFactory(
        household=known,
        relation="head",
        employment="self_employed",
        education="lower_secondary",
        has_health_insurance=True,
    )
    review_round = take_offline(page, live_world)
    # A colleague enters the household's review online while the officer enters it offline.
    colleague = user_create(
        username="can.bo.xa.2", password=PASSWORD, role=Role.COMMUNE_OFFICER, units=[live_world["commune"]]
    )
    theirs = review_create(
        user=colleague,
        review_round=review_round,
        household=known,
        income_per_capita=1_000_000,
        facts=FACTS,
        causes=["no_land"],
        requested_on=timezone.localdate(),
    )
    mine = review_of(review_round, known.pk, income=1_100_000)
    mine["review"]["causes"] = ["no_land", "illness"]
    queue(page, mine)
    press_sync(page)
    conflict = page.locator(f'li[data-state="conflict"][data-client-id="{mine["client_id"]}"]')
    assert conflict.locator("fieldset[data-field]").count() == 2
    income = conflict.locator('fieldset[data-field="income_per_capita"]')
    assert "1100000" in income.inner_text()
    assert "1000000" in income.inner_text()
    causes = conflict.locator('fieldset[data-field="causes"]').inner_text()
    assert "Ốm đau" in causes or "Illness or accident" in causes  # the causes' names, not their codes
    # The colleague's income, the officer's causes.
    income.locator('input[value="server"]').check()
    conflict.locator('fieldset[data-field="causes"] input[value="yours"]').check()
    conflict.locator("button[type=submit]").click()
    until(page, "PovertyplanStore.queue().then((rs) => rs.some((r) => r.resolves_conflict && r.state === 'applied'))")
    theirs.refresh_from_db()
    assert theirs.income_per_capita == 1_000_000
    assert sorted(theirs.causes) == ["illness", "no_land"]
    assert HouseholdReview.objects.filter(household=known).count() == 1
    assert theirs.history.order_by("-history_id").first().history_change_reason == str(FROM_SYNC_RESOLVED)


def test_a_refused_change_shows_the_reason_and_a_link_to_correct_it(live_world, page):
    take_offline(page, live_world)
    household = new_household(live_world["village"], "VL-BAD")
    household["household"]["members"][1]["relation"] = "head"  # two heads
    queue(page, household)
    page.locator("#offline-sync-button").click()
    refused = page.locator(f'li[data-state="refused"][data-client-id="{household["client_id"]}"]')
    refused.wait_for()
    assert refused.locator(".errorlist li").count() >= 1
    assert refused.locator("a").get_attribute("href") == f"/offline/app/#/queue/{household['client_id']}"
    assert states(page) == {household["client_id"]: "refused"}
    assert not Household.objects.filter(code="VL-BAD").exists()


def test_sign_out_clears_the_phone(live_world, page):
    review_round = take_offline(page, live_world)
    queue(page, new_household(live_world["village"], "VL-OUT"))
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.locator("[data-menu-toggle]").click()  # the menu is folded on a phone
    page.locator("form[data-sign-out] button").click()
    page.wait_for_url(lambda url: "/offline/" not in url)
    assert page.locator("form[data-sign-out]").count() == 0  # signed out
    assert asked
    assert "1" in asked[0]  # the change not synced was named before it went
    names = page.evaluate("indexedDB.databases().then((dbs) => dbs.map((db) => db.name))")
    assert "povertyplan-offline" not in names
    assert review_round.pk  # the round stays on the server
    assert not Household.objects.filter(code="VL-OUT").exists()


def test_what_the_phone_kept_goes_after_keep_days_without_a_sync(live_world, page, settings):
    take_offline(page, live_world)
    queue(page, new_household(live_world["village"], "VL-OLD"))
    days = settings.OFFLINE_KEEP_DAYS
    page.evaluate(
        """async (days) => {
          const old = new Date(Date.now() - (days + 1) * 86400000).toISOString();
          const db = await PovertyplanStore.open();
          for (const d of await db.getAll("downloads")) await db.put("downloads", {...d, downloaded_at: old});
          db.close();
        }""",
        days,
    )
    page.reload()
    page.evaluate("PovertyplanSync.ready")
    assert page.evaluate("PovertyplanStore.downloads()") == []
    assert page.evaluate("PovertyplanStore.queue()") == []
    assert str(days) in page.locator("#offline-sync-status").inner_text()


def test_a_sync_restarts_the_keep_days(live_world, page, settings):
    take_offline(page, live_world)
    days = settings.OFFLINE_KEEP_DAYS
    page.evaluate(
        """async (days) => {
          const old = new Date(Date.now() - (days - 1) * 86400000).toISOString();
          const db = await PovertyplanStore.open();
          for (const d of await db.getAll("downloads")) await db.put("downloads", {...d, downloaded_at: old});
          db.close();
        }""",
        days,
    )
    page.locator("#offline-sync-button").click()
    until(page, "PovertyplanStore.downloads().then((ds) => ds.every((d) => d.synced_at))")
    # Two days later than the download's keep_days, but one after the sync: kept.
    assert page.evaluate("PovertyplanSync.expireOld(Date.now() + 2 * 86400000)") is False
    assert len(page.evaluate("PovertyplanStore.downloads()")) == 1


def test_the_app_shell_syncs_once_the_network_is_back(live_world, live_server, page):
    """The shell (the same page for everyone, kept by the service worker) holds the sync too: with no network the
    changes stay; with the network back they go, the token read from the session's cookie."""
    take_offline(page, live_world)
    until(page, "navigator.serviceWorker.ready.then((r) => !!r.active)")
    household = new_household(live_world["village"], "VL-SHELL")
    server = live_server.thread.httpd
    working = server.get_app()
    server.set_app(_unreachable)
    try:
        assert page.goto("/offline/app/").from_service_worker
        assert page.locator("#offline-sync").count() == 1, "offline/_sync.html is included in offline/app.html"
        queue(page, household)
        press_sync(page)
        assert states(page) == {household["client_id"]: "pending"}
        assert (
            "Đồng bộ" in page.locator("#offline-sync-status").inner_text()
            or "Sync" in page.locator("#offline-sync-status").inner_text()
        )
    finally:
        server.set_app(working)
    press_sync(page)
    assert states(page) == {household["client_id"]: "applied"}
    assert Household.objects.filter(code="VL-SHELL").count() == 1


def _unreachable(environ, start_response):
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"no network"]


def test_the_shell_does_not_send_one_officers_changes_under_anothers_session(live_world, page):
    """The shell names no one: when another officer has signed in on the phone since (no sign-out: the session
    ran out), the first one's changes are not sent as theirs."""
    take_offline(page, live_world)
    household = new_household(live_world["village"], "VL-WHO")
    queue(page, household)
    user_create(username="can.bo.xa.2", password=PASSWORD, role=Role.COMMUNE_OFFICER, units=[live_world["commune"]])
    log_in(page, "can.bo.xa.2")
    page.goto("/offline/app/")
    assert page.locator("#offline-sync").count() == 1, "offline/_sync.html is included in offline/app.html"
    until(page, "window.PovertyplanSync && PovertyplanSync.ready.then(() => true)")
    press_sync(page)
    assert "can.bo.xa" in page.locator("#offline-sync-status").inner_text()
    assert states(page) == {household["client_id"]: "pending"}
    assert not Household.objects.filter(code="VL-WHO").exists()
