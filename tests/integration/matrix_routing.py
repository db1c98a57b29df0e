"""Authorization-matrix entries for the routing operations."""

OPERATIONS: dict = {}
