"""The demo company: the promised shape and story, deterministic for a seed, loaded only once
per database (the load is slow), saying what it does while it seeds."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from api.cli.demo import load_demo
from coaching.practice import queries as practice
from coaching.practice import results
from coaching.practice.models import PracticeSession, PracticeTurn
from coaching.scenario import load_scenarios
from domain.leads.models import Lead, RoutingDecision
from domain.org import access
from domain.org.models import ApiToken, OrgUnit, Rep, User
from domain.pipeline.models import Opportunity
from tests.support.db import empty_tables
from tests.support.world import TODAY


async def snapshot(sessions) -> dict:
    async with sessions() as session:
        kinds = Counter(await session.scalars(select(OrgUnit.kind)))
        reps = [
            (r.external_id, r.name, r.level, r.hire_date, tuple(s.segment for s in r.specialties))
            for r in await session.scalars(select(Rep).order_by(Rep.external_id))
        ]
        users = await session.scalar(select(func.count()).select_from(User))
        practice = await session.scalar(select(func.count()).select_from(PracticeTurn))
    return {"kinds": kinds, "reps": reps, "users": users, "practice_turns": practice}


async def test_the_demo_company(sessions, capsys):
    """One load (it takes a while) checked for everything it promises, then a second one."""
    org, tokens = await load_demo(sessions, seed=7, today=TODAY)
    assert org.created
    check_progress(capsys.readouterr())
    await check_shape(sessions, tokens)
    await check_history_and_target_tree(sessions)
    await check_pipeline_and_early_warnings(sessions)
    await check_the_alerts_tell_the_story(sessions)
    await check_every_team_works_most_days(sessions)
    await check_dates_spread_over_the_history(sessions)
    await check_practice(sessions)
    await check_loading_again(sessions, tokens)
    await check_capability(sessions)
    await check_routing(sessions)


async def check_shape(sessions, tokens):
    shot = await snapshot(sessions)
    assert shot["kinds"] == {"company": 1, "region": 4, "team": 14}
    assert len(shot["reps"]) == 68
    assert set(Counter(level for _, _, level, _, _ in shot["reps"])) == {"junior", "mid", "senior"}
    segments = {s for *_, specialties in shot["reps"] for s in specialties}
    assert {"government", "private_buyer", "enterprise_fleet"} <= segments
    assert any((TODAY - hired).days < 180 for _, _, _, hired, _ in shot["reps"])
    assert shot["users"] == 1 + 1 + 4 + 14 + 68 + 1
    assert set(tokens) == {"admin", "director", "manager", "rep", "intake"}
    async with sessions() as session:
        for role, secret in tokens.items():
            actor = await access.authenticate_token(session, secret)
            assert role in actor.roles


async def check_practice(sessions):
    """The newest reps' role-plays, played through the rules engine: real transcripts, some
    passed and some failed, exams among them, each replaying identically."""
    async with sessions() as session:
        newest = list(
            await session.scalars(select(Rep.id).order_by(Rep.hire_date.desc(), Rep.id).limit(6))
        )
        played = list(await session.scalars(select(PracticeSession)))
        turns = await practice.turns_of(session, [row.id for row in played])
        shown = await session.scalar(select(Rep.id).where(Rep.external_id == "rep.shanghai.01"))
    assert {row.rep_id for row in played} == {*newest, shown}  # and the demo's rep login
    assert all(row.status == "finished" and row.score is not None for row in played)
    assert {row.passed for row in played} == {True, False}
    assert {row.mode for row in played} == {"train", "exam"}
    assert {row.language for row in played} == {"zh", "en"}
    assert all((TODAY - row.started_at.date()).days <= 15 for row in played)
    scenarios = load_scenarios(strict=True)
    for row in played:
        assert len(turns[row.id]) == row.turns_taken + 1 > 2
        scenario = scenarios[row.scenario_id]
        assert results.replay(scenario, row, turns[row.id]).identical


async def check_capability(sessions):
    """After both loads: every rep has capability scores, from practice (the reps who
    practised), customer ratings (each closed deal and each rep's first follow-up, once) and
    deal quality; a milestone was earned by evaluation, audited with the numbers that met it."""
    from domain.capability import service as capability
    from domain.capability.models import (
        CapabilityEvidence,
        CustomerRating,
        MilestoneAward,
        MilestoneEvent,
    )
    from domain.pipeline.models import FollowUp, Opportunity

    async with sessions() as session:
        reps = list(await session.scalars(select(Rep.id)))
        scores = await capability.current_scores(session, reps)
        evidence = set(
            await session.execute(select(CapabilityEvidence.source, CapabilityEvidence.rep_id))
        )
        practised = set(await session.scalars(select(PracticeSession.rep_id)))
        ratings = await session.scalar(select(func.count()).select_from(CustomerRating))
        closed = await session.scalar(
            select(func.count()).where(Opportunity.stage.in_(["won", "lost"]))
        )
        with_follow_ups = await session.scalar(select(func.count(FollowUp.rep_id.distinct())))
        awards = list(await session.scalars(select(MilestoneAward)))
        events = list(await session.scalars(select(MilestoneEvent)))
        flags = await capability.flags_of(session, [award.rep_id for award in awards])
    assert set(scores) == set(reps)
    assert all(len(found) >= 3 for found in scores.values())  # a rated follow-up at least
    assert {rep for source, rep in evidence if source == "practice"} == practised
    assert {source for source, _ in evidence} == {"practice", "rating", "deals"}
    assert ratings == closed + with_follow_ups
    assert awards and all(award.revoked_at is None for award in awards)
    assert sorted((e.award_id, e.kind) for e in events) == sorted((a.id, "awarded") for a in awards)
    for award in awards:
        assert all(requirement["met"] for requirement in award.numbers["requires"])
        assert set(award.flags) <= flags[award.rep_id]


async def check_routing(sessions):
    """A week of leads posted through intake and routed with their explanations: most
    contacted, the rest re-routed by the sweep, the uncovered region queued."""
    async with sessions() as session:
        statuses = Counter(await session.scalars(select(Lead.status)))
        reasons = Counter(await session.scalars(select(RoutingDecision.reason)))
        explanations = list(await session.scalars(select(RoutingDecision.explanation)))
        first = await session.scalar(select(func.min(Lead.received_at)))
    assert sum(statuses.values()) == 56
    assert statuses["contacted"] > statuses["routed"] > 0 and statuses["queued"] >= 1
    assert reasons["intake"] == 56 and reasons["sla"] > 0
    assert all(e["policy_version"] and (e["rep_id"] or e["queue"]) for e in explanations)
    assert (TODAY - first.date()).days == 6


async def check_loading_again(sessions, first_tokens):
    """A second load duplicates nothing and renews the tokens."""
    before = await snapshot(sessions)
    org, second_tokens = await load_demo(sessions, seed=7, today=TODAY)
    assert not org.created
    assert await snapshot(sessions) == before
    async with sessions() as session:
        live = await session.scalar(
            select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))
        )
        assert live == 5
        actor = await access.authenticate_token(session, second_tokens["manager"])
        assert actor.login == "manager.shanghai"
        try:
            await access.authenticate_token(session, first_tokens["manager"])
        except access.AuthenticationFailed as exc:
            assert "revoked" in str(exc)
        else:
            raise AssertionError("the first run's token still works")


async def test_demo_org_is_deterministic_for_a_seed(sessions, engine):
    from domain.org.demo import seed_org

    async def org_for(seed: int) -> dict:
        await empty_tables(engine)
        async with sessions() as session:
            await seed_org(session, seed, TODAY)
            await session.commit()
        return await snapshot(sessions)

    first = await org_for(11)
    assert await org_for(11) == first
    assert (await org_for(12))["reps"] != first["reps"]


async def check_history_and_target_tree(sessions):
    from domain.targets.models import Deal, Target

    async with sessions() as session:
        deals = list(await session.scalars(select(Deal)))
        targets = list(await session.scalars(select(Target)))
    assert len(deals) > 3000 and any(d.one_off for d in deals)
    assert min(d.close_date for d in deals) <= TODAY.replace(year=TODAY.year - 1)
    by_parent: dict = {}
    for target in targets:
        by_parent.setdefault(target.parent_id, []).append(target)
    (root,) = by_parent[None]
    assert root.amount > 0 and root.status in ("approved", "locked")
    for parent in targets:
        children = by_parent.get(parent.id, [])
        if children:
            assert sum(c.amount for c in children) == parent.amount
            assert all(c.explanation and c.explanation["sentence_zh"] for c in children)
    months = [t for t in targets if t.period_kind == "month"]
    assert len(months) == 68 * 12
    assert {t.status for t in targets} <= {"approved", "locked"}


async def check_pipeline_and_early_warnings(sessions):
    from domain.alerts.models import Alert, AlertEvent, HealthDiagnosis
    from domain.health.rules import HealthThresholds
    from domain.health.service import health_dashboard
    from domain.pipeline.models import FollowUp, Opportunity
    from domain.reviews.models import WeeklyReview

    async with sessions() as session:
        stages = Counter(await session.scalars(select(Opportunity.stage)))
        follow_ups = list(await session.scalars(select(FollowUp)))
        severities = Counter(await session.scalars(select(Alert.severity)))
        rules = set(await session.scalars(select(Alert.rule)))
        diagnoses = list(await session.scalars(select(HealthDiagnosis)))
        escalated = await session.scalar(
            select(AlertEvent.id).where(AlertEvent.kind == "escalated").limit(1)
        )
    assert set(severities) == {"yellow", "orange", "red"}
    assert {"kpi_miss", "stale_key", "circuit_breaker"} <= rules
    assert len(diagnoses) >= 1 and diagnoses[0].findings["kpi_misses"]
    assert escalated is not None  # the replayed days built real histories
    async with sessions() as session:
        review = await session.scalar(select(WeeklyReview))
        admin = await access.actor_for(
            session, await session.scalar(select(User).where(User.login == "admin"))
        )
        company = await session.scalar(select(OrgUnit).where(OrgUnit.code == "demo"))
        dashboard = await health_dashboard(
            session,
            admin,
            unit_id=company.id,
            start=TODAY - timedelta(days=13),
            end=TODAY,
            timezone="Asia/Shanghai",
            country="CN",
            thresholds=HealthThresholds(),
        )
    assert review.week_start == TODAY - timedelta(days=TODAY.weekday() + 7)
    assert review.snapshot and "targets" in str(review.snapshot)
    assert any(i.status.value == "red" for i in dashboard.indicators)
    assert set(stages) == {
        "lead",
        "contacted",
        "qualified",
        "proposal",
        "quoted",
        "negotiation",
        "won",
        "lost",
    }
    assert sum(stages.values()) >= 68 * 3  # and every rep's newly qualified leads
    assert len(follow_ups) >= 2 * 68 * 3
    assert all(f.customer_status and f.logged_at >= f.occurred_at for f in follow_ups)


def check_progress(captured) -> None:
    """Each step said what it did, on stderr, one plain line each (no terminal here: no bar,
    no colour codes); stdout is left to the tokens."""
    lines = captured.err.splitlines()
    steps = [line for line in lines if line.startswith("[")]
    assert [line.split("]")[0] + "]" for line in steps] == [f"[{n}/12]" for n in range(1, 13)]
    assert len(steps) == len(lines) and "\x1b" not in captured.err
    expected = ["organisation", "pipeline", "history and targets", "daily activity", "alerts"]
    expected += ["weekly review", "practice", "capability", "loops", "routing", "forecasts"]
    expected += ["tokens"]
    assert [line.split("] ")[1].split(":")[0] for line in steps] == expected
    assert "4 regions, 14 teams, 68 reps" in steps[0]
    assert "10 days replayed: 1 red, 3 orange open, 1 resolved" in steps[4]
    loops = re.search(r"(\d+) dashboard action.*?(\d+) senior pairing", steps[8])
    assert loops and int(loops[1]) >= 1 and int(loops[2]) >= 1, steps[8]
    assert all(line.endswith(" s)") for line in steps)
    assert captured.out == ""


async def check_the_alerts_tell_the_story(sessions):
    """README's story and nothing else: two Shanghai reps slipping (yellow, then orange), one
    Beijing rep who slipped two days and recovered, a silent key customer, and the Chengdu
    team's circuit breaker — a handful of alerts, not a wall of orange."""
    from domain.alerts.models import Alert, AlertEvent, HealthDiagnosis

    async with sessions() as session:
        rows = (
            await session.execute(
                select(Alert, Rep.external_id, OrgUnit.code)
                .outerjoin(Rep, Rep.id == Alert.rep_id)
                .join(OrgUnit, OrgUnit.id == Alert.unit_id)
                .order_by(Alert.id)
            )
        ).all()
        events = (
            await session.execute(
                select(AlertEvent.alert_id, AlertEvent.kind, AlertEvent.severity).order_by(
                    AlertEvent.id
                )
            )
        ).all()
        diagnosis = await session.scalar(select(HealthDiagnosis))
        silent = await session.scalar(
            select(Opportunity.title).where(
                Opportunity.id.in_(select(Alert.opportunity_id).where(Alert.rule == "stale_key"))
            )
        )
    assert len(rows) <= 15
    assert Counter((a.rule, a.severity, a.status) for a, _, _ in rows) == {
        ("kpi_miss", "orange", "open"): 2,
        ("kpi_miss", "yellow", "resolved"): 1,
        ("stale_key", "orange", "open"): 1,
        ("circuit_breaker", "red", "open"): 1,
    }
    history = {
        a.id: [(kind, severity) for i, kind, severity in events if i == a.id] for a, *_ in rows
    }
    by_subject = {(a.rule, rep or unit): a for a, rep, unit in rows}
    slipping = {rep for a, rep, _ in rows if a.rule == "kpi_miss" and a.severity == "orange"}
    assert slipping == {"rep.shanghai.01", "rep.shanghai.02"}
    for rep, days in (("rep.shanghai.01", 4), ("rep.shanghai.02", 3)):
        alert = by_subject[("kpi_miss", rep)]
        assert alert.evidence["streak_days"] == days
        assert history[alert.id] == [("raised", "yellow"), ("escalated", "orange")]
    recovered = by_subject[("kpi_miss", "rep.beijing.01")]
    assert history[recovered.id] == [("raised", "yellow"), ("resolved", "yellow")]
    assert "every behaviour KPI met" in recovered.resolution_reason
    stale = by_subject[("stale_key", "rep.shanghai.05")]
    assert silent == "200 辆换电物流车框架协议" and stale.evidence["silent_days"] >= 7
    breaker = by_subject[("circuit_breaker", "west.chengdu")]
    assert breaker.raised_on == TODAY - timedelta(days=TODAY.weekday())  # this week's Monday
    assert diagnosis.alert_id == breaker.id and diagnosis.findings["kpi_misses"]
    for alert, *_ in rows:  # dated as the evening each was raised, not the replay's clock
        local = alert.created_at.astimezone(ZoneInfo("Asia/Shanghai"))
        assert local.date() == alert.raised_on


async def check_every_team_works_most_days(sessions):
    """Every rep logs follow-ups and qualifies leads over the weeks before today and meets the
    level's daily minimums on most working days; Chengdu misses more in its slump."""
    from domain.pipeline.kpis import kpi_report
    from domain.targets.progress import working_calendar

    async with sessions() as session:
        admin = await access.actor_for(
            session, await session.scalar(select(User).where(User.login == "admin"))
        )
        calendar = await working_calendar(session, "CN")
        reports = await kpi_report(
            session,
            admin,
            start=TODAY - timedelta(days=27),
            end=TODAY,
            is_working=calendar.is_working,
            timezone="Asia/Shanghai",
        )
        units = dict((await session.execute(select(OrgUnit.id, OrgUnit.code))).all())
    hit: dict[str, list[bool]] = {}
    for report in reports:
        days = [d for d in report.days if d.day >= report.rep.hire_date]
        hit.setdefault(units[report.rep.unit_id], []).extend(d.hit for d in days)
        if report.rep.external_id not in ("rep.shanghai.01", "rep.shanghai.02"):
            assert report.miss_streak < 2, report.rep.external_id
            assert sum(d.counts.get("touches", 0) > 0 for d in days) == len(days)
    assert len(hit) == 14
    for team, days in hit.items():
        share = sum(days) / len(days)
        assert share >= (0.6 if team == "west.chengdu" else 0.8), (team, share)
    everyone = [h for days in hit.values() for h in days]
    assert sum(everyone) / len(everyone) >= 0.85


async def check_dates_spread_over_the_history(sessions):
    """Created, moved and followed up over the past weeks, not all at the moment of loading:
    a dashboard of a month two months ago has follow-ups and qualified leads to count."""
    from domain.health.rules import HealthThresholds
    from domain.health.service import health_dashboard
    from domain.pipeline.models import FollowUp, Opportunity, StageTransition

    zone = ZoneInfo("Asia/Shanghai")
    async with sessions() as session:
        created = list(await session.scalars(select(Opportunity.created_at)))
        moved = list(await session.scalars(select(StageTransition.at)))
        logged = (await session.execute(select(FollowUp.occurred_at, FollowUp.logged_at))).all()
        admin = await access.actor_for(
            session, await session.scalar(select(User).where(User.login == "admin"))
        )
        company = await session.scalar(select(OrgUnit).where(OrgUnit.code == "demo"))
        earlier = await health_dashboard(
            session,
            admin,
            unit_id=company.id,
            start=TODAY - timedelta(days=59),
            end=TODAY - timedelta(days=30),
            timezone="Asia/Shanghai",
            country="CN",
            thresholds=HealthThresholds(),
        )
    for moments, days in ((created, 60), (moved, 30), ([o for o, _ in logged], 30)):
        local = {m.astimezone(zone).date() for m in moments}
        assert min(local) <= TODAY - timedelta(days=days) and max(local) <= TODAY
        assert len(local) >= 25
    assert all(o <= at for o, at in logged)
    counted = {i.kind.value: i.sample_size for i in earlier.indicators}
    assert counted["effective_follow_up_rate"] > 100
    assert counted["lead_to_qualified_days"] > 100
