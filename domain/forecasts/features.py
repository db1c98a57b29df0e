"""What the win-probability model sees of a deal (pure functions, no database).

A deal's history (its stage moves and follow-ups) becomes snapshots: for an open deal, as it
stands today; for a closed deal, one snapshot per stage it went through, taken halfway
through its time there (an open deal is seen on some day in the middle of a stage), each
labelled with how the deal ended. A snapshot becomes one row of named features."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

OPEN_STAGES = ("lead", "contacted", "qualified", "proposal", "quoted", "negotiation")
WON, LOST = "won", "lost"
DAY = 86_400.0

CATEGORICAL = ("stage", "amount_band", "segment", "source")
NUMERIC = (
    "days_in_stage",
    "age_days",
    "days_since_follow_up",
    "never_followed_up",
    "follow_ups",
    "value_points",
    "owner_record",
)
FEATURES = CATEGORICAL + NUMERIC

# Amount bands in yuan (amounts are in fen): the lower bound of each band.
AMOUNT_BANDS = (
    (0, "under_50k"),
    (50_000, "50k_200k"),
    (200_000, "200k_1m"),
    (1_000_000, "1m_5m"),
    (5_000_000, "over_5m"),
)

# zh-CN and en names of each feature, for the reasons shown beside a probability.
FEATURE_LABELS: dict[str, tuple[str, str]] = {
    "stage": ("阶段", "Stage"),
    "amount_band": ("金额区间", "Amount band"),
    "segment": ("行业", "Segment"),
    "source": ("线索来源", "Source"),
    "days_in_stage": ("本阶段停留天数", "Days in stage"),
    "age_days": ("商机天数", "Deal age (days)"),
    "days_since_follow_up": ("距上次跟进天数", "Days since last follow-up"),
    "never_followed_up": ("从未跟进", "Never followed up"),
    "follow_ups": ("跟进次数", "Follow-ups"),
    "value_points": ("价值点次数", "Value points delivered"),
    "owner_record": ("负责人赢单率", "Owner's win record"),
}


@dataclass(frozen=True)
class Snapshot:
    """A deal as it stood at one moment."""

    stage: str
    days_in_stage: float
    age_days: float
    amount: int  # fen
    segment: str
    source: str | None
    days_since_follow_up: float | None  # None: never followed up
    follow_ups: int
    value_points: int
    owner_won: int  # the owner's deals won and lost before that moment
    owner_lost: int


@dataclass(frozen=True)
class FollowUpMark:
    at: datetime
    value_points: int


@dataclass(frozen=True)
class DealHistory:
    """One deal's facts and its moves: `moves` are (stage entered, when), oldest first, the
    creation included; `follow_ups` oldest first."""

    id: int
    owner_rep_id: int
    amount: int
    segment: str
    source: str | None
    created_at: datetime
    moves: tuple[tuple[str, datetime], ...]
    follow_ups: tuple[FollowUpMark, ...] = ()

    @property
    def outcome(self) -> str | None:
        last = self.moves[-1][0] if self.moves else None
        return last if last in (WON, LOST) else None

    @property
    def closed_at(self) -> datetime | None:
        return self.moves[-1][1] if self.outcome else None


def amount_band(amount: int) -> str:
    yuan = amount / 100
    band = AMOUNT_BANDS[0][1]
    for floor, name in AMOUNT_BANDS:
        if yuan >= floor:
            band = name
    return band


def owner_record(won: int, lost: int) -> float:
    """The owner's win rate with one win and one loss added (a new rep starts at ½)."""
    return (won + 1) / (won + lost + 2)


def feature_row(snapshot: Snapshot) -> dict[str, str | float]:
    never = snapshot.days_since_follow_up is None
    return {
        "stage": snapshot.stage,
        "amount_band": amount_band(snapshot.amount),
        "segment": snapshot.segment or "unknown",
        "source": snapshot.source or "unknown",
        "days_in_stage": math.log1p(max(0.0, snapshot.days_in_stage)),
        "age_days": math.log1p(max(0.0, snapshot.age_days)),
        "days_since_follow_up": math.log1p(
            max(0.0, snapshot.days_in_stage if never else snapshot.days_since_follow_up or 0.0)
        ),
        "never_followed_up": 1.0 if never else 0.0,
        "follow_ups": math.log1p(snapshot.follow_ups),
        "value_points": math.log1p(snapshot.value_points),
        "owner_record": owner_record(snapshot.owner_won, snapshot.owner_lost),
    }


def describe(feature: str, snapshot: Snapshot) -> tuple[str, str]:
    """The feature and the deal's value of it, in zh-CN and en, e.g. 阶段：negotiation."""
    zh, en = FEATURE_LABELS[feature]
    value = _shown(feature, snapshot)
    return f"{zh}：{value}", f"{en}: {value}"


