"""Capability: closed deals to score (seed_deals), and the capability profile through GraphQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.capability import service
from domain.pipeline.models import Account, FollowUp, Opportunity
from domain.settings import load_settings
from tests.support.world import TODAY, World

EXAM_ALL_80 = dict.fromkeys(service.dimensions(load_settings()), 80.0)
SCORE = """dimension label score computedScore confidence tier observations
  sources { source value weight observations } override { score reason by { login } }"""
PROFILE = f"""query($rep: ID!) {{ capabilityProfile(rep: $rep) {{ rep {{ externalId }}
  dimensions {{ {SCORE} history {{ cause computedScore overrideScore score note by {{ login }} }} }}
  flags milestones {{ milestone title current flags numbers events {{ kind asOf }} }}
  ratings {{ rating dimensions externalId opportunity {{ title }} }} }} }}"""


def when(day: date) -> datetime:
    """03:00 UTC on `day`."""
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=3)


async def seed_deals(sessions, world: World) -> dict[str, int]:
    """Government deals closed this quarter: r1 wins a big one and loses one, r2 (same team)
    loses two, r3 (another team) wins one; and a follow-up of r1's."""
    ids: dict[str, int] = {}
    async with sessions() as session:
        accounts = {}
        for rep in ("r1", "r2", "r3", "r4"):
            account = Account(name=f"Customer of {rep}", segment="government")
            account.owner_rep_id = world.reps[rep]
            session.add(account)
            await session.flush()
            accounts[rep] = account.id
        deals = [
            ("r1_won", "r1", "won", 2_000_000_000, True),
            ("r1_lost", "r1", "lost", 5_000_000, False),
            ("r2_lost", "r2", "lost", 5_000_000, False),
            ("r2_lost_again", "r2", "lost", 7_000_000, False),
            ("r3_won", "r3", "won", 3_000_000, False),
            ("r4_won", "r4", "won", 3_000_000, False),
        ]
        for key, rep, stage, amount, high_margin in deals:
            won = stage == "won"
            row = Opportunity(
                account_id=accounts[rep],
                owner_rep_id=world.reps[rep],
                title=key,
                amount=amount,
                expected_close=TODAY,
                stage=stage,
                stage_entered_at=when(TODAY - timedelta(days=5)),
                qualification={},
                high_margin=high_margin,
                won_amount=amount if won else None,
                won_on=TODAY - timedelta(days=5) if won else None,
                loss_reason_code=None if won else "price",
                created_at=when(TODAY - timedelta(days=40)),
            )
            session.add(row)
            await session.flush()
            ids[key] = row.id
        follow_up = FollowUp(
            opportunity_id=ids["r1_won"],
            rep_id=world.reps["r1"],
            type="call",
            occurred_at=when(TODAY - timedelta(days=8)),
            customer_status="engaged",
            customer_responded=True,
        )
        session.add(follow_up)
        await session.flush()
        ids["follow_up"] = follow_up.id
        await session.commit()
    return ids


async def profile(api, world: World, rep="r1", as_="manager", language="en") -> dict:
    headers = {"Accept-Language": language}
    data = await api.data(PROFILE, {"rep": world.rep(rep)}, as_=as_, headers=headers)
    return data["capabilityProfile"]


def by_dimension(found: dict) -> dict[str, dict]:
    return {score["dimension"]: score for score in found["dimensions"]}
