"""API authentication: DRF's tokens, refused while their user is locked out of signing in."""

from axes.handlers.proxy import AxesProxyHandler
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class LockoutAwareTokenAuthentication(TokenAuthentication):
    """A token does not outlive a lockout: where django-axes would refuse this user's password (the same
    ``AXES_LOCKOUT_PARAMETERS``: the username from this client's address), the token is refused too, until the
    lockout ends or an administrator lifts it (``manage.py axes_reset_username``).

    Keyed like the sign-in, not on the username alone: otherwise anyone could switch off anyone's token by
    typing wrong passwords for that username from anywhere."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            user, _token = result
            django_request = getattr(request, "_request", request)
            if not AxesProxyHandler.is_allowed(django_request, {"username": user.get_username()}):
                raise AuthenticationFailed(_("This account is locked after repeated failed logins."))
        return result
