"""URLs of the registrering app."""

app_name = "registrering"
urlpatterns: list = []
