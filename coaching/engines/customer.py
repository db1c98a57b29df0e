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
  `addressed` or `helpful`, trust >= `trust_to_agree`, turn >= `turn_limits.min` and the
  score path allows a pass: the score of the checks passed so far (scored as the scorer does,
  `scoring.running_score`) reaches the pass mark and no red line was ever crossed. The line is
  a `closing_lines.agreed` one. When everything but the score path holds, the customer holds
  back and says why not (`hold`): a reaction to the red line crossed, else a pushback of an
  objection that a missed check would settle, else of the last one addressed.
- declined: patience reached 0; the line is a `closing_lines.declined` one.
- turn_limit: turn reached `turn_limits.max`; the line is a `closing_lines.declined` one.
Trust stays within 0..100 and patience never goes below 0. A finished state refuses further
turns (`SESSION_FINISHED`). So a customer never agrees while the session would fail.

The lines themselves (`customer_lines`, `customer_facts`):
- a red line gets a reaction first (the red line's `reactions` in the file, else a built-in
  line), then the pushback; with a red line crossed the customer never agrees (`hold`);
- when the rep asks for a fact (budget, seats, timeline … in either language), the persona's
  `facts` answer first; a persona that lists facts never makes up one it lacks;
- a line that quotes the rep is said only when the rep really said its numbers and quoted
  words; the same line is never said twice back to back.

Easy, normal and hard differ only through the scenario's difficulty numbers. Every choice
uses `random.Random` seeded from the session seed and the turn (never the global random), so
the same scenario, persona, difficulty, seed and signals give the same states and lines.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import replace

from coaching.engines.customer_facts import fact_answer
from coaching.engines.customer_lines import (
    REACTIONS,
    Sayable,
    claims_in,
    join,
    key,
    numbers_in,
    pick,
    reactions,
)
from coaching.engines.customer_state import CustomerState, Move, Outcome, TurnSignal
from coaching.engines.errors import EngineError
from coaching.engines.scoring import running_score
from coaching.scenario_model import DIFFICULTY_LEVELS, Objection, Scenario, Text
from domain.errors import Conflict, InvalidInput, NotFound

__all__ = [
    "REACTIONS",
    "ADDRESSED_GAIN",
    "HELPFUL_GAIN",
    "RED_LINE_LOSS",
    "CustomerState",
    "Move",
    "Outcome",
    "TurnSignal",
    "may_pass",
    "numbers_in",
    "raised_objections",
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
    ok = _sayable(state)
    line = pick(rng, ok, persona.opening_lines)
    if current is not None:
        objection = _objection(scenario, current)
        line = join(line, pick(rng, ok, objection.phrasings, objection.pushbacks))
    return replace(state, last_line=key(line)), line


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
    state = replace(
        state,
        passed=_merged(state.passed, sorted(signal.passed_checks)),
        red_lines=_merged(state.red_lines, sorted(signal.red_lines)),
        rep_claims=_merged(state.rep_claims, claims_in(scenario, signal.message)),
    )
    ok = _sayable(state)

    line: Text | None
    if signal.red_lines:
        move: Move = "red_line"
        state = replace(
            state,
            trust=_clamp(state.trust - RED_LINE_LOSS),
            patience=max(0, state.patience - RED_LINE_PATIENCE),
        )
        reaction = pick(rng, ok, reactions(scenario, signal.red_lines))
        pushback = _pushback(rng, ok, topic)
        line = reaction if pushback is None else join(reaction, pushback)
    elif current is not None and signal.passed_checks & set(current.addressed_by):
        move = "addressed"
        line = pick(rng, ok, current.acknowledgements)
        following, queue = (state.queue[0], state.queue[1:]) if state.queue else (None, ())
        if following is not None:
            raised = _objection(scenario, following)
            line = join(line, pick(rng, ok, raised.phrasings, raised.pushbacks))
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
            line = pick(rng, ok, current.phrasings, current.pushbacks)
        elif topic is not None:
            line = pick(rng, ok, topic.acknowledgements, topic.pushbacks)
        else:
            line = pick(rng, ok, _persona_openings(scenario, state))
    else:
        move = "ignored"
        state = replace(state, patience=max(0, state.patience - IGNORED_PATIENCE))
        line = _pushback(rng, ok, topic)

    if line is None:  # a pushback with nothing ever raised: repeat an opening line
        line = pick(rng, ok, _persona_openings(scenario, state))
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
        if may_pass(scenario, state):
            outcome, line = "agreed", rng.choice(scenario.closing_lines.agreed)
        else:
            why_not = _why_not(rng, ok, scenario, state)
            line = join(line, why_not) if move == "addressed" else why_not
            move = "hold"
    if outcome is None and state.patience <= 0:
        outcome, line = "declined", rng.choice(scenario.closing_lines.declined)
    elif outcome is None and turn >= scenario.turn_limits.max:
        outcome, line = "turn_limit", rng.choice(scenario.closing_lines.declined)
    if outcome is None:
        fact = fact_answer(scenario, state.persona_id, signal.message, ok)
        if fact is not None and fact.zh not in line.zh:
            line = join(fact, line)
    state = replace(
        state,
        turn=turn,
        last_move=move,
        finished=outcome is not None,
        outcome=outcome,
        last_line=key(line),
    )
    return state, line


def may_pass(scenario: Scenario, state: CustomerState) -> bool:
    """Whether the score path allows a pass: no red line crossed, and the checks passed so
    far score at least the pass mark (only checks of objections raised count as missed)."""
    if state.red_lines:
        return False
    raised = raised_objections(state)
    return running_score(scenario, state.passed, raised) >= scenario.pass_mark


def raised_objections(state: CustomerState) -> tuple[str, ...]:
    """The objections the customer has raised so far: those addressed and the one on the
    table (the queue is still unsaid)."""
    on_table = (state.current_objection,) if state.current_objection else ()
    return (*state.addressed, *on_table)


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


def _pushback(rng: random.Random, ok: Sayable, topic: Objection | None) -> Text | None:
    return pick(rng, ok, topic.pushbacks, topic.phrasings) if topic is not None else None


def _merged(kept: tuple[str, ...], more: Iterable[str]) -> tuple[str, ...]:
    added = [item for item in dict.fromkeys(more) if item not in kept]
    return (*kept, *added) if added else kept


def _why_not(rng: random.Random, ok: Sayable, scenario: Scenario, state: CustomerState) -> Text:
    """Why the customer does not agree yet: the red line crossed, else a pushback of an
    objection a missed check would settle (those raised first), else of the last one
    addressed."""
    if state.red_lines:
        return pick(rng, ok, reactions(scenario, state.red_lines))
    missed = {c.id for crit in scenario.criteria for c in crit.checks} - set(state.passed)
    raised = raised_objections(state)
    unsettled = sorted(
        (o for o in scenario.objections if missed & set(o.addressed_by)),
        key=lambda o: (o.id not in raised, scenario.objections.index(o)),
    )
    pools = [o.pushbacks for o in unsettled]
    last = _last_addressed(scenario, state)
    if last is not None:
        pools.append(last.pushbacks)
    if not pools:
        return pick(rng, ok, _persona_openings(scenario, state))
    return pick(rng, ok, *pools)


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


def _sayable(state: CustomerState) -> Sayable:
    return Sayable(state.last_line, state.rep_claims)


def _clamp(trust: int) -> int:
    return max(TRUST_MIN, min(TRUST_MAX, trust))
