"""Coaching: the scenario sandbox, capability updates from practice, and lead routing.

It builds on `domain` and is used by `api`; see DESIGN.md §1, §6 and §7.
"""
