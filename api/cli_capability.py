"""`pacer capability …` (being built)."""

from __future__ import annotations

import argparse


def register(commands, formatter_class: type[argparse.HelpFormatter]) -> None:
    """Add the `capability` commands to the CLI."""
