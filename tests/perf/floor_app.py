"""The hand-written floor that `bench_reads.py` measures Pacer against (not part of Pacer).

    uvicorn tests.perf.floor_app:app   # PACER_DATABASE_URL names the same database as Pacer's

A bare Starlette app with one endpoint per read, `POST /floor/<name>`, taking the same JSON
body the benchmark sends Pacer (`{"query": ..., "variables": ...}`; the document is decoded
and ignored, the variables are read). Each endpoint authenticates the bearer token with one
hand-written SQL statement (token hash → user, roles, scope path, rep's unit), runs
hand-written SQL straight on the driver (aiosqlite or asyncpg, no ORM, no SQLAlchemy),
shapes the rows into the JSON Pacer answers as `data` and answers `{"data": ...}`.
`/typename` is a one-field strawberry app answering `{ __typename }` (the floor of GraphQL
itself); `/healthz` answers when the database is open.

Simplifications (the floor reads what the answer needs, nothing more):

- Scope: whole-company admins and managed subtrees (admin, director, manager tokens) only;
  a rep's own rows (rep tokens) are not handled by the list endpoints. Owners, accounts and
  units of visible rows are joined in directly, which for those callers is what Pacer's
  per-type visibility rules let through anyway.
- targetTree and healthDashboard: REVENUE only, as of today on the working-days basis (the
  default). Only closed sales (imported deals + won opportunities) are read for progress:
  the open pipeline weighted by stage, new customers and collections, which Pacer also
  reads, change none of the fields asked (achieved, completion, paceRatio, projection,
  gap). Working days come from the `holidays` package plus `calendar_exception`, day by
  day, as Pacer counts them (each span once per request, as Pacer does per period).
- healthDashboard: the same reads as Pacer's service (follow-ups, first entries into
  qualified, first deals of new reps, key accounts' inquiries, the reps, revenue per rep,
  covering targets, calendar, gap tags, open alerts), the arithmetic in plain Python.
  Gap reasons are answered by code only (no read of the reasons' labels); the default
  thresholds; default leaderboard size (10).
- Errors are a bare `{"errors": [{"message": ...}]}`, with HTTP 401/403/400.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import math
import os
import re
import statistics
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from strawberry.asgi import GraphQL

URL = os.environ.get("PACER_DATABASE_URL", "sqlite+aiosqlite:///./pacer.db")
ZONE = ZoneInfo(os.environ.get("PACER_TIMEZONE", "Asia/Shanghai"))
CALENDAR = holidays.country_holidays(os.environ.get("PACER_HOLIDAY_COUNTRY", "CN").upper())
THRESHOLDS = {  # Pacer's defaults (PACER_HEALTH_THRESHOLDS is not read here)
    "EFFECTIVE_FOLLOW_UP_RATE": (0.65, "AT_LEAST"),
    "LEAD_TO_QUALIFIED_DAYS": (3.2, "AT_MOST"),
    "FIRST_DEAL_STDDEV_DAYS": (15.0, "AT_MOST"),
    "PROACTIVE_INQUIRIES_PER_MONTH": (2.8, "AT_LEAST"),
}
SALES = (
    "(SELECT rep_id, close_date AS day, amount FROM deal UNION ALL "
    "SELECT owner_rep_id, won_on, won_amount FROM opportunity WHERE stage = 'won')"
)
WIDEST_FIRST = ["year", "quarter", "month", "week"]


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# --- the database, straight on the driver -------------------------------------------------


class Database:
    """`fetch(sql, *params)` with `?` placeholders on SQLite and PostgreSQL alike; dates and
    datetimes are given as Python objects and come back as Python objects."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        self.url = url
        self._statements: dict[str, str] = {}

    async def open(self) -> None:
        if self.sqlite:
            import aiosqlite

            self._connection = await aiosqlite.connect(self.url.split(":///", 1)[1])
        else:
            import asyncpg

            dsn = self.url.replace("postgresql+asyncpg://", "postgresql://", 1)
            self._pool = await asyncpg.create_pool(dsn, min_size=1, max_size=5)

    async def close(self) -> None:
        if self.sqlite:
            await self._connection.close()
        else:
            await self._pool.close()

    async def fetch(self, sql: str, *params) -> list:
        if self.sqlite:
            values = [_sqlite_value(p) for p in params]
            async with self._connection.execute(sql, values) as cursor:
                return list(await cursor.fetchall())
        statement = self._statements.get(sql)
        if statement is None:
            numbers = iter(range(1, 10_000))
            statement = re.sub(r"\?", lambda _: f"${next(numbers)}", sql)
            self._statements[sql] = statement
        async with self._pool.acquire() as connection:
            return await connection.fetch(statement, *params)


