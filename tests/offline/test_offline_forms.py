"""The offline forms in a real Chromium on a phone's screen (390×844): with the network cut, the officer registers
a household of four and reviews it in the app shell; both are queued at once in IndexedDB in the sync API's
shape and survive a reload and a closed browser; a half-typed form comes back; the classification the phone shows
is the server's for the same facts."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from households.models import Household, ReviewKind
from households.review_facts import registry_review_outcome
from households.review_outcome import review_outcome
from households.services import round_open
from standards.indicators import HouseholdFacts
from standards.selectors import rules_year, standard_rules
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, log_in
from tests.factories import HouseholdFactory, MemberFactory

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
QUEUE = "PovertyplanStore.queue()"


@pytest.fixture
def offline_round(live_world):
    today = timezone.localdate()
    officer, village = live_world["officer"], live_world["village"]
    review_round = round_open(
        user=officer, commune=live_world["commune"], year=today.year, kind=ReviewKind.ONGOING, starts_on=today
    )
    household = HouseholdFactory(village=village, code="NL-0", head_name="Hoàng Văn Đức")
    MemberFactory(
        household=household,
        full_name="Hoàng Văn Đức",
        sex="male",
        relation="head",
        national_id="019080000100",
        in_school=False,
        education="upper_secondary",
        employment="self_employed",
        has_health_insurance=True,
    )
    return review_round, household


def _phone(browser, live_server, user_data_dir):
    """A phone's browser whose data (IndexedDB, the service worker's cache) is kept in ``user_data_dir``."""
    context = browser.browser_type.launch_persistent_context(
        str(user_data_dir),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        locale="vi-VN",
        viewport=PHONE,
        has_touch=True,
        is_mobile=True,
        base_url=live_server.url,
    )
    page = context.pages[0] if context.pages else context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return context, page


def _download(page, review_round, village):
    log_in(page, "can.bo.xa")
    page.goto("/offline/")
    page.get_by_label(village.name).check()
    page.locator(f'form[data-round="{review_round.pk}"] button[type=submit]').click()
    page.locator(f'#offline-downloads li[data-round="{review_round.pk}"]').wait_for(timeout=90_000)  # a busy machine
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # The shell in the cache before the network goes.
    page.wait_for_function(
        "caches.keys().then((keys) => Promise.all(keys.map((k) => caches.open(k).then((c) => c.keys()))))"
        ".then((all) => all.flat().some((r) => new URL(r.url).pathname === '/offline/app/'))"
    )


class _NoNetwork:
    """The server answers nothing (as test_offline_browser does: Playwright's offline mode fails the worker too)."""

    def __init__(self, live_server):
        self.server = live_server.thread.httpd

    def __enter__(self):
        self.working = self.server.get_app()
        self.server.set_app(_unreachable)

    def __exit__(self, *exc):
        self.server.set_app(self.working)


def _unreachable(environ, start_response):
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"no network"]


def _open_shell(page):
    response = page.goto("/offline/app/")
    assert response.status == 200
    assert response.from_service_worker
    page.locator("#offline-view").wait_for(state="attached")


def _fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    small = page.evaluate(
        """(targets) => [...document.querySelectorAll(targets)]
          .filter((node) => node.offsetParent !== null)
          .map((node) => [node.id || node.textContent.trim().slice(0, 30), node.getBoundingClientRect().height])
          .filter(([, height]) => height < 44)""",
        "#offline-view button, #offline-view a.button, #offline-view select, "
        "#offline-view input:not([type=checkbox]), #offline-view label.check, #offline-households a",
    )
    assert small == []


def _fill_member(page, index, name, sex, born, relation, **choices):
    page.locator(f"#m{index}-full_name").fill(name)
    page.locator(f"#m{index}-sex").select_option(sex)
    page.locator(f"#m{index}-date_of_birth").fill(born)
    page.locator(f"#m{index}-relation").select_option(relation)
    choices = {"has_health_insurance": "true", "in_school": "false", **choices}
    for field, value in choices.items():
        page.locator(f"#m{index}-{field}").select_option(value)


