"""API routes of the investering app, included under /api/v1/ by config/api_urls.py."""

urlpatterns: list = []
