"""Version 1 of the REST API: one router, each app registering its viewsets here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from households.api.imports import ImportJobViewSet
from households.api.views import HouseholdViewSet, ReviewViewSet, UnitViewSet
from povertyplan import openapi  # noqa: F401  (registers the schema's filter extension before any schema is built)
from reports.api.views import StatisticsView
from standards.api.views import StandardViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("standards", StandardViewSet, basename="standard")
router.register("households", HouseholdViewSet, basename="household")
router.register("reviews", ReviewViewSet, basename="review")
router.register("imports", ImportJobViewSet, basename="import")

urlpatterns = [
    *router.urls,
    path("statistics/", StatisticsView.as_view(), name="statistics"),
]