def _fill_review(page, income):
    page.locator("#r-income").fill(income)
    for select in page.locator("#offline-review-form select[data-fact]").all():
        # The first real choice of each fact (a decent house, piped water …): "true" for the yes/no facts.
        values = [o.get_attribute("value") for o in select.locator("option").all()]
        select.select_option("true" if "true" in values else values[1])
    area = page.locator("#f-living_area_m2")
    if area.count():
        area.fill("45,5")
    for fact in ("telecom", "devices"):
        box = page.locator(f"#f-{fact}-none")
        if box.count():
            box.check()


def test_a_household_registered_and_reviewed_offline_is_queued_and_kept(
    offline_round, live_world, live_server, browser, tmp_path
):
    review_round, _known = offline_round
    village = live_world["village"]
    context, page = _phone(browser, live_server, tmp_path / "phone")
    try:
        _download(page, review_round, village)
        with _NoNetwork(live_server):
            _open_shell(page)
            page.locator(f'a[href="#/round/{review_round.pk}"]').click()
            # The list searched without diacritics.
            page.locator("#offline-search").fill("hoang van duc")
            assert page.locator("#offline-households li").count() == 1
            page.locator("#offline-search").fill("khong co ai")
            assert page.locator("#offline-households li").count() == 0
            _fits_the_phone(page)

            page.locator(f'a[href="#/round/{review_round.pk}/new"]').click()
            page.locator("#h-code").fill("NL-MOI")
            page.locator("#h-address").fill("Thôn Nà Làng")
            for _ in range(4):
                page.locator("#offline-add-member").click()
            page.locator("fieldset.member").nth(4).locator(".remove-member").click()  # one too many: removed
            assert page.locator("fieldset.member").count() == 4
            _fill_member(
                page,
                0,
                "Hoàng Văn Dũng",
                "male",
                "02/04/1985",
                "head",
                employment="self_employed",
                education="upper_secondary",
            )
            _fill_member(
                page,
                1,
                "Lý Thị Hoa",
                "female",
                "12/09/1988",
                "spouse",
                employment="self_employed",
                education="lower_secondary",
            )
            _fill_member(
                page,
                2,
                "Hoàng Văn An",
                "male",
                "20/01/2012",
                "child",
                in_school="true",
                at_age_appropriate_level="true",
                education="primary",
            )
            _fill_member(
                page,
                3,
                "Hoàng Thị Bình",
                "female",
                "30/06/2015",
                "child",
                in_school="true",
                at_age_appropriate_level="true",
                education="primary",
            )
            _fits_the_phone(page)
            page.locator("#offline-household-form button[type=submit]").click()
            page.locator("#offline-saved").wait_for()

            page.locator(f'#offline-view a[href^="#/round/{review_round.pk}/review/"]').click()
            _fill_review(page, "1,5 triệu")
            page.locator("#offline-status").wait_for()
            shown_status = page.locator("#offline-status").get_attribute("data-status")
            shown = page.locator("#offline-explanation li").all_inner_texts()
            assert shown
            _fits_the_phone(page)
            page.locator("#offline-review-form button[type=submit]").click()
            page.locator("#offline-households").wait_for()
            new = page.locator("#offline-households li", has_text="NL-MOI")
            assert new.locator(".unsynced").count() == 2  # the household and its review

            queue = page.evaluate(QUEUE)
            _check_queue(queue, review_round, village, income=1_500_000)
            # The phone decided as the server does for the same facts.
            review = queue[1]["review"]
            members = [_member_facts(m) for m in queue[0]["household"]["members"]]
            server = _server_outcome(
                review_round, village, review, HouseholdFacts.from_json({**review["facts"], "members": members})
            )
            assert (shown_status, shown) == (server.status.value, list(server.explanation))

            # A reload with no network: everything is still there.
            _open_shell(page)
            assert len(page.evaluate(QUEUE)) == 2
            page.goto(f"/offline/app/#/round/{review_round.pk}")
            listed = page.locator("#offline-households li", has_text="NL-MOI")
            listed.locator(".unsynced").first.wait_for()
            assert listed.locator(".unsynced").count() == 2
            marked = listed.locator(".unsynced").first.inner_text()
        assert [e for e in page.console_errors if "503" not in e] == []
    finally:
        context.close()

    # The browser closed (a dead battery) and opened again, still with no network.
    context, page = _phone(browser, live_server, tmp_path / "phone")
    try:
        with _NoNetwork(live_server):
            _open_shell(page)
            queue = page.evaluate(QUEUE)
            _check_queue(queue, review_round, village, income=1_500_000)
            page.goto(f"/offline/app/#/round/{review_round.pk}")
            page.locator("#offline-households li", has_text="NL-MOI").wait_for()
            # The queued household opens again in its form, by its change's id (the sync links refusals there).
            page.goto(f"/offline/app/#/queue/{queue[0]['client_id']}")
            page.locator("#h-code").wait_for()
            assert page.locator("#h-code").input_value() == "NL-MOI"
            assert page.locator("fieldset.member").count() == 4
            page.locator("#h-address").fill("Thôn Nà Làng, số 5")
            page.locator("#offline-household-form button[type=submit]").click()
            page.locator("#offline-saved").wait_for()
            corrected = page.evaluate(QUEUE)
            assert [c["client_id"] for c in corrected] == [c["client_id"] for c in queue]  # corrected in place
            assert corrected[0]["household"]["address"] == "Thôn Nà Làng, số 5"
        assert [e for e in page.console_errors if "503" not in e] == []
    finally:
        context.close()
    assert not Household.objects.filter(code="NL-MOI").exists()  # nothing reached the server

    # The queue as it is, its bookkeeping left out, is what the sync applies: the household, then its review.
    client = Client()
    client.force_login(live_world["officer"])
    changes = [{k: v for k, v in c.items() if k not in ("state", "saved_at", "corrected_at")} for c in corrected]
    response = client.post("/api/v1/offline/sync/", {"changes": changes}, content_type="application/json")
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["applied", "applied"], results[-1].get("errors")
    saved = Household.objects.get(code="NL-MOI")
    assert saved.members.count() == 4
    assert saved.reviews.get().status == shown_status
    assert marked == "chưa đồng bộ"  # needs the compiled catalogue (the msgid is "not synced")


