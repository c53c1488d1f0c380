"""Version 1 of the API: every path here is documented in the OpenAPI schema at /api/schema/."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from kerne import api, api_errors

app_name = "api"

router = SimpleRouter()
router.register("families", api.FamilyViewSet, basename="family")
router.register("persons", api.PersonViewSet, basename="person")
router.register("consents", api.ConsentViewSet, basename="consent")

urlpatterns = [
    path("auth/token/", api.TokenObtainView.as_view(), name="token"),
    path("auth/tokens/<int:user_id>/", api.UserTokenRevokeView.as_view(), name="user-token-revoke"),
    *router.urls,
    # Each domain app owns its API routes in <app>/api_urls.py.
    path("", include("visitation.api_urls")),
    path("", include("familieplan.api_urls")),
    path("", include("registrering.api_urls")),
    path("", include("investering.api_urls")),
    path("", include("netvaerk.api_urls")),
    path("", include("kontakt.api_urls")),
    path("", include("rapporter.api_urls")),
    # Last: anything else under /api/v1/ is a JSON 404, not the HTML error page.
    re_path(r"^.*$", api_errors.not_found, name="not-found"),
]
