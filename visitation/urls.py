"""URLs of the visitation app."""

app_name = "visitation"
urlpatterns: list = []
