"""`pacer demo`: the demo company, loaded once, and fresh tokens for one login per role."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coaching.practice.demo import seed_practice
from coaching.routing.demo import seed_routing
from coaching.routing.service import Router
from coaching.scenario import load_scenarios, scenarios_directory
from domain.alerts.demo import seed_alerts
from domain.capability.demo import seed_capability
from domain.db import utcnow
from domain.kernel.actor import Role
from domain.org import access
from domain.org.demo import DemoOrg, seed_org
from domain.org.models import ApiToken, User
from domain.pipeline.demo import seed_pipeline
from domain.pipeline.rules import load_gates
from domain.reviews.demo import seed_review
from domain.settings import Settings, load_settings
from domain.targets.demo import seed_targets

DEMO_TOKEN_NAME = "demo"


async def load_demo(
    sessions: async_sessionmaker[AsyncSession],
    seed: int,
    today: date,
    timezone: str = "Asia/Shanghai",
    settings: Settings | None = None,
) -> tuple[DemoOrg, dict[str, str]]:
    """Seed the demo (idempotent), then revoke the previous demo tokens and issue new ones:
    secrets are stored hashed, so a second run can only hand out fresh ones."""
    async with sessions() as session:
        org = await seed_org(session, seed, today)
        await session.commit()
    async with sessions() as session:
        admin = await session.scalar(select(User).where(User.login == "admin"))
        actor = await access.actor_for(session, admin)
        await seed_pipeline(session, actor, seed, today, timezone, load_gates())
        await session.commit()
    async with sessions() as session:
        await seed_targets(session, actor, seed, today)
        await session.commit()
    settings = settings or load_settings(timezone=timezone)
    if await seed_alerts(sessions, settings, seed, today):  # the first time only
        async with sessions() as session:
            await seed_review(session, settings, today)
            await session.commit()
    scenarios = load_scenarios(scenarios_directory(settings), strict=True)
    await seed_practice(sessions, scenarios, settings, seed, today, also=org.logins[Role.REP])
    await seed_capability(sessions, settings, seed, today)
    await seed_routing(sessions, Router.of(settings), seed, today)
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
    return org, tokens


def write_tokens(path: Path, tokens: dict[str, str]) -> None:
    path.write_text(json.dumps(tokens, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)
