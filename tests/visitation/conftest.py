import pytest

from tests.visitation.factories import make_org


@pytest.fixture
def org(projekt):
    return make_org(projekt)
