"""Authorization-matrix entries for the health operations (merged in test_authorization_matrix)."""

OPERATIONS: dict = {}