def _sqlite_value(value):
    if isinstance(value, datetime):  # stored as naive UTC text, as SQLAlchemy writes it
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def as_date(value) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def as_utc(value) -> datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def iso(value) -> str:
    return value[:10] if isinstance(value, str) else value.isoformat()


def global_id(type_name: str, row_id: int) -> str:
    return base64.b64encode(f"{type_name}:{row_id}".encode()).decode()


def row_of(value: str, type_name: str) -> int:
    try:
        kind, _, number = base64.b64decode(value).decode().partition(":")
    except ValueError:
        kind, number = "", ""
    if kind != type_name or not number.isdigit():
        raise Refused(400, f"expected the ID of a {type_name}")
    return int(number)


# --- who is asking ------------------------------------------------------------------------

AUTH = """
SELECT u.id, u.login, u.active, t.expires_at, t.revoked_at, ur.role, su.path, u.rep_id,
       r.unit_id
FROM api_token t
JOIN app_user u ON u.id = t.user_id
LEFT JOIN user_role ur ON ur.user_id = u.id
LEFT JOIN org_unit su ON su.id = u.scope_unit_id
LEFT JOIN rep r ON r.id = u.rep_id
WHERE t.token_hash = ?
ORDER BY ur.role
"""


class Actor:
    def __init__(self, rows) -> None:
        first = rows[0]
        self.user_id, self.login = first[0], first[1]
        self.roles = [row[5] for row in rows if row[5] is not None]
        self.scope_path, self.rep_id, self.rep_unit_id = first[6], first[7], first[8]

    @property
    def whole_company(self) -> bool:
        return "admin" in self.roles and self.scope_path is None

    @property
    def subtree(self) -> str | None:
        if {"admin", "director", "manager"} & set(self.roles):
            return self.scope_path
        return None

    def manages(self, path: str) -> bool:
        return self.whole_company or (self.subtree is not None and path.startswith(self.subtree))

    def scope_prefix(self) -> str:
        """A path prefix every visible unit starts with (lists: managers and admins only)."""
        if self.whole_company:
            return "/"
        if self.subtree is None:
            raise Refused(403, "the floor lists rows for managers, directors and admins only")
        return self.subtree


async def authenticate(db: Database, request: Request) -> Actor:
    scheme, _, secret = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Refused(401, "no bearer token")
    digest = hashlib.sha256(secret.strip().encode()).hexdigest()
    rows = await db.fetch(AUTH, digest)
    if not rows:
        raise Refused(401, "unknown API token")
    _, _, active, expires_at, revoked_at = rows[0][:5]
    if revoked_at is not None or not active:
        raise Refused(401, "API token revoked or user inactive")
    if expires_at is not None and as_utc(expires_at) <= datetime.now(UTC):
        raise Refused(401, "API token expired")
    return Actor(rows)


# --- the reads ------------------------------------------------------------------------------


async def me(db: Database, actor: Actor, variables: dict) -> dict:
    return {"me": {"login": actor.login, "roles": [role.upper() for role in actor.roles]}}


async def me_with_rep(db: Database, actor: Actor, variables: dict) -> dict:
    rep = None
    if actor.rep_id is not None:
        rows = await db.fetch(
            "SELECT r.name, u.name FROM rep r JOIN org_unit u ON u.id = r.unit_id WHERE r.id = ?",
            actor.rep_id,
        )
        if rows:
            rep = {"name": rows[0][0], "unit": {"name": rows[0][1]}}
    answer = await me(db, actor, variables)
    answer["me"]["rep"] = rep
    return answer


