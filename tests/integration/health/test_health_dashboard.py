"""The health dashboard: each indicator below, on and above its threshold (one unit each),
NO_DATA, the targets, gap reasons, alerts and leaderboard, scope, ranges, and a constant
number of statements whatever the number of reps."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.alerts.models import Alert
from domain.kernel.time import as_utc
from domain.org.models import Rep
from domain.pipeline.models import Account, FollowUp, Opportunity, StageTransition
from domain.targets.models import Deal, GapTag, Target
from tests.support.db import count_statements
from tests.support.graphql import gid
from tests.support.pipeline import log_follow_up, new_opportunity

ZONE = ZoneInfo("Asia/Shanghai")
FROM, TO = date(2026, 10, 1), date(2026, 10, 31)
QUERY = """query($unit: ID!, $from: Date!, $to: Date!, $size: Int! = 10) {
  healthDashboard(unitId: $unit, from: $from, to: $to, leaderboardSize: $size) {
    unit { code } from to months repCount
    indicators { kind value threshold direction status sampleSize label statusLabel }
    targets { target { periodKind amount status } progress { achieved completion } }
    gapReasons { reason { code } count } gapReasonsPeriodStart
    openAlerts { yellow orange red total }
    leaderboard { rank repName revenue completion targetAmount targetPeriodKind
      rep { externalId } target { id } } } }"""
SMALL = """query($unit: ID!, $from: Date!, $to: Date!) {
  healthDashboard(unitId: $unit, from: $from, to: $to) {
    indicators { kind value status sampleSize } } }"""
DAY = timedelta(days=1)


def local(day: date, hour: float = 10) -> datetime:
    """A moment of a company day, in UTC (SQLite drops offsets it is given)."""
    return as_utc(datetime.combine(day, time(), ZONE) + timedelta(hours=hour))


class Data:
    """Rows written straight through the ORM, with the dates a test needs."""

    numbers = itertools.count(1)

    def __init__(self, session, world):
        self.session = session
        self.world = world

    def rep_id(self, external_id: str) -> int:
        return self.world.reps[external_id]

    async def add(self, *rows):
        self.session.add_all(rows)
        await self.session.flush()
        return rows[0] if len(rows) == 1 else rows

    async def new_rep(self, unit: str, hired: date, name: str | None = None) -> int:
        number = next(self.numbers)
        rep = await self.add(
            Rep(
                external_id=f"new{number}",
                name=name or f"New {number}",
                unit_id=self.world.units[unit],
                level="junior",
                hire_date=hired,
                capacity=10,
                status="active",
            )
        )
        self.world.reps[rep.external_id] = rep.id
        return rep.id

    async def account(self, rep_id: int, high_value=True, created=FROM - 30 * DAY) -> int:
        account = await self.add(
            Account(
                name=f"Account {next(self.numbers)}",
                segment="smb",
                owner_rep_id=rep_id,
                high_value=high_value,
                created_at=local(created),
            )
        )
        return account.id

    async def opportunity(self, rep_id: int, created: datetime, account_id=None, **kw) -> int:
        account_id = account_id or await self.account(rep_id, high_value=False)
        opportunity = await self.add(
            Opportunity(
                account_id=account_id,
                owner_rep_id=rep_id,
                title=f"Deal {next(self.numbers)}",
                amount=100_00,
                expected_close=TO + 60 * DAY,
                created_at=created,
                stage_entered_at=created,
                **kw,
            )
        )
        return opportunity.id

    async def follow_ups(
        self, opportunity_id, rep_id, at: datetime, count=1, value=False, initiated=False
    ) -> list[FollowUp]:
        rows = [
            FollowUp(
                opportunity_id=opportunity_id,
                rep_id=rep_id,
                type="call",
                occurred_at=at,
                logged_at=at,
                value_points=["roi_figure"] if value else [],
                customer_status="engaged",
                customer_responded=True,
                customer_initiated=initiated,
            )
            for _ in range(count)
        ]
        self.session.add_all(rows)
        await self.session.flush()
        return rows

    async def qualified(self, rep_id: int, created: datetime, *moves: tuple[str, str, float]):
        """An opportunity created at `created`, then moved (from, to, days after creation)."""
        opportunity_id = await self.opportunity(rep_id, created)
        rows = [StageTransition(opportunity_id=opportunity_id, to_stage="lead", action="create")]
        rows[0].at = created
        for source, to, days in moves:
            action = "advance" if to != "contacted" or source == "lead" else "back"
            row = StageTransition(
                opportunity_id=opportunity_id, from_stage=source, to_stage=to, action=action
            )
            row.at = created + timedelta(days=days)
            rows.append(row)
        await self.add(*rows)
        return opportunity_id

    async def deal(self, rep_id: int, day: date, amount: int = 100_00) -> None:
        await self.add(
            Deal(
                external_id=f"deal{next(self.numbers)}",
                close_date=day,
                amount=amount,
                rep_id=rep_id,
                customer=f"Customer {next(self.numbers)}",
                segment="smb",
                product_line="fleet",
            )
        )

    async def won(self, rep_id: int, day: date, amount: int = 100_00) -> None:
        await self.opportunity(
            rep_id, local(day - 20 * DAY), stage="won", won_amount=amount, won_on=day
        )

    async def target(self, owner: tuple[str, int], kind: str, start: date, amount: int, **kw):
        owner_kind, owner_id = owner
        return await self.add(
            Target(
                metric=kw.pop("metric", "revenue"),
                owner_unit_id=owner_id if owner_kind == "unit" else None,
                owner_rep_id=owner_id if owner_kind == "rep" else None,
                owner_key=f"{owner_kind}:{owner_id}",
                period_kind=kind,
                period_start=start,
                amount=amount,
                status=kw.pop("status", "approved"),
            )
        )

    async def alert(self, unit: str, severity: str, status: str = "open") -> None:
        await self.add(
            Alert(
                rule="kpi_miss",
                severity=severity,
                status=status,
                subject_key=f"test:{next(self.numbers)}",
                unit_id=self.world.units[unit],
                evidence={},
                raised_on=TO,
                condition_seen_on=TO,
            )
        )


async def build(sessions, world, scenario) -> None:
    async with sessions() as session:
        await scenario(Data(session, world))
        await session.commit()


async def dashboard(api, world, unit: str, start=FROM, end=TO, as_="admin", **kw) -> dict:
    data = await api.data(
        QUERY,
        {"unit": world.unit(unit), "from": start.isoformat(), "to": end.isoformat(), **kw},
        as_=as_,
    )
    return data["healthDashboard"]


def indicator(board: dict, kind: str) -> dict:
    return next(i for i in board["indicators"] if i["kind"] == kind)


# --- each indicator below, on and above its threshold -----------------------------------


async def test_effective_follow_up_rate(api, world, sessions):
    async def scenario(d: Data):
        for unit, rep, valued in [
            ("east.sh", "r1", 11),
            ("east.hz", "r3", 13),
            ("west.cd", "r4", 14),
        ]:
            rep_id = d.rep_id(rep)
            opportunity = await d.opportunity(rep_id, local(FROM - 5 * DAY))
            plain = 20 - valued - (1 if unit == "east.sh" else 0)
            await d.follow_ups(opportunity, rep_id, local(FROM, 0.5), valued, value=True)
            await d.follow_ups(opportunity, rep_id, local(TO, 23.5), plain)  # local day `to`
        # east.sh: one plain entry corrected by one that delivered value → 12 of 20
        r1 = d.rep_id("r1")
        opportunity = await d.opportunity(r1, local(FROM - 5 * DAY))
        (wrong,) = await d.follow_ups(opportunity, r1, local(FROM + 3 * DAY))
        (fixed,) = await d.follow_ups(opportunity, r1, local(FROM + 3 * DAY), value=True)
        fixed.corrects_id = wrong.id
        # outside the period: not counted
        await d.follow_ups(opportunity, r1, local(FROM - DAY, 23.5), 5, value=True)
        await d.follow_ups(opportunity, r1, local(TO + DAY, 0.5), 5, value=True)

    await build(sessions, world, scenario)
    expected = {"east.sh": (0.6, "RED"), "east.hz": (0.65, "GREEN"), "west.cd": (0.7, "GREEN")}
    for unit, (value, status) in expected.items():
        found = indicator(await dashboard(api, world, unit), "EFFECTIVE_FOLLOW_UP_RATE")
        assert (found["value"], found["status"], found["sampleSize"]) == (
            pytest.approx(value),
            status,
            20,
        ), unit
        assert (found["threshold"], found["direction"]) == (0.65, "AT_LEAST")
    east = indicator(await dashboard(api, world, "east"), "EFFECTIVE_FOLLOW_UP_RATE")
    assert (east["value"], east["sampleSize"], east["status"]) == (25 / 40, 40, "RED")


async def test_lead_to_qualified_median(api, world, sessions):
    async def scenario(d: Data):
        path = [("lead", "contacted", 0.5)]
        for rep, middle in [("r1", 3.3), ("r3", 3.2), ("r4", 3.1)]:
            rep_id = d.rep_id(rep)
            for days in (1, middle, 9):
                await d.qualified(
                    rep_id, local(FROM + 2 * DAY), *path, ("contacted", "qualified", days)
                )
        r1 = d.rep_id("r1")
        # first qualified before the period, back and re-qualified inside it: not counted
        await d.qualified(
            r1,
            local(FROM - 20 * DAY),
            *path,
            ("contacted", "qualified", 1),
            ("qualified", "contacted", 5),
            ("contacted", "qualified", 25),
        )
        # qualified after the period: not counted
        await d.qualified(r1, local(TO - DAY), *path, ("contacted", "qualified", 2))
        # not qualified at all
        await d.qualified(r1, local(FROM + DAY), *path)

    await build(sessions, world, scenario)
    expected = {"east.sh": (3.3, "RED"), "east.hz": (3.2, "GREEN"), "west.cd": (3.1, "GREEN")}
    for unit, (value, status) in expected.items():
        found = indicator(await dashboard(api, world, unit), "LEAD_TO_QUALIFIED_DAYS")
        assert (found["value"], found["status"], found["sampleSize"]) == (
            pytest.approx(value),
            status,
            3,
        ), unit
        assert (found["threshold"], found["direction"]) == (3.2, "AT_MOST")


async def test_new_rep_first_deal_spread(api, world, sessions):
    async def scenario(d: Data):
        hired = date(2026, 3, 2)
        for unit, second in [("east.sh", 131), ("east.hz", 130), ("west.cd", 129)]:
            first = await d.new_rep(unit, hired)
            await d.deal(first, hired + 100 * DAY)  # an imported deal
            await d.deal(first, hired + 110 * DAY)  # a later one does not matter
            other = await d.new_rep(unit, hired + 10 * DAY)
            await d.won(other, hired + 10 * DAY + second * DAY)  # a won opportunity
        # east.sh, not counted: hired 13 months before the end, or without a deal yet, or
        # whose first deal closes after the end
        veteran = await d.new_rep("east.sh", TO - 400 * DAY)
        await d.deal(veteran, TO - 300 * DAY)
        await d.new_rep("east.sh", date(2026, 5, 1))
        late = await d.new_rep("east.sh", date(2026, 9, 1))
        await d.deal(late, TO + DAY)
        # the world's reps were hired in 2024: not new
        await d.deal(d.rep_id("r1"), date(2026, 6, 1))

    await build(sessions, world, scenario)
    expected = {"east.sh": (15.5, "RED"), "east.hz": (15.0, "GREEN"), "west.cd": (14.5, "GREEN")}
    for unit, (value, status) in expected.items():
        found = indicator(await dashboard(api, world, unit), "FIRST_DEAL_STDDEV_DAYS")
        assert (found["value"], found["status"], found["sampleSize"]) == (
            pytest.approx(value),
            status,
            2,
        ), unit
        assert (found["threshold"], found["direction"]) == (15.0, "AT_MOST")


async def test_high_value_customers_proactive_inquiries(api, world, sessions):
    # 761 days are 25 months of 30.44 days: 70 inquiries from one account are 2.8 a month
    start = TO - 760 * DAY

    async def scenario(d: Data):
        for rep, inquiries in [("r1", 69), ("r3", 70), ("r4", 71)]:
            rep_id = d.rep_id(rep)
            account = await d.account(rep_id, created=start - DAY)
            opportunity = await d.opportunity(rep_id, local(start), account_id=account)
            await d.follow_ups(opportunity, rep_id, local(start, 0.5), inquiries, initiated=True)
            await d.follow_ups(opportunity, rep_id, local(start + DAY), 10)  # rep-initiated
            if rep == "r1":  # outside the period: not counted
                await d.follow_ups(opportunity, rep_id, local(start - DAY), 9, initiated=True)
                await d.follow_ups(opportunity, rep_id, local(TO + DAY), 9, initiated=True)
        r1 = d.rep_id("r1")
        # east.sh, not counted either: an ordinary account's inquiries, a high-value account
        # created after the period, another unit's high-value account
        ordinary = await d.account(r1, high_value=False, created=start)
        opportunity = await d.opportunity(r1, local(start), account_id=ordinary)
        await d.follow_ups(opportunity, r1, local(start + DAY), 20, initiated=True)
        await d.account(r1, created=TO + DAY)

    await build(sessions, world, scenario)
    expected = {"east.sh": (2.76, "RED"), "east.hz": (2.8, "GREEN"), "west.cd": (2.84, "GREEN")}
    for unit, (value, status) in expected.items():
        board = await dashboard(api, world, unit, start=start)
        assert board["months"] == pytest.approx(25)
        found = indicator(board, "PROACTIVE_INQUIRIES_PER_MONTH")
        assert (found["value"], found["status"], found["sampleSize"]) == (
            pytest.approx(value),
            status,
            1,
        ), unit
        assert (found["threshold"], found["direction"]) == (2.8, "AT_LEAST")
    east = indicator(
        await dashboard(api, world, "east", start=start), "PROACTIVE_INQUIRIES_PER_MONTH"
    )
    assert (east["value"], east["sampleSize"]) == (pytest.approx(139 / 2 / 25), 2)


async def test_an_empty_unit_has_no_data(api, world, sessions):
    async def scenario(d: Data):
        lone = await d.new_rep("east.hz", date(2026, 6, 1))
        await d.deal(lone, date(2026, 8, 1))  # one new rep: no spread to speak of
        await d.account(lone, high_value=False)

    await build(sessions, world, scenario)
    board = await dashboard(api, world, "east.hz")
    assert [(i["kind"], i["value"], i["status"]) for i in board["indicators"]] == [
        ("EFFECTIVE_FOLLOW_UP_RATE", None, "NO_DATA"),
        ("LEAD_TO_QUALIFIED_DAYS", None, "NO_DATA"),
        ("FIRST_DEAL_STDDEV_DAYS", None, "NO_DATA"),
        ("PROACTIVE_INQUIRIES_PER_MONTH", None, "NO_DATA"),
    ]
    assert [i["sampleSize"] for i in board["indicators"]] == [0, 0, 1, 0]
    assert board["indicators"][0]["statusLabel"] == "无数据"
    assert board["indicators"][0]["label"] == "有效跟进率"
    assert board["targets"] == [] and board["gapReasons"] == []
    assert board["openAlerts"] == {"yellow": 0, "orange": 0, "red": 0, "total": 0}
    english = await api(
        SMALL,
        {"unit": world.unit("east.hz"), "from": FROM.isoformat(), "to": TO.isoformat()},
        headers={"Accept-Language": "en"},
    )
    assert "errors" not in english


async def test_labels_follow_the_language(api, world):
    body = await api(
        'query($unit: ID!) { healthDashboard(unitId: $unit, from: "2026-10-01", '
        'to: "2026-10-31") { indicators { label statusLabel } } }',
        {"unit": world.unit("east")},
        headers={"Accept-Language": "en"},
    )
    first = body["data"]["healthDashboard"]["indicators"][0]
    assert first == {"label": "Effective follow-up rate", "statusLabel": "No data"}


class TestThresholdsFromSettings:
    @pytest.fixture
    def app_settings(self):
        return {"health_thresholds": {"effective_follow_up_rate": 0.5}}

    async def test_a_configured_threshold_decides(self, api, world, sessions):
        async def scenario(d: Data):
            r1 = d.rep_id("r1")
            opportunity = await d.opportunity(r1, local(FROM))
            await d.follow_ups(opportunity, r1, local(FROM + DAY), 11, value=True)
            await d.follow_ups(opportunity, r1, local(FROM + DAY), 9)

        await build(sessions, world, scenario)
        found = indicator(await dashboard(api, world, "east.sh"), "EFFECTIVE_FOLLOW_UP_RATE")
        assert (found["value"], found["threshold"], found["status"]) == (0.55, 0.5, "GREEN")


# --- targets, gap reasons, alerts, leaderboard ------------------------------------------


async def test_targets_gap_reasons_alerts_and_leaderboard(api, world, sessions):
    made = {}

    async def scenario(d: Data):
        sh = ("unit", world.units["east.sh"])
        month = await d.target(sh, "month", date(2026, 10, 1), 2_000_000)
        quarter = await d.target(sh, "quarter", date(2026, 10, 1), 8_000_000)
        await d.target(sh, "year", date(2026, 1, 1), 40_000_000, status="draft")  # not rated
        await d.target(sh, "month", date(2026, 9, 1), 1_000_000)  # does not contain `to`
        await d.target(sh, "month", date(2026, 10, 1), 9, metric="deals_won")  # not revenue
        r1, r2 = d.rep_id("r1"), d.rep_id("r2")
        r1_month = made["r1_month"] = await d.target(
            ("rep", r1), "month", date(2026, 10, 1), 600_000
        )
        await d.target(("rep", r1), "quarter", date(2026, 10, 1), 3_000_000)
        r5 = await d.new_rep("east.sh", date(2025, 1, 1), name="Rep r5")
        await d.deal(r1, date(2026, 10, 3), 300_000)
        await d.won(r2, date(2026, 10, 31), 500_000)
        await d.deal(r5, date(2026, 10, 15), 300_000)
        await d.deal(r5, date(2026, 9, 30), 900_000)  # before the period
        await d.deal(d.rep_id("r3"), date(2026, 10, 15), 5_000_000)  # another unit
        tags = [(month, "price"), (month, "price"), (quarter, "competitor")]
        tags += [(r1_month, "price"), (r1_month, "lead_shortage"), (r1_month, "quote_delay")]
        tags += [(r1_month, "quote_delay"), (r1_month, "competitor")]
        await d.add(*(GapTag(target_id=t.id, reason_code=code) for t, code in tags))
        old = await d.target(sh, "month", date(2026, 8, 1), 1)  # another month's tags
        await d.add(*(GapTag(target_id=old.id, reason_code="delivery") for _ in range(5)))
        await d.alert("east.sh", "yellow")
        await d.alert("east.sh", "yellow", "acknowledged")
        await d.alert("east.sh", "red")
        await d.alert("east.sh", "orange", "resolved")
        await d.alert("east.hz", "orange")
        await d.alert("west.cd", "red")

    await build(sessions, world, scenario)
    board = await dashboard(api, world, "east.sh")
    assert (board["unit"], board["from"], board["to"], board["repCount"]) == (
        {"code": "east.sh"},
        "2026-10-01",
        "2026-10-31",
        3,
    )
    assert board["targets"] == [
        {
            "target": {"periodKind": "QUARTER", "amount": 8_000_000, "status": "APPROVED"},
            "progress": {"achieved": 1_100_000, "completion": pytest.approx(1_100_000 / 8e6)},
        },
        {
            "target": {"periodKind": "MONTH", "amount": 2_000_000, "status": "APPROVED"},
            "progress": {"achieved": 1_100_000, "completion": pytest.approx(0.55)},
        },
    ]
    assert board["gapReasonsPeriodStart"] == "2026-10-01"
    assert board["gapReasons"] == [
        {"reason": {"code": "price"}, "count": 3},
        {"reason": {"code": "competitor"}, "count": 2},
        {"reason": {"code": "quote_delay"}, "count": 2},
    ]
    assert board["openAlerts"] == {"yellow": 2, "orange": 0, "red": 1, "total": 3}
    east = await dashboard(api, world, "east")
    assert east["openAlerts"] == {"yellow": 2, "orange": 1, "red": 1, "total": 4}
    leaders = [
        (row["rank"], row["repName"], row["revenue"], row["completion"], row["targetPeriodKind"])
        for row in board["leaderboard"]
    ]
    assert leaders == [
        (1, "Rep r2", 500_000, None, None),
        (2, "Rep r1", 300_000, 0.5, "MONTH"),  # the shortest period's target
        (2, "Rep r5", 300_000, None, None),
    ]
    assert board["leaderboard"][1]["targetAmount"] == 600_000
    assert board["leaderboard"][1]["target"]["id"] == gid("Target", made["r1_month"].id)
    top = await dashboard(api, world, "east.sh", size=2)
    assert [row["repName"] for row in top["leaderboard"]] == ["Rep r2", "Rep r1"]
    capped = await dashboard(api, world, "east", size=10_000)
    assert len(capped["leaderboard"]) == capped["repCount"] == 4
    assert capped["leaderboard"][0] == {**capped["leaderboard"][0], "rank": 1, "repName": "Rep r3"}


async def test_a_rep_reads_their_own_unit(api, world, sessions):
    async def scenario(d: Data):
        await d.deal(d.rep_id("r2"), date(2026, 10, 3), 300_000)
        await d.target(("rep", d.rep_id("r2")), "month", date(2026, 10, 1), 600_000)

    await build(sessions, world, scenario)
    board = await dashboard(api, world, "east.sh", as_="rep")
    first, second = board["leaderboard"]
    assert (first["repName"], first["completion"], first["rep"], first["target"]) == (
        "Rep r2",
        0.5,
        None,  # a teammate's record and target stay outside a rep's scope
        None,
    )
    assert second["rep"] == {"externalId": "r1"}


# --- scope and ranges -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "unit", "allowed"),
    [
        ("manager", "east.sh", True),
        ("manager", "west.cd", False),
        ("manager", "east", False),  # above the manager's unit
        ("director.east", "east.hz", True),
        ("director.east", "west", False),
        ("director", "acme", True),
        ("rep", "east.sh", True),
        ("rep", "east.hz", False),
        ("rep", "east", False),
    ],
)
async def test_scope(api, world, login, unit, allowed):
    body = await api(
        SMALL,
        {"unit": world.unit(unit), "from": FROM.isoformat(), "to": TO.isoformat()},
        as_=login,
    )
    if allowed:
        assert "errors" not in body, body
    else:
        assert body["data"] is None
        error = body["errors"][0]
        assert (error["extensions"]["code"], error["extensions"]["field"]) == (
            "UNIT_NOT_FOUND",
            "unitId",
        )


@pytest.mark.parametrize(
    ("unit", "start", "end", "code", "field"),
    [
        ("unit", "2026-10-31", "2026-10-01", "INVALID_RANGE", "to"),
        ("unit", "2023-10-01", "2026-10-31", "INVALID_RANGE", "to"),
        ("rep", "2026-10-01", "2026-10-31", "INVALID_ID", "unitId"),
        ("missing", "2026-10-01", "2026-10-31", "UNIT_NOT_FOUND", "unitId"),
    ],
)
async def test_refused_input_is_coded(api, world, unit, start, end, code, field):
    ids = {"unit": world.unit("east"), "rep": world.rep("r1"), "missing": gid("OrgUnit", 999)}
    body = await api(SMALL, {"unit": ids[unit], "from": start, "to": end})
    error = body["errors"][0]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (code, field)
    assert error["message"]


async def test_the_longest_range_is_accepted(api, world):
    board = await dashboard(api, world, "east", start=TO - 1095 * DAY)
    assert board["months"] == pytest.approx(1096 / 30.44)


# --- statements -------------------------------------------------------------------------


async def test_the_dashboard_takes_a_constant_number_of_statements(api, world, sessions, engine):
    teams = ["east.sh", "east.hz", "west.cd"]

    async def team_of(count: int, first: int):
        async def scenario(d: Data):
            for number in range(first, first + count):
                unit = teams[number % 3]
                rep_id = await d.new_rep(unit, date(2026, 1, 5) + number * DAY)
                await d.deal(rep_id, date(2026, 10, 2) + (number % 20) * DAY, 1_000 * (number + 1))
                target = await d.target(("rep", rep_id), "month", date(2026, 10, 1), 100_000)
                account = await d.account(rep_id)
                opportunity = await d.qualified(
                    rep_id,
                    local(FROM + DAY),
                    ("lead", "contacted", 0.5),
                    ("contacted", "qualified", 2 + number % 3),
                )
                await d.follow_ups(opportunity, rep_id, local(FROM + 2 * DAY), 2, value=True)
                other = await d.opportunity(rep_id, local(FROM), account_id=account)
                await d.follow_ups(other, rep_id, local(FROM + 3 * DAY), initiated=True)
                await d.add(GapTag(target_id=target.id, reason_code="price"))
                await d.alert(unit, ["yellow", "orange", "red"][number % 3])

        await build(sessions, world, scenario)

    async def setup(d: Data):
        for unit in ("acme", "east", "east.sh"):
            await d.target(("unit", world.units[unit]), "month", date(2026, 10, 1), 10**9)
            await d.target(("unit", world.units[unit]), "year", date(2026, 1, 1), 10**10)

    await build(sessions, world, setup)
    counts = {}
    for total, (count, first) in {3: (3, 0), 48: (45, 3)}.items():
        await team_of(count, first)
        with count_statements(engine) as counter:
            board = await dashboard(api, world, "acme", size=100)
        counts[total] = counter.count
        assert board["repCount"] == total + 4  # and the world's four
        assert all(i["status"] != "NO_DATA" for i in board["indicators"]), board["indicators"]
        assert len(board["leaderboard"]) == total + 4
        assert all(row["rep"] and row["target"] for row in board["leaderboard"][:total])
    assert counts[3] == counts[48], counts
    assert counts[48] <= 40, counts  # auth, 13 of its own, progress per period kind, loaders


async def test_logged_customer_initiated_follow_ups_count_as_inquiries(api, world):
    opportunity = await new_opportunity(api, world)  # a high-value account of r1
    for initiated in (True, True, False):
        result = await log_follow_up(api, opportunity, customerInitiated=initiated)
        assert result["errors"] == []
    today = datetime.now(ZONE).date()
    start = today - 29 * DAY
    found = indicator(
        await dashboard(api, world, "east.sh", start=start - DAY, end=today + DAY, as_="manager"),
        "PROACTIVE_INQUIRIES_PER_MONTH",
    )
    assert found["sampleSize"] == 1
    assert found["value"] == pytest.approx(2 / (32 / 30.44))
