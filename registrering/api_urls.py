"""API routes of the registrering app, included under /api/v1/ by config/api_urls.py."""

from rest_framework.routers import SimpleRouter

from registrering import api

router = SimpleRouter()
router.register("indicators", api.IndicatorViewSet, basename="indicator")
router.register("registrations", api.RegistrationViewSet, basename="registration")
router.register("questionnaires", api.QuestionnaireViewSet, basename="questionnaire")
router.register("risks", api.RiskViewSet, basename="risk")
router.register("milestones", api.MilestoneViewSet, basename="milestone")

urlpatterns = router.urls
