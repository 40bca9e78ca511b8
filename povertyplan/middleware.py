"""Middleware of the whole site: no caching of what a signed-in user sees."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every answer to a signed-in user (session or API token): pages, downloads
    and API answers hold personal data, which no browser cache or proxy should keep. Static files never get here
    (WhiteNoise answers them earlier) and keep their long caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # DRF sets request.user to the token's user too.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
