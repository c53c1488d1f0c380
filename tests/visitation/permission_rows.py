"""Permission-matrix rows for the visitation app (run by tests/test_permission_matrix.py)."""

ROWS: list = []
