"""Authorization-matrix entries for the alerts operations (merged in test_authorization_matrix)."""

OPERATIONS: dict = {}
