"""Benchmark: routing one lead among 5,000 reps, and a batch of 10,000 leads over 2,000 reps
(run on demand, not by pytest).

    python tests/perf/bench_routing.py [--reps 5000] [--runs 300] [--batch-leads 10000]
                                       [--batch-reps 2000] [--seed 11]

The market: 4 regions of 5 cities; each rep covers their home city and, one in three, a
second city of the region; 8 segments, 4 sources, every rep a few specialties, six capability
scores, some flags, a conversion history and a capacity of 15/25/35 by level with an open load
between none and all of it. Leads: uniform over cities, segments and sources, a fifth with a
product interest or a signal, values log-uniform from 10,000.00 to 5,000,000.00. The default
policy decides. Prints median and p99 of `decide` (table built from the candidate list inside
each call, as the service will do) and of `decide` on a prebuilt CandidateTable; then the wall
time of `assign_batch` (default max_cells), of `greedy_batch`, and of `assign_batch` with
max_cells large enough to solve each component whole, with their totals; then the time to
explain 1,000 of the batch's decisions.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1])]

from coaching.routing import (  # noqa: E402
    DIMENSIONS,
    Candidate,
    CandidateTable,
    LeadFacts,
    assign_batch,
    decide,
    greedy_batch,
    load_policy,
)
from domain.org.demo import SEGMENTS  # noqa: E402

REGIONS = {f"region{r}": [f"city{r}{c}" for c in range(5)] for r in range(4)}
CITIES = [city for cities in REGIONS.values() for city in cities]
SOURCES = ["web", "event", "referral", "partner"]
SIGNALS = ["battery_swap_interest", "competitor_quote", "requested_quote", "price_complaint"]
PRODUCTS = ["battery_swap", "fleet_charging", "suv", "van"]


def make_reps(count: int, rng: random.Random) -> list[Candidate]:
    reps = []
    for rep_id in range(1, count + 1):
        region = rng.choice(list(REGIONS))
        home = rng.choice(REGIONS[region])
        territories = {home}
        if rng.random() < 1 / 3:
            territories.add(rng.choice(REGIONS[region]))
        level = rng.choices(["junior", "mid", "senior"], weights=[3, 4, 3])[0]
        capacity = {"junior": 15, "mid": 25, "senior": 35}[level]
        segments = rng.sample(SEGMENTS, k=rng.randint(1, 3))
        history = {}
        for segment in segments:
            for source in SOURCES:
                total = rng.randint(0, 30)
                history[(segment, source)] = (rng.randint(0, total), total)
        reps.append(
            Candidate(
                rep_id=rep_id,
                unit_id=CITIES.index(home),
                level=level,
                status=rng.choices(["active", "on_leave", "inactive"], weights=[90, 6, 4])[0],
                territories=territories,
                capacity=capacity,
                open_load=rng.randint(0, capacity),
                specialties={segment: rng.randint(1, 5) for segment in segments},
                capability={d: rng.uniform(30, 95) for d in DIMENSIONS},
                flags={
                    f
                    for f in ("strategic_accounts", "government_procurement")
                    if rng.random() < 0.3
                },
                conversion=history,
                unit_conversion={key: 0.2 for key in history},
                recent_assignments=rng.randint(0, 8),
                external_id=f"rep.{rep_id:05d}",
            )
        )
    return reps


def make_leads(count: int, rng: random.Random) -> list[LeadFacts]:
    return [
        LeadFacts(
            segment=rng.choice(SEGMENTS),
            territory=rng.choice(CITIES),
            source=rng.choice(SOURCES),
            product_interests={rng.choice(PRODUCTS)} if rng.random() < 0.2 else set(),
            signals={rng.choice(SIGNALS)} if rng.random() < 0.2 else set(),
            estimated_value=int(10 ** rng.uniform(6, 8.7)),
            lead_id=f"L{i}",
        )
        for i in range(count)
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def time_single(reps, leads, policy, runs: int, prebuilt: bool) -> list[float]:
    pool = CandidateTable(reps) if prebuilt else reps
    timings = []
    for i in range(runs):
        start = time.perf_counter()
        decision = decide(leads[i % len(leads)], pool, policy)
        timings.append((time.perf_counter() - start) * 1e3)
        assert decision.rep_id is not None or decision.queue is not None
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--batch-leads", type=int, default=10_000)
    parser.add_argument("--batch-reps", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--exact-cells",
        type=int,
        default=20_000_000,
        help="max_cells of the third batch run (large enough to solve every component whole)",
    )
    args = parser.parse_args()
    policy = load_policy()
    rng = random.Random(args.seed)
    reps = make_reps(args.reps, rng)
    leads = make_leads(args.runs, rng)
    decide(leads[0], reps, policy)
    print(f"one lead among {args.reps} reps, {args.runs} runs")
    for label, prebuilt in (("decide(lead, candidates)", False), ("decide(lead, table)", True)):
        timings = time_single(reps, leads, policy, args.runs, prebuilt)
        print(
            f"  {label:<28} median {statistics.median(timings):7.1f} ms   "
            f"p99 {percentile(timings, 0.99):7.1f} ms"
        )

    rng = random.Random(args.seed + 1)
    reps = make_reps(args.batch_reps, rng)
    leads = make_leads(args.batch_leads, rng)
    slots = sum(r.capacity_left for r in reps if r.status == "active")
    print(f"batch: {len(leads)} leads over {len(reps)} reps ({slots} free slots of active reps)")
    results = {}
    runs = (
        ("assign_batch", lambda: assign_batch(leads, reps, policy)),
        ("greedy_batch", lambda: greedy_batch(leads, reps, policy)),
        (f"assign_batch, max_cells {args.exact_cells:,}",
         lambda: assign_batch(leads, reps, policy, max_cells=args.exact_cells)),
    )  # fmt: skip
    for label, run in runs:
        start = time.perf_counter()
        result = results[label] = run()
        wall = time.perf_counter() - start
        fallback = len(leads) - result.assigned_count
        print(f"  {label:<34} {wall:6.2f} s   total {result.total_score:8.2f}   "
              f"assigned {result.assigned_count}   fallback {fallback}   "
              f"blocks {result.blocks}   exact {result.exact}")  # fmt: skip
    start = time.perf_counter()
    explained = [results["assign_batch"].decision(i) for i in range(1000)]
    print(
        f"  explaining 1,000 batch decisions: {time.perf_counter() - start:.2f} s "
        f"({len(explained)} decisions)"
    )


if __name__ == "__main__":
    main()
