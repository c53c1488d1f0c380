"""Permission-matrix rows for the netvaerk app (run by tests/test_permission_matrix.py)."""

ROWS: list = []
