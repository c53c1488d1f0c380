"""Permission-matrix rows for the familieplan app (run by tests/test_permission_matrix.py)."""

ROWS: list = []
