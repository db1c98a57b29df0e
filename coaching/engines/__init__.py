"""Coaching engines: the simulated customer and the judge."""
