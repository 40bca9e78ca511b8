"""Test settings: the base settings with a fixed key, fast hashing and plain static storage.

The database still comes from ``DATABASE_URL`` (PostgreSQL in CI, SQLite when unset).
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from .base import *  # noqa: F403
from .base import DATABASES, MIDDLEWARE, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# One process: its own memory is shared enough, and the API tests' query counts stay the app's own. The shared
# caches are tested in tests/hardening/test_shared_cache.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
SECURE_SSL_REDIRECT = False
CELERY_TASK_ALWAYS_EAGER = True
LANGUAGE_CODE = "vi"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Files the tests upload or generate never land in the working tree.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", Path(tempfile.gettempdir()) / "povertyplan-test-media"))
# Jobs run in the test's own process, where its transaction and database are; tests/jobs/test_job_process.py
# turns the process of their own on.
JOB_OWN_PROCESS = False
# With DATABASE_REPLICA_URL set: no test database is made on the replica (a hot standby takes no writes): it
# mirrors the test database. Reads are routed to it only by the tests of tests/replica, which ask for it: every
# other test would find the mirror, another connection, without the rows of its own transaction.
if "replica" in DATABASES:
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS: list[str] = []
    MIDDLEWARE = [name for name in MIDDLEWARE if name != "common.replica.middleware.ReplicaWritesMiddleware"]
