"""API routes of the netvaerk app, included under /api/v1/ by config/api_urls.py."""

urlpatterns: list = []
