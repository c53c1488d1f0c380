"""API routes of the registrering app, included under /api/v1/ by config/api_urls.py."""

urlpatterns: list = []
