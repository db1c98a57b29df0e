"""Practice sessions: a rep's role-plays against a simulated customer, stored and scored."""
