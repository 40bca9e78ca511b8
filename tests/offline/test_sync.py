"""The sync: the changes a commune officer made offline, sent back (``POST /api/v1/offline/sync/``).

Each change is applied once (a batch sent again after a cut writes nothing twice and gets the same answers), in a
transaction of its own (a refused change leaves the others applied), through the forms' checks and the services;
a household changed on the server since the phone's copy answers ``conflict`` with both values field by field,
and the officer's choice, sent on the server's version, is applied and recorded in the history.
"""

import datetime
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Role
from households.models import Household, HouseholdReview, Member, ReviewKind
from households.services import household_update, review_meeting_confirm, round_open
from offline.models import SyncedChange
from offline.sync import FROM_SYNC, FROM_SYNC_RESOLVED, _answer
from tests.conftest import AFTER_REFORM
from tests.factories import HouseholdFactory, MemberFactory, VillageFactory
from tests.reviews import DEPRIVED

pytestmark = pytest.mark.django_db

FACTS = {**DEPRIVED, "waste": "collected"}
SYNC = "/api/v1/offline/sync/"


@pytest.fixture
def world(unit, make_user):
    today = timezone.localdate()
    van_lang = unit("Xã Văn Lang", on=AFTER_REFORM)
    bang_thanh = unit("Xã Bằng Thành", on=AFTER_REFORM)
    officer = make_user(Role.COMMUNE_OFFICER, [van_lang])
    colleague = make_user(Role.COMMUNE_OFFICER, [van_lang])
    other = make_user(Role.COMMUNE_OFFICER, [bang_thanh])
    province = make_user(Role.PROVINCE_OFFICER, [van_lang.parent])
    na_lang = VillageFactory(parent=van_lang, name="Thôn Nà Làng")
    elsewhere = VillageFactory(parent=bang_thanh, name="Thôn Bằng Lãng")
    known = HouseholdFactory(village=na_lang, code="VL-1", address="Thôn Nà Làng")
    head = MemberFactory(
        household=known,
        full_name="Lục Thị Mai",
        national_id="019180000001",
        employment="self_employed",
        education="lower_secondary",
        has_health_insurance=True,
    )
    outside = HouseholdFactory(village=elsewhere, code="BT-1")
    MemberFactory(household=outside, full_name="Hà Văn Sơn", sex="male")
    open_round = round_open(user=officer, commune=van_lang, year=today.year, kind=ReviewKind.ONGOING, starts_on=today)
    other_round = round_open(user=other, commune=bang_thanh, year=today.year, kind=ReviewKind.ONGOING, starts_on=today)
    return {
        "officer": officer,
        "colleague": colleague,
        "other": other,
        "province": province,
        "na_lang": na_lang,
        "elsewhere": elsewhere,
        "known": known,
        "head": head,
        "outside": outside,
        "round": open_round,
        "other_round": other_round,
    }


def person(name, relation, sex, born, national_id=""):
    """A member with the facts the review reads of them (work for an adult, school for a child)."""
    if relation == "child":
        facts = {"in_school": True, "at_age_appropriate_level": True, "education": "primary"}
    else:
        facts = {"employment": "self_employed", "education": "lower_secondary"}
    return {
        "full_name": name,
        "relation": relation,
        "sex": sex,
        "date_of_birth": born,
        "national_id": national_id,
        "has_health_insurance": True,
        **facts,
    }


def new_household(village, code, *, client_id=None):
    """A household of four made offline: the head, his wife and two children."""
    return {
        "client_id": str(client_id or uuid.uuid4()),
        "kind": "household_create",
        "household": {
            "village": village.pk,
            "code": code,
            "address": "Thôn Nà Làng",
            "status": "active",
            "members": [
                person("Hoàng Văn Dũng", "head", "male", "1985-04-02", "019085000123"),
                person("Lý Thị Hoa", "spouse", "female", "1988-09-12"),
                person("Hoàng Văn An", "child", "male", "2012-01-20"),
                person("Hoàng Thị Bình", "child", "female", "2015-06-30"),
            ],
        },
    }


