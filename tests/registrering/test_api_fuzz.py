"""The registration API's POST endpoints are fuzzed in tests/registrering/test_api.py
(`test_malformed_bodies_to_every_registration_endpoint_are_4xx`); OURS tells
tests/test_openapi.py which API resources this app answers for."""

OURS = ("indicators", "registrations", "questionnaires", "risks", "milestones")
