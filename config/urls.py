"""The URL map: each app owns its URLs; the stable interfaces live here."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from kerne import views as kerne_views

urlpatterns = [
    path("", kerne_views.start, name="start"),
    path("healthz", kerne_views.healthz, name="healthz"),
    path("accounts/", include("kerne.auth_urls")),
    path("kerne/", include("kerne.urls")),
    path("visitation/", include("visitation.urls")),
    path("familieplan/", include("familieplan.urls")),
    path("registrering/", include("registrering.urls")),
    path("investering/", include("investering.urls")),
    path("netvaerk/", include("netvaerk.urls")),
    path("kontakt/", include("kontakt.urls")),
    path("rapporter/", include("rapporter.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]

handler403 = "kerne.views.forbidden"
handler404 = "kerne.views.not_found"
handler500 = "kerne.views.server_error"
