from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from reports.views import home

admin.site.site_header = _("Povertyplan administration")
admin.site.site_title = _("Povertyplan administration")

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("", include("households.urls")),
    path("", include("programmes.urls")),
    path("", include("offline.urls")),
    path("", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("povertyplan.api_urls")),
    path("api/v1/", include("programmes.api.urls")),
    path("api/v1/", include("offline.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler400 = "povertyplan.errors.bad_request_page"
handler403 = "povertyplan.errors.forbidden"
handler404 = "povertyplan.errors.not_found"
handler500 = "povertyplan.errors.crashed"
