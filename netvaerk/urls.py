"""URLs of the netvaerk app."""

app_name = "netvaerk"
urlpatterns: list = []
