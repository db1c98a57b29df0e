"""A generated sales history with a known truth, for the win-probability tests and the
backtest (tests/perf/bench_forecast.py).

Each deal has hidden traits (its owner's skill, how engaged the customer is) and visible
facts (segment, source, amount). At every open stage it moves on with a chance
a(stage, traits, facts), else it is lost there; it is won after negotiation. So the true
chance of winning a deal that stands in stage s is the product of a(k) for k from s on —
the oracle. Engaged customers are followed up more often, receive more value points and
move faster; that is how the model can see the hidden engagement."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from domain.forecasts.features import OPEN_STAGES, DealHistory, FollowUpMark

SEGMENTS = {"education": 0.4, "manufacturing": 0.0, "government": -0.3, "smb": 0.2, "fleet": -0.1}
SOURCES = {"referral": 0.7, "website": 0.0, "douyin": -0.3, "auto_show": -0.1, "cold_call": -0.6}
STAGE_BASE = {  # log-odds of moving on from each stage, for an average deal
    "lead": 0.6,
    "contacted": 0.9,
    "qualified": 0.8,
    "proposal": 1.0,
    "quoted": 1.2,
    "negotiation": 1.6,
}
STAGE_DAYS = {
    "lead": 4,
    "contacted": 6,
    "qualified": 9,
    "proposal": 10,
    "quoted": 8,
    "negotiation": 12,
}


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@dataclass(frozen=True)
class Truth:
    skill: float
    engagement: float
    push: float  # the facts' part: segment + source + amount

    def move_on(self, stage: str) -> float:
        return _sigmoid(STAGE_BASE[stage] + self.skill + 0.6 * self.engagement + self.push)

    def win_from(self, stage: str) -> float:
        chance = 1.0
        for later in OPEN_STAGES[OPEN_STAGES.index(stage) :]:
            chance *= self.move_on(later)
        return chance


@dataclass(frozen=True)
class GeneratedDeal:
    history: DealHistory
    truth: Truth
    expected_close: date
    title: str


def generate(
    seed: int, *, deals: int, today: date, reps: list[int], days: int = 720
) -> list[GeneratedDeal]:
    """`deals` deals created over the `days` before `today`, owned by `reps`; what happened
    after `today` is cut off (those deals are still open)."""
    rng = random.Random(seed)
    skills = {rep: rng.gauss(0, 0.5) for rep in reps}
    now = datetime.combine(today, time(18), UTC)
    out = []
    for n in range(deals):
        rep = rng.choice(reps)
        segment = rng.choice(list(SEGMENTS))
        source = rng.choice(list(SOURCES))
        amount = int(math.exp(rng.gauss(math.log(300_000), 1.0))) * 100  # fen
        band = min(4, max(0, int(math.log10(max(amount / 100, 1)) - 4)))
        truth = Truth(
            skill=skills[rep],
            engagement=rng.gauss(0, 1),
            push=SEGMENTS[segment] + SOURCES[source] - 0.25 * (band - 1),
        )
        created = now - timedelta(days=rng.uniform(0, days))
        moves, moment = [("lead", created)], created
        speed = math.exp(-0.3 * truth.engagement)
        for stage in OPEN_STAGES:
            moment = moment + timedelta(days=rng.expovariate(1 / (STAGE_DAYS[stage] * speed)))
            if moment > now:
                break
            if rng.random() < truth.move_on(stage):
                following = OPEN_STAGES.index(stage) + 1
                moves.append((OPEN_STAGES[following] if following < 6 else "won", moment))
            else:
                moves.append(("lost", moment))
                break
        end = min(moves[-1][1], now) if moves[-1][0] in ("won", "lost") else now
        gap = 10 * math.exp(-0.5 * truth.engagement)
        marks, at = [], created + timedelta(days=rng.expovariate(1 / gap))
        while at < end:
            points = sum(rng.random() < _sigmoid(truth.engagement - 0.5) for _ in range(2))
            marks.append(FollowUpMark(at, points))
            at += timedelta(days=rng.expovariate(1 / gap))
        planned = sum(STAGE_DAYS.values()) * rng.uniform(0.6, 1.4)
        out.append(
            GeneratedDeal(
                history=DealHistory(
                    id=n + 1,
                    owner_rep_id=rep,
                    amount=amount,
                    segment=segment,
                    source=source,
                    created_at=created,
                    moves=tuple(moves),
                    follow_ups=tuple(marks),
                ),
                truth=truth,
                expected_close=(created + timedelta(days=planned)).date(),
                title=f"deal {n + 1}",
            )
        )
    return out


ACTIONS = {"won": "win", "lost": "lose"}


async def store(session, deals: list[GeneratedDeal]) -> dict[int, int]:
    """Write the generated deals as accounts, opportunities, their moves and follow-ups
    (backdated, straight to the tables); returns {generated id: opportunity id}."""
    from domain.pipeline.models import Account, FollowUp, Opportunity, StageTransition

    accounts: dict[tuple[int, str], Account] = {}
    for deal in deals:
        key = (deal.history.owner_rep_id, deal.history.segment)
        if key not in accounts:
            accounts[key] = Account(name=f"{key[1]} {key[0]}", segment=key[1], owner_rep_id=key[0])
    session.add_all(accounts.values())
    await session.flush()
    made: dict[int, Opportunity] = {}
    for deal in deals:
        h = deal.history
        stage, entered = h.moves[-1]
        made[h.id] = Opportunity(
            account_id=accounts[(h.owner_rep_id, h.segment)].id,
            owner_rep_id=h.owner_rep_id,
            title=deal.title,
            amount=h.amount,
            expected_close=deal.expected_close,
            stage=stage,
            stage_entered_at=entered,
            source_lead=h.source,
            won_amount=h.amount if stage == "won" else None,
            won_on=entered.date() if stage == "won" else None,
            loss_reason_code="price" if stage == "lost" else None,
            created_at=h.created_at,
        )
    session.add_all(made.values())
    await session.flush()
    rows: list = []
    for deal in deals:
        h, opp = deal.history, made[deal.history.id]
        before = None
        for stage, at in h.moves:
            rows.append(
                StageTransition(
                    opportunity_id=opp.id,
                    from_stage=before[0] if before else None,
                    to_stage=stage,
                    action=ACTIONS.get(stage, "advance") if before else "create",
                    at=at,
                    seconds_in_previous=int((at - before[1]).total_seconds()) if before else None,
                )
            )
            before = (stage, at)
        for mark in h.follow_ups:
            rows.append(
                FollowUp(
                    opportunity_id=opp.id,
                    rep_id=h.owner_rep_id,
                    type="call",
                    occurred_at=mark.at,
                    logged_at=mark.at,
                    value_points=["roi_figure", "case_study"][: mark.value_points],
                    customer_status="engaged",
                    customer_responded=True,
                )
            )
    session.add_all(rows)
    await session.flush()
    return {key: opp.id for key, opp in made.items()}