def test_a_half_typed_review_comes_back_and_is_classified_as_the_server_does(
    offline_round, live_world, live_server, browser, tmp_path
):
    review_round, known = offline_round
    village = live_world["village"]
    context, page = _phone(browser, live_server, tmp_path / "phone")
    try:
        _download(page, review_round, village)
        with _NoNetwork(live_server):
            _open_shell(page)
            page.goto(f"/offline/app/#/round/{review_round.pk}/review/{known.pk}")
            _fill_review(page, "1.500.000")
            page.locator("#offline-status").wait_for()
            shown_status = page.locator("#offline-status").get_attribute("data-status")
            shown = page.locator("#offline-explanation li").all_inner_texts()
            # Not saved: the draft alone keeps it.
            page.wait_for_function(
                "PovertyplanStore.drafts().then((d) => d.length === 1 && d[0].data.income === '1.500.000')"
            )
            assert page.evaluate(QUEUE) == []
            facts = page.evaluate("PovertyplanStore.drafts().then((d) => d[0].data.facts)")
        server = _server_outcome(review_round, village, {"income_per_capita": 1_500_000, "facts": facts}, None, known)
        assert (shown_status, shown) == (server.status.value, list(server.explanation))

        with _NoNetwork(live_server):
            _open_shell(page)  # a reload: the first page offers the unfinished form
            offer = page.locator("#offline-drafts a")
            assert offer.count() == 1
            offer.click()
            page.locator("#offline-restored").wait_for()
            assert page.locator("#r-income").input_value() == "1.500.000"
            assert page.locator("#offline-status").get_attribute("data-status") == shown_status
            page.locator("#offline-review-form button[type=submit]").click()
            page.locator("#offline-households").wait_for()
            [change] = page.evaluate(QUEUE)
            page.locator("#offline-households").wait_for()
            assert change["kind"] == "review_save"
            assert change["review"]["household"] == str(known.pk)
            assert change["review"]["income_per_capita"] == 1_500_000
            assert page.evaluate("PovertyplanStore.drafts()") == []
            # The device's reader of amounts, as common.amounts reads them.
            read = page.evaluate(
                "['1.500.000', '1,5 triệu', '1500k', '1tr5', '1 triệu 200 nghìn', '800 nghìn', 'abc', '1,5', '1.500k']"
                ".map(PovertyplanForms.parseAmount)"
            )
            assert read == [1_500_000, 1_500_000, 1_500_000, 1_500_000, 1_200_000, 800_000, None, None, None]

            # A downloaded household changed: a household_update on the version the phone saw, members by id.
            page.goto(f"/offline/app/#/round/{review_round.pk}/household/{known.pk}")
            page.locator("#h-address").fill("Thôn Nà Làng, số 7")
            page.locator("#offline-household-form button[type=submit]").click()
            page.locator("#offline-saved").wait_for()
            review, update = page.evaluate(QUEUE)
            assert update["kind"] == "household_update"
            assert update["base_version"] == known.version
            assert update["household"]["id"] == known.pk
            assert update["household"]["address"] == "Thôn Nà Làng, số 7"
            assert [m["id"] for m in update["household"]["members"]] == [m.pk for m in known.members.all()]
        assert [e for e in page.console_errors if "503" not in e] == []
    finally:
        context.close()

    client = Client()
    client.force_login(live_world["officer"])
    changes = [{k: v for k, v in c.items() if k not in ("state", "saved_at", "corrected_at")} for c in (review, update)]
    response = client.post("/api/v1/offline/sync/", {"changes": changes}, content_type="application/json")
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["applied", "applied"], results[-1].get("errors")
    known.refresh_from_db()
    assert known.address == "Thôn Nà Làng, số 7"
    assert known.reviews.get().status == shown_status


