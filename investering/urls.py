"""URLs of the investering app."""

app_name = "investering"
urlpatterns: list = []