def connection(rows: list, first: int, total: int, node) -> dict:
    edges = [{"node": node(row)} for row in rows[:first]]
    last = rows[:first][-1][0] if rows[:first] else None
    cursor = None if last is None else base64.b64encode(f"cursor:{last}".encode()).decode()
    return {
        "totalCount": total,
        "pageInfo": {"hasNextPage": len(rows) > first, "endCursor": cursor},
        "edges": edges,
    }


async def opportunities(db: Database, actor: Actor, variables: dict) -> dict:
    first, prefix = int(variables.get("first") or 100), actor.scope_prefix() + "%"
    scope = "FROM opportunity o JOIN rep r ON r.id = o.owner_rep_id "
    scope += "JOIN org_unit u ON u.id = r.unit_id WHERE u.path LIKE ?"
    total = (await db.fetch("SELECT COUNT(*) " + scope, prefix))[0][0]
    rows = await db.fetch(
        "SELECT o.id, o.title, o.amount, o.stage, o.expected_close, r.id, r.name, a.id, a.name "
        + scope.replace("WHERE", "JOIN account a ON a.id = o.account_id WHERE")
        + " ORDER BY o.id LIMIT ?",
        prefix,
        first + 1,
    )
    return {
        "opportunities": connection(
            rows,
            first,
            total,
            lambda row: {
                "id": global_id("Opportunity", row[0]),
                "title": row[1],
                "amount": row[2],
                "stage": row[3].upper(),
                "expectedClose": iso(row[4]),
                "owner": {"id": global_id("Rep", row[5]), "name": row[6]},
                "account": {"id": global_id("Account", row[7]), "name": row[8]},
            },
        )
    }


async def reps(db: Database, actor: Actor, variables: dict) -> dict:
    first, prefix = int(variables.get("first") or 100), actor.scope_prefix() + "%"
    scope = "FROM rep r JOIN org_unit u ON u.id = r.unit_id WHERE u.path LIKE ?"
    total = (await db.fetch("SELECT COUNT(*) " + scope, prefix))[0][0]
    rows = await db.fetch(
        "SELECT r.id, r.name, r.level, r.hire_date, r.status, u.id, u.name "
        + scope
        + " ORDER BY r.id LIMIT ?",
        prefix,
        first + 1,
    )
    return {
        "reps": connection(
            rows,
            first,
            total,
            lambda row: {
                "id": global_id("Rep", row[0]),
                "name": row[1],
                "level": row[2].upper(),
                "hireDate": iso(row[3]),
                "status": row[4].upper(),
                "unit": {"id": global_id("OrgUnit", row[5]), "name": row[6]},
            },
        )
    }


async def alerts(db: Database, actor: Actor, variables: dict) -> dict:
    first, prefix = int(variables.get("first") or 100), actor.scope_prefix() + "%"
    scope = "FROM alert a JOIN org_unit u ON u.id = a.unit_id WHERE u.path LIKE ?"
    total = (await db.fetch("SELECT COUNT(*) " + scope, prefix))[0][0]
    rows = await db.fetch(
        "SELECT a.id, a.rule, a.severity, a.status, a.raised_on, a.condition_seen_on, u.id, "
        "u.name, r.id, r.name "
        + scope.replace("WHERE", "LEFT JOIN rep r ON r.id = a.rep_id WHERE")
        + " ORDER BY a.id LIMIT ?",
        prefix,
        first + 1,
    )
    return {
        "alerts": connection(
            rows,
            first,
            total,
            lambda row: {
                "id": global_id("Alert", row[0]),
                "rule": row[1].upper(),
                "severity": row[2].upper(),
                "status": row[3].upper(),
                "raisedOn": iso(row[4]),
                "conditionSeenOn": iso(row[5]),
                "unit": {"id": global_id("OrgUnit", row[6]), "name": row[7]},
                "rep": None if row[8] is None else {"id": global_id("Rep", row[8]), "name": row[9]},
            },
        )
    }


# --- progress: closed sales against working days --------------------------------------------


