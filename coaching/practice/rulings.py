"""A trainer's ruling on a finished session: overrule the judge on a check or a red line,
with a reason. The engine's verdict stays in the turns; the score and the rep's capability
evidence are recomputed in the same transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from coaching.practice import results, rules
from coaching.practice.errors import PracticeError
from coaching.practice.evidence import record_evidence
from coaching.practice.models import PracticeStatus, VerdictOverride
from coaching.practice.queries import (
    overrides_of,
    scenario_of_session,
    turns_of,
    verdicts_of,
    visible_session,
)
from coaching.practice.service import Finished
from coaching.scenario import ScenarioSet
from domain.errors import Conflict, Forbidden, InvalidInput
from domain.kernel.actor import Actor, Role
from domain.kernel.text import clean_text
from domain.org.models import OrgUnit


async def override_verdict(
    session: AsyncSession,
    actor: Actor,
    scenarios: ScenarioSet,
    *,
    session_id: int,
    check_id: str,
    passed: bool,
    reason: str,
) -> Finished:
    """Overrule the judge on one check (passed or not) or one red line (`passed=True`: not
    crossed). The engine's verdict stays in the turns; the score is recomputed."""
    row = await visible_session(session, actor, session_id, lock=True)
    unit = await session.get(OrgUnit, row.unit_id)
    trainer = (
        unit is not None
        and actor.has(Role.ADMIN, Role.DIRECTOR, Role.MANAGER)
        and actor.manages_path(unit.path)
    )
    if not trainer or row.rep_id == actor.rep_id:
        raise Forbidden(
            PracticeError.NOT_A_TRAINER,
            "只有该销售的上级可以更改评判（不能改自己的）",
            "Only a manager over the rep can overrule the judge (never on their own session)",
            "session",
        )
    if row.status == PracticeStatus.ACTIVE.value:
        raise Conflict(
            PracticeError.SESSION_ACTIVE,
            "练习结束后才能更改评判",
            "The judge can be overruled once the session has finished",
            "session",
        )
    reason = clean_text(reason, "reason", 500)
    scenario = scenario_of_session(scenarios, row)
    if not rules.is_overridable(scenario, check_id):
        raise InvalidInput(
            PracticeError.UNKNOWN_CHECK,
            f"场景 {scenario.id} 没有检查项或红线 {check_id!r}",
            f"Scenario {scenario.id} has no check or red line {check_id!r}",
            "check_id",
        )
    verdicts = verdicts_of(await turns_of(session, [row.id]), row.id)
    session.add(
        VerdictOverride(
            session_id=row.id,
            check_id=check_id,
            engine_passed=results.engine_passes(scenario, verdicts, check_id),
            passed=passed,
            reason=reason,
            user_id=actor.user_id,
        )
    )
    await session.flush()
    overrides = (await overrides_of(session, [row.id])).get(row.id, [])
    result = results.score(scenario, verdicts, results.rulings(overrides), row)
    row.score, row.passed = result.score, result.passed
    await session.flush()
    await record_evidence(session, row, result)
    return Finished(row, result)
