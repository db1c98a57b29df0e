"""`pacer demo`: the demo company, loaded once, and fresh tokens for one login per role.

Seeding takes a while (tens of seconds to a couple of minutes), so it says what it is doing
on stderr, where stdout keeps only the tokens: on a terminal a rich progress bar per step,
and in any case one line per finished step ("[3/10] history and targets: … (4.2 s)")."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.cli.alerts import seed_demo_loops
from coaching.practice.demo import seed_practice
from coaching.routing.demo import DAYS as ROUTING_DAYS
from coaching.routing.demo import LEADS_PER_DAY, seed_routing
from coaching.routing.service import Router
from coaching.scenario import load_scenarios, scenarios_directory
from domain.alerts.demo import REPLAY_DAYS, seed_activity, seed_alerts
from domain.alerts.models import Alert
from domain.capability.demo import seed_capability
from domain.db import utcnow
from domain.forecasts.demo import WEEKS as FORECAST_WEEKS
from domain.forecasts.demo import forecasts_seeded, seed_forecasts
from domain.forecasts.learning import train_model
from domain.kernel.actor import Role
from domain.org import access
from domain.org.demo import DemoOrg, seed_org
from domain.org.models import ApiToken, OrgUnit, Rep, User
from domain.pipeline.demo import seed_pipeline
from domain.pipeline.rules import load_gates
from domain.reviews.demo import seed_review
from domain.settings import Settings, load_settings
from domain.targets.demo import seed_targets

DEMO_TOKEN_NAME = "demo"
STEPS = 12
ALREADY = "already there"


class Step:
    """One step under way: `advance` moves its bar, `summary` is what its line says."""

    def __init__(self, advance: Callable[[int], None]):
        self._advance = advance
        self.summary = ""

    def advance(self, amount: int = 1) -> None:
        self._advance(amount)


class DemoProgress:
    """What the demo says while it seeds, on stderr: a transient rich bar for the step under
    way on a terminal, and one plain line per finished step wherever the output goes."""

    def __init__(self, console: Console | None = None, quiet: bool = False):
        self.console = console or Console(stderr=True, highlight=False, soft_wrap=True)
        self.quiet = quiet
        self.number = 0

    @contextlib.contextmanager
    def step(self, label: str, total: int | None = None) -> Iterator[Step]:
        self.number += 1
        title = f"[{self.number}/{STEPS}] {label}"
        started = time.monotonic()
        live = not self.quiet and self.console.is_terminal
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
            disable=not live,
        ) as bar:
            task = bar.add_task(title, total=total)
            step = Step(lambda amount: bar.advance(task, amount))
            yield step
        if not self.quiet:
            said = f": {step.summary}" if step.summary else ""
            elapsed = time.monotonic() - started
            self.console.print(f"{title}{said} ({elapsed:.1f} s)", markup=False)


async def load_demo(
    sessions: async_sessionmaker[AsyncSession],
    seed: int,
    today: date,
    timezone: str = "Asia/Shanghai",
    settings: Settings | None = None,
    progress: DemoProgress | None = None,
) -> tuple[DemoOrg, dict[str, str]]:
    """Seed the demo (idempotent), then revoke the previous demo tokens and issue new ones:
    secrets are stored hashed, so a second run can only hand out fresh ones."""
    progress = progress or DemoProgress()
    settings = settings or load_settings(timezone=timezone)
    with progress.step("organisation") as step:
        async with sessions() as session:
            org = await seed_org(session, seed, today)
            await session.commit()
            step.summary = await _org_summary(session) if org.created else ALREADY
    async with sessions() as session:
        admin = await session.scalar(select(User).where(User.login == "admin"))
        actor = await access.actor_for(session, admin)
    with progress.step("pipeline") as step:
        async with sessions() as session:
            made = await seed_pipeline(session, actor, seed, today, timezone, load_gates())
            await session.commit()
        step.summary = f"{made} opportunities with their follow-ups" if made else ALREADY
    with progress.step("history and targets") as step:
        async with sessions() as session:
            targets = await seed_targets(session, actor, seed, today)
            await session.commit()
        step.summary = (
            f"{targets.deals:,} deals over 18 months; this year's revenue target allocated"
            " to regions, teams, reps and months, approved and locked"
            if targets.created
            else ALREADY
        )
    with progress.step("daily activity") as step:
        activity = await seed_activity(sessions, settings, seed, today)
        step.summary = (
            f"{activity.follow_ups:,} follow-ups and {activity.leads:,} qualified leads"
            f" over {activity.working_days} working days for {activity.reps} reps"
            if activity
            else ALREADY
        )
    with progress.step("alerts", total=REPLAY_DAYS) as step:
        runs = await seed_alerts(sessions, settings, today, tick=lambda _: step.advance())
        step.summary = await _alert_summary(sessions, len(runs)) if runs else ALREADY
    with progress.step("weekly review") as step:
        if runs:  # the first time only
            async with sessions() as session:
                await seed_review(session, settings, today)
                await session.commit()
        step.summary = "the Shanghai team's review of last week" if runs else ALREADY
    scenarios = load_scenarios(scenarios_directory(settings), strict=True)
    with progress.step("practice") as step:
        played = await seed_practice(
            sessions,
            scenarios,
            settings,
            seed,
            today,
            also=org.logins[Role.REP],
            tick=step.advance,
        )
        step.summary = f"{played} role-plays by the newest reps" if played else ALREADY
    with progress.step("capability") as step:
        rated = await seed_capability(sessions, settings, seed, today)
        step.summary = (
            f"{rated} customer ratings; deal quality and milestones" if rated else ALREADY
        )
    with progress.step("loops") as step:  # after capability: pairings need the scores
        step.summary = await seed_demo_loops(sessions, settings, today) if runs else ALREADY
    with progress.step("routing", total=ROUTING_DAYS * LEADS_PER_DAY) as step:
        posted = await seed_routing(
            sessions, Router.of(settings), seed, today, tick=lambda: step.advance()
        )
        step.summary = f"{posted} leads over {ROUTING_DAYS} days" if posted else ALREADY
    with progress.step("forecasts") as step:
        async with sessions() as session:
            fresh = not await forecasts_seeded(session)
            model = await train_model(session, settings, today=today) if fresh else None
            calls = await seed_forecasts(session, settings, seed, today) if fresh else None
            await session.commit()
        step.summary = (
            f"{calls.categorised} deals categorised; {calls.calls} weekly calls over "
            f"{FORECAST_WEEKS} weeks ({calls.adjusted} adjusted); "
            + (f"model v{model.version} trained" if model else "history too thin for a model")
            if calls
            else ALREADY
        )
    with progress.step("tokens") as step:
        tokens = await _renew_tokens(sessions, actor, org)
        step.summary = f"one per role ({', '.join(tokens)})"
    return org, tokens


async def _renew_tokens(sessions, actor, org: DemoOrg) -> dict[str, str]:
    async with sessions() as session:
        tokens: dict[str, str] = {}
        for role, login in org.logins.items():
            user = await session.scalar(select(User).where(User.login == login))
            stale = await session.scalars(
                select(ApiToken).where(
                    ApiToken.user_id == user.id,
                    ApiToken.name == DEMO_TOKEN_NAME,
                    ApiToken.revoked_at.is_(None),
                )
            )
            for token in stale:
                token.revoked_at = utcnow()
            _, secret = await access.issue_token(
                session, actor, user_id=user.id, name=DEMO_TOKEN_NAME
            )
            tokens[role.value] = secret
        await session.commit()
    return tokens


async def _org_summary(session: AsyncSession) -> str:
    kinds = dict(
        (await session.execute(select(OrgUnit.kind, func.count()).group_by(OrgUnit.kind))).all()
    )
    reps = await session.scalar(select(func.count()).select_from(Rep))
    return f"{kinds.get('region', 0)} regions, {kinds.get('team', 0)} teams, {reps} reps"


async def _alert_summary(sessions, days: int) -> str:
    async with sessions() as session:
        rows = (await session.execute(select(Alert.severity, Alert.status))).all()
    open_ = [severity for severity, status in rows if status != "resolved"]
    shown = ", ".join(
        f"{open_.count(severity)} {severity}"
        for severity in ("red", "orange", "yellow")
        if severity in open_
    )
    resolved = len(rows) - len(open_)
    return f"{days} days replayed: {shown or 'none'} open, {resolved} resolved"


def write_tokens(path: Path, tokens: dict[str, str]) -> None:
    path.write_text(json.dumps(tokens, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)