def period_end(kind: str, start: date) -> date:
    if kind == "week":
        return start + timedelta(days=7)
    months = {"year": 12, "quarter": 3, "month": 1}[kind]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


EXCEPTIONS = "SELECT day, working FROM calendar_exception"


class WorkingDays:
    """This request's working calendar: the country's holidays and the company's exceptions;
    counts of working days in [start, end), each counted once per request."""

    def __init__(self, exceptions: dict[date, bool]) -> None:
        self.exceptions = exceptions
        self.counted: dict[tuple[date, date], int] = {}

    def is_working(self, day: date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return CALENDAR.is_working_day(day)

    def between(self, start: date, end: date) -> int:
        count = self.counted.get((start, end))
        if count is None:
            count, day = 0, start
            while day < end:
                count += self.is_working(day)
                day += timedelta(days=1)
            self.counted[start, end] = count
        return count


async def working_days(db: Database) -> WorkingDays:
    return WorkingDays({as_date(day): bool(working) for day, working in await db.fetch(EXCEPTIONS)})


def progress(amount: int, achieved: int, start: date, end: date, as_of: date, days) -> dict:
    cutoff = min(as_of + timedelta(days=1), end)
    total = days.between(start, end)
    elapsed = days.between(start, max(cutoff, start))
    share = elapsed / total if total else 1.0
    expected = amount * share
    projection = achieved * total / elapsed if elapsed > 0 else float(achieved)
    return {
        "achieved": achieved,
        "completion": achieved / amount if amount else None,
        "paceRatio": achieved / expected if expected else None,
        "projection": projection,
        "gap": amount - projection,
    }


SALES_BY_REP = (
    f"SELECT s.rep_id, u.path, SUM(s.amount) FROM {SALES} s JOIN rep r ON r.id = s.rep_id "
    "JOIN org_unit u ON u.id = r.unit_id WHERE u.path LIKE ? AND s.day >= ? AND s.day < ? "
    "GROUP BY s.rep_id, u.path"
)


def achieved_by(rows, unit_id: int | None, rep_id: int | None) -> int:
    """A rep's own sales, or a unit's: every rep whose unit path passes through it."""
    if rep_id is not None:
        return sum(int(total) for rep, _, total in rows if rep == rep_id)
    marker = f"/{unit_id}/"
    return sum(int(total) for _, path, total in rows if marker in path)


def today() -> date:
    return datetime.now(ZONE).date()


async def target_tree(db: Database, actor: Actor, variables: dict) -> dict:
    root_id = row_of(variables["rootId"], "OrgUnit")
    if variables.get("metric", "REVENUE") != "REVENUE":
        raise Refused(400, "the floor computes REVENUE only")
    kind, start = variables["periodKind"].lower(), date.fromisoformat(variables["periodStart"])
    roots = await db.fetch("SELECT path, depth FROM org_unit WHERE id = ?", root_id)
    if not roots or not (actor.manages(roots[0][0]) or actor.rep_unit_id == root_id):
        raise Refused(400, "org unit not found")
    path, root_depth = roots[0]
    rows = await db.fetch(
        "SELECT t.id, t.amount, t.status, t.version, t.explanation, t.owner_unit_id, "
        "ou.depth, ou.name, r.id, r.name FROM target t "
        "LEFT JOIN rep r ON r.id = t.owner_rep_id "
        "JOIN org_unit ou ON ou.id = COALESCE(t.owner_unit_id, r.unit_id) "
        "WHERE t.metric = 'revenue' AND t.period_kind = ? AND t.period_start = ? "
        "AND ou.path LIKE ? AND ou.path LIKE ? "
        "ORDER BY ou.depth, r.id IS NOT NULL, t.id",
        kind,
        start,
        path + "%",
        actor.scope_prefix() + "%",
    )
    end, as_of = period_end(kind, start), today()
    cutoff = min(as_of + timedelta(days=1), end)
    sales = await db.fetch(SALES_BY_REP, path + "%", start, cutoff)
    days = await working_days(db)
    tree = []
    for target_id, amount, status, version, explanation, unit_id, depth, unit, rep_id, rep in rows:
        sentence = json.loads(explanation)["sentence_zh"] if explanation else None
        achieved = achieved_by(sales, unit_id, rep_id)
        tree.append(
            {
                "depth": depth + (rep_id is not None) - root_depth,
                "target": {
                    "id": global_id("Target", target_id),
                    "amount": amount,
                    "status": status.upper(),
                    "version": version,
                    "ownerUnit": {"name": unit} if unit_id is not None else None,
                    "ownerRep": {"name": rep} if rep_id is not None else None,
                    "explanation": None if sentence is None else {"sentence": sentence},
                },
                "progress": progress(amount, achieved, start, end, as_of, days),
            }
        )
    return {"targetTree": tree}


# --- the health dashboard -------------------------------------------------------------------

NOT_CORRECTED = "f.id NOT IN (SELECT corrects_id FROM follow_up WHERE corrects_id IS NOT NULL)"
REPS_IN = "SELECT r.id FROM rep r JOIN org_unit u ON u.id = r.unit_id WHERE u.path LIKE ?"
FOLLOW_UPS = (
    f"SELECT f.value_points FROM follow_up f WHERE f.rep_id IN ({REPS_IN}) "
    f"AND f.occurred_at >= ? AND f.occurred_at < ? AND {NOT_CORRECTED}"
)
QUALIFIED = (
    "SELECT o.id, o.created_at, st.at FROM opportunity o "
    "JOIN stage_transition st ON st.opportunity_id = o.id "
    f"WHERE st.to_stage = 'qualified' AND st.at < ? AND o.owner_rep_id IN ({REPS_IN}) "
    "AND o.id IN (SELECT opportunity_id FROM stage_transition "
    "WHERE to_stage = 'qualified' AND at >= ? AND at < ?)"
)
FIRST_DEALS = (
    f"SELECT r.id, r.hire_date, MIN(s.day) FROM rep r JOIN {SALES} s ON s.rep_id = r.id "
    "JOIN org_unit u ON u.id = r.unit_id WHERE u.path LIKE ? AND r.hire_date >= ? "
    "AND r.hire_date <= ? AND s.day >= r.hire_date AND s.day <= ? GROUP BY r.id, r.hire_date"
)
KEY_ACCOUNTS = (
    f"SELECT a.id FROM account a WHERE a.high_value = ? AND a.owner_rep_id IN ({REPS_IN}) "
    "AND a.created_at < ?"
)
INQUIRIES = (
    "SELECT (SELECT COUNT(f.id) FROM follow_up f JOIN opportunity o ON o.id = f.opportunity_id "
    f"WHERE o.account_id IN ({KEY_ACCOUNTS}) AND f.customer_initiated = ? "
    f"AND f.occurred_at >= ? AND f.occurred_at < ? AND {NOT_CORRECTED}), "
    f"(SELECT COUNT(*) FROM ({KEY_ACCOUNTS}) k)"
)
MEMBERS = (
    "SELECT r.id, r.name FROM rep r JOIN org_unit u ON u.id = r.unit_id WHERE u.path LIKE ? "
    "ORDER BY r.name, r.id"
)
REVENUE = (
    f"SELECT s.rep_id, SUM(s.amount) FROM {SALES} s WHERE s.rep_id IN ({REPS_IN}) "
    "AND s.day >= ? AND s.day <= ? GROUP BY s.rep_id"
)
GAP_TAGS = (
    "SELECT g.reason_code, COUNT(*) FROM gap_tag g JOIN target t ON t.id = g.target_id "
    "LEFT JOIN rep r ON r.id = t.owner_rep_id "
    "JOIN org_unit u ON u.id = COALESCE(t.owner_unit_id, r.unit_id) "
    "WHERE u.path LIKE ? AND t.period_start = ? GROUP BY g.reason_code"
)
OPEN_ALERTS = (
    "SELECT a.severity, COUNT(*) FROM alert a JOIN org_unit u ON u.id = a.unit_id "
    "WHERE a.status IN ('open', 'acknowledged') AND u.path LIKE ? GROUP BY a.severity"
)


def indicator(kind: str, value: float | None, sample: int) -> dict:
    threshold, direction = THRESHOLDS[kind]
    if value is None:
        status = "NO_DATA"
    elif math.isclose(value, threshold, rel_tol=1e-9, abs_tol=1e-9):
        status = "GREEN"
    else:
        met = value > threshold if direction == "AT_LEAST" else value < threshold
        status = "GREEN" if met else "RED"
    return {
        "kind": kind,
        "value": value,
        "threshold": threshold,
        "direction": direction,
        "status": status,
        "sampleSize": sample,
    }


def hire_window_start(end: date) -> date:
    try:
        year_before = end.replace(year=end.year - 1)
    except ValueError:
        year_before = end.replace(year=end.year - 1, day=28)
    return year_before + timedelta(days=1)


async def health_dashboard(db: Database, actor: Actor, variables: dict) -> dict:
    unit_id = row_of(variables["unitId"], "OrgUnit")
    start, end = date.fromisoformat(variables["from"]), date.fromisoformat(variables["to"])
    if end < start or (end - start).days >= 1096:
        raise Refused(400, "invalid range")
    units = await db.fetch("SELECT name, path FROM org_unit WHERE id = ?", unit_id)
    if not units or not (actor.manages(units[0][1]) or actor.rep_unit_id == unit_id):
        raise Refused(400, "org unit not found")
    name, path = units[0]
    subtree = path + "%"
    begin = datetime.combine(start, time.min, ZONE).astimezone(UTC)
    finish = datetime.combine(end + timedelta(days=1), time.min, ZONE).astimezone(UTC)

    points = [json.loads(v) for (v,) in await db.fetch(FOLLOW_UPS, subtree, begin, finish)]
    rate = sum(1 for p in points if p) / len(points) if points else None

    first: dict[int, tuple[datetime, datetime]] = {}
    for opportunity_id, created_at, at in await db.fetch(QUALIFIED, finish, subtree, begin, finish):
        at = as_utc(at)
        if opportunity_id not in first or at < first[opportunity_id][1]:
            first[opportunity_id] = (as_utc(created_at), at)
    cycles = [(at - made).total_seconds() / 86_400 for made, at in first.values() if at >= begin]

    deals = await db.fetch(FIRST_DEALS, subtree, hire_window_start(end), end, end)
    spreads = [(as_date(day) - as_date(hired)).days for _, hired, day in deals]

    asked, counted = (
        await db.fetch(INQUIRIES, True, subtree, finish, True, begin, finish, True, subtree, finish)
    )[0]
    months = ((end - start).days + 1) / 30.44
    inquiries = int(asked or 0) / int(counted) / months if counted else None

    members = await db.fetch(MEMBERS, subtree)
    revenue = {rep: int(total or 0) for rep, total in await db.fetch(REVENUE, subtree, start, end)}
    ordered = sorted(((rep, revenue.get(rep, 0)) for rep, _ in members), key=lambda i: -i[1])
    ranks, previous = {}, None
    for position, (rep, value) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[rep] = rank
    leaders = sorted(members, key=lambda member: ranks[member[0]])[:10]

    ids = [rep for rep, _ in leaders] or [0]
    covering = [
        row
        for row in await db.fetch(
            "SELECT id, owner_unit_id, owner_rep_id, period_kind, period_start, amount "
            "FROM target WHERE metric = 'revenue' AND status IN ('approved', 'locked') "
            "AND period_start <= ? AND (owner_unit_id = ? OR owner_rep_id IN ("
            + ", ".join("?" * len(ids))
            + "))",
            end,
            unit_id,
            *ids,
        )
        if as_date(row[4]) <= end < period_end(row[3], as_date(row[4]))
    ]
    unit_targets = sorted(
        (row for row in covering if row[1] is not None), key=lambda row: WIDEST_FIRST.index(row[3])
    )
    shortest: dict[int, tuple] = {}
    for row in covering:
        held = shortest.get(row[2])
        if row[2] is not None and (
            held is None or WIDEST_FIRST.index(row[3]) > WIDEST_FIRST.index(held[3])
        ):
            shortest[row[2]] = row
    days = await working_days(db)
    paces, sales_by_period = {}, {}
    for row in unit_targets + list(shortest.values()):
        target_id, owner_unit, owner_rep, kind, begun, amount = row
        begun = as_date(begun)
        stop = period_end(kind, begun)
        if (kind, begun) not in sales_by_period:
            cutoff = min(end + timedelta(days=1), stop)
            sales_by_period[kind, begun] = await db.fetch(SALES_BY_REP, subtree, begun, cutoff)
        achieved = achieved_by(sales_by_period[kind, begun], owner_unit, owner_rep)
        paces[target_id] = progress(amount, achieved, begun, stop, end, days)

    gap_start = end.replace(day=1)
    counts = await db.fetch(GAP_TAGS, subtree, gap_start)
    reasons = sorted(((code, int(n)) for code, n in counts), key=lambda i: (-i[1], i[0]))[:3]
    by_severity = {severity: int(n) for severity, n in await db.fetch(OPEN_ALERTS, subtree)}
    open_alerts = {s: by_severity.get(s, 0) for s in ("yellow", "orange", "red")}

    def leader(rep_id: int, rep_name: str) -> dict:
        target = shortest.get(rep_id)
        return {
            "rank": ranks[rep_id],
            "repName": rep_name,
            "revenue": revenue.get(rep_id, 0),
            "completion": paces[target[0]]["completion"] if target else None,
            "targetAmount": target[5] if target else None,
        }

    return {
        "healthDashboard": {
            "unit": {"id": global_id("OrgUnit", unit_id), "name": name},
            "from": start.isoformat(),
            "to": end.isoformat(),
            "months": months,
            "repCount": len(members),
            "gapReasonsPeriodStart": gap_start.isoformat(),
            "indicators": [
                indicator("EFFECTIVE_FOLLOW_UP_RATE", rate, len(points)),
                indicator(
                    "LEAD_TO_QUALIFIED_DAYS",
                    statistics.median(cycles) if cycles else None,
                    len(cycles),
                ),
                indicator(
                    "FIRST_DEAL_STDDEV_DAYS",
                    statistics.pstdev(spreads) if len(spreads) >= 2 else None,
                    len(spreads),
                ),
                indicator("PROACTIVE_INQUIRIES_PER_MONTH", inquiries, int(counted or 0)),
            ],
            "targets": [
                {
                    "target": {
                        "id": global_id("Target", row[0]),
                        "periodKind": row[3].upper(),
                        "amount": row[5],
                    },
                    "progress": paces[row[0]],
                }
                for row in unit_targets
            ],
            "gapReasons": [{"reason": {"code": code}, "count": n} for code, n in reasons],
            "openAlerts": {**open_alerts, "total": sum(open_alerts.values())},
            "leaderboard": [leader(rep_id, rep_name) for rep_id, rep_name in leaders],
        }
    }


# --- the app --------------------------------------------------------------------------------

READS = {
    "targetTree": target_tree,
    "me": me,
    "meWithRep": me_with_rep,
    "opportunities": opportunities,
    "reps": reps,
    "alerts": alerts,
    "healthDashboard": health_dashboard,
}


async def floor(request: Request) -> JSONResponse:
    read = READS.get(request.path_params["name"])
    if read is None:
        return JSONResponse({"errors": [{"message": "no such read"}]}, 404)
    body = json.loads(await request.body())
    db = request.app.state.db
    try:
        actor = await authenticate(db, request)
        data = await read(db, actor, body.get("variables") or {})
    except Refused as refused:
        return JSONResponse({"errors": [{"message": str(refused)}]}, refused.status)
    return JSONResponse({"data": data})


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


@strawberry.type
class Query:
    @strawberry.field
    def ok(self) -> bool:
        return True


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):
    app.state.db = Database(URL)
    await app.state.db.open()
    yield
    await app.state.db.close()


app = Starlette(
    routes=[
        Route("/floor/{name}", floor, methods=["POST"]),
        Route("/healthz", healthz),
        Mount("/typename", GraphQL(strawberry.Schema(query=Query), graphql_ide=None)),
    ],
    lifespan=lifespan,
)
