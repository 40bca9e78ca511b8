"""The offline app's pages: the officer's page to take villages offline, and what the phone keeps to open with
no network (the app shell, the web app manifest and the service worker).

Only ``offline_home_view`` is about a user. The shell, the manifest and the service worker are the same for
everyone (no name, no data, no CSRF token): the service worker precaches the shell and the static files it
loads, and nothing else, so no page of one user is ever kept for another; the households live in the phone's
IndexedDB, written by the page's script from the download (``offline.api.views``).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from .access import check_may_work_offline
from .form_tables import form_tables
from .selectors import offline_rounds

# The static files the app shell loads, precached by the service worker with the shell.
SHELL_FILES = (
    "css/app.css",
    "favicon.svg",
    "offline/classify.js",
    "offline/store.js",
    "offline/app.js",
    "offline/sync.js",
    "offline/icons/icon-192.png",
    "vendor/idb/idb.umd.js",
)
# The Workbox modules the service worker loads (``static/vendor/workbox/``, built by ``make frontend``).
WORKBOX_MODULES = ("workbox-core", "workbox-routing", "workbox-strategies", "workbox-precaching")
# The service worker controls the offline app's pages only: its own folder, so no Service-Worker-Allowed header.
SCOPE = "/offline/"
# The app's name on the phone's home screen, in Vietnamese whatever the page's language (issue 24).
APP_NAME = "Povertyplan ngoại tuyến"
THEME_COLOR = "#b3261e"  # the favicon's red


@login_required
def offline_home_view(request):
    """ "Làm việc ngoại tuyến": the officer's open rounds and their villages to take offline."""
    check_may_work_offline(request.user)
    return render(
        request,
        "offline/home.html",
        {"rounds": offline_rounds(user=request.user, today=timezone.localdate()), "scope": SCOPE},
    )


@require_GET
def app_shell_view(request):
    """The page the phone opens with no network: the same for everyone; its script reads the phone's store."""
    return HttpResponse(_shell())


@require_GET
def manifest_view(request):
    manifest = {
        "name": APP_NAME,
        "short_name": "Povertyplan",
        "lang": "vi",
        "start_url": reverse("offline:app"),
        "scope": SCOPE,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": static("offline/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("offline/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("offline/icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@require_GET
def service_worker_view(request):
    """The service worker, served from the app's folder so that its scope is the folder (never the whole site)."""
    body = render_to_string(
        "offline/sw.js",
        {
            "modules": json.dumps({name: static(f"vendor/workbox/{name}.prod.js") for name in WORKBOX_MODULES}),
            "workbox_sw": static("vendor/workbox/workbox-sw.js"),
            "precache": json.dumps(precache_manifest()),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # A new deployment reaches the phones at their next visit: the browser checks the worker past any cache.
    response["Cache-Control"] = "no-cache"
    return response


def precache_manifest() -> list[dict[str, str]]:
    """What the service worker keeps: the shell and its static files, each with a revision of its content (the
    static URLs are not hashed in development)."""
    if settings.DEBUG:  # files change under the development server: read them again
        _file_revision.cache_clear()
        _shell_in.cache_clear()
    entries = [{"url": static(path), "revision": _file_revision(path)} for path in SHELL_FILES]
    entries.append({"url": reverse("offline:app"), "revision": _revision(_shell().encode())})
    return entries


@lru_cache(maxsize=8)
def _shell_in(language: str) -> str:
    # The shell knows no request: no user, no token, the same bytes for everyone speaking ``language``.
    context = {"manifest_url": reverse("offline:manifest"), "scope": SCOPE, "form_tables": form_tables()}
    return render_to_string("offline/app.html", context)


def _shell() -> str:
    return _shell_in(get_language() or "vi")


@lru_cache(maxsize=64)
def _file_revision(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"Static file {path} of the offline app shell is missing.")
    with open(found, "rb") as file:
        return _revision(file.read())


def _revision(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:16]