def _shown(feature: str, snapshot: Snapshot) -> str:
    if feature == "amount_band":
        return amount_band(snapshot.amount)
    if feature == "owner_record":
        return f"{snapshot.owner_won}/{snapshot.owner_won + snapshot.owner_lost}"
    if feature == "never_followed_up":
        return "yes" if snapshot.days_since_follow_up is None else "no"
    value = getattr(snapshot, feature)
    if value is None:
        return "-"
    return f"{value:.0f}" if isinstance(value, float) else str(value)


# --- from histories ----------------------------------------------------------------------


class OwnerRecords:
    """Each owner's closed deals by when they closed: how many were won and lost before a
    moment (only the past is known at a snapshot)."""

    def __init__(self, closings: Iterable[tuple[int, datetime, bool]]):
        by_owner: dict[int, list[tuple[datetime, bool]]] = {}
        for owner, at, won in closings:
            by_owner.setdefault(owner, []).append((at, won))
        self._times: dict[int, list[datetime]] = {}
        self._wins: dict[int, list[int]] = {}  # cumulative wins
        for owner, rows in by_owner.items():
            rows.sort(key=lambda row: row[0])
            self._times[owner] = [at for at, _ in rows]
            running, wins = 0, []
            for _, won in rows:
                running += won
                wins.append(running)
            self._wins[owner] = wins

    def before(self, owner: int, moment: datetime) -> tuple[int, int]:
        times = self._times.get(owner)
        if not times:
            return 0, 0
        n = bisect_left(times, moment)
        won = self._wins[owner][n - 1] if n else 0
        return won, n - won

    @classmethod
    def of(cls, histories: Iterable[DealHistory]) -> OwnerRecords:
        return cls(
            (deal.owner_rep_id, deal.closed_at, deal.outcome == WON)
            for deal in histories
            if deal.closed_at is not None
        )


def snapshot_at(
    deal: DealHistory, stage: str, entered: datetime, moment: datetime, records: OwnerRecords
) -> Snapshot:
    """The deal at `moment`, in `stage` since `entered`."""
    done = [mark for mark in deal.follow_ups if mark.at <= moment]
    won, lost = records.before(deal.owner_rep_id, moment)
    return Snapshot(
        stage=stage,
        days_in_stage=(moment - entered).total_seconds() / DAY,
        age_days=(moment - deal.created_at).total_seconds() / DAY,
        amount=deal.amount,
        segment=deal.segment,
        source=deal.source,
        days_since_follow_up=(moment - done[-1].at).total_seconds() / DAY if done else None,
        follow_ups=len(done),
        value_points=sum(mark.value_points for mark in done),
        owner_won=won,
        owner_lost=lost,
    )


def stage_spans(deal: DealHistory) -> list[tuple[str, datetime, datetime]]:
    """(open stage, entered, left) for every stay in an open stage that ended."""
    spans = []
    for (stage, entered), (_, left) in zip(deal.moves, deal.moves[1:], strict=False):
        if stage in OPEN_STAGES:
            spans.append((stage, entered, left))
    return spans


def training_rows(
    deals: Sequence[DealHistory], records: OwnerRecords | None = None
) -> list[tuple[Snapshot, bool, datetime]]:
    """(snapshot, won?, when it closed) per stage each closed deal went through, seen
    halfway through its stay there. A reopened deal counts by how it ended last."""
    records = records or OwnerRecords.of(deals)
    rows = []
    for deal in deals:
        if deal.outcome is None or deal.closed_at is None:
            continue
        for stage, entered, left in stage_spans(deal):
            moment = entered + (left - entered) / 2
            rows.append(
                (
                    snapshot_at(deal, stage, entered, moment, records),
                    deal.outcome == WON,
                    deal.closed_at,
                )
            )
    return rows


def open_snapshot(
    deal: DealHistory, stage: str, entered: datetime, now: datetime, owner: tuple[int, int]
) -> Snapshot:
    """An open deal as it stands `now`; `owner` is its owner's (won, lost) so far."""
    snap = snapshot_at(deal, stage, entered, now, OwnerRecords(()))
    return replace(snap, owner_won=owner[0], owner_lost=owner[1])


def live_follow_ups(
    rows: Iterable[tuple[int, int, datetime, Sequence[str] | None, int | None]],
) -> dict[int, tuple[FollowUpMark, ...]]:
    """Per opportunity, its follow-ups oldest first, leaving out those a later entry
    corrects. `rows`: (id, opportunity id, occurred at, value points, corrects id)."""
    rows = list(rows)
    corrected = {row[4] for row in rows if row[4] is not None}
    marks: dict[int, list[FollowUpMark]] = {}
    for follow_up_id, opportunity_id, at, points, _ in rows:
        if follow_up_id not in corrected:
            marks.setdefault(opportunity_id, []).append(FollowUpMark(at, len(points or ())))
    return {key: tuple(sorted(value, key=lambda m: m.at)) for key, value in marks.items()}
