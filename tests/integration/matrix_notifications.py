"""Authorization-matrix entries for the notifications operations."""

OPERATIONS: dict = {}
