"""Alembic environment and revisions of Pacer's schema."""
