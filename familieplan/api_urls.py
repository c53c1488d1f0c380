"""API routes of the familieplan app, included under /api/v1/ by config/api_urls.py."""

from rest_framework.routers import SimpleRouter

from familieplan import api

router = SimpleRouter()
router.register("plans", api.PlanViewSet, basename="plan")
router.register("plan-versions", api.VersionViewSet, basename="plan-version")
router.register("activities", api.ActivityViewSet, basename="activity")
router.register("followups", api.FollowUpViewSet, basename="followup")
router.register("stafetlogs", api.StafetlogViewSet, basename="stafetlog")

urlpatterns = router.urls
