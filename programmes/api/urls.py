"""The plans part of API v1, included under /api/v1/ next to ``povertyplan.api_urls``."""

from rest_framework.routers import SimpleRouter

from .views import PlanViewSet, ProjectViewSet

router = SimpleRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("projects", ProjectViewSet, basename="project")

urlpatterns = router.urls
