"""The production static files: collectstatic with WhiteNoise's manifest storage (DEBUG off) succeeds, and every
file the pages link resolves to a hashed name. Found by the load bench: the vendored Chart.js and Leaflet
pointed to source maps that are not shipped, and collectstatic stopped."""

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_collectstatic_with_the_production_storage(tmp_path):
    # Changing STORAGES rebuilds the storage (Django's setting_changed receivers).
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
        for name in ("js/dashboard.js", "vendor/chartjs/chart.umd.min.js", "vendor/leaflet/leaflet.js"):
            hashed = staticfiles_storage.stored_name(name)
            assert hashed != name
            assert (tmp_path / hashed).exists()
            assert (tmp_path / f"{hashed}.gz").exists()
