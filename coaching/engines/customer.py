"""The `rules` engine's simulated customer: a small, deterministic state machine.

The scenario file scripts the customer; this module only decides which of its lines comes
next. The state is immutable: `start` makes the first one, `respond` returns the next one.

Start (`start(scenario, persona_id, difficulty, seed)`):
- trust = the difficulty's `initial_trust`, patience = its `patience`, turn 0, progress 0.
- The objection queue: `difficulty.objections` objections drawn without replacement from the
  pool, each draw weighted by the persona's `objection_weights` (default 1). An objection of
  weight 0 is never raised, so the queue can be shorter than asked.
- The first objection goes on the table; the opening line is one of the persona's opening
  lines followed by one phrasing of that objection.

Each rep turn (`respond(scenario, state, signal)`), the turn number rises by one, then the
first rule that applies decides the move:
1. `red_line` — the judge found a red line: trust -25, patience -1, and the customer pushes
   back on the objection on the table. Nothing the reply passed counts on that turn.
2. `addressed` — the reply passed a check listed in the current objection's `addressed_by`:
   trust +15, progress +1, an acknowledgement, and the next objection of the queue is raised
   in the same line. When the queue is empty, nothing is on the table any more.
3. `helpful` — the reply passed other checks: trust +5, progress +1; the customer restates the
   objection on the table (or, with none left, acknowledges the last one addressed).
4. `ignored` — the reply passed nothing: patience -1 and a pushback of the objection on the
   table (or of the last one addressed).
Then, in this order:
- agreed: nothing is left to raise (no objection on the table, the queue empty), the move was
  `addressed` or `helpful`, trust >= `trust_to_agree` and turn >= `turn_limits.min`;
  the line is a `closing_lines.agreed` one.
- declined: patience reached 0; the line is a `closing_lines.declined` one.
- turn_limit: turn reached `turn_limits.max`; the line is a `closing_lines.declined` one.
Trust stays within 0..100 and patience never goes below 0. A finished state refuses further
turns (`SESSION_FINISHED`). Whether the session passes is the scorer's business, not this
module's: a customer may agree with a rep who crossed a red line earlier.

Easy, normal and hard differ only through the scenario's difficulty numbers. Every choice
uses `random.Random` seeded from the session seed and the turn (never the global random), so
the same scenario, persona, difficulty, seed and signals give the same states and lines.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from coaching.engines.errors import EngineError
from coaching.scenario_model import DIFFICULTY_LEVELS, Objection, Scenario, Text
from domain.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "ADDRESSED_GAIN",
    "HELPFUL_GAIN",
    "RED_LINE_LOSS",
    "CustomerState",
    "Move",
    "Outcome",
    "TurnSignal",
    "respond",
    "script_to_pass",
    "start",
]

ADDRESSED_GAIN = 15
"""Trust gained when the reply addresses the objection on the table."""
HELPFUL_GAIN = 5
"""Trust gained when the reply passes checks that do not address the current objection."""
RED_LINE_LOSS = 25
"""Trust lost when the reply crosses a red line."""
RED_LINE_PATIENCE = 1
IGNORED_PATIENCE = 1
TRUST_MIN, TRUST_MAX = 0, 100

Outcome = Literal["agreed", "declined", "turn_limit"]
Move = Literal["opening", "red_line", "addressed", "helpful", "ignored"]


@dataclass(frozen=True)
class TurnSignal:
    """What the judge found in the rep's reply on one turn (check ids and red-line ids)."""

    passed_checks: frozenset[str] = frozenset()
    red_lines: frozenset[str] = frozenset()


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


def start(
    scenario: Scenario, persona_id: str, difficulty: str, seed: int
) -> tuple[CustomerState, Text]:
    """The customer's initial state and opening line. Raises `UNKNOWN_PERSONA` (NotFound)
    or `UNKNOWN_DIFFICULTY` (InvalidInput)."""
    persona = scenario.persona(persona_id)
    if persona is None:
        known = ", ".join(p.id for p in scenario.personas)
        raise NotFound(
            EngineError.UNKNOWN_PERSONA,
            f"场景 {scenario.id} 没有角色 {persona_id!r}（可选：{known}）",
            f"Scenario {scenario.id} has no persona {persona_id!r} (choose one of {known})",
            "persona_id",
        )
    if difficulty not in DIFFICULTY_LEVELS:
        levels = ", ".join(DIFFICULTY_LEVELS)
        raise InvalidInput(
            EngineError.UNKNOWN_DIFFICULTY,
            f"未知难度 {difficulty!r}（可选：{levels}）",
            f"Unknown difficulty {difficulty!r} (choose one of {levels})",
            "difficulty",
        )
    level = scenario.difficulties.get(difficulty)
    rng = _rng(seed, 0)
    weighted = [(o.id, persona.weight_of(o.id)) for o in scenario.objections]
    queue = _weighted_sample(rng, weighted, level.objection_count)
    current, rest = (queue[0], queue[1:]) if queue else (None, ())
    state = CustomerState(
        scenario_id=scenario.id,
        scenario_version=scenario.version,
        persona_id=persona.id,
        difficulty=difficulty,
        seed=seed,
        turn=0,
        trust=_clamp(level.initial_trust),
        patience=level.patience,
        progress=0,
        queue=rest,
        current_objection=current,
    )
    line = rng.choice(persona.opening_lines)
    if current is not None:
        line = _join(line, rng.choice(_objection(scenario, current).phrasings))
    return state, line


