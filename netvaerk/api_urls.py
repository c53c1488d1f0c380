"""API routes of the netvaerk app, included under /api/v1/ by config/api_urls.py."""

from rest_framework.routers import SimpleRouter

from netvaerk import api

router = SimpleRouter()
router.register("family-meetings", api.MeetingViewSet, basename="family-meeting")
router.register("agreements", api.AgreementViewSet, basename="agreement")
router.register("partners", api.PartnerViewSet, basename="partner")
router.register("offers", api.OfferViewSet, basename="offer")

urlpatterns = router.urls
