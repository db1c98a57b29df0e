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

The lines themselves:
- a red line gets a reaction first (the red line's `reactions` in the file when it has them,
  else a built-in line), then the pushback;
- when the rep asks for a fact the customer's own lines hold (the budget, the seats/agents, a
  time span: a line of the persona or of an objection naming it with a number), that line
  answers first;
- a line that quotes the rep ("你说能提效20%", "your 'value'") is said only when the rep
  really said its numbers and its quoted words (kept in `rep_claims`);
- the same line is never said twice back to back (`last_line`); another line of the same
  kind, else of the objection's other lines, is taken instead.

Easy, normal and hard differ only through the scenario's difficulty numbers. Every choice
uses `random.Random` seeded from the session seed and the turn (never the global random), so
the same scenario, persona, difficulty, seed and signals give the same states and lines.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from coaching.engines.errors import EngineError
from coaching.engines.scoring import running_score
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
    "may_pass",
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

Outcome = Literal["agreed", "declined", "turn_limit"]
Move = Literal["opening", "red_line", "addressed", "helpful", "ignored", "hold"]
"""`hold`: the reply settled the last objection, but the score path does not allow a pass."""

REACTIONS = (
    Text(zh="这话我可不敢当真。", en="I can't take that at face value."),
    Text(zh="你这么说，我反而不太放心了。", en="Hearing that makes me trust you less, not more."),
)
"""Said to a red line when the scenario gives it no `reactions` of its own."""


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
    line = _pick(rng, ok, persona.opening_lines)
    if current is not None:
        objection = _objection(scenario, current)
        line = _join(line, _pick(rng, ok, objection.phrasings, objection.pushbacks))
    return replace(state, last_line=_key(line)), line


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
        rep_claims=_merged(state.rep_claims, _claims_in(scenario, signal.message)),
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
        reaction = _pick(rng, ok, _reactions(scenario, signal.red_lines))
        pushback = _pushback(rng, ok, topic)
        line = reaction if pushback is None else _join(reaction, pushback)
    elif current is not None and signal.passed_checks & set(current.addressed_by):
        move = "addressed"
        line = _pick(rng, ok, current.acknowledgements)
        following, queue = (state.queue[0], state.queue[1:]) if state.queue else (None, ())
        if following is not None:
            raised = _objection(scenario, following)
            line = _join(line, _pick(rng, ok, raised.phrasings, raised.pushbacks))
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
            line = _pick(rng, ok, current.phrasings, current.pushbacks)
        elif topic is not None:
            line = _pick(rng, ok, topic.acknowledgements, topic.pushbacks)
        else:
            line = _pick(rng, ok, _persona_openings(scenario, state))
    else:
        move = "ignored"
        state = replace(state, patience=max(0, state.patience - IGNORED_PATIENCE))
        line = _pushback(rng, ok, topic)

    if line is None:  # a pushback with nothing ever raised: repeat an opening line
        line = _pick(rng, ok, _persona_openings(scenario, state))
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
            line = _join(line, why_not) if move == "addressed" else why_not
            move = "hold"
    if outcome is None and state.patience <= 0:
        outcome, line = "declined", rng.choice(scenario.closing_lines.declined)
    elif outcome is None and turn >= scenario.turn_limits.max:
        outcome, line = "turn_limit", rng.choice(scenario.closing_lines.declined)
    if outcome is None:
        fact = _fact_asked(scenario, state, signal.message, ok)
        if fact is not None and fact.zh not in line.zh:
            line = _join(fact, line)
    state = replace(
        state,
        turn=turn,
        last_move=move,
        finished=outcome is not None,
        outcome=outcome,
        last_line=_key(line),
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
    return _pick(rng, ok, topic.pushbacks, topic.phrasings) if topic is not None else None


def _pick(rng: random.Random, ok: Sayable, *pools: Sequence[Text]) -> Text:
    """One line of the first pool that has a sayable one (`ok`); with none anywhere, a line
    of any pool that at least puts no words in the rep's mouth, else one of the first."""
    for pool in pools:
        sayable = [line for line in pool if ok(line)]
        if sayable:
            return rng.choice(sayable)
    truthful = [line for pool in pools for line in pool if ok.truthful(line)]
    return rng.choice(truthful or list(pools[0]))


def _key(line: Text) -> str:
    return f"{line.zh}\n{line.en}"


def _merged(kept: tuple[str, ...], more: Iterable[str]) -> tuple[str, ...]:
    added = [item for item in dict.fromkeys(more) if item not in kept]
    return (*kept, *added) if added else kept


_QUOTES_REP = re.compile(
    r"(?:你|您)(?:们)?(?:刚才|之前|一直)?说|\byou(?: just)? (?:say|said|claim)|\byour ['‘“\"]",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[“\"‘']([^”\"’']{1,20})[”\"’']")
_NUMBER = re.compile(r"\d[\d,，]*(?:\.\d+)?\s*(?:万|亿)?")


def numbers_in(text: str) -> set[str]:
    """The numbers of a text as values ("1,500" and "1500" alike, "15万" as 150000)."""
    values = set()
    for found in _NUMBER.findall(text):
        digits = re.sub(r"[,，\s万亿]", "", found)
        try:
            value = float(digits)
        except ValueError:
            continue
        value *= 10_000 if found.endswith("万") else 100_000_000 if found.endswith("亿") else 1
        values.add(f"{value:g}")
    return values


def _quoted_words(text: str) -> set[str]:
    return {word.strip().lower() for word in _QUOTED.findall(text) if word.strip()}


def _claims_in(scenario: Scenario, message: str) -> list[str]:
    """What of the scenario's rep-quoting lines the rep's `message` really says: the
    numbers of the message and the quoted words it contains."""
    if not message:
        return []
    said = message.lower()
    words = {
        word
        for objection in scenario.objections
        for line in (*objection.phrasings, *objection.pushbacks)
        for text in (line.zh, line.en)
        if _QUOTES_REP.search(text)
        for word in _quoted_words(text)
        if word in said
    }
    return sorted(numbers_in(message)) + sorted(words)


def _attributes_unsaid(line: Text, claims: Sequence[str]) -> bool:
    """Whether the line quotes the rep with numbers or words the rep never said (in either
    language: the rep may have said it in the other one)."""
    for text in (line.zh, line.en):
        if not _QUOTES_REP.search(text):
            continue
        if numbers_in(text) - set(claims) or _quoted_words(text) - set(claims):
            return True
    return False


@dataclass(frozen=True)
class Sayable:
    """Which lines the customer may say next: not the last line again, and no words put in
    the rep's mouth."""

    last_line: str
    rep_claims: tuple[str, ...]

    def truthful(self, line: Text) -> bool:
        return not _attributes_unsaid(line, self.rep_claims)

    def __call__(self, line: Text) -> bool:
        return _key(line) != self.last_line and self.truthful(line)


def _sayable(state: CustomerState) -> Sayable:
    return Sayable(state.last_line, state.rep_claims)


def _reactions(scenario: Scenario, red_line_ids: Iterable[str]) -> tuple[Text, ...]:
    """The scenario's reactions to these red lines (an optional `reactions` list of each red
    line in the file), else the built-in ones."""
    wanted = set(red_line_ids)
    found = tuple(
        Text(zh=item["zh"], en=item["en"])
        for red_line in scenario.raw.get("red_lines", ())
        if red_line.get("id") in wanted
        for item in red_line.get("reactions", ())
    )
    return found or REACTIONS


def _why_not(rng: random.Random, ok: Sayable, scenario: Scenario, state: CustomerState) -> Text:
    """Why the customer does not agree yet: the red line crossed, else a pushback of an
    objection a missed check would settle (those raised first), else of the last one
    addressed."""
    if state.red_lines:
        return _pick(rng, ok, _reactions(scenario, state.red_lines))
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
        return _pick(rng, ok, _persona_openings(scenario, state))
    return _pick(rng, ok, *pools)


_ASKED = {
    "budget": re.compile(r"预算|budget", re.IGNORECASE),
    "seats": re.compile(r"坐席|座席|多少人|几个人|人数|\bseats?\b|\bagents?\b|headcount", re.I),
    "time": re.compile(r"什么时候|多久|时间表|上线时间|\bwhen\b|timeline|how soon|how long", re.I),
}
_QUESTION = re.compile(r"[?？]|吗|多少|几个|什么|哪|\b(?:how|what|when|which)\b", re.IGNORECASE)
_FACT = {
    "budget": (re.compile(r"预算.*\d|\d.*预算"), re.compile(r"budget.*\d|\d.*budget", re.I)),
    "seats": (
        re.compile(r"\d+\s*(?:个)?(?:坐席|座席|人)"),
        re.compile(r"\d+\s*(?:seats|agents|people)", re.I),
    ),
    "time": (
        re.compile(r"\d+\s*(?:天|周|个月|月)"),
        re.compile(r"\d+\s*(?:days|weeks|months)", re.I),
    ),
}


def _fact_asked(scenario: Scenario, state: CustomerState, message: str, ok: Sayable) -> Text | None:
    """The customer's own line that answers what the rep asked (budget, seats, a time span):
    a line of the persona or of its objections that names it with a number."""
    if not message or not _QUESTION.search(message):
        return None
    persona = scenario.persona(state.persona_id)
    lines = [
        *(persona.opening_lines if persona else ()),
        *(line for o in scenario.objections for line in (*o.phrasings, *o.pushbacks)),
    ]
    for topic, asked in _ASKED.items():
        if not asked.search(message):
            continue
        zh_fact, en_fact = _FACT[topic]
        for line in lines:
            if zh_fact.search(line.zh) and en_fact.search(line.en) and ok(line):
                return line
    return None


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