def respond(
    scenario: Scenario, state: CustomerState, signal: TurnSignal
) -> tuple[CustomerState, Text]:
    """The customer's next state and line after one rep reply, as the judge saw it."""
    if state.finished:
        raise Conflict(
            EngineError.SESSION_FINISHED,
            "这场练习已经结束，不能再回复",
            "This practice session has finished; it takes no more replies",
            "session_id",
        )
    if (scenario.id, scenario.version) != (state.scenario_id, state.scenario_version):
        raise InvalidInput(
            EngineError.SCENARIO_MISMATCH,
            "状态属于另一个场景或版本",
            f"The state belongs to {state.scenario_id} v{state.scenario_version}, "
            f"not {scenario.id} v{scenario.version}",
            "scenario_id",
        )
    level = scenario.difficulties.get(state.difficulty)
    turn = state.turn + 1
    rng = _rng(state.seed, turn)
    current = _objection(scenario, state.current_objection) if state.current_objection else None
    topic = current or _last_addressed(scenario, state)

    if signal.red_lines:
        move: Move = "red_line"
        state = replace(
            state,
            trust=_clamp(state.trust - RED_LINE_LOSS),
            patience=max(0, state.patience - RED_LINE_PATIENCE),
        )
        line = _pushback(rng, topic)
    elif current is not None and signal.passed_checks & set(current.addressed_by):
        move = "addressed"
        line = rng.choice(current.acknowledgements)
        following, queue = (state.queue[0], state.queue[1:]) if state.queue else (None, ())
        if following is not None:
            line = _join(line, rng.choice(_objection(scenario, following).phrasings))
        state = replace(
            state,
            trust=_clamp(state.trust + ADDRESSED_GAIN),
            progress=state.progress + 1,
            addressed=(*state.addressed, current.id),
            current_objection=following,
            queue=queue,
        )
    elif signal.passed_checks:
        move = "helpful"
        state = replace(
            state, trust=_clamp(state.trust + HELPFUL_GAIN), progress=state.progress + 1
        )
        if current is not None:
            line = rng.choice(current.phrasings)
        elif topic is not None:
            line = rng.choice(topic.acknowledgements)
        else:
            line = rng.choice(_persona_openings(scenario, state))
    else:
        move = "ignored"
        state = replace(state, patience=max(0, state.patience - IGNORED_PATIENCE))
        line = _pushback(rng, topic)

    if line is None:  # a pushback with nothing ever raised: repeat an opening line
        line = rng.choice(_persona_openings(scenario, state))
    elif move in ("red_line", "ignored"):
        state = replace(state, pushbacks=state.pushbacks + 1)

    outcome: Outcome | None = None
    nothing_left = state.current_objection is None and not state.queue
    if (
        move in ("addressed", "helpful")
        and nothing_left
        and state.trust >= level.trust_to_agree
        and turn >= scenario.turn_limits.min
    ):
        outcome, line = "agreed", rng.choice(scenario.closing_lines.agreed)
    elif state.patience <= 0:
        outcome, line = "declined", rng.choice(scenario.closing_lines.declined)
    elif turn >= scenario.turn_limits.max:
        outcome, line = "turn_limit", rng.choice(scenario.closing_lines.declined)
    state = replace(state, turn=turn, last_move=move, finished=outcome is not None, outcome=outcome)
    return state, line


def script_to_pass(scenario: Scenario) -> dict[str, str]:
    """Objection id → the id of one check that addresses it (the first of `addressed_by`
    that exists in the criteria): passing it on the right turn drives the customer forward."""
    script: dict[str, str] = {}
    for objection in scenario.objections:
        check_id = next((c for c in objection.addressed_by if scenario.check(c)), None)
        if check_id is not None:
            script[objection.id] = check_id
    return script


# --- helpers ---------------------------------------------------------------------------------


def _rng(seed: int, turn: int) -> random.Random:
    """A private generator for one turn; a str seed hashes the same in every process."""
    return random.Random(f"pacer-customer:{seed}:{turn}")


def _weighted_sample(
    rng: random.Random, weighted: Sequence[tuple[str, float]], count: int
) -> tuple[str, ...]:
    """Up to `count` ids drawn without replacement, each draw weighted; weight 0 never drawn."""
    pool = [(key, weight) for key, weight in weighted if weight > 0]
    chosen: list[str] = []
    while pool and len(chosen) < count:
        index = rng.choices(range(len(pool)), weights=[w for _, w in pool])[0]
        chosen.append(pool.pop(index)[0])
    return tuple(chosen)


def _objection(scenario: Scenario, objection_id: str) -> Objection:
    objection = scenario.objection(objection_id)
    if objection is None:
        raise InvalidInput(
            EngineError.SCENARIO_MISMATCH,
            f"场景中没有异议 {objection_id!r}",
            f"The scenario has no objection {objection_id!r}",
            "scenario_id",
        )
    return objection


def _last_addressed(scenario: Scenario, state: CustomerState) -> Objection | None:
    return _objection(scenario, state.addressed[-1]) if state.addressed else None


def _pushback(rng: random.Random, topic: Objection | None) -> Text | None:
    return rng.choice(topic.pushbacks) if topic is not None else None


def _persona_openings(scenario: Scenario, state: CustomerState) -> tuple[Text, ...]:
    persona = scenario.persona(state.persona_id)
    if persona is None:
        raise InvalidInput(
            EngineError.UNKNOWN_PERSONA,
            f"场景中没有角色 {state.persona_id!r}",
            f"The scenario has no persona {state.persona_id!r}",
            "persona_id",
        )
    return persona.opening_lines


def _join(first: Text, second: Text) -> Text:
    return Text(zh=first.zh + second.zh, en=f"{first.en} {second.en}")


def _clamp(trust: int) -> int:
    return max(TRUST_MIN, min(TRUST_MAX, trust))
