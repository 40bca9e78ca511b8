"""The API's throttle: DRF's per-user rate, counted in the shared cache, anonymous callers by their real address."""

from rest_framework.throttling import UserRateThrottle

from common.client_address import client_ip


class UserThrottle(UserRateThrottle):
    """Per token or session user (every worker counts in ``CACHES["default"]``); the address when anonymous."""

    def get_ident(self, request) -> str:
        return client_ip(request) or ""
