"""Version 1 of the REST API: one router, each app registering its viewsets here."""

from rest_framework.routers import DefaultRouter

from households.api.views import UnitViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")

urlpatterns = router.urls
