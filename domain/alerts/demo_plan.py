"""The plan of the demo company's working weeks: the story's people and shares, and which
days each rep meets the level's minimums, falls one short, or goes quiet."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from domain.org.demo import REGIONS
from domain.pipeline.kpis import KPIS

ACTIVITY_WEEKS = 4  # complete weeks of logged work before this one
SLIPPING = {"rep.shanghai.01": 4, "rep.shanghai.02": 3}  # quiet working days up to today
RECOVERED = "rep.beijing.01"  # missed the 6th and 5th working days before today's end
SILENT_OWNER = "rep.shanghai.05"
SILENT_DAYS = 9  # the key customer last answered this many days ago
MISS_SHARE = 0.08  # working days a rep falls short of one minimum (never two in a row)
SLUMP_MISS_SHARE = 0.4  # the weak team, over the weeks of its slump
VALUE_SHARE = 0.62  # follow-ups that deliver a value point (the field's bar is 65%)
SLUMP_VALUE_SHARE = 0.45
RESPONSE_SHARE = 0.8
INQUIRY_SHARE = 0.12  # touches on a key customer's deal the customer started
LEAD_ACCOUNTS = 6  # customers per rep the new leads come from
PROPOSAL_SHARE = 0.35  # of the leads qualified 3–21 days before today: sent on to a proposal
BATCH = 5_000  # rows per insert statement
VEHICLE = 180_000_00  # one vehicle, in fen
TOUCH_TYPES = ["call"] * 9 + ["visit"] * 3 + ["email"] * 2 + ["instant_message"] * 5 + ["demo_held"]
LEAD_KINDS = ["物流车", "网约车", "环卫车", "通勤班车", "冷链车", "公务用车"]
TRADE_NAME = "鑫恒华盛通达远安顺泰捷丰"
CITY_NAMES = {code: name for cities in REGIONS.values() for code, name in cities}


Kind = str  # "hit" | "miss" | "quiet"


@dataclass(frozen=True)
class ActivitySummary:
    reps: int
    working_days: int
    follow_ups: int
    leads: int


def day_plan(
    days: Sequence[date],
    rng: random.Random,
    miss_share: Callable[[date], float],
    quiet_last: int = 0,
    missed: Sequence[date] = (),
) -> dict[date, Kind]:
    """Each working day's kind: "quiet" for the last `quiet_last` days, "miss" on `missed`,
    and otherwise a chance of a "miss" — only where neither neighbour misses, so a rep's
    missed days never run on but where the story says so — else "hit"."""
    forced: dict[date, Kind] = {day: "miss" for day in missed}
    for day in days[len(days) - quiet_last :] if quiet_last else []:
        forced[day] = "quiet"
    plan: dict[date, Kind] = {}
    for n, day in enumerate(days):
        if day in forced:
            plan[day] = forced[day]
            continue
        after = days[n + 1] if n + 1 < len(days) else None
        free = plan.get(days[n - 1], "hit") == "hit" if n else True
        free = free and after not in forced
        plan[day] = "miss" if free and rng.random() < miss_share(day) else "hit"
    return plan


def day_counts(kind: Kind, minimums: dict[str, int], rng: random.Random) -> dict[str, int]:
    """The day's KPI counts: the minimums and a little more on a hit, one of them short on a
    miss, a call or two on a quiet day."""
    if kind == "quiet":
        return {
            "touches": rng.randint(0, 2),
            "needs_confirmed": 0,
            "proposals_sent": 0,
            "demos_booked": 0,
        }
    counts = {
        "touches": minimums["touches"] + rng.choice([0, 0, 1, 1, 2, 3]),
        "needs_confirmed": minimums["needs_confirmed"] + (rng.random() < 0.25),
        "proposals_sent": minimums["proposals_sent"] + (rng.random() < 0.2),
        "demos_booked": minimums["demos_booked"] + (rng.random() < 0.2),
    }
    shortfalls = [kpi for kpi in KPIS if minimums[kpi] > 0]
    if kind == "miss" and shortfalls:
        short = rng.choice(shortfalls)
        counts[short] = max(0, minimums[short] - rng.randint(1, 3 if short == "touches" else 2))
    return counts
