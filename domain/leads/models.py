"""Lead and routing-decision tables (being built)."""
