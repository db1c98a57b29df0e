"""Authorization-matrix entries for the capability operations."""

OPERATIONS: dict = {}
