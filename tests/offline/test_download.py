"""Taking villages offline: the officer's page, the scoped download, the app shell, manifest and service worker.

Who may (``offline.access``): a commune officer, for an open round of their commune, the villages of that
commune in force today; another commune's officer gets nothing of it (404 for the round, 400 for a village of
theirs); a province officer, a commune chair, a viewer are refused (403).
"""

import datetime
import json

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, Role
from households.models import ReviewKind, ReviewRound
from households.services import round_open
from offline.views import SHELL_FILES
from tests.conftest import AFTER_REFORM
from tests.factories import HouseholdFactory, MemberFactory, VillageFactory
from tests.plans import approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(unit, make_user):
    today = timezone.localdate()
    van_lang = unit("Xã Văn Lang", on=AFTER_REFORM)
    bang_thanh = unit("Xã Bằng Thành", on=AFTER_REFORM)
    officer = make_user(Role.COMMUNE_OFFICER, [van_lang])
    other = make_user(Role.COMMUNE_OFFICER, [bang_thanh])
    province = make_user(Role.PROVINCE_OFFICER, [van_lang.parent])
    chair = make_user(Role.COMMUNE_CHAIR, [van_lang])
    viewer = make_user(Role.VIEWER, [van_lang])
    na_lang = VillageFactory(parent=van_lang, name="Thôn Nà Làng")
    khuoi = VillageFactory(parent=van_lang, name="Bản Khuổi Luông")
    elsewhere = VillageFactory(parent=bang_thanh, name="Thôn Bằng Lãng")
    households = [HouseholdFactory(village=na_lang, code=f"VL-{n}") for n in range(3)]
    for n, household in enumerate(households):
        MemberFactory(household=household, full_name=f"Lục Thị Mai {household.code}", national_id=f"01918000000{n}")
    HouseholdFactory(village=khuoi, code="VL-KL")
    HouseholdFactory(village=elsewhere, code="BT-1")
    approved(van_lang, today.year - 1, ["poor"], signer=chair, households=[households[0]])
    open_round = round_open(user=officer, commune=van_lang, year=today.year, kind=ReviewKind.ONGOING, starts_on=today)
    other_round = round_open(user=other, commune=bang_thanh, year=today.year, kind=ReviewKind.ONGOING, starts_on=today)
    past = ReviewRound.objects.get(commune=van_lang, year=today.year - 1)  # ``approved``'s, over
    return {
        "officer": officer,
        "other": other,
        "province": province,
        "chair": chair,
        "viewer": viewer,
        "na_lang": na_lang,
        "khuoi": khuoi,
        "elsewhere": elsewhere,
        "round": open_round,
        "other_round": other_round,
        "past": past,
        "households": households,
    }


def download(client, review_round, *villages):
    query = "&".join(f"village={village.pk}" for village in villages)
    return client.get(f"/api/v1/offline/rounds/{review_round.pk}/?{query}")


def test_an_officer_downloads_the_chosen_villages_of_their_open_round(client, world):
    client.force_login(world["officer"])
    response = download(client, world["round"], world["na_lang"])
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["counts"] == {"villages": 1, "households": 3, "members": 3}
    assert [v["name"] for v in body["villages"]] == ["Thôn Nà Làng"]
    assert sorted(h["code"] for h in body["households"]) == ["VL-0", "VL-1", "VL-2"]
    assert body["user"] == {"id": world["officer"].pk, "username": world["officer"].username}
    assert body["round"]["commune"]["name"] == "Xã Văn Lang"
    assert body["round"]["income_year"] == timezone.localdate().year
    assert body["rules"]["standard"]["code"] == world["round"].standard.code
    first = next(h for h in body["households"] if h["code"] == "VL-0")
    assert first["approved"] == [{"year": timezone.localdate().year - 1, "standard": "2021-2025", "status": "poor"}]
    [member] = first["members"]
    assert member["facts"]["name"] == "Lục Thị Mai VL-0"
    assert member["facts"]["birth_date"] == "1980-05-17"
    # The phone holds what the review needs, not the citizen ID.
    assert "019180000000" not in response.content.decode()
    event = AuditEvent.objects.get(action="export", user=world["officer"])
    assert event.detail["what"] == "offline"
    assert event.detail["households"] == 3


