"""Recording where a user's writes are, after each request that may have written."""

from .positions import writes_remember
from .scope import SAFE_METHODS


class ReplicaWritesMiddleware:
    """After a successful POST, PUT, PATCH or DELETE of a signed-in user (page or API token: DRF sets the
    request's user), the primary's WAL position is recorded for them: their reads stay on the primary until the
    replica has replayed it. Installed only with a replica (settings), after the authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in SAFE_METHODS or response.status_code >= 400:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            writes_remember(user_id=user.pk)
        return response
