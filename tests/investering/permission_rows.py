"""Permission-matrix rows for the investering app (run by tests/test_permission_matrix.py)."""

ROWS: list = []
