"""Simulation: how much of an all-knowing oracle's uplift over round-robin does routing by the
policy capture, in a market that drifts, hires, sends reps on leave and bulk-imports?
(run on demand, not by pytest)

    python tests/perf/sim_routing.py [--reps 200] [--segments 6] [--leads 20000] [--days 140]
                                     [--seeds 0 1 2] [--policy FILE] [--code DIR] [--service]

The market: reps in teams of 20, each with a hidden win probability per (segment, source),
logit p = -1.4 + segment + source + team + rep + rep×segment + rep×source (normal effects,
σ 0.3 / 0.2 / 0.2 / 0.3 / 0.6 / 0.3). `--leads` leads arrive over `--days` days, uniform over
segments and sources: most one at a time (each routed on its own), and three bulk imports of
1,000 (routed together by `assign_batch`) at days 30, 70 and 110. Every rep can hold 10 open
leads; a lead closes 2–8 days after it is routed, won with its rep's hidden probability, and
only then is its outcome known. Before day 0 every founding rep closed `--history` deals
(default 40) spread over the year before, handed out evenly: the history a company brings.
Events: halfway, the five best reps' rates halve (drift); at a
third and at two thirds of the days, 10 new reps join (hires, no history); from day 50 to 64,
10 reps are on leave.

Strategies, each with its own loads and history on the same stream of leads:
- policy: the routing policy (default: the shipped one), seeing only what the service would
  give it — each rep's closed outcomes per segment and source (decayed over the policy's
  window by its half-life, and the last `drift.recent_days` unweighted; with `--code` pointing
  at an older checkout: the old windowed won/total and each unit's rate), open load, capacity,
  status and the leads routed to the rep in the last 7 days. One lead at a time is scored by
  `rank` on a table built once a day (as the service's per-process pool keeps it) with the
  current load; bulk imports go through `assign_batch`;
  with `--service`, the same leads go through the real service path instead: each lead taken
  in by `intake_lead` (a bulk import by `intake_leads`) on a fresh SQLite database, the
  router's own candidate pool reading reps, load and outcomes from it, and each outcome
  recorded through the pipeline service (advance … win, or lose) on its close day; hires and
  leave as rows (see `sim_routing_service.py`);
- round-robin: the active reps in turn, skipping the full ones;
- oracle: knows the hidden probabilities: the best rep with capacity for each lead; a bulk
  import by `linear_sum_assignment` over the capacity slots.

Prints the expected wins (the sum of the chosen reps' hidden probabilities: the market without
the luck of the draw) and the uplift share (policy − round-robin) ÷ (oracle − round-robin),
over all leads, the first 2,000 and the last 2,000; the drifted reps' share of leads per week
before and after the drift and how many weeks until it halved; the days until each hire's
first lead (starved: none within 14 days); capacity and leave violations (leads given to a
full or absent rep); and, for the bulk imports (in memory), in how many batch decisions the
winner tops the ranking the decision shows, and how many name a better-scoring rep passed
over because another lead of the batch took its capacity.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections import deque
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

HERE = Path(__file__).resolve().parent


def _import(code: str | None):
    sys.path[:0] = [code] if code else [str(HERE.parents[1])]
    global routing, table_module, lead_rules
    import coaching.routing as routing
    import coaching.routing.lead_rules as lead_rules
    import coaching.routing.table as table_module


routing = table_module = lead_rules = None  # set by _import
SOURCES = ["web", "event", "referral", "partner"]
CAPACITY = 10
TEAM = 20
BULK = 1000
WEEK = 7


@dataclasses.dataclass
class Market:
    p: np.ndarray  # (reps, segments, sources), after any drift
    segments: list[str]
    start_day: np.ndarray  # the day each rep joins (0 for the founders)
    drifted: np.ndarray  # the reps whose rates halve halfway
    leave: np.ndarray  # the reps on leave from day 50 to 64
    days: int

    @classmethod
    def make(cls, reps: int, segments: int, days: int, seed: int, hires: int = 10) -> Market:
        rng = np.random.default_rng(seed)
        total = reps + 2 * hires
        names = [f"seg{i}" for i in range(segments)]
        teams = np.arange(total) // TEAM
        logit = (
            -1.4
            + rng.normal(0, 0.3, (1, segments, 1))
            + rng.normal(0, 0.2, (1, 1, len(SOURCES)))
            + rng.normal(0, 0.2, teams.max() + 1)[teams][:, None, None]
            + rng.normal(0, 0.3, (total, 1, 1))
            + rng.normal(0, 0.6, (total, segments, 1))
            + rng.normal(0, 0.3, (total, 1, len(SOURCES)))
        )
        p = 1 / (1 + np.exp(-logit))
        start = np.zeros(total, int)
        start[reps : reps + hires] = days // 3
        start[reps + hires :] = 2 * days // 3
        top = np.argsort(-p[:reps].mean(axis=(1, 2)))[:5]
        others = np.setdiff1d(np.arange(reps), top)
        leave = rng.choice(others, 10, replace=False)
        return cls(p, names, start, top, leave, days)

    def rates(self, day: int) -> np.ndarray:
        if day < self.days // 2:
            return self.p
        p = self.p.copy()
        p[self.drifted] *= 0.5
        return p

    def status(self, day: int) -> np.ndarray:
        """0 active, 1 on leave, 2 not yet hired."""
        out = np.where(self.start_day > day, 2, 0)
        if 50 <= day < 64:
            out[self.leave] = 1
        return out


def arrivals(market: Market, leads: int, seed: int) -> list[tuple[int, list[tuple[int, int]]]]:
    """(day, leads of that day's one-at-a-time stream or bulk) in order; each lead (seg, src)."""
    rng = np.random.default_rng(seed + 1000)
    bulk_days = [30, 70, 110] if market.days > 110 else []
    singles = leads - BULK * len(bulk_days)
    per_day = np.bincount(rng.integers(0, market.days, singles), minlength=market.days)
    out = []
    for day in range(market.days):
        if day in bulk_days:
            out.append((day, "bulk", _leads(rng, market, BULK)))
        out.append((day, "single", _leads(rng, market, int(per_day[day]))))
    return out


def _leads(rng, market, count):
    segs = rng.integers(0, len(market.segments), count)
    srcs = rng.integers(0, len(SOURCES), count)
    return list(zip(segs.tolist(), srcs.tolist(), strict=True))


class State:
    """One strategy's loads, history and record."""

    def __init__(self, market: Market, seed: int):
        n = len(market.start_day)
        self.market = market
        self.open = np.zeros(n, int)
        self.closing: list[list[tuple[int, int, int, bool]]] = [[] for _ in range(market.days + 9)]
        self.closed: list[tuple[int, int, int, int, bool]] = []  # day, rep, seg, src, won
        self.routed: deque[tuple[int, int]] = deque()  # (day, rep) in the last 7 days
        self.recent = np.zeros(n, int)
        self.rng = np.random.default_rng(seed + 2000)
        self.expected: list[float] = []
        self.choice: list[tuple[int, int, int]] = []  # (day, rep or -1, 1 if bulk)
        self.bulk = 0
        self.violations = {"capacity": 0, "leave": 0}
        self.batch = {"assigned": 0, "winner on top": 0, "passed over named": 0}
        self.first_lead = np.full(n, -1)

    def seed_history(self, per_rep: int, seed: int) -> None:
        """The deals the founders closed in the year before the simulation starts (leads
        handed out evenly, outcomes from their hidden rates)."""
        rng = np.random.default_rng(seed + 3000)
        market = self.market
        for rep in np.flatnonzero(market.start_day == 0):
            for _ in range(per_rep):
                seg = int(rng.integers(0, len(market.segments)))
                src = int(rng.integers(0, len(SOURCES)))
                won = bool(rng.random() < market.p[rep, seg, src])
                self.closed.append((int(rng.integers(-365, 0)), rep, seg, src, won))

    def start_day(self, day: int) -> None:
        for rep, seg, src, won in self.closing[day]:
            self.open[rep] -= 1
            self.closed.append((day, rep, seg, src, won))
        while self.routed and self.routed[0][0] <= day - 7:
            self.recent[self.routed.popleft()[1]] -= 1

    def give(
        self, day: int, lead: tuple[int, int], rep: int | None, rates: np.ndarray
    ) -> tuple[int, bool] | None:
        """Records the choice; the lead's close day and outcome (None: nobody got it)."""
        if rep is None:
            self.expected.append(0.0)
            self.choice.append((day, -1, self.bulk))
            return None
        status = self.market.status(day)[rep]
        if status != 0:
            self.violations["leave"] += 1
        if self.open[rep] >= CAPACITY:
            self.violations["capacity"] += 1
        seg, src = lead
        p = float(rates[rep, seg, src])
        self.expected.append(p)
        self.choice.append((day, rep, self.bulk))
        if self.first_lead[rep] < 0:
            self.first_lead[rep] = day
        self.open[rep] += 1
        self.recent[rep] += 1
        self.routed.append((day, rep))
        close = day + int(self.rng.integers(2, 9))
        won = bool(self.rng.random() < p)
        self.closing[close].append((rep, seg, src, won))
        return close, won


# --- strategies ----------------------------------------------------------------------------


def policy_recent_days(policy, modern: bool) -> int:
    return policy.estimate.drift.recent_days if modern else 7


class PolicyRouter:
    def __init__(self, market: Market, policy):
        self.market, self.policy = market, policy
        fields = {f.name for f in dataclasses.fields(routing.Candidate)}
        self.modern = "recent_conversion" in fields
        self.team = np.arange(len(market.start_day)) // TEAM

    def tallies(self, state: State, day: int):
        n = len(self.market.start_day)
        shape = (n, len(self.market.segments), len(SOURCES))
        won, closed = np.zeros(shape), np.zeros(shape)
        weeks = -(-policy_recent_days(self.policy, self.modern) // 7)
        recent_won, recent_closed = np.zeros((*shape, weeks)), np.zeros((*shape, weeks))
        policy = self.policy
        window = policy.conversion_window_days
        half_life = policy.estimate.half_life_days if self.modern else None
        if state.closed:
            rows = np.array(state.closed, dtype=int)
            age = day - rows[:, 0]
            keep = age <= window
            rows, age = rows[keep], age[keep]
            weight = 0.5 ** (age / half_life) if half_life else np.ones(len(age))
            index = (rows[:, 1], rows[:, 2], rows[:, 3])
            np.add.at(closed, index, weight)
            np.add.at(won, index, weight * rows[:, 4])
            recent = age < weeks * 7
            r_index = (*(i[recent] for i in index), age[recent] // 7)
            np.add.at(recent_closed, r_index, 1)
            np.add.at(recent_won, r_index, rows[recent, 4])
        return won, closed, recent_won, recent_closed

    def table(self, state: State, day: int):
        won, closed, recent_won, recent_closed = self.tallies(state, day)
        status = self.market.status(day)
        segments = self.market.segments
        units = {}
        if not self.modern:  # the old windowed rate shrinks to the unit's rate
            for team in np.unique(self.team):
                members = self.team == team
                w, c = won[members].sum(axis=0), closed[members].sum(axis=0)
                units[team] = {
                    (segments[s], SOURCES[k]): float(w[s, k] / c[s, k])
                    for s, k in zip(*np.nonzero(c), strict=True)
                }
        candidates = []
        for rep in range(len(status)):
            if status[rep] == 2:
                continue
            cells = zip(*np.nonzero(closed[rep]), strict=True)
            conversion = {
                (segments[s], SOURCES[k]): (float(won[rep, s, k]), float(closed[rep, s, k]))
                for s, k in cells
            }
            extra = {}
            if self.modern:
                extra["recent_conversion"] = {
                    (segments[s], SOURCES[k], int(w)): (
                        float(recent_won[rep, s, k, w]),
                        float(recent_closed[rep, s, k, w]),
                    )
                    for s, k, w in zip(*np.nonzero(recent_closed[rep]), strict=True)
                }
            else:
                conversion = {key: (int(w), int(c)) for key, (w, c) in conversion.items()}
                extra["unit_conversion"] = units[self.team[rep]]
            candidates.append(
                routing.Candidate(
                    rep_id=rep + 1,
                    unit_id=int(self.team[rep]) + 1,
                    status="on_leave" if status[rep] == 1 else "active",
                    territories={"city"},
                    capacity=CAPACITY,
                    conversion=conversion,
                    **extra,
                )
            )
        return routing.CandidateTable(candidates)

    def load(self, table, state: State):
        ids = table.rep_ids - 1
        return state.open[ids].astype(np.int64), state.recent[ids].astype(np.int64)

    def route_day(self, state, day, kind, leads, rates) -> None:
        if not leads:
            return
        base = self.table(state, day)
        segments = self.market.segments
        if kind == "bulk":
            table = base.with_load(*self.load(base, state))
            facts = [routing.LeadFacts(segments[s], "city", SOURCES[k]) for s, k in leads]
            result = routing.assign_batch(facts, table, self.policy)
            if hasattr(routing.Decision, "passed_over"):  # the batch explains itself truthfully
                for decision in result.decisions():
                    if decision.outcome == "assigned":
                        state.batch["assigned"] += 1
                        state.batch["winner on top"] += decision.top[0].rep_id == decision.rep_id
                        state.batch["passed over named"] += len(decision.passed_over) > 0
            for lead, assignment in zip(leads, result.assignments, strict=True):
                rep = None if assignment.rep_id is None else assignment.rep_id - 1
                state.give(day, lead, rep, rates)
            return
        for lead in leads:
            table = base.with_load(*self.load(base, state))
            facts = routing.LeadFacts(segments[lead[0]], "city", SOURCES[lead[1]])
            profile = lead_rules.profile_of(facts, self.policy)
            ranking = table_module.rank(table, profile, self.policy)
            rep = int(table.rep_ids[ranking.order[0]]) - 1 if ranking.order.size else None
            state.give(day, lead, rep, rates)


class RoundRobin:
    def __init__(self, market):
        self.market, self.next = market, 0

    def route_day(self, state, day, kind, leads, rates) -> None:
        status = self.market.status(day)
        n = len(status)
        for lead in leads:
            for _ in range(n):
                rep = self.next % n
                self.next += 1
                if status[rep] == 0 and state.open[rep] < CAPACITY:
                    state.give(day, lead, rep, rates)
                    break
            else:
                state.give(day, lead, None, rates)


def assign_slots(state, able, day, leads, rates, values_of) -> None:
    """A bulk import as one assignment over the free capacity slots of the able reps:
    `values_of(reps)` gives each lead's value for the rep of each slot (leads × slots)."""
    room = np.where(able, np.maximum(CAPACITY - state.open, 0), 0)
    reps = np.repeat(np.arange(len(room)), room)
    rows, cols = linear_sum_assignment(values_of(reps), maximize=True)
    chosen: list[int | None] = [None] * len(leads)
    for row, col in zip(rows, cols, strict=True):
        chosen[row] = int(reps[col])
    for lead, rep in zip(leads, chosen, strict=True):
        state.give(day, lead, rep, rates)


class Oracle:
    def __init__(self, market):
        self.market = market

    def route_day(self, state, day, kind, leads, rates) -> None:
        able = self.market.status(day) == 0
        if kind == "bulk":

            def values_of(reps):
                return np.array([rates[reps, s, k] for s, k in leads])

            assign_slots(state, able, day, leads, rates, values_of)
            return
        for seg, src in leads:
            free = able & (state.open < CAPACITY)
            values = np.where(free, rates[:, seg, src], -1)
            rep = int(np.argmax(values))
            state.give(day, (seg, src), rep if free[rep] else None, rates)


# --- the run -------------------------------------------------------------------------------


def simulate(args, seed: int, policy) -> dict:
    market = Market.make(args.reps, args.segments, args.days, seed)
    stream = arrivals(market, args.leads, seed)
    routers = {
        "policy": PolicyRouter(market, policy),
        "round-robin": RoundRobin(market),
        "oracle": Oracle(market),
    }
    states = {name: State(market, seed) for name in routers}
    states["policy"].seed_history(args.history, seed)
    if args.service:  # the policy's leads through the intake service on a real database
        from sim_routing_service import ServiceRouter

        routers["policy"] = ServiceRouter(market, policy, SOURCES, TEAM, CAPACITY)
        routers["policy"].seed(states["policy"].closed)
    try:
        today = -1
        for day, kind, leads in stream:
            rates = market.rates(day)
            for name, router in routers.items():
                if day != today:
                    states[name].start_day(day)
                    if hasattr(router, "start_day"):
                        router.start_day(day)
                states[name].bulk = int(kind == "bulk")
                router.route_day(states[name], day, kind, leads, rates)
            today = day
    finally:
        if hasattr(routers["policy"], "close"):
            routers["policy"].close()
    return {"market": market, "states": states}


def uplift(states, part: slice) -> float:
    total = {name: float(np.sum(state.expected[part])) for name, state in states.items()}
    gap = total["oracle"] - total["round-robin"]
    return (total["policy"] - total["round-robin"]) / gap if gap else float("nan")


def drift_report(market: Market, state: State) -> tuple[list[float], int | None]:
    """The drifted reps' share of the one-at-a-time leads per week, from 4 weeks before the
    drift to 6 after;
    and the week after the drift when it first fell to half the 4 weeks before."""
    choice = np.array(state.choice)
    half = market.days // 2
    shares = []
    for week in range(-4, 6):
        lo, hi = half + week * WEEK, half + (week + 1) * WEEK
        mask = (choice[:, 0] >= lo) & (choice[:, 0] < hi) & (choice[:, 2] == 0)
        shares.append(float(np.isin(choice[mask, 1], market.drifted).mean()) if mask.any() else 0)
    before = float(np.mean(shares[:4]))
    after = [i + 1 for i, share in enumerate(shares[4:]) if share <= before / 2]
    return shares, (after[0] if after else None)


def starved(market: Market, state: State) -> list[int | None]:
    """Days from each hire's start to their first lead (None: never)."""
    hires = np.flatnonzero(market.start_day > 0)
    out = []
    for rep in hires:
        first = state.first_lead[rep]
        out.append(None if first < 0 else int(first - market.start_day[rep]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--segments", type=int, default=6)
    parser.add_argument("--leads", type=int, default=20000)
    parser.add_argument("--days", type=int, default=140)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--history", type=int, default=40, help="closed deals per rep before")
    parser.add_argument("--policy", help="a policy file (default: the shipped one)")
    parser.add_argument("--weights", help='JSON weights, e.g. {"conversion": 0.5, ...}')
    parser.add_argument("--code", help="route with the coaching package of this checkout")
    parser.add_argument(
        "--service",
        action="store_true",
        help="route the policy's leads through the intake service on a fresh SQLite database "
        "and record their outcomes through the pipeline service (see sim_routing_service.py)",
    )
    args = parser.parse_args()
    if args.service:
        sys.path[:0] = [str(HERE), str(HERE.parents[1])]
    _import(args.code)
    raw = json.loads(Path(args.policy or routing.DEFAULT_POLICY_PATH).read_text("utf-8"))
    if args.weights:
        raw["weights"] = raw["weights"] | json.loads(args.weights)
    policy = routing.parse_policy(raw, args.policy or "default")
    print(
        f"{args.reps} reps (+20 hires), {args.segments} segments × {len(SOURCES)} sources, "
        f"{args.leads} leads over {args.days} days, capacity {CAPACITY}; "
        f"policy {policy.version} from {args.code or 'this checkout'}"
    )
    n = args.leads
    head = f"{'seed':>5}{'uplift all':>12}{'first 2k':>10}{'last 2k':>10}"
    head += f"{'wins pol/rr/orc':>22}{'drift ½ in wk':>15}{'hire max days':>15}"
    head += f"{'cap/leave viol':>16}{'secs':>7}"
    print(head)
    summary = []
    for seed in args.seeds:
        started = time.perf_counter()
        run = simulate(args, seed, policy)
        states, market = run["states"], run["market"]
        figures = [uplift(states, s) for s in (slice(0, n), slice(0, 2000), slice(n - 2000, n))]
        summary.append(figures)
        wins = "/".join(f"{np.sum(states[k].expected):.0f}" for k in states)
        shares, halved = drift_report(market, states["policy"])
        days = starved(market, states["policy"])
        late = [d for d in days if d is None or d > 14]
        hire = "never" if None in days else str(max(days))
        viol = states["policy"].violations
        print(
            f"{seed:>5}{figures[0]:>12.1%}{figures[1]:>10.1%}{figures[2]:>10.1%}{wins:>22}"
            f"{halved if halved else '>6':>15}{hire + (' STARVED' if late else ''):>15}"
            f"{viol['capacity']:>8}/{viol['leave']:<7}{time.perf_counter() - started:>7.0f}"
        )
        print(f"      drifted reps' weekly share (-4..+5): {' '.join(f'{s:.3f}' for s in shares)}")
        batch = states["policy"].batch
        if batch["assigned"]:
            print(
                f"      bulk imports: the winner tops the ranking shown in "
                f"{batch['winner on top']} of {batch['assigned']} decisions; "
                f"{batch['passed over named']} name a better-scoring rep whose capacity another "
                "lead of the batch took"
            )
    mean = np.mean(summary, axis=0)
    print(f"{'mean':>5}{mean[0]:>12.1%}{mean[1]:>10.1%}{mean[2]:>10.1%}")


if __name__ == "__main__":
    main()