def review_of(review_round, household, *, income=1_000_000, client_id=None, base_version=None):
    return {
        "client_id": str(client_id or uuid.uuid4()),
        "kind": "review_save",
        "base_version": base_version,
        "review": {
            "round": review_round.pk,
            "household": str(household),
            "income_per_capita": income,
            "facts": FACTS,
            "causes": ["no_land"],
        },
    }


def send(client, *changes):
    return client.post(SYNC, {"changes": list(changes)}, content_type="application/json")


def outcomes(response):
    assert response.status_code == 200, response.content
    return [result["outcome"] for result in response.json()["results"]]


def test_a_new_household_of_four_and_its_review_are_applied_once(client, world):
    client.force_login(world["officer"])
    household = new_household(world["na_lang"], "VL-NEW")
    # The review names the household by the client_id of the change that makes it.
    review = review_of(world["round"], household["client_id"])
    first = send(client, household, review)
    assert outcomes(first) == ["applied", "applied"]
    made, reviewed = first.json()["results"]
    saved = Household.objects.get(code="VL-NEW")
    assert made["household"]["id"] == saved.pk
    assert made["household"]["version"] == saved.version
    assert [m["index"] for m in made["household"]["members"]] == [0, 1, 2, 3]
    assert [m["full_name"] for m in made["household"]["members"]] == [
        "Hoàng Văn Dũng",
        "Lý Thị Hoa",
        "Hoàng Văn An",
        "Hoàng Thị Bình",
    ]
    assert saved.head_name == "Hoàng Văn Dũng"
    assert saved.members.count() == 4
    stored = HouseholdReview.objects.get(household=saved, round=world["round"])
    assert reviewed["review"]["id"] == stored.pk
    assert reviewed["review"]["household"] == saved.pk
    assert stored.created_by == world["officer"]
    # Sent again (the phone never read the answer): the same answers, nothing written twice.
    again = send(client, household, review)
    assert again.json() == first.json()
    assert Household.objects.filter(code="VL-NEW").count() == 1
    assert Member.objects.filter(household=saved).count() == 4
    assert HouseholdReview.objects.filter(household=saved).count() == 1
    assert SyncedChange.objects.count() == 2
    # The history says where the change came from.
    assert saved.history.order_by("-history_id").first().history_change_reason == str(FROM_SYNC)
    assert stored.history.order_by("-history_id").first().history_change_reason == str(FROM_SYNC)


def test_a_batch_cut_in_the_middle_and_sent_again_creates_each_once(client, world):
    client.force_login(world["officer"])
    changes = []
    for n in range(3):
        household = new_household(world["na_lang"], f"VL-C{n}")
        for place, member in enumerate(household["household"]["members"]):
            member["national_id"] = f"01908500{n}{place:03d}" if member["relation"] == "head" else ""
        changes += [household, review_of(world["round"], household["client_id"])]
    # The signal was lost after the server applied the first half: the phone had no answer and sends it all.
    assert outcomes(send(client, *changes[:3])) == ["applied"] * 3
    whole = send(client, *changes)
    assert outcomes(whole) == ["applied"] * 6
    assert Household.objects.filter(code__startswith="VL-C").count() == 3
    assert HouseholdReview.objects.filter(household__code__startswith="VL-C").count() == 3
    assert Member.objects.filter(household__code__startswith="VL-C").count() == 12
    assert SyncedChange.objects.count() == 6
    assert send(client, *changes).json() == whole.json()


def update_of(household, base_version, **fields):
    return {
        "client_id": str(uuid.uuid4()),
        "kind": "household_update",
        "base_version": base_version,
        "household": {"id": household.pk, **fields},
    }


