"""Atomic counters in fixed windows of time, for limits that requests in parallel must not pass together.

With the database as the shared cache (no Redis), the database counts with one ``INSERT … ON CONFLICT … DO
UPDATE … RETURNING`` (PostgreSQL, and SQLite 3.35+), which takes the row's lock: two workers adding at once
both see the other's count. Django's database cache cannot promise this: its ``incr`` reads and then
writes. Other caches count with ``incr``: Redis's ``INCRBY`` is atomic, and the local-memory cache (one
process: tests, the development server) increments under its lock.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.utils import timezone

from .models import UsageCount

_UPSERT = (
    f"INSERT INTO {UsageCount._meta.db_table} (key, count, expires_at) VALUES (%s, %s, %s) "
    "ON CONFLICT (key) DO UPDATE SET count = {table}.count + excluded.count RETURNING count"
).replace("{table}", UsageCount._meta.db_table)


@dataclass(frozen=True)
class Window:
    count: int  # after this use
    ends_at: float  # epoch seconds

    def seconds_left(self, now: float | None = None) -> int:
        return max(1, math.ceil(self.ends_at - (time.time() if now is None else now)))


def count_use(key: str, *, amount: int = 1, window: int, now: float | None = None) -> Window:
    """Add ``amount`` uses of ``key`` in the current window of ``window`` seconds; the window's count after it."""
    now = time.time() if now is None else now
    start = int(now // window) * window
    return _add(f"{key}:{start}", amount, start + window, now)


def count_today(key: str, *, amount: int = 1) -> Window:
    """Add ``amount`` uses of ``key`` today, in the local time zone (a day ends at local midnight)."""
    today = timezone.localdate()
    midnight = datetime.combine(today + timedelta(days=1), dt_time.min, tzinfo=timezone.get_current_timezone())
    return _add(f"{key}:{today.isoformat()}", amount, midnight.timestamp(), time.time())


def _add(key: str, amount: int, ends_at: float, now: float) -> Window:
    cache = caches["default"]
    if not isinstance(cache, DatabaseCache):
        timeout = max(1, math.ceil(ends_at - now)) + 60
        cache.add(key, 0, timeout=timeout)
        try:
            count = cache.incr(key, amount)
        except ValueError:  # expired between the two calls
            cache.add(key, amount, timeout=timeout)
            count = amount
        return Window(count, ends_at)
    # One statement, atomic on its own: no transaction around it (a savepoint would cost two more queries).
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key[:200], amount, datetime.fromtimestamp(ends_at, tz=UTC)])
        count = cursor.fetchone()[0]
    if count == amount:  # a new window: the ended ones go
        UsageCount.objects.filter(expires_at__lt=datetime.fromtimestamp(now, tz=UTC)).delete()
    return Window(count, ends_at)
