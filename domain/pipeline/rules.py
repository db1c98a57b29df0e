"""Pure pipeline rules: stage gates (JSON Schemas), legal moves, closing a deal."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from domain.errors import BrokenRules, Conflict, DomainError, InvalidInput
from domain.kernel import schema_messages
from domain.kernel.actor import Actor
from domain.pipeline.errors import PipelineError
from domain.pipeline.stages import LEGAL_MOVES, OPEN_STAGES, Move, Stage

DEFAULT_GATES = Path(__file__).with_name("gates.json")


@dataclass(frozen=True)
class Gates:
    """The qualification schema, each stage's entry gate, and which stages may be skipped."""

    qualification: Draft202012Validator
    gates: Mapping[Stage, Draft202012Validator]
    skippable: frozenset[Stage]


class GatesFileError(ValueError):
    """The gates file is not valid; the message names the file and the problem."""


@lru_cache(maxsize=4)
def load_gates(path: Path = DEFAULT_GATES) -> Gates:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
        schemas = {"qualification": config["qualification"]} | {
            f"stages.{name}.gate": stage["gate"] for name, stage in config["stages"].items()
        }
        for where, schema in schemas.items():
            try:
                Draft202012Validator.check_schema(schema)
            except SchemaError as error:
                raise GatesFileError(f"{path}: {where}: {error.message}") from None
        stages = {Stage(name): stage for name, stage in config["stages"].items()}
    except (OSError, json.JSONDecodeError, KeyError, ValueError, TypeError) as error:
        if isinstance(error, GatesFileError):
            raise
        raise GatesFileError(f"{path}: {error}") from None

    def validator(schema: dict) -> Draft202012Validator:
        return Draft202012Validator(schema, format_checker=FormatChecker())

    return Gates(
        qualification=validator(config["qualification"]),
        gates={stage: validator(spec["gate"]) for stage, spec in stages.items()},
        skippable=frozenset(s for s, spec in stages.items() if spec.get("skippable", False)),
    )


def _field(path: list[Any]) -> str:
    return ".".join(["qualification", *(str(part) for part in path)])


def schema_errors(
    validator: Draft202012Validator, data: dict, missing_code: StrEnum, invalid_code: StrEnum
) -> list[DomainError]:
    """One coded error per missing or invalid field, named by its path in the data."""
    errors: list[DomainError] = []
    seen: set[str] = set()
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.path)):
        if error.validator == "required":
            # jsonschema reports each missing property as its own error, all naming the list
            missing = [name for name in error.validator_value if name not in error.instance]
            for name in missing:
                field = _field([*error.path, name])
                if field not in seen:
                    seen.add(field)
                    errors.append(
                        InvalidInput(missing_code, f"缺少 {name}", f"{name} is required", field)
                    )
        else:
            broken = schema_messages.rule(error)
            errors.append(
                InvalidInput(
                    invalid_code,
                    f"取值无效：{broken.zh}",
                    f"Invalid value: it {broken.en}",
                    _field(list(error.path)),
                )
            )
    return errors


def check_qualification(gates: Gates, data: dict) -> None:
    errors = schema_errors(
        gates.qualification,
        data,
        PipelineError.INVALID_QUALIFICATION,
        PipelineError.INVALID_QUALIFICATION,
    )
    if errors:
        raise BrokenRules(errors)


def check_gate(gates: Gates, stage: Stage, data: dict) -> None:
    """Entering `stage` needs its gate to pass on the qualification data."""
    validator = gates.gates.get(stage)
    if validator is None:
        return
    errors = schema_errors(
        validator, data, PipelineError.MISSING_QUALIFICATION, PipelineError.INVALID_QUALIFICATION
    )
    if errors:
        raise BrokenRules(errors)


def check_gates_up_to(gates: Gates, stage: Stage, data: dict) -> None:
    """Standing in `stage` needs the gates of every stage up to it to hold."""
    for passed in OPEN_STAGES[1 : OPEN_STAGES.index(stage) + 1]:
        check_gate(gates, passed, data)


def check_move(move: Move, source: Stage, target: Stage) -> None:
    """The move must be in the table of legal moves."""
    if (source, target) in LEGAL_MOVES[move]:
        return
    if not source.is_open and move != Move.REOPEN:
        raise Conflict(
            PipelineError.CLOSED,
            f"商机已{source.label_zh}，不能再推进；如需继续请由经理重新打开",
            f"The opportunity is {source.value}; a manager can reopen it",
            "id",
        )
    raise Conflict(
        PipelineError.ILLEGAL_TRANSITION,
        f"不能从“{source.label_zh}”到“{target.label_zh}”",
        f"Cannot go from {source.value} to {target.value}",
        "to_stage",
    )


