"""How long a signed-in session lives: an idle limit and an absolute age, whatever the browser does."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout

SIGNED_IN_AT = "povertyplan.signed_in_at"
LAST_SEEN = "povertyplan.last_seen"
# The last-seen time is written at most this often (seconds): not a database write on every request.
TOUCH_INTERVAL = 60


def session_signed_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: the session's absolute age counts from here (connected in ``accounts.apps``)."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now
        request.session.set_expiry(min(settings.SESSION_IDLE_TIMEOUT, settings.SESSION_MAX_AGE))


class SessionLifetimeMiddleware:
    """Signs out a session idle for ``SESSION_IDLE_TIMEOUT`` or signed in more than ``SESSION_MAX_AGE`` ago.

    Not ``SESSION_COOKIE_AGE`` with ``SESSION_SAVE_EVERY_REQUEST``: that writes the session on every request
    (every chart and API call of a dashboard), lets concurrent requests overwrite each other's session changes,
    and has no absolute age. Here the last-seen time is written once a minute at most, and each write also moves
    the session's expiry (the database row and the cookie) to the idle limit, capped by the absolute one, so an
    abandoned session dies on the server even without this middleware (usually before it: the session is then
    simply gone). The idle limit is therefore exact to within ``TOUCH_INTERVAL``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        # The session's own key, not request.user: no query for the user on requests that need none.
        if session is not None and session.get(SESSION_KEY) is not None:
            self._check(request, session)
        return self.get_response(request)

    def _check(self, request, session) -> None:
        now = time.time()
        idle, max_age = settings.SESSION_IDLE_TIMEOUT, settings.SESSION_MAX_AGE
        # Sessions signed in before this middleware existed start their clocks now.
        signed_in = session.setdefault(SIGNED_IN_AT, now)
        last_seen = session.get(LAST_SEEN, now)
        if now - signed_in >= max_age or now - last_seen >= idle:
            # The view then answers an anonymous request: the sign-in page, or 401/403 from the API.
            logout(request)
        elif now - last_seen >= TOUCH_INTERVAL or LAST_SEEN not in session:
            session[LAST_SEEN] = now
            session.set_expiry(max(1, int(min(idle, max_age - (now - signed_in)))))
