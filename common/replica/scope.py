"""The views whose reads may go to the replica, and the database one request's reads go to."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from functools import wraps

from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.http import HttpRequest, HttpResponseBase

from . import REPLICA, replica_configured
from .positions import replica_has, writes_forget, writes_pending, writes_remember

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# After the replica could not be reached or failed, this process reads from the primary for this long (seconds)
# before trying it again: a replica that is down must not cost each request a connection attempt.
RETRY_AFTER = 30.0
_replica_down_until = 0.0

_current: ContextVar[ReplicaScope | None] = ContextVar("replica_scope", default=None)


def current_scope() -> ReplicaScope | None:
    return _current.get()


class ReplicaScope:
    """The reads of one request to a marked view. The database is chosen at the first read that may go to the
    replica, not when the view starts: an API token's user is known only once DRF has authenticated it."""

    def __init__(self, request: HttpRequest):
        self.request = request
        self.chosen: str | None = None
        # Set by the router when the request writes a table of REPLICA_APPS: its later reads must see the write.
        self.wrote = False

    def alias(self) -> str:
        if self.wrote:
            return DEFAULT_DB_ALIAS
        if self.chosen is None:
            self.chosen = self._choose()
        return self.chosen

    def _choose(self) -> str:
        if time.monotonic() < _replica_down_until:
            return DEFAULT_DB_ALIAS
        user = getattr(self.request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        position = writes_pending(user_id=user_id) if user_id is not None else None
        try:
            if position is None:
                replica_connect()
            elif replica_has(position):
                writes_forget(user_id=user_id, position=position)
            else:
                return DEFAULT_DB_ALIAS
        except Error:
            replica_down(f"cannot be reached ({self.request.path})")
            return DEFAULT_DB_ALIAS
        return REPLICA


def replica_connect() -> None:
    """Connect now, so that a replica that is down sends the request to the primary before its first read. A kept
    connection is checked the way Django checks it before a request's first query (CONN_HEALTH_CHECKS)."""
    connection = connections[REPLICA]
    connection.close_if_health_check_failed()
    connection.ensure_connection()


def replica_down(why: str) -> None:
    global _replica_down_until
    logger.warning("The replica %s: reading from the primary for %d s.", why, RETRY_AFTER, exc_info=True)
    _replica_down_until = time.monotonic() + RETRY_AFTER


def replica_reads(view):
    """Marks a view (a function, or a class: its ``dispatch``) whose reads may go to the replica. Only views that
    read what is read most and write nothing the user reads back in the same request: a write in it sends the
    request's later reads to the primary anyway (``ReplicaScope.wrote``)."""
    if isinstance(view, type):
        dispatch = view.dispatch

        @wraps(dispatch)
        def scoped_dispatch(self, request, *args, **kwargs):
            return _run(request, lambda: dispatch(self, request, *args, **kwargs))

        view.dispatch = scoped_dispatch
        return view

    @wraps(view)
    def scoped(request, *args, **kwargs):
        return _run(request, lambda: view(request, *args, **kwargs))

    return scoped


def _run(request: HttpRequest, call: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    if request.method not in SAFE_METHODS or not replica_configured():
        return call()
    scope = ReplicaScope(request)
    try:
        response = _within(scope, call)
    except Error:
        # Died, or cancelled a query that conflicted with its replay: a safe request that has written nothing can
        # be answered again, from the primary.
        replica = connections[REPLICA]
        if scope.chosen != REPLICA or not replica.errors_occurred or scope.wrote:
            raise
        if replica.is_usable():
            logger.warning("A read on the replica failed during %s: answered from the primary.", request.path)
        else:
            replica_down(f"failed during {request.path}")
            replica.close()
        return call()
    if scope.wrote:
        # A safe request that wrote all the same (a report too long for the request queues its job): the
        # middleware records positions after unsafe requests only.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            writes_remember(user_id=user.pk)
    if response.streaming and not response.is_async:
        # A streamed body (the CSV export) is read after the view has returned, by the server.
        response.streaming_content = _chunks_within(scope, response.streaming_content)
    return response


def _within(scope: ReplicaScope, call: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    token = _current.set(scope)
    try:
        return call()
    finally:
        _current.reset(token)


def _chunks_within(scope: ReplicaScope, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks, each read inside ``scope``: a generator cannot hold a context variable across its yields
    without leaving it set in the server's code between them."""
    iterator = iter(chunks)
    while True:
        token = _current.set(scope)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _current.reset(token)
        yield chunk
