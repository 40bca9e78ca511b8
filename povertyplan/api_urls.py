"""Version 1 of the REST API: one router, each app registering its viewsets here."""

from rest_framework.routers import DefaultRouter

from households.api.views import UnitViewSet
from programmes.api.views import StandardViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("standards", StandardViewSet, basename="standard")

urlpatterns = router.urls
