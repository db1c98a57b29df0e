"""The weekly forecast alert on the daily run: a unit whose commit is short of its target is
raised orange with its headline; a call on pace and near the model clears."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from domain.alerts.evaluate import run_for_day
from domain.alerts.models import Alert, AlertRule
from domain.alerts.rules import title
from domain.forecasts.alerts import Clear, ForecastThresholds, forecast_outcomes
from domain.settings import load_settings
from domain.targets.models import Target
from tests.integration.forecasts.test_forecast_calls import adjust, month_start, submit, today


async def _target(sessions, world, amount: int) -> None:
    async with sessions() as session:
        session.add(
            Target(
                metric="revenue",
                owner_unit_id=world.units["east.sh"],
                owner_key=f"unit:{world.units['east.sh']}",
                period_kind="month",
                period_start=date.fromisoformat(month_start()),
                amount=amount,
                status="approved",
            )
        )
        await session.commit()


async def test_a_commit_short_of_target_raises_the_forecast_alert(api, world, sessions):
    await _target(sessions, world, 1_000_00)
    await submit(api, "rep", commit=300_00, bestCase=400_00)
    await submit(api, "manager", unitId=world.unit("east.sh"))
    async with sessions() as session:
        await run_for_day(session, load_settings(), today())
        await session.commit()
    async with sessions() as session:
        alerts = list(
            await session.scalars(select(Alert).where(Alert.rule == AlertRule.FORECAST.value))
        )
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert.severity, alert.unit_id) == ("orange", world.units["east.sh"])
    assert alert.evidence["commit"] == 300_00 and alert.evidence["target"] == 1_000_00
    zh, en = title(AlertRule.FORECAST, alert.evidence)
    assert "30%" in en and "Shanghai" in en and "预测风险" in zh


async def test_a_call_on_pace_and_near_the_model_clears(api, world, sessions):
    await _target(sessions, world, 1_000_00)
    adjusted = await adjust(
        api,
        "manager",
        unitId=world.unit("east.sh"),
        commit=950_00,
        bestCase=1_200_00,
        reason="两笔大单已签意向",
    )
    assert adjusted["errors"] == []
    async with sessions() as session:
        loose = await forecast_outcomes(session, today(), ForecastThresholds(0.9, 1_000.0))
        strict = await forecast_outcomes(session, today(), ForecastThresholds(0.99, 1_000.0))
    assert all(isinstance(o, Clear) for o in loose) and len(loose) == 1
    assert not isinstance(strict[0], Clear)


async def test_the_runs_settings_decide_the_commit_ratio(api, world, sessions):
    await _target(sessions, world, 1_000_00)
    await submit(api, "rep", commit=300_00, bestCase=400_00)
    await submit(api, "manager", unitId=world.unit("east.sh"))
    async with sessions() as session:
        lenient = load_settings(forecast_commit_ratio=0.2, forecast_drift=10.0)
        await run_for_day(session, lenient, today())
        await session.commit()
    async with sessions() as session:
        raised = await session.scalar(select(Alert).where(Alert.rule == AlertRule.FORECAST.value))
    assert raised is None  # 30% of target covers the 20% the run was given
