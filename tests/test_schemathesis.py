"""Schemathesis against the live OpenAPI schema (issue 10, §3, ASVS V5/V13): every operation,
a fixed number of generated requests, signed in as a case manager with a family of their own.
No answer may be a server error, and every answer must match the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from config.wsgi import application
from kerne.models import Rolle
from tests.factories import ProjektFactory, family_of, user_with_role

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """The app runs in-process inside the test's transaction; like Django's test client, do
    not let the request signals close that connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db) -> str:
    projekt = ProjektFactory()
    koordinator = user_with_role(Rolle.KOORDINATOR, projekt)
    family_of(koordinator, projekt)
    return Token.objects.create(user=koordinator).key


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_fails_and_answers_as_its_schema_says(case, token):
    response = case.call(headers={"Authorization": f"Token {token}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
