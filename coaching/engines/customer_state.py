"""The simulated customer's state and what it learns of a rep turn (see `customer.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CustomerState", "Move", "Outcome", "TurnSignal"]

Outcome = Literal["agreed", "declined", "turn_limit"]
Move = Literal["opening", "red_line", "addressed", "helpful", "ignored", "hold"]
"""`hold`: the reply settled the last objection, but the score path does not allow a pass."""


@dataclass(frozen=True)
class TurnSignal:
    """What the judge found in the rep's reply on one turn (check ids and red-line ids)."""

    passed_checks: frozenset[str] = frozenset()
    red_lines: frozenset[str] = frozenset()
    message: str = ""
    """The rep's words: what they asked, and what a line may quote them as saying."""


@dataclass(frozen=True)
class CustomerState:
    """The simulated customer after a turn. Never mutated: `respond` returns a new one."""

    scenario_id: str
    scenario_version: int
    persona_id: str
    difficulty: str
    seed: int
    turn: int
    """Rep turns answered so far (0 right after the opening line)."""
    trust: int
    """0..100; the customer agrees only at or above the difficulty's `trust_to_agree`."""
    patience: int
    """Unhelpful replies left before the customer declines; never negative."""
    progress: int
    """Replies that moved the conversation forward (addressed or helpful)."""
    queue: tuple[str, ...]
    """Objection ids still to raise, in order."""
    current_objection: str | None
    """The objection on the table, or None when every raised one has been addressed."""
    addressed: tuple[str, ...] = ()
    """Objection ids addressed, in order."""
    pushbacks: int = 0
    """Pushback lines given so far."""
    last_move: Move = "opening"
    finished: bool = False
    outcome: Outcome | None = None
    passed: tuple[str, ...] = ()
    """Check ids passed in any turn so far, in order: the score path."""
    red_lines: tuple[str, ...] = ()
    """Red-line ids crossed so far: with any, the session cannot pass."""
    rep_claims: tuple[str, ...] = ()
    """Numbers and quoted words of the customer's lines that the rep really said."""
    last_line: str = ""
    """The last line said (zh and en), never said again right after."""
