"""Permission-matrix rows for the registrering app (run by tests/test_permission_matrix.py)."""

ROWS: list = []