def test_two_villages_and_the_page_lists_the_open_round(client, world):
    client.force_login(world["officer"])
    body = download(client, world["round"], world["na_lang"], world["khuoi"]).json()
    assert body["counts"]["households"] == 4
    page = client.get("/offline/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="/api/v1/offline/rounds/{world["round"].pk}/"' in html
    assert "Thôn Nà Làng" in html
    assert "Bản Khuổi Luông" in html
    assert "Thôn Bằng Lãng" not in html
    assert f"/api/v1/offline/rounds/{world['past'].pk}/" not in html  # over
    assert f"/api/v1/offline/rounds/{world['other_round'].pk}/" not in html


def test_another_communes_officer_gets_nothing_of_it(client, world):
    client.force_login(world["other"])
    assert download(client, world["round"], world["na_lang"]).status_code == 404
    # Their own round with a village of Văn Lang: refused by name, nothing of it sent.
    response = download(client, world["other_round"], world["na_lang"])
    assert response.status_code == 400
    assert "village" in response.json()
    assert "VL-0" not in response.content.decode()
    own = download(client, world["other_round"], world["elsewhere"]).json()
    assert [h["code"] for h in own["households"]] == ["BT-1"]
    assert "Thôn Nà Làng" not in client.get("/offline/").content.decode()


@pytest.mark.parametrize("role", ["province", "chair", "viewer"])
def test_other_roles_do_not_work_offline(client, world, role):
    client.force_login(world[role])
    assert client.get("/offline/").status_code == 403
    assert download(client, world["round"], world["na_lang"]).status_code == 403


def test_bad_choices_are_field_errors(client, world):
    client.force_login(world["officer"])
    missing = client.get(f"/api/v1/offline/rounds/{world['round'].pk}/")
    assert missing.status_code == 400
    assert "village" in missing.json()
    assert client.get(f"/api/v1/offline/rounds/{world['round'].pk}/?village=abc").status_code == 400
    ended = VillageFactory(parent=world["na_lang"].parent, valid_to=datetime.date(2025, 12, 31), name="Thôn Cũ")
    assert download(client, world["round"], ended).status_code == 400


def test_a_round_that_is_over_is_not_taken_offline(client, world):
    client.force_login(world["officer"])
    response = download(client, world["past"], world["na_lang"])
    assert response.status_code == 409
    assert response.json()["detail"]


def test_anonymous_gets_nothing(client, world):
    assert download(client, world["round"], world["na_lang"]).status_code == 401
    assert client.get("/offline/").status_code == 302


def test_the_manifest_names_the_app_in_vietnamese(client):
    response = client.get("/offline/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Povertyplan ngoại tuyến"
    assert manifest["start_url"] == "/offline/app/"
    assert manifest["scope"] == "/offline/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_the_service_worker_keeps_only_the_static_shell(client, world):
    client.force_login(world["officer"])
    response = client.get("/offline/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    start = body.index("precacheAndRoute(") + len("precacheAndRoute(")
    entries = json.JSONDecoder().raw_decode(body[start:])[0]
    urls = [entry["url"] for entry in entries]
    assert urls == [f"/static/{path}" for path in SHELL_FILES] + ["/offline/app/"]
    assert all(len(entry["revision"]) == 16 for entry in entries)
    # Local Workbox files only, never a CDN; the same worker for everyone.
    assert "googleapis" not in body
    assert "/static/vendor/workbox/workbox-precaching.prod.js" in body
    client.logout()
    assert client.get("/offline/sw.js").content.decode() == body


def test_the_shell_is_the_same_for_everyone_and_names_no_one(client, world):
    anonymous = client.get("/offline/app/").content
    client.force_login(world["officer"])
    signed_in = client.get("/offline/app/")
    assert signed_in.status_code == 200
    assert signed_in.content == anonymous
    html = signed_in.content.decode()
    assert world["officer"].username not in html
    assert "csrfmiddlewaretoken" not in html
    assert 'rel="manifest" href="/offline/manifest.webmanifest"' in html
