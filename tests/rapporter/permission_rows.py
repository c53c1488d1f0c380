"""Permission-matrix rows for the rapporter app (run by tests/test_permission_matrix.py)."""

ROWS: list = []
