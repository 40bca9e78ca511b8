"""The site's URLs and error handlers, and a view raising each error (tests/hardening/test_error_pages.py)."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.urls import path

from povertyplan.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def _raise(error):
    def view(request):
        raise error

    return view


urlpatterns = [
    *urlpatterns,
    path("error/400/", _raise(BadRequest("bad"))),
    path("error/403/", _raise(PermissionDenied("Your role may not take this step."))),
    path("error/404/", _raise(Http404("missing"))),
    path("error/500/", _raise(RuntimeError("crashed"))),
    path("api/v1/error/400/", _raise(BadRequest("bad"))),
    path("api/v1/error/403/", _raise(PermissionDenied("Your role may not take this step."))),
    path("api/v1/error/500/", _raise(RuntimeError("crashed"))),
]
