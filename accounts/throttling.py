"""The API's throttle: DRF's per-user rate, counted atomically in fixed windows, anonymous callers by their real
address."""

from rest_framework.throttling import UserRateThrottle

from common.client_address import client_ip

from .counters import count_use


class UserThrottle(UserRateThrottle):
    """Per token or session user, every worker counting in one place (``accounts.counters``: Redis or the
    database). DRF's own throttle keeps a list of times in the cache and writes it back after reading it, so
    requests sent in parallel all read the same list and all pass; an atomic count lets exactly the rate
    through. A fixed window may let up to twice the rate through across its edge, a price for one counter."""

    def get_ident(self, request) -> str:
        return client_ip(request) or ""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.window = count_use(self.key, window=self.duration)
        return self.window.count <= self.num_requests

    def wait(self) -> float | None:
        return self.window.seconds_left()
