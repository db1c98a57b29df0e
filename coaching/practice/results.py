"""A stored session's scores and its replay: plain functions over its turns.

Scores always come from the verdicts the turns stored and the trainers' rulings in force,
so a session reads the same whichever engine judged it and however often it is read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from coaching.engines import customer, judge
from coaching.engines.base import (
    signal_of,
    state_from_json,
    verdict_from_json,
    verdict_to_json,
)
from coaching.engines.judge import TurnVerdict
from coaching.engines.scoring import SessionScore, accumulate, score_results
from coaching.practice.models import PracticeSession, PracticeTurn, VerdictOverride
from coaching.practice.rules import apply_overrides
from coaching.scenario_model import Scenario
from domain.errors import DomainError


def rulings(overrides: Sequence[VerdictOverride]) -> dict[str, bool]:
    """The ruling in force per check or red line: the latest one."""
    in_force: dict[str, bool] = {}
    for override in sorted(overrides, key=lambda item: item.id):
        in_force[override.check_id] = override.passed
    return in_force


def score(
    scenario: Scenario,
    verdicts: Sequence[TurnVerdict],
    in_force: Mapping[str, bool],
    played: Played | None = None,
) -> SessionScore:
    """The scores in force. With the session (`played`: its persona, difficulty and seed),
    only checks of the objections its customer raised count as missed (see scoring.py)."""
    checks, blockers = accumulate(scenario, verdicts)
    raised = None if played is None else raised_in(scenario, played, verdicts)
    return score_results(scenario, *apply_overrides(checks, blockers, in_force), raised=raised)


class Played(Protocol):
    """What the customer state machine needs to play a session again (a row or its view)."""

    @property
    def persona_id(self) -> str: ...
    @property
    def difficulty(self) -> str: ...
    @property
    def seed(self) -> int: ...


def raised_in(
    scenario: Scenario, played: Played, verdicts: Sequence[TurnVerdict]
) -> tuple[str, ...] | None:
    """The objections the customer raised over these verdicts: the state machine played again
    from the seed (the objections raised depend on the checks passed, never on the wording).
    None when it cannot be played again (then every check counts)."""
    try:
        state, _ = customer.start(scenario, played.persona_id, played.difficulty, played.seed)
        for verdict in verdicts:
            if state.finished:
                break
            state, _ = customer.respond(scenario, state, signal_of(verdict))
    except DomainError:
        return None
    return customer.raised_objections(state)


def engine_passes(scenario: Scenario, verdicts: Sequence[TurnVerdict], item_id: str) -> bool:
    """The engine's own verdict on a check (passed in some turn) or a red line (never hit)."""
    checks, blockers = accumulate(scenario, verdicts)
    if any(check.check_id == item_id for check in checks):
        return any(check.passed for check in checks if check.check_id == item_id)
    return all(blocker.red_line_id != item_id for blocker in blockers)


@dataclass(frozen=True)
class ReplayedTurn:
    number: int
    stored_line: str
    replayed_line: str | None
    """None when the language model voiced the stored line: only its state is replayed."""
    same_line: bool
    same_verdict: bool
    same_state: bool


@dataclass(frozen=True)
class Replay:
    identical: bool
    turns: tuple[ReplayedTurn, ...]


def replay(scenario: Scenario, row: PracticeSession, turns: Sequence[PracticeTurn]) -> Replay:
    """Play the stored rep messages again from the stored seed. Turns the `rules` engine
    judged are judged again; verdicts of the language model are taken as stored (it is not
    deterministic), and the customer's state machine re-runs on them either way."""
    replayed: list[ReplayedTurn] = []
    state = None
    for turn in turns:
        voiced_by_rules = turn.customer_trace.get("engine") == "rules"
        if turn.number == 0:
            state, line = customer.start(scenario, row.persona_id, row.difficulty, row.seed)
            same_verdict = True
        else:
            if state is None or turn.verdict is None or turn.rep_message is None:
                # only the opening turn (number 0, always first) has no reply and no verdict
                raise ValueError(f"turn {turn.number} of session {row.id} is incomplete")
            stored = verdict_from_json(turn.verdict)
            judged_by_rules = (turn.judge_trace or {}).get("engine") == "rules"
            verdict = (
                judge.judge_turn(scenario, turn.rep_message, row.language)
                if judged_by_rules
                else stored
            )
            same_verdict = verdict_to_json(verdict) == turn.verdict
            state, line = customer.respond(scenario, state, signal_of(verdict, turn.rep_message))
        text = line.get(row.language)
        replayed.append(
            ReplayedTurn(
                number=turn.number,
                stored_line=turn.customer_line,
                replayed_line=text if voiced_by_rules else None,
                same_line=text == turn.customer_line if voiced_by_rules else True,
                same_verdict=same_verdict,
                same_state=state == state_from_json(turn.state),
            )
        )
    identical = all(t.same_line and t.same_verdict and t.same_state for t in replayed)
    return Replay(identical, tuple(replayed))


__all__ = [
    "Played",
    "Replay",
    "ReplayedTurn",
    "engine_passes",
    "raised_in",
    "replay",
    "rulings",
    "score",
]
