"""URLs of the family plan app."""

from django.urls import path

from familieplan import views

app_name = "familieplan"
urlpatterns = [
    path("portal/", views.portal, name="portal"),
]
