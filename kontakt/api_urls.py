"""API routes of the kontakt app, included under /api/v1/ by config/api_urls.py."""

from rest_framework.routers import SimpleRouter

from kontakt import api

router = SimpleRouter()
router.register("threads", api.ThreadViewSet, basename="thread")
router.register("messages", api.MessageViewSet, basename="message")

urlpatterns = router.urls
