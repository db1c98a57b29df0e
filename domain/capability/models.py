"""Capability tables (being built)."""
