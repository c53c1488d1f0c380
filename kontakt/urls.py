"""URLs of the kontakt app."""

app_name = "kontakt"
urlpatterns: list = []
