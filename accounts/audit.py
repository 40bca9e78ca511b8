"""The audit log: one function writes it; login signals and a middleware for downloads call it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.utils.http import parse_header_parameters

from common.client_address import client_ip as request_client_ip

from .models import AuditAction, AuditEvent


def client_ip(request) -> str | None:
    """The client's address behind the trusted proxies, as the lockout sees it."""
    return request_client_ip(request) if request is not None else None


def audit_record(*, action: str, user=None, request=None, username: str = "", **detail: Any) -> AuditEvent:
    known = user if user is not None and getattr(user, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        user=known,
        username=username or (known.get_username() if known else ""),
        action=action,
        detail=detail,
        ip_address=client_ip(request),
    )


def _logged_in(sender, request, user, **kwargs):
    audit_record(action=AuditAction.LOGIN, user=user, request=request)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, user=user, request=request)


def _login_failed(sender, credentials, request=None, **kwargs):
    audit_record(action=AuditAction.LOGIN_FAILED, request=request, username=credentials.get("username", "")[:150])


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit-login-failed")


def download_name(disposition: str) -> str:
    """The file name of a ``Content-Disposition`` header, quoted (``filename="…"``) or encoded (``filename*=``)."""
    try:
        _kind, parameters = parse_header_parameters(disposition)
    except ValueError:
        return disposition
    return parameters.get("filename*") or parameters.get("filename") or disposition


class AuditDownloadsMiddleware:
    """Every download (PDF, Excel, CSV of any page or API) is written to the audit log with its address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        if response.status_code == 200 and disposition and getattr(request, "user", None) is not None:
            audit_record(
                action=AuditAction.EXPORT,
                user=request.user,
                request=request,
                path=request.get_full_path()[:500],
                file=download_name(disposition)[:200],
            )
        return response
