"""One interface for both engines, and the `rules` engine behind it.

A practice session talks to an engine in three moves: `open` (the customer's first line),
`judge` (the checks and red lines of one rep reply) and `reply` (the customer's next line).
The customer's *state* — trust, patience, the objection queue — always moves by the rules
state machine in `customer.py`, whichever engine voices it (DESIGN.md §6: the persona keeps
state so it does not drift into agreeing). Every result carries an `EngineTrace`: which
engine really produced it and, when the chosen one fell back to `rules`, why.

`emit` receives the customer's line piece by piece as it is produced, for streaming.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, overload

from coaching.engines import customer
from coaching.engines.customer import CustomerState, TurnSignal
from coaching.engines.judge import CheckVerdict, Evidence, RedLineHit, TurnVerdict, judge_turn
from coaching.scenario_model import Scenario

EngineName = Literal["rules", "llm"]
ENGINES: tuple[EngineName, ...] = ("rules", "llm")

Emit = Callable[[str], Awaitable[None]]
"""Receives the next piece of the customer's line."""


async def _ignore(_: str) -> None:
    return None


NO_EMIT: Emit = _ignore


@dataclass(frozen=True)
class Line:
    """One line of the transcript so far, in the session's language."""

    speaker: Literal["customer", "rep"]
    text: str


@dataclass(frozen=True)
class EngineTrace:
    """How a result was produced."""

    engine: EngineName
    """The engine that produced the result (`rules` after a fallback)."""
    fallback_reason: str | None = None
    """Why the chosen engine's output was not used: timeout, rate_limited, http_error,
    malformed_json, schema_invalid, invented_quote, unknown_check … None when it was."""
    fallback_detail: str | None = None
    model: str | None = None
    system_fingerprint: str | None = None
    prompt_version: str | None = None
    response_format: str | None = None
    """json_schema, json_object or None (rules)."""
    cached: bool = False
    red_lines_added: tuple[str, ...] = ()
    """Red lines the model's second look added to the rules judge's hits (llm judge only)."""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["red_lines_added"] = list(self.red_lines_added)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EngineTrace:
        return cls(**{**data, "red_lines_added": tuple(data.get("red_lines_added", ()))})


RULES_TRACE = EngineTrace(engine="rules")


@dataclass(frozen=True)
class Judgement:
    verdict: TurnVerdict
    trace: EngineTrace


@dataclass(frozen=True)
class CustomerTurn:
    state: CustomerState
    line: str
    """The customer's line in the session's language."""
    trace: EngineTrace


class Engine(ABC):
    """What every engine shares: the customer's state moves by the state machine, on `open`
    and on each `reply`; an engine judges replies (`judge`) and words the state machine's
    line its own way (`_voice`; the rules engine says it as it is)."""

    name: EngineName

    def turn(self) -> Engine:
        """This engine for one turn or one session start: an engine that waits on a remote
        model binds a fresh deadline here, shared by the calls of that turn (see llm.py)."""
        return self

    async def open(
        self,
        scenario: Scenario,
        persona_id: str,
        difficulty: str,
        seed: int,
        language: str,
        emit: Emit = NO_EMIT,
    ) -> CustomerTurn:
        state, gist = customer.start(scenario, persona_id, difficulty, seed)
        return await self._voice(scenario, state, gist.get(language), (), language, emit)

    @abstractmethod
    async def judge(
        self, scenario: Scenario, message: str, language: str, transcript: Sequence[Line]
    ) -> Judgement:
        """The verdict on the rep's `message`, per check, with evidence."""

    async def reply(
        self,
        scenario: Scenario,
        state: CustomerState,
        signal: TurnSignal,
        transcript: Sequence[Line],
        language: str,
        emit: Emit = NO_EMIT,
    ) -> CustomerTurn:
        state, gist = customer.respond(scenario, state, signal)
        return await self._voice(scenario, state, gist.get(language), transcript, language, emit)

    async def _voice(self, scenario, state, gist, transcript, language, emit) -> CustomerTurn:
        """The customer's line worded from `gist` (the state machine's line), sent to `emit`."""
        for piece in pieces(gist):
            await emit(piece)
        return CustomerTurn(state, gist, RULES_TRACE)


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=[.] )")


