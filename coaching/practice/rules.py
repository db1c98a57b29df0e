"""Plain rules of a practice session: what a rep may send, what feedback a turn gives,
which persona a seed picks, and how a trainer's overrides change the results."""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from coaching.engines.customer import numbers_in
from coaching.engines.judge import Evidence, TurnVerdict
from coaching.engines.scoring import Blocker, CheckResult
from coaching.practice.errors import PracticeError
from coaching.scenario_model import Check, Scenario, Text, language_of
from domain.errors import InvalidInput

MESSAGE_MAX = 2000
"""Characters in one rep reply: a long paragraph, far more than anyone says in one breath."""
SEED_MAX = 2**31 - 1


def clean_message(message: str) -> str:
    """The reply as the rep wrote it, outer whitespace trimmed. The judge quotes it, so
    inner spacing is never touched."""
    cleaned = message.strip()
    if not cleaned:
        raise InvalidInput(
            PracticeError.MESSAGE_EMPTY,
            "回复不能为空",
            "The reply is empty; write what you would say",
            "message",
        )
    if len(cleaned) > MESSAGE_MAX:
        raise InvalidInput(
            PracticeError.MESSAGE_TOO_LONG,
            f"回复最多 {MESSAGE_MAX} 个字符（现在 {len(cleaned)} 个）",
            f"A reply holds at most {MESSAGE_MAX} characters (this one has {len(cleaned)})",
            "message",
        )
    return cleaned


def session_language(value: str) -> str:
    """'zh', 'zh-CN', 'en-US' … → 'zh' or 'en'."""
    try:
        return language_of(value)
    except ValueError:
        raise InvalidInput(
            PracticeError.INVALID_LANGUAGE,
            f"不支持的语言 {value!r}（可选：zh、en）",
            f"Unsupported language {value!r} (choose zh or en)",
            "language",
        ) from None


def new_seed() -> int:
    return secrets.randbelow(SEED_MAX)


def check_seed(seed: int) -> int:
    if not 0 <= seed <= SEED_MAX:
        raise InvalidInput(
            PracticeError.INVALID_SEED,
            f"随机种子须在 0 到 {SEED_MAX} 之间",
            f"The seed must be between 0 and {SEED_MAX}",
            "seed",
        )
    return seed


def persona_for(scenario: Scenario, seed: int) -> str:
    """The persona a seed picks when the rep does not choose one."""
    return random.Random(f"pacer-persona:{seed}").choice(scenario.personas).id


@dataclass(frozen=True)
class PassedCheck:
    check_id: str
    criterion_id: str
    question: Text
    evidence: Evidence | None


@dataclass(frozen=True)
class TurnFeedback:
    """What a rep learns right after a reply in `train` mode."""

    passed: tuple[PassedCheck, ...]
    """Checks this reply passed, with the rep's words as evidence."""
    missed: tuple[Check, ...]
    """Checks still open among those that answer the objection on the table."""
    tip: Text | None
    red_lines: tuple[tuple[str, Evidence], ...]


def turn_feedback(
    scenario: Scenario,
    verdict: TurnVerdict,
    objection_on_table: str | None,
    passed_before: frozenset[str],
    customer_said: Sequence[str] | None = None,
) -> TurnFeedback:
    """The checks this reply passed; the open checks of the criteria that answer the
    objection the customer had raised (all criteria when none was raised), and a tip from
    the first of them. Given what the customer said so far (`customer_said`, in the
    session's language), a tip citing a number the customer never gave is passed over for
    the next one, else for the check's question."""
    passed_now = frozenset(verdict.passed_check_ids)
    objection = scenario.objection(objection_on_table) if objection_on_table else None
    criteria = scenario.criteria
    if objection is not None:
        answering = {scenario.criterion_of(check_id) for check_id in objection.addressed_by}
        criteria = tuple(criterion for criterion in criteria if criterion in answering)
    done = passed_now | passed_before
    missed = tuple(check for c in criteria for check in c.checks if check.id not in done)
    given = None if customer_said is None else numbers_in(" ".join(customer_said))
    tip = next(
        (
            check.tip
            for check in missed
            if check.tip is not None and (given is None or _cites_only(check.tip, given))
        ),
        None,
    )
    if tip is None and missed:
        tip = missed[0].question
    return TurnFeedback(
        passed=tuple(
            PassedCheck(
                check.check_id,
                check.criterion_id,
                _question(scenario, check.check_id),
                check.evidence,
            )
            for check in verdict.checks
            if check.passed
        ),
        missed=missed,
        tip=tip,
        red_lines=tuple((hit.red_line_id, hit.evidence) for hit in verdict.red_lines),
    )


def _cites_only(tip: Text, numbers: set[str]) -> bool:
    """Whether every number the tip cites (in either language) is one of `numbers`."""
    return numbers_in(tip.zh) <= numbers and numbers_in(tip.en) <= numbers


def _question(scenario: Scenario, check_id: str) -> Text:
    check = scenario.check(check_id)
    return check.question if check is not None else Text(check_id, check_id)


def is_overridable(scenario: Scenario, item_id: str) -> bool:
    """A trainer may rule on any check and any red line of the scenario."""
    return scenario.check(item_id) is not None or any(
        red_line.id == item_id for red_line in scenario.red_lines
    )


def apply_overrides(
    checks: Sequence[CheckResult], blockers: Sequence[Blocker], overrides: Mapping[str, bool]
) -> tuple[tuple[CheckResult, ...], tuple[Blocker, ...]]:
    """Results with the trainer's rulings in force. For a check, `True` means passed; for a
    red line, `True` means the rep passes it — the red line was not crossed."""
    ruled_checks = tuple(
        replace(
            check,
            passed=overrides[check.check_id],
            evidence=check.evidence if overrides[check.check_id] else None,
        )
        if check.check_id in overrides
        else check
        for check in checks
    )
    kept = [b for b in blockers if overrides.get(b.red_line_id, False) is not True]
    found = {b.red_line_id for b in blockers}
    added = [
        Blocker(item_id, None, None)
        for item_id, passes in overrides.items()
        if passes is False and item_id not in found and not _is_check(checks, item_id)
    ]
    return ruled_checks, (*kept, *added)


def _is_check(checks: Sequence[CheckResult], item_id: str) -> bool:
    return any(check.check_id == item_id for check in checks)


__all__ = [
    "MESSAGE_MAX",
    "PassedCheck",
    "TurnFeedback",
    "apply_overrides",
    "check_seed",
    "clean_message",
    "is_overridable",
    "new_seed",
    "persona_for",
    "session_language",
    "turn_feedback",
]
