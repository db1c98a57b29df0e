"""`pacer alerts`: placeholder while it is built."""

from __future__ import annotations

import argparse


def register(commands, formatter_class: type[argparse.HelpFormatter]) -> None:
    """Add the `alerts` command to the CLI."""
