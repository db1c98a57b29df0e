"""Authorization-matrix entries for the reviews operations (merged in test_authorization_matrix)."""

OPERATIONS: dict = {}
