"""`pacer notify`: placeholder while it is built."""

from __future__ import annotations

import argparse


def register(commands, formatter_class: type[argparse.HelpFormatter]) -> None:
    """Add the `notify` command to the CLI."""
