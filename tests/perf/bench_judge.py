"""Benchmark: the `rules` judge on 200-character rep replies (run on demand, not by pytest).

    python tests/perf/bench_judge.py [--turns 2000] [--seed 7] [--no-figures]

For every scenario, replies of 200 characters are built from the labelled sets' replies of
that scenario (both languages, both sets), cut or repeated to length; each is judged once to
warm the compiled rubric, then `--turns` judgements are timed one by one. Prints median and
p99 per turn for each scenario and over all of them (the goal: median <= 1 ms), then the
judge's figures on each labelled set (tests/support/judge_metrics.py): check-level accuracy
(zh, en), red-line recall, false red-line hits, refusals with a false hit (the red-line set:
per writer, its red-line figures only).
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

from coaching.engines.judge import judge_turn  # noqa: E402
from coaching.scenario import load_scenarios  # noqa: E402
from tests.support.judge_metrics import SETS, load_items, measure  # noqa: E402

LENGTH = 200


def replies_of(items: list[dict], scenario_id: str) -> list[str]:
    out = []
    for item in items:
        if item["scenario"] != scenario_id:
            continue
        text = item["reply"]
        while len(text) < LENGTH:
            text += " " + item["reply"]
        out.append(text[:LENGTH])
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=2000, help="timed turns per scenario")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-figures", action="store_true", help="timings only")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    items = [item for name in SETS for item in load_items(name)]
    everything: list[float] = []
    print(f"{'scenario':<30} {'checks':>6} {'median µs':>10} {'p99 µs':>10}")
    for scenario in load_scenarios(strict=True):
        replies = replies_of(items, scenario.id)
        for reply in replies:
            judge_turn(scenario, reply)
        timings = []
        for _ in range(args.turns):
            reply = rng.choice(replies)
            start = time.perf_counter()
            judge_turn(scenario, reply)
            timings.append((time.perf_counter() - start) * 1e6)
        everything += timings
        checks = sum(len(criterion.checks) for criterion in scenario.criteria)
        print(
            f"{scenario.id:<30} {checks:>6} {statistics.median(timings):>10.0f} "
            f"{percentile(timings, 0.99):>10.0f}"
        )
    print(
        f"{'all (' + str(len(everything)) + ' turns)':<30} {'':>6} "
        f"{statistics.median(everything):>10.0f} {percentile(everything, 0.99):>10.0f}"
    )
    if args.no_figures:
        return
    scenarios = load_scenarios(strict=True)
    for name in SETS:
        items = load_items(name)
        if name != "red_lines":
            print(*measure(items, scenarios).lines(name), sep="\n")
            continue
        writers = sorted({item["set"] for item in items})  # red lines only
        for writer in writers:
            group = [item for item in items if item["set"] == writer]
            print(measure(group, scenarios).lines(f"{name} ({writer})")[1])


if __name__ == "__main__":
    main()
