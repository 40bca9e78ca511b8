"""Version 1 of the REST API: one router, each app registering its viewsets here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from households.api.imports import ImportJobViewSet
from households.api.views import HouseholdViewSet, ReviewViewSet, UnitViewSet
from povertyplan import openapi  # noqa: F401  (registers the schema's filter extension before any schema is built)
from reports.api.national import NationalStatisticsView
from reports.api.views import StatisticsView
from standards.api.views import StandardViewSet

# What /api/v1/ lists besides this router's lists: the statistics, the whole-list export and the plans app's
# lists (programmes.api.urls, included next to this module). Name → URL name.
ROOT_EXTRAS = {
    "statistics": "statistics",
    "statistics/national": "statistics-national",
    "households/export": "household-export",
    "plans": "plan-list",
    "projects": "project-list",
}


class ApiRouter(DefaultRouter):
    """DRF's router, whose root lists every endpoint of the version, not only the router's own."""

    def get_api_root_view(self, api_urls=None):
        list_name = self.routes[0].name
        root = {prefix: list_name.format(basename=basename) for prefix, _viewset, basename in self.registry}
        return self.APIRootView.as_view(api_root_dict={**root, **ROOT_EXTRAS})


router = ApiRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("standards", StandardViewSet, basename="standard")
router.register("households", HouseholdViewSet, basename="household")
router.register("reviews", ReviewViewSet, basename="review")
router.register("imports", ImportJobViewSet, basename="import")

urlpatterns = [
    *router.urls,
    path("statistics/", StatisticsView.as_view(), name="statistics"),
    path("statistics/national/", NationalStatisticsView.as_view(), name="statistics-national"),
]