def advance_target(gates: Gates, source: Stage, wanted: Stage | None) -> Stage:
    """The stage an advance enters: the next one, or `wanted` when every stage jumped over
    is skippable."""
    if not source.is_open:
        check_move(Move.ADVANCE, source, wanted or source)
    index = OPEN_STAGES.index(source)
    if wanted is None:
        if index + 1 >= len(OPEN_STAGES):
            raise Conflict(
                PipelineError.ILLEGAL_TRANSITION,
                "谈判阶段之后只能赢单或丢单",
                "After negotiation a deal is won or lost",
                "to_stage",
            )
        return OPEN_STAGES[index + 1]
    check_move(Move.ADVANCE, source, wanted)
    jumped = OPEN_STAGES[index + 1 : OPEN_STAGES.index(wanted)]
    blocked = [stage for stage in jumped if stage not in gates.skippable]
    if blocked:
        names_zh = "、".join(stage.label_zh for stage in blocked)
        names_en = ", ".join(stage.value for stage in blocked)
        raise Conflict(
            PipelineError.ILLEGAL_TRANSITION,
            f"不能跳过：{names_zh}",
            f"These stages cannot be skipped: {names_en}",
            "to_stage",
        )
    return wanted


def previous_stage(source: Stage) -> Stage:
    index = OPEN_STAGES.index(source) if source.is_open else 0
    if index == 0:
        check_move(Move.BACK, source, source)
    return OPEN_STAGES[index - 1]


def check_win(signed_amount: int, signed_on: date, today: date) -> None:
    if signed_amount <= 0:
        raise InvalidInput(
            PipelineError.INVALID_AMOUNT,
            "签约金额必须大于零",
            "The signed amount must be above zero",
            "signed_amount",
        )
    if signed_on > today:
        raise InvalidInput(
            PipelineError.INVALID_DATE,
            "签约日期不能在将来",
            "The signing date cannot be in the future",
            "signed_on",
        )


CLOCK_SKEW = timedelta(minutes=5)


def check_occurred_at(occurred_at: datetime, now: datetime, max_age_days: int) -> None:
    """A follow-up happened, and not too long ago: old entries are memory, not data."""
    if occurred_at > now + CLOCK_SKEW:
        raise InvalidInput(
            PipelineError.FUTURE_DATE,
            "跟进时间不能在将来",
            "A follow-up cannot happen in the future",
            "occurred_at",
        )
    if occurred_at < now - timedelta(days=max_age_days):
        raise InvalidInput(
            PipelineError.TOO_OLD,
            f"只能补记 {max_age_days} 天内的跟进",
            f"Follow-ups can be logged at most {max_age_days} days after they happened",
            "occurred_at",
        )


def check_next_step(next_step: str | None, due: date | None, occurred_on: date) -> None:
    if due is not None and not (next_step or "").strip():
        raise InvalidInput(
            PipelineError.NEXT_STEP_REQUIRED,
            "有截止日期时请写明下一步",
            "Say what the next step is",
            "next_step",
        )
    if due is not None and due < occurred_on:
        raise InvalidInput(
            PipelineError.INVALID_DUE_DATE,
            "下一步的截止日期不能早于本次跟进",
            "The next step cannot be due before the follow-up",
            "next_step_due",
        )


def clean_required_reason(reason: str | None, field: str = "reason") -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise InvalidInput(PipelineError.REASON_REQUIRED, "请说明原因", "Give a reason", field)
    return text


def transition_values(
    actor: Actor,
    opportunity_id: int,
    source: Stage | None,
    target: Stage,
    move: Move,
    reason: str | None,
    now: datetime,
    seconds_in_previous: int | None = None,
) -> dict[str, Any]:
    """The columns of one stage transition on record."""
    return {
        "opportunity_id": opportunity_id,
        "from_stage": source.value if source else None,
        "to_stage": target.value,
        "action": move.value,
        "at": now,
        "actor_user_id": actor.user_id or None,
        "reason": reason,
        "seconds_in_previous": seconds_in_previous,
    }
