"""GraphQL types of a weekly review's snapshot: the frozen JSON of
`domain.reviews.snapshot` as typed objects (periods, target rows, KPI misses, alerts, the
funnel, suggested key customers). Links from the snapshot to live rows (a target, a rep, an
account) are null outside the caller's scope."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.labels import expose_enum
from api.core.scalars import BigInt, whole
from api.graphql.org.types import RepNode
from api.graphql.pipeline.types import AccountType
from api.graphql.targets.types import TargetNode
from domain.alerts.models import AlertRule, AlertStatus
from domain.kernel.severity import Severity
from domain.org.models import RepLevel
from domain.pipeline.stages import Stage
from domain.reviews.rules import ReviewOwnerRole, ReviewSubjectKind
from domain.targets.models import Metric, PeriodKind, TargetStatus

expose_enum(Severity, "How serious an alert is. 预警级别。")
expose_enum(AlertRule, "The rule that raised an alert. 预警规则。")
expose_enum(AlertStatus, "open → acknowledged → resolved. 预警状态。")
expose_enum(
    ReviewOwnerRole, "Whose target a review row is, seen from the review's unit. 目标归属。"
)
expose_enum(ReviewSubjectKind, "What an alert of a review is about. 预警对象类型。")


def _gid(type_name: str, pk: int | None) -> relay.GlobalID | None:
    return None if pk is None else relay.GlobalID(type_name, str(pk))


@strawberry.type(description="A week or month of a review: first and last day, label.")
class ReviewPeriod:
    start: date = strawberry.field(description="The first day.")
    last_day: date = strawberry.field(description="The last day (inclusive).")
    label: str = strawberry.field(description="e.g. 2026-W47 or 2026-11")

    @classmethod
    def of(cls, record: dict) -> ReviewPeriod:
        return cls(
            start=date.fromisoformat(record["start"]),
            last_day=date.fromisoformat(record["last_day"]),
            label=record["label"],
        )


@strawberry.type(description="A target of the review's unit, child units or reps, frozen.")
class ReviewTargetRow:
    target_id: strawberry.Private[int]
    period_kind: PeriodKind = strawberry.field(description="WEEK or MONTH.")
    period_label: str = strawberry.field(description="e.g. 2026-W47 or 2026-11.")
    metric: Metric = strawberry.field(description="What the target measures.")
    owner_role: ReviewOwnerRole = strawberry.field(
        description="The review's unit itself, a child unit or a rep."
    )
    owner_id: relay.GlobalID = strawberry.field(description="An OrgUnit or a Rep.")
    owner_name: str = strawberry.field(description="The owner's name when frozen.")
    status: TargetStatus = strawberry.field(description="The target's status when frozen.")
    version: int = strawberry.field(description="The target's version when frozen.")
    amount: BigInt = strawberry.field(description="The target amount in its unit (fen for money).")
    achieved: BigInt = strawberry.field(description="Achieved up to as-of, in the target's unit.")
    expected_to_date: BigInt = strawberry.field(
        description="Where the pace said the target should be, rounded half to even."
    )
    completion: float | None = strawberry.field(description="achieved ÷ amount")
    pace_ratio: float | None = strawberry.field(description="achieved ÷ expected to date")
    projection: BigInt = strawberry.field(
        description="Run-rate projection to the period end, rounded half to even."
    )
    gap: BigInt = strawberry.field(description="amount − projection; positive means short.")

    @strawberry.field(description="The target now (null when outside your scope).")
    def target(self, info: Info) -> TargetNode | None:
        return info.context.loaders.related("target", self.target_id)

    @classmethod
    def of(cls, r: dict) -> ReviewTargetRow:
        role = ReviewOwnerRole(r["owner_role"])
        return cls(
            target_id=r["target_id"],
            period_kind=PeriodKind(r["period"]),
            period_label=r["period_label"],
            metric=Metric(r["metric"]),
            owner_role=role,
            owner_id=_gid("Rep" if role == ReviewOwnerRole.REP else "OrgUnit", r["owner_id"]),
            owner_name=r["owner_name"],
            status=TargetStatus(r["status"]),
            version=r["version"],
            amount=r["amount"],
            achieved=r["achieved"],
            expected_to_date=whole(r["expected_to_date"]),
            completion=r["completion"],
            pace_ratio=r["pace_ratio"],
            projection=whole(r["projection"]),
            gap=BigInt(r["amount"] - whole(r["projection"])),
        )


@strawberry.type(description="A rep's missed behaviour KPIs over the review's working days.")
class ReviewKpiMiss:
    rep_id: relay.GlobalID = strawberry.field(description="The rep's global ID.")
    rep_name: str = strawberry.field(description="The rep's name when frozen.")
    level: RepLevel = strawberry.field(description="The rep's level, which sets the minimums.")
    working_days: int = strawberry.field(description="Working days looked at.")
    days_missed: int = strawberry.field(description="Working days with any KPI below minimum.")
    miss_streak: int = strawberry.field(description="Missed in a row up to the last day.")
    touches: int = strawberry.field(description="Days the touches were short.")
    needs_confirmed: int = strawberry.field(description="Days needs confirmed were short.")
    proposals_sent: int = strawberry.field(description="Days proposals sent were short.")
    demos_booked: int = strawberry.field(description="Days demos booked were short.")
    missed_days: list[date] = strawberry.field(description="The days with a KPI below its minimum.")

    @strawberry.field(description="The rep now (null when outside your scope).")
    async def rep(self, info: Info) -> RepNode | None:
        return await info.context.loaders.rep.load(int(self.rep_id.node_id))

    @classmethod
    def of(cls, r: dict) -> ReviewKpiMiss:
        return cls(
            rep_id=_gid("Rep", r["rep_id"]),
            rep_name=r["rep_name"],
            level=RepLevel(r["level"]),
            working_days=r["working_days"],
            days_missed=r["days_missed"],
            miss_streak=r["miss_streak"],
            missed_days=[date.fromisoformat(d) for d in r["missed_days"]],
            **{kpi: days for kpi, days in r["missed"].items()},
        )


@strawberry.type(description="Reps' KPI misses over the week's working days up to as-of.")
class ReviewKpiMisses:
    from_: date = strawberry.field(
        name="from", description="The first working day looked at (the week's Monday)."
    )
    to: date = strawberry.field(description="The last day looked at (as-of).")
    working_days: int = strawberry.field(description="Working days in [from, to].")
    reps_checked: int = strawberry.field(description="Active reps of the subtree looked at.")
    reps: list[ReviewKpiMiss] = strawberry.field(description="Only reps who missed, worst first.")

    @classmethod
    def of(cls, r: dict) -> ReviewKpiMisses:
        return cls(
            from_=date.fromisoformat(r["from"]),
            to=date.fromisoformat(r["to"]),
            working_days=r["working_days"],
            reps_checked=r["reps_checked"],
            reps=[ReviewKpiMiss.of(rep) for rep in r["reps"]],
        )


@strawberry.type(description="How many open alerts have a severity.")
class ReviewSeverityCount:
    severity: Severity = strawberry.field(description="The severity.")
    count: int = strawberry.field(description="Unresolved alerts of that severity.")


# The API type of each kind of alert subject.
SUBJECT_TYPES = {
    ReviewSubjectKind.UNIT: "OrgUnit",
    ReviewSubjectKind.REP: "Rep",
    ReviewSubjectKind.TARGET: "Target",
    ReviewSubjectKind.OPPORTUNITY: "Opportunity",
}


@strawberry.type(description="An unresolved alert of the review's subtree, frozen.")
class ReviewAlert:
    alert_id: relay.GlobalID = strawberry.field(description="The alert's global ID.")
    rule: AlertRule = strawberry.field(description="The rule that raised it.")
    severity: Severity = strawberry.field(description="Its severity when frozen.")
    status: AlertStatus = strawberry.field(description="OPEN or ACKNOWLEDGED when frozen.")
    subject_kind: ReviewSubjectKind = strawberry.field(description="What the alert is about.")
    subject_id: relay.GlobalID = strawberry.field(
        description="An Opportunity, Target, Rep or OrgUnit."
    )
    subject_name: str = strawberry.field(description="The subject's name when frozen.")
    raised_on: date = strawberry.field(description="The day it was first raised.")

    @classmethod
    def of(cls, a: dict) -> ReviewAlert:
        kind = ReviewSubjectKind(a["subject_kind"])
        return cls(
            alert_id=_gid("Alert", a["alert_id"]),
            rule=AlertRule(a["rule"]),
            severity=Severity(a["severity"]),
            status=AlertStatus(a["status"]),
            subject_kind=kind,
            subject_id=_gid(SUBJECT_TYPES[kind], a["subject_id"]),
            subject_name=a["subject_name"],
            raised_on=date.fromisoformat(a["raised_on"]),
        )


@strawberry.type(description="The subtree's unresolved (open or acknowledged) alerts.")
class ReviewAlerts:
    total: int = strawberry.field(description="Unresolved alerts of the subtree.")
    by_severity: list[ReviewSeverityCount] = strawberry.field(description="Red first.")
    items: list[ReviewAlert] = strawberry.field(description="Red first, then oldest first.")

    @classmethod
    def of(cls, a: dict) -> ReviewAlerts:
        return cls(
            total=a["total"],
            by_severity=[
                ReviewSeverityCount(severity=Severity(name), count=count)
                for name, count in a["by_severity"].items()
            ],
            items=[ReviewAlert.of(item) for item in a["items"]],
        )


@strawberry.type(description="One funnel stage, frozen.")
class ReviewFunnelStage:
    stage: Stage = strawberry.field(description="The stage.")
    reached: int = strawberry.field(description="Opportunities that entered the stage.")
    conversion_to_next: float | None = strawberry.field(
        description="Share that went on to the next stage (won, after negotiation)."
    )
    median_days_in_stage: float | None = strawberry.field(
        description="Median days spent in the stage before moving on."
    )

    @classmethod
    def of(cls, row: dict) -> ReviewFunnelStage:
        return cls(
            stage=Stage(row["stage"]),
            reached=row["reached"],
            conversion_to_next=row["conversion_to_next"],
            median_days_in_stage=row["median_days_in_stage"],
        )


@strawberry.type(description="The funnel of the month to date: opportunities created in it.")
class ReviewFunnel:
    from_: date = strawberry.field(name="from", description="The first day: the month's first day.")
    to: date = strawberry.field(description="The last day: as-of.")
    stages: list[ReviewFunnelStage] = strawberry.field(
        description="The open stages in order, lead first."
    )
    won: int = strawberry.field(description="Opportunities of the month now won.")
    lost: int = strawberry.field(description="Opportunities of the month now lost.")
    win_rate: float | None = strawberry.field(
        description="won ÷ (won + lost); null when none is closed."
    )
    follow_ups: int = strawberry.field(
        description="Follow-ups on these opportunities in the month."
    )
    effective_follow_up_rate: float | None = strawberry.field(
        description="Follow-ups that delivered a value point ÷ all follow-ups."
    )
    lead_to_qualified_median_days: float | None = strawberry.field(
        description="Median days from creation to QUALIFIED."
    )
    stale_key_opportunities: int = strawberry.field(
        description="High-value accounts' open deals without a customer response for the "
        "configured days (7 by default)."
    )

    @classmethod
    def of(cls, f: dict) -> ReviewFunnel:
        return cls(
            from_=date.fromisoformat(f["from"]),
            to=date.fromisoformat(f["to"]),
            stages=[ReviewFunnelStage.of(row) for row in f["stages"]],
            won=f["won"],
            lost=f["lost"],
            win_rate=f["win_rate"],
            follow_ups=f["follow_ups"],
            effective_follow_up_rate=f["effective_follow_up_rate"],
            lead_to_qualified_median_days=f["lead_to_qualified_median_days"],
            stale_key_opportunities=f["stale_key_opportunities"],
        )


@strawberry.type(description="A high-value account with open opportunities in the subtree.")
class ReviewSuggestedKeyCustomer:
    account_id: relay.GlobalID = strawberry.field(description="The account's global ID.")
    name: str = strawberry.field(description="The account's name when frozen.")
    segment: str = strawberry.field(description="The account's segment.")
    owner_rep_name: str = strawberry.field(
        description="The name of the account's owner rep when frozen."
    )
    open_opportunities: int = strawberry.field(description="Its open opportunities in the subtree.")
    open_amount: BigInt = strawberry.field(description="Their amount in fen.")

    @strawberry.field(description="The account now (null when outside your scope).")
    async def account(self, info: Info) -> AccountType | None:
        return await info.context.loaders.account.load(int(self.account_id.node_id))

    @classmethod
    def of(cls, c: dict) -> ReviewSuggestedKeyCustomer:
        return cls(
            account_id=_gid("Account", c["account_id"]),
            name=c["name"],
            segment=c["segment"],
            owner_rep_name=c["owner_rep_name"],
            open_opportunities=c["open_opportunities"],
            open_amount=c["open_amount"],
        )


@strawberry.type(
    description="What the meeting looks at, frozen when the review started: later changes "
    "to the data never change it."
)
class ReviewSnapshot:
    version: int = strawberry.field(description="Version of the snapshot's layout.")
    taken_at: datetime = strawberry.field(description="When the snapshot was taken.")
    as_of: date = strawberry.field(description="The last day counted: today, or the Sunday.")
    week: ReviewPeriod = strawberry.field(description="The week under review.")
    month: ReviewPeriod = strawberry.field(description="The month of the week's Thursday.")
    targets: list[ReviewTargetRow] = strawberry.field(
        description="Week and month targets of the unit, its child units and its own reps."
    )
    kpi_misses: ReviewKpiMisses = strawberry.field(description="Behaviour KPI misses of the week.")
    alerts: ReviewAlerts = strawberry.field(description="Unresolved alerts of the subtree.")
    funnel: ReviewFunnel = strawberry.field(description="The funnel of the month to date.")
    suggested_key_customers: list[ReviewSuggestedKeyCustomer] = strawberry.field(
        description="High-value accounts to confirm as key customers."
    )

    @classmethod
    def of(cls, s: dict) -> ReviewSnapshot:
        return cls(
            version=s["version"],
            taken_at=datetime.fromisoformat(s["taken_at"]),
            as_of=date.fromisoformat(s["as_of"]),
            week=ReviewPeriod.of(s["week"]),
            month=ReviewPeriod.of(s["month"]),
            targets=[ReviewTargetRow.of(r) for r in s["targets"]],
            kpi_misses=ReviewKpiMisses.of(s["kpi_misses"]),
            alerts=ReviewAlerts.of(s["alerts"]),
            funnel=ReviewFunnel.of(s["funnel"]),
            suggested_key_customers=[
                ReviewSuggestedKeyCustomer.of(c) for c in s["suggested_key_customers"]
            ],
        )
