"""The authorization matrix's entries per context, merged by
tests/integration/api/test_authorization_matrix.py: operation -> (document, variables builder,
logins allowed)."""