def _check_queue(queue, review_round, village, *, income):
    assert [c["kind"] for c in queue] == ["household_create", "review_save"]
    created, review = queue
    for change in queue:
        uuid.UUID(change["client_id"])
        assert change["state"] == "pending"
        datetime.datetime.fromisoformat(change["saved_at"].replace("Z", "+00:00"))
    assert created["base_version"] is None
    household = created["household"]
    assert household["village"] == village.pk
    assert household["code"] == "NL-MOI"
    assert household["status"] == "active"
    assert [(m["full_name"], m["relation"], m["date_of_birth"]) for m in household["members"]] == [
        ("Hoàng Văn Dũng", "head", "1985-04-02"),
        ("Lý Thị Hoa", "spouse", "1988-09-12"),
        ("Hoàng Văn An", "child", "2012-01-20"),
        ("Hoàng Thị Bình", "child", "2015-06-30"),
    ]
    assert review["review"]["round"] == review_round.pk
    assert review["review"]["household"] == created["client_id"]
    assert review["review"]["income_per_capita"] == income
    assert review["review"]["facts"].get("telecom") in (None, [])


def _member_facts(member):
    return {
        "birth_date": member["date_of_birth"],
        "name": member["full_name"],
        "in_school": member["in_school"],
        "at_age_appropriate_level": member["at_age_appropriate_level"],
        "education": member["education"] or None,
        "health_insurance": member["has_health_insurance"],
        "sick_untreated": member["sick_untreated"],
        "employment": member["employment"] or None,
        "disability": member["disability"],
        "social_allowance": member["receives_social_allowance"],
        "malnourished": member["malnourished"],
        "sex": member["sex"],
    }


def _server_outcome(review_round, village, review, facts, household=None):
    """What the server decides for the review: ``review_outcome`` itself (through the registry's facts for a
    household of the registry)."""
    income_year = rules_year(year=review_round.year, kind=review_round.kind, standard=review_round.standard)
    common = {
        "year": review_round.year,
        "income_year": income_year,
        "is_urban": village.is_urban,
        "income": review["income_per_capita"],
        "on": review_round.ages_on,
        "mountain_island": review_round.commune.is_mountain_island,
    }
    if household is not None:
        # As the review form reads them: a list fact is a set, [] the fact that none applies ("none" ticked).
        facts = {name: frozenset(v) if isinstance(v, list) else v for name, v in review["facts"].items()}
        return registry_review_outcome(
            standard=review_round.standard, facts=facts, members=household.members.all(), **common
        )
    return review_outcome(rules=standard_rules(review_round.standard), facts=facts, **common)