def test_a_conflict_made_by_a_colleague_is_shown_field_by_field_and_resolved(client, world):
    known, head = world["known"], world["head"]
    downloaded = known.version
    # After the download, a colleague changes the address and the head's name online.
    household_update(
        user=world["colleague"],
        household=known,
        expected_version=downloaded,
        village=world["na_lang"],
        data={"code": "VL-1", "address": "Thôn Nà Làng, xóm Dưới", "status": "active"},
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
    known.refresh_from_db()
    assert known.version == downloaded + 1
    client.force_login(world["officer"])
    mine = {"id": head.pk, "full_name": "Lục Thị Mai", "has_health_insurance": True}
    offline = update_of(known, downloaded, address="Thôn Nà Làng, số 12", phone="0912345678", members=[mine])
    response = send(client, offline)
    assert outcomes(response) == ["conflict"]
    [answer] = response.json()["results"]
    assert answer["household"]["version"] == known.version
    assert answer["household"]["address"] == "Thôn Nà Làng, xóm Dưới"
    assert "national_id" not in answer["household"]["members"][0]
    differences = {d["field"]: (d["yours"], d["server"]) for d in answer["differences"]}
    assert differences["address"] == ("Thôn Nà Làng, số 12", "Thôn Nà Làng, xóm Dưới")
    assert differences["phone"] == ("0912345678", None)
    assert differences[f"members.{head.pk}.full_name"] == ("Lục Thị Mai", "Lục Thị Mai Anh")
    assert f"members.{head.pk}.has_health_insurance" not in differences  # the same on both sides
    # Nothing written, nothing kept: the officer chooses.
    known.refresh_from_db()
    assert known.address == "Thôn Nà Làng, xóm Dưới"
    assert known.phone == ""
    assert not SyncedChange.objects.exists()
    # The choice: their address and phone, the colleague's name, on the server's version.
    choice = update_of(
        known,
        answer["household"]["version"],
        address="Thôn Nà Làng, số 12",
        phone="0912345678",
        members=[{**mine, "full_name": "Lục Thị Mai Anh"}],
    )
    choice["resolves_conflict"] = True
    resolved = send(client, choice)
    assert outcomes(resolved) == ["applied"]
    known.refresh_from_db()
    assert (known.address, known.phone, known.head_name) == ("Thôn Nà Làng, số 12", "0912345678", "Lục Thị Mai Anh")
    assert resolved.json()["results"][0]["household"]["version"] == known.version == downloaded + 2
    head.refresh_from_db()
    assert head.national_id == "019180000001"  # not sent: kept
    last = known.history.order_by("-history_id").first()
    assert last.history_user == world["officer"]
    assert last.history_change_reason == str(FROM_SYNC_RESOLVED)
    assert SyncedChange.objects.get().resolves_conflict
    # The household's page says it, beside who resolved it.
    client.force_login(world["officer"])
    page = client.get(reverse("households:household-detail", args=[known.pk])).text
    assert f"({FROM_SYNC_RESOLVED})" in page.replace("&#x27;", "'")
    # The first change, sent again as it was, is still a conflict (it was never applied).
    assert outcomes(send(client, offline)) == ["conflict"]


def test_a_refused_change_answers_field_errors_and_the_others_apply(client, world):
    client.force_login(world["officer"])
    bad_id = new_household(world["na_lang"], "VL-BAD")
    bad_id["household"]["members"][0]["national_id"] = "999085000123"  # no province 999
    good = new_household(world["na_lang"], "VL-GOOD")
    good["household"]["members"][0]["national_id"] = ""
    too_rich = review_of(world["round"], world["known"].pk, income=5_000_000_000)
    response = send(client, bad_id, good, too_rich)
    assert outcomes(response) == ["refused", "applied", "refused"]
    refused_id, _applied, refused_income = response.json()["results"]
    assert refused_id["code"] == "invalid"
    [message] = refused_id["errors"]["members"]
    assert message.startswith("0.national_id: ")
    assert "999" in message
    assert list(refused_income["errors"]) == ["income_per_capita"]
    assert not Household.objects.filter(code="VL-BAD").exists()
    assert Household.objects.filter(code="VL-GOOD").exists()
    assert not HouseholdReview.objects.filter(household=world["known"]).exists()
    # Corrected and sent again under the same ids: applied.
    bad_id["household"]["members"][0]["national_id"] = "019085000777"
    too_rich["review"]["income_per_capita"] = 1_200_000
    assert outcomes(send(client, bad_id, good, too_rich)) == ["applied"] * 3
    assert Household.objects.get(code="VL-BAD").members.get(relation="head").national_id == "019085000777"


def test_a_review_of_a_household_whose_creation_was_refused_is_refused_too(client, world):
    client.force_login(world["officer"])
    household = new_household(world["na_lang"], "")  # no code
    review = review_of(world["round"], household["client_id"])
    assert outcomes(send(client, household, review)) == ["refused", "refused"]
    assert send(client, household, review).json()["results"][1]["code"] == "household_not_saved"


def test_another_communes_officer_gets_nothing_applied(client, world):
    client.force_login(world["other"])
    known = world["known"]
    changes = [
        update_of(known, known.version, address="Đổi"),
        review_of(world["round"], known.pk),
        review_of(world["other_round"], known.pk),  # their round, a household of Văn Lang
        new_household(world["na_lang"], "VL-X"),
    ]
    response = send(client, *changes)
    assert outcomes(response) == ["refused"] * 4
    results = response.json()["results"]
    assert [r["code"] for r in results[:3]] == ["not_found"] * 3
    assert "village" in results[3]["errors"]
    # Nothing of Văn Lang's household is told: not its address, code or version.
    body = response.content.decode()
    assert "Thôn Nà Làng" not in body
    assert "VL-1" not in body
    known.refresh_from_db()
    assert known.address == "Thôn Nà Làng"
    assert not HouseholdReview.objects.exists()
    assert not Household.objects.filter(code="VL-X").exists()
    # A change another user applied, its id sent again: refused, its answer not given.
    client.force_login(world["officer"])
    mine = new_household(world["na_lang"], "VL-MINE")
    mine["household"]["members"][0]["national_id"] = ""
    assert outcomes(send(client, mine)) == ["applied"]
    client.force_login(world["other"])
    [answer] = send(client, mine).json()["results"]
    assert answer["code"] == "not_found"
    assert "household" not in answer


@pytest.mark.parametrize("role", ["province", "anonymous"])
def test_others_may_not_sync(client, world, role):
    if role != "anonymous":
        client.force_login(world[role])
    response = send(client, new_household(world["na_lang"], "VL-P"))
    assert response.status_code == (401 if role == "anonymous" else 403)
    assert not Household.objects.filter(code="VL-P").exists()


def test_a_session_must_send_the_csrf_token_and_a_token_need_not(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world["officer"])
    change = new_household(world["na_lang"], "VL-CSRF")
    change["household"]["members"][0]["national_id"] = ""
    assert send(browser, change).status_code == 403
    assert not Household.objects.filter(code="VL-CSRF").exists()
    browser.get("/offline/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(SYNC, {"changes": [change]}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert outcomes(response) == ["applied"]
    api = Client(enforce_csrf_checks=True)
    key = Token.objects.create(user=world["officer"]).key
    again = api.post(SYNC, {"changes": [change]}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert again.json() == response.json()


def test_a_batch_that_cannot_be_read_is_refused_whole(client, world):
    client.force_login(world["officer"])
    change = new_household(world["na_lang"], "VL-T")
    for body in ({"changes": []}, {"changes": [{**change, "kind": "delete"}]}, {"changes": [change, change]}):
        response = client.post(SYNC, body, content_type="application/json")
        assert response.status_code == 400
        assert "changes" in response.json()
    # A household of the wrong shape is refused alone, with DRF's field errors.
    wrong = new_household(world["na_lang"], "VL-W")
    wrong["household"]["members"] = "four"
    [answer] = send(client, wrong).json()["results"]
    assert answer["outcome"] == "refused"
    assert list(answer["errors"]) == ["members"]


def test_an_existing_review_is_a_conflict_unless_its_version_is_named(client, world):
    client.force_login(world["officer"])
    known = world["known"]
    first = send(client, review_of(world["round"], known.pk, income=1_000_000)).json()["results"][0]
    assert first["outcome"] == "applied"
    # Entered again on another phone, as new: the server's review is shown.
    [conflict] = send(client, review_of(world["round"], known.pk, income=1_100_000)).json()["results"]
    assert conflict["outcome"] == "conflict"
    assert conflict["review"]["income_per_capita"] == 1_000_000
    assert conflict["differences"] == [{"field": "income_per_capita", "yours": 1_100_000, "server": 1_000_000}]
    # On the server's version: applied.
    update = review_of(world["round"], known.pk, income=1_100_000, base_version=conflict["review"]["version"])
    [applied] = send(client, update).json()["results"]
    assert applied["outcome"] == "applied"
    review = HouseholdReview.objects.get()
    assert review.income_per_capita == 1_100_000
    assert review.version == applied["review"]["version"]


def test_the_queries_of_a_batch_grow_with_its_changes_only(client, world):
    client.force_login(world["officer"])

    def batch(start, count):
        changes = []
        for n in range(start, start + count):
            household = new_household(world["na_lang"], f"VL-Q{n}")
            for member in household["household"]["members"]:
                member["national_id"] = ""
            changes += [household, review_of(world["round"], household["client_id"])]
        return changes

    with CaptureQueriesContext(connection) as one:
        assert outcomes(send(client, *batch(0, 1))) == ["applied"] * 2
    with CaptureQueriesContext(connection) as five:
        assert outcomes(send(client, *batch(10, 5))) == ["applied"] * 10
    per_pair = (len(five) - len(one)) / 4
    # A household of four and its review: about 50 queries (their rows, their history, the forms' and the
    # services' checks), the same for each: linear in the changes, not in the commune's households.
    assert per_pair <= 60, per_pair
    assert len(one) <= 80, len(one)


def test_dates_and_days_in_the_future_are_refused_as_the_form_refuses_them(client, world):
    client.force_login(world["officer"])
    change = new_household(world["na_lang"], "VL-F")
    change["household"]["members"][2]["date_of_birth"] = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    [answer] = send(client, change).json()["results"]
    assert answer["outcome"] == "refused"
    assert answer["errors"]["members"][0].startswith("2.date_of_birth: ")


def test_the_sync_has_a_rate_of_its_own(client, world, settings):
    settings.OFFLINE_SYNC_RATE = "2/hour"
    caches["default"].clear()  # the counts of the tests before
    client.force_login(world["officer"])
    change = new_household(world["na_lang"], "VL-R")
    change["household"]["members"][0]["national_id"] = ""
    assert outcomes(send(client, change)) == ["applied"]
    assert outcomes(send(client, change)) == ["applied"]
    response = send(client, change)
    assert response.status_code == 429
    assert "detail" in response.json()


def test_a_form_body_is_not_read(client, world):
    client.force_login(world["officer"])
    assert client.post(SYNC, {"changes": "x"}).status_code == 415


def test_the_same_change_applied_at_once_by_two_requests_is_written_once(world):
    """A retry that reaches the server while the first request still runs, before the first committed: the
    second finds the household's code taken (or its record of the change collides with the first's), writes
    nothing, and answers with the first's answer."""
    officer = world["officer"]
    change = new_household(world["na_lang"], "VL-TWICE")
    change["household"]["members"][0]["national_id"] = ""
    change["client_id"] = uuid.UUID(change["client_id"])
    first = _answer(officer, change, None, timezone.localdate())
    # The second request read the batch's stored changes before the first committed: it saw none.
    second = _answer(officer, change, None, timezone.localdate())
    assert second == first
    assert Household.objects.filter(code="VL-TWICE").count() == 1
    assert Member.objects.filter(household__code="VL-TWICE").count() == 4


@pytest.mark.parametrize(
    ("kind", "part"),
    [
        ("household_create", {"members": [{"date_of_birth": {"a": 1}, "relation": "head"}]}),
        ("household_create", {"village": "abc", "code": ["x"]}),
        ("household_create", {"members": [{"full_name": "A", "relation": "head", "sex": "x", "ethnicity": 10**9}]}),
        ("household_update", {"id": "known", "members": [{"id": "abc"}]}),
        ("household_update", {"id": "known", "members": [{"id": 10**9, "full_name": "B"}]}),
        ("household_update", {"id": 10**12, "address": "x"}),
        ("review_save", {"round": "x", "household": "1", "income_per_capita": 1}),
        ("review_save", {"round": "round", "household": ["x"], "income_per_capita": 1}),
        ("review_save", {"round": "round", "household": "not-a-uuid", "income_per_capita": 1}),
        ("review_save", {"round": "round", "household": "known", "income_per_capita": -1}),
        ("review_save", {"round": "round", "household": "known", "income_per_capita": 1, "facts": {"housing": [1]}}),
        ("review_save", {"round": "round", "household": "known", "income_per_capita": 1, "facts": {"telecom": "x"}}),
        ("review_save", {"round": "round", "household": "known", "income_per_capita": 1, "causes": ["x"]}),
    ],
)
def test_a_change_of_the_wrong_shape_is_refused_never_a_server_error(client, world, kind, part):
    client.force_login(world["officer"])
    part = {key: (world[value].pk if value in ("known", "round") else value) for key, value in part.items()}
    if kind == "review_save" and isinstance(part["household"], int):
        part["household"] = str(part["household"])
    base_version = None if kind == "review_save" else world["known"].version
    change = {"client_id": str(uuid.uuid4()), "kind": kind, "base_version": base_version}
    change["review" if kind == "review_save" else "household"] = part
    response = send(client, change)
    [answer] = response.json()["results"]
    assert answer["outcome"] == "refused", answer
    assert answer["code"] in {"invalid", "not_found"}
    assert answer["errors"]
    assert all(isinstance(messages, list) for messages in answer["errors"].values())
    assert not SyncedChange.objects.exists()


def test_a_review_past_the_staffs_step_is_refused_by_the_workflow(client, world):
    client.force_login(world["officer"])
    [entered] = send(client, review_of(world["round"], world["known"].pk)).json()["results"]
    review = HouseholdReview.objects.get(pk=entered["review"]["id"])
    review_meeting_confirm(
        user=world["officer"],
        reviews=[review],
        village=world["na_lang"],
        held_on=timezone.localdate(),
        attendance=10,
        agreeing=8,
    )
    review.refresh_from_db()
    change = review_of(world["round"], world["known"].pk, income=1_300_000, base_version=review.version)
    [answer] = send(client, change).json()["results"]
    assert answer["outcome"] == "refused"
    assert answer["code"] == "invalid"
    assert list(answer["errors"]) == ["non_field_errors"]
    review.refresh_from_db()
    assert review.income_per_capita == 1_000_000


def test_a_batch_of_reviews_reads_its_round_and_the_standards_rules_once(client, world):
    """A phone sends up to 200 reviews of one round: the round is read and checked, and its standard's rules
    fetched, once a batch, not once a change (bench/offline.py: about a third of a change's time)."""
    client.force_login(world["officer"])
    households = [world["known"]]
    for n in range(3):
        household = HouseholdFactory(village=world["na_lang"], code=f"VL-B{n}", address="Thôn Nà Làng")
        MemberFactory(
            household=household, employment="self_employed", education="lower_secondary", has_health_insurance=True
        )
        households.append(household)
    with CaptureQueriesContext(connection) as queries:
        answers = outcomes(send(client, *(review_of(world["round"], household.pk) for household in households)))
    assert answers == ["applied"] * 4
    statements = [query["sql"] for query in queries]
    assert sum(sql.startswith('SELECT "households_reviewround"') for sql in statements) == 1
    assert sum('FROM "programmes_incomeline"' in sql for sql in statements) == 1
