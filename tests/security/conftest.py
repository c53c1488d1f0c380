"""The permission matrix's world (three families, every kind of user) for the security proofs."""

from tests.test_permission_matrix import world  # noqa: F401 - a fixture, used by name
