"""Error pages: JSON under /api/ (clients parse it), the site's own page elsewhere (templates/400.html …)."""

from django.http import JsonResponse
from django.views.defaults import bad_request, page_not_found, permission_denied, server_error


def _api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request_page(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return bad_request(request, exception)


def forbidden(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": "Forbidden."}, status=403)
    return permission_denied(request, exception)


def not_found(request, exception=None):
    if _api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def crashed(request):
    if _api(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    return server_error(request)
