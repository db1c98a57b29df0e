"""Leads from marketing intake and the routing decisions about them, as data."""
