"""Error pages: JSON under /api/ (clients parse it), the site's own page elsewhere."""

from django.http import JsonResponse
from django.views.defaults import page_not_found, server_error


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def crashed(request):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return server_error(request)