def pieces(line: str) -> list[str]:
    """A finished line cut after each sentence, for engines that do not stream by nature."""
    parts = [part for part in _SENTENCE_END.split(line) if part]
    return parts or [line]


class RulesEngine(Engine):
    """The default engine: offline and deterministic for a seed and a transcript."""

    name: EngineName = "rules"

    async def judge(self, scenario, message, language, transcript):
        return Judgement(judge_turn(scenario, message, language), RULES_TRACE)


def signal_of(verdict: TurnVerdict, message: str = "") -> TurnSignal:
    """What the customer state machine learns from a verdict on the rep's `message`."""
    return TurnSignal(
        passed_checks=frozenset(verdict.passed_check_ids),
        red_lines=frozenset(hit.red_line_id for hit in verdict.red_lines),
        message=message,
    )


# --- JSON forms, for storage and the verdict cache ------------------------------------------


def _evidence_json(evidence: Evidence | None) -> dict[str, Any] | None:
    return None if evidence is None else asdict(evidence)


@overload
def _evidence(data: dict[str, Any]) -> Evidence: ...
@overload
def _evidence(data: dict[str, Any] | None) -> Evidence | None: ...


def _evidence(data: dict[str, Any] | None) -> Evidence | None:
    return None if data is None else Evidence(**data)


def verdict_to_json(verdict: TurnVerdict) -> dict[str, Any]:
    return {
        "scenario_id": verdict.scenario_id,
        "rubric_hash": verdict.rubric_hash,
        "language": verdict.language,
        "checks": [
            {
                "check_id": check.check_id,
                "criterion_id": check.criterion_id,
                "passed": check.passed,
                "evidence": _evidence_json(check.evidence),
                "counter_evidence": _evidence_json(check.counter_evidence),
            }
            for check in verdict.checks
        ],
        "red_lines": [
            {"red_line_id": hit.red_line_id, "evidence": _evidence_json(hit.evidence)}
            for hit in verdict.red_lines
        ],
    }


def verdict_from_json(data: dict[str, Any]) -> TurnVerdict:
    return TurnVerdict(
        scenario_id=data["scenario_id"],
        rubric_hash=data["rubric_hash"],
        language=data["language"],
        checks=tuple(
            CheckVerdict(
                check_id=check["check_id"],
                criterion_id=check["criterion_id"],
                passed=check["passed"],
                evidence=_evidence(check["evidence"]),
                counter_evidence=_evidence(check.get("counter_evidence")),
            )
            for check in data["checks"]
        ),
        red_lines=tuple(
            RedLineHit(hit["red_line_id"], _evidence(hit["evidence"])) for hit in data["red_lines"]
        ),
    )


_STATE_LISTS = ("queue", "addressed", "passed", "red_lines", "rep_claims")
"""The tuple fields of a CustomerState, lists in JSON (the last three may be missing from a
state stored before they existed)."""


def state_to_json(state: CustomerState) -> dict[str, Any]:
    data = asdict(state)
    for name in _STATE_LISTS:
        data[name] = list(getattr(state, name))
    return data


def state_from_json(data: dict[str, Any]) -> CustomerState:
    lists = {name: tuple(data[name]) for name in _STATE_LISTS if name in data}
    return CustomerState(**{**data, **lists})


__all__ = [
    "ENGINES",
    "NO_EMIT",
    "RULES_TRACE",
    "CustomerTurn",
    "Emit",
    "Engine",
    "EngineName",
    "EngineTrace",
    "Judgement",
    "Line",
    "RulesEngine",
    "pieces",
    "signal_of",
    "state_from_json",
    "state_to_json",
    "verdict_from_json",
    "verdict_to_json",
]
