"""The API throttle counts in a cache every gunicorn worker shares.

Found by the outside attack (issue 20): with Django's default cache, each worker's own memory, a client got the
hourly rate once per worker (and again after every worker restart).
"""

import pytest
from django.core.cache.backends import locmem
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from rest_framework.authtoken.models import Token

from accounts.models import Role
from accounts.throttling import UserThrottle
from povertyplan.settings import base

DATABASE_CACHE = {"default": base.shared_cache("")}
TABLE = DATABASE_CACHE["default"]["LOCATION"]


def test_the_cache_is_redis_when_configured_and_the_database_otherwise():
    assert base.shared_cache("redis://127.0.0.1:6379/0")["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert base.shared_cache("redis://127.0.0.1:6379/0")["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert base.shared_cache("")["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert base.CACHES["default"] == base.shared_cache(base.REDIS_URL)
    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == ["accounts.throttling.UserThrottle"]


@pytest.mark.django_db
def test_migrate_creates_the_cache_table():
    assert TABLE not in connection.introspection.table_names()
    with override_settings(CACHES=DATABASE_CACHE):
        call_command("migrate", verbosity=0)
    assert TABLE in connection.introspection.table_names()


@pytest.mark.django_db
def test_a_second_worker_sees_the_first_workers_count(client, make_user, monkeypatch):
    monkeypatch.setattr(UserThrottle, "THROTTLE_RATES", {"user": "2/hour"})
    token = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=make_user(Role.API_CLIENT)).key}"}
    with override_settings(CACHES=DATABASE_CACHE):
        call_command("createcachetable", verbosity=0)
        assert client.get("/api/v1/units/", **token).status_code == 200
        assert client.get("/api/v1/units/", **token).status_code == 200
        # Another worker: a process whose memory holds nothing of the first one's, local-memory caches included.
        for store in (*locmem._caches.values(), *locmem._expire_info.values()):
            store.clear()
        refused = client.get("/api/v1/units/", **token)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
