"""Small helpers of the benchmarks: response-time figures from timed requests, and what their HTTP clients share.

Plain functions over plain data (no Django, no network), so that the figures a benchmark prints are tested.
"""

from __future__ import annotations

import math
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from http.cookiejar import DefaultCookiePolicy


class LoopbackCookies(DefaultCookiePolicy):
    """Secure cookies (the session and CSRF cookies with DEBUG off) sent over plain HTTP too, as browsers do for a
    server on loopback (a secure context); the standard policy keeps them for HTTPS."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to look at (a sign-in's 302), not a page to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass(frozen=True)
class Sample:
    """One request: its kind (the name under which it is counted), its time and what went wrong, if anything."""

    kind: str
    ms: float
    error: str = ""
    # When the answer came (time.monotonic()), to tell the requests served while something else ran.
    at: float = 0.0


@dataclass(frozen=True)
class Figures:
    requests: int
    errors: int
    p50: float
    p95: float
    max: float


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest rank: the smallest value such that at least ``fraction`` of the values are not greater."""
    if not values:
        raise ValueError("No values.")
    if not 0 < fraction <= 1:
        raise ValueError("The fraction lies in (0, 1].")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]


def figures(samples: Iterable[Sample]) -> dict[str, Figures]:
    """Requests, errors, p50, p95 and max per kind, failed requests included (their time was spent too)."""
    times: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    for sample in samples:
        times.setdefault(sample.kind, []).append(sample.ms)
        errors[sample.kind] = errors.get(sample.kind, 0) + bool(sample.error)
    return {
        kind: Figures(len(ms), errors[kind], percentile(ms, 0.5), percentile(ms, 0.95), max(ms))
        for kind, ms in sorted(times.items())
    }
