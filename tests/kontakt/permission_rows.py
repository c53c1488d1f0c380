"""Permission-matrix rows for the kontakt app (run by tests/test_permission_matrix.py)."""

ROWS: list = []
