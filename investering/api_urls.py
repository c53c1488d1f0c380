"""API routes of the investering app, included under /api/v1/ by config/api_urls.py."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from investering import api
from kerne.api import ID_PATTERN

router = SimpleRouter()
router.register("cost-types", api.CostTypeViewSet, basename="cost-type")
router.register("prices", api.PriceViewSet, basename="price")
router.register("cost-lines", api.CostLineViewSet, basename="cost-line")

urlpatterns = [
    *router.urls,
    path("business-case/", api.BusinessCaseView.as_view(), name="business-case"),
    re_path(
        rf"^family-economy/(?P<pk>{ID_PATTERN})/$",
        api.FamilyEconomyView.as_view(),
        name="family-economy",
    ),
]
