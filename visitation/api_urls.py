"""API routes of the visitation app, included under /api/v1/ by config/api_urls.py."""

from rest_framework.routers import SimpleRouter

from visitation import api

router = SimpleRouter()
router.register("referrals", api.ReferralViewSet, basename="referral")
router.register("meetings", api.MeetingViewSet, basename="meeting")
router.register("decisions", api.DecisionViewSet, basename="decision")
router.register("assignments", api.AssignmentViewSet, basename="assignment")
router.register("discharges", api.DischargeViewSet, basename="discharge")

urlpatterns = router.urls
