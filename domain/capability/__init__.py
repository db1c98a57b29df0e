"""Capability scores per rep and dimension, their history, overrides and milestones."""
