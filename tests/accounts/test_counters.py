"""Limits counted atomically (``accounts.counters``): the API throttle and the daily allowance of answers about
citizen IDs outside the user's area. Requests sent at the same moment, on several connections, must not pass a
limit together, as they did when each read the count from the cache and wrote it back."""

import datetime
import threading

import pytest
import requests
from django.db import connection
from django.test import override_settings
from rest_framework.authtoken.models import Token

from accounts import counters
from accounts.counters import count_today, count_use
from accounts.models import Role, UsageCount
from povertyplan.settings import base

DATABASE_CACHE = {"default": base.shared_cache("")}


@pytest.fixture
def database_cache():
    """The shared cache without Redis: the counts are then the database's (``accounts.counters``)."""
    with override_settings(CACHES=DATABASE_CACHE):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("shared", ["database", "local memory"])
def test_uses_add_up_in_a_window_and_start_again_in_the_next(shared, settings):
    if shared == "database":
        settings.CACHES = DATABASE_CACHE
    assert count_use("k", window=60, now=120.0).count == 1
    assert count_use("k", amount=3, window=60, now=150.5).count == 4
    window = count_use("k", window=60, now=179.9)
    assert (window.count, window.ends_at, window.seconds_left(now=179.9)) == (5, 180, 1)
    assert count_use("k", window=60, now=180.0).count == 1  # the next window
    assert count_use("other", window=60, now=181.0).count == 1
    if shared == "database":  # the ended window's row went when a new window began
        assert sorted(UsageCount.objects.values_list("key", flat=True)) == ["k:180", "other:180"]
    else:
        assert not UsageCount.objects.exists()


@pytest.mark.django_db
def test_a_day_ends_at_local_midnight(monkeypatch, database_cache):
    monkeypatch.setattr(counters.timezone, "localdate", lambda: datetime.date(2099, 12, 7))
    assert count_today("cccd", amount=2).count == 2
    window = count_today("cccd")
    assert window.count == 3
    # Hồ Chí Minh City time, the project's TIME_ZONE: midnight is 17:00 UTC the day before.
    assert window.ends_at == datetime.datetime(2099, 12, 7, 17, 0, tzinfo=datetime.UTC).timestamp()
    monkeypatch.setattr(counters.timezone, "localdate", lambda: datetime.date(2099, 12, 8))
    assert count_today("cccd").count == 1


def run_at_once(threads: int, work) -> list:
    barrier = threading.Barrier(threads)
    results: list = [None] * threads

    def worker(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work()
        finally:
            connection.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_uses_counted_at_once_on_many_connections_are_all_counted(database_cache):
    counts = run_at_once(12, lambda: [count_use("storm", window=3600).count for _ in range(10)])
    seen = sorted(n for thread in counts for n in thread)
    assert seen == list(range(1, 121))  # every use got its own number: none was lost or counted twice


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_requests_sent_at_once_pass_the_api_rate_exactly(live_server, make_user, monkeypatch):
    from accounts.throttling import UserThrottle

    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", {"user": "5/hour"})
    token = Token.objects.create(user=make_user(Role.API_CLIENT)).key
    with override_settings(CACHES=DATABASE_CACHE):

        def ask() -> int:
            answer = requests.get(
                f"{live_server.url}/api/v1/units/?page_size=1", headers={"Authorization": f"Token {token}"}
            )
            return answer.status_code

        statuses = run_at_once(16, ask)
    assert sorted(statuses) == [200] * 5 + [429] * 11
