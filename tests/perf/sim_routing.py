"""Simulation: does routing by the policy win more than round-robin, and how close does it get
to an oracle? (run on demand, not by pytest)

    python tests/perf/sim_routing.py [--reps 60] [--rounds 40] [--leads 100] [--seeds 5]

A synthetic market: every rep has a hidden win probability for each (segment, source) pair,
logit p = -1.4 + rep + rep×segment + rep×source (normal effects, σ 0.3 / 0.6 / 0.3: a typical
rep wins one lead in five, the best pairs more than one in two). Each round, `--leads` leads
arrive with a random segment (5) and source (4); every rep can take 3 of them (capacity 3,
open load 0: the round's leads are worked within the round). The outcome of each lead is
drawn from its rep's hidden probability.

- policy: `assign_batch` under the default policy; it sees nothing hidden, only each rep's
  won/total per segment and source from the rounds before (all reps in one unit, whose pooled
  rate per pair is the shrinkage prior) and the leads routed to the rep last round (fairness);
- the same with a conversion-heavy weighting, and without shrinkage (k = 0);
- round-robin: reps in turn, skipping the full ones;
- oracle: knows the hidden probabilities and maximises them under the same capacities.

Prints the expected wins (the sum of the hidden probabilities of the chosen reps: the same
market without the luck of the draw) of each: per round in each third of the rounds, and in
all rounds, averaged over `--seeds` markets (seeds 0, 1, …), and as a share of the oracle's.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1])]

from coaching.routing import (  # noqa: E402
    DEFAULT_POLICY_PATH,
    Candidate,
    LeadFacts,
    Policy,
    assign_batch,
    load_policy,
    parse_policy,
)

SEGMENTS = ["government", "enterprise_fleet", "ride_hailing", "rental", "smb"]
SOURCES = ["web", "event", "referral", "partner"]
CAPACITY = 3


def policies() -> dict[str, Policy]:
    default = load_policy()
    raw = json.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    heavy = raw | {"weights": {"specialty": 0, "capability": 0, "load": 0.15,
                               "conversion": 0.7, "fairness": 0.15}}  # fmt: skip
    no_shrink = raw | {"conversion": raw["conversion"] | {"shrinkage_k": 0}}
    return {
        "policy (default weights)": default,
        "policy (conversion 0.7)": parse_policy(heavy, "conversion-heavy"),
        "policy (default, k = 0)": parse_policy(no_shrink, "no-shrinkage"),
    }


class Market:
    def __init__(self, reps: int, seed: int):
        rng = np.random.default_rng(seed)
        logit = (
            -1.4
            + rng.normal(0, 0.3, (reps, 1, 1))
            + rng.normal(0, 0.6, (reps, len(SEGMENTS), 1))
            + rng.normal(0, 0.3, (reps, 1, len(SOURCES)))
        )
        self.p = 1 / (1 + np.exp(-logit))
        self.reps = reps

    def leads(self, rng: np.random.Generator, count: int) -> list[tuple[int, int]]:
        return list(zip(rng.integers(0, len(SEGMENTS), count).tolist(),
                        rng.integers(0, len(SOURCES), count).tolist(), strict=True))  # fmt: skip


class Learner:
    """What the policy may know: outcomes so far, and last round's assignments."""

    def __init__(self, reps: int):
        self.won = np.zeros((reps, len(SEGMENTS), len(SOURCES)))
        self.total = np.zeros_like(self.won)
        self.last_round = np.zeros(reps, int)

    def candidates(self) -> list[Candidate]:
        pooled = self.won.sum(axis=0) / np.maximum(self.total.sum(axis=0), 1)
        has_pool = self.total.sum(axis=0) > 0
        unit = {
            (SEGMENTS[s], SOURCES[c]): float(pooled[s, c])
            for s in range(len(SEGMENTS))
            for c in range(len(SOURCES))
            if has_pool[s, c]
        }
        out = []
        for r in range(self.won.shape[0]):
            history = {
                (SEGMENTS[s], SOURCES[c]): (int(self.won[r, s, c]), int(self.total[r, s, c]))
                for s, c in zip(*np.nonzero(self.total[r]), strict=True)
            }
            out.append(Candidate(rep_id=r + 1, territories={"city"}, capacity=CAPACITY,
                                 conversion=history, unit_conversion=unit,
                                 recent_assignments=int(self.last_round[r])))  # fmt: skip
        return out

    def learn(self, leads, reps, outcomes) -> None:
        self.last_round[:] = 0
        for (s, c), r, won in zip(leads, reps, outcomes, strict=True):
            self.total[r, s, c] += 1
            self.won[r, s, c] += won
            self.last_round[r] += 1


def route_policy(policy, learner: Learner, leads) -> list[int]:
    facts = [LeadFacts(SEGMENTS[s], "city", SOURCES[c]) for s, c in leads]
    result = assign_batch(facts, learner.candidates(), policy)
    return [a.rep_id - 1 for a in result.assignments]


def route_round_robin(state: dict, reps: int, leads) -> list[int]:
    chosen, taken = [], np.zeros(reps, int)
    for _ in leads:
        while taken[state["next"] % reps] >= CAPACITY:
            state["next"] += 1
        rep = state["next"] % reps
        chosen.append(rep)
        taken[rep] += 1
        state["next"] += 1
    return chosen


def route_oracle(market: Market, leads) -> list[int]:
    values = np.array([[market.p[r, s, c] for r in range(market.reps)] for s, c in leads])
    slots = np.repeat(values, CAPACITY, axis=1)
    rows, cols = linear_sum_assignment(slots, maximize=True)
    chosen = [0] * len(leads)
    for row, col in zip(rows, cols, strict=True):
        chosen[row] = col // CAPACITY
    return chosen


def simulate(reps: int, rounds: int, per_round: int, seed: int) -> dict[str, np.ndarray]:
    market = Market(reps, seed)
    arrivals = np.random.default_rng(seed + 1000)
    learning = policies()
    names = [*learning, "round-robin", "oracle"]
    wins = {name: np.zeros(rounds) for name in names}
    learners = {name: Learner(reps) for name in learning}
    outcome_rng = {name: np.random.default_rng(seed + 2000) for name in learning}
    rr_state = {"next": 0}
    for t in range(rounds):
        leads = market.leads(arrivals, per_round)
        for name, policy in learning.items():
            chosen = route_policy(policy, learners[name], leads)
            probabilities = [market.p[r, s, c] for (s, c), r in zip(leads, chosen, strict=True)]
            wins[name][t] = sum(probabilities)
            outcomes = outcome_rng[name].random(len(leads)) < np.array(probabilities)
            learners[name].learn(leads, chosen, outcomes.astype(int))
        for name, chosen in (("round-robin", route_round_robin(rr_state, reps, leads)),
                             ("oracle", route_oracle(market, leads))):  # fmt: skip
            wins[name][t] = sum(market.p[r, s, c] for (s, c), r in zip(leads, chosen, strict=True))
    return wins


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--leads", type=int, default=100, help="leads per round")
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    runs = [simulate(args.reps, args.rounds, args.leads, seed) for seed in range(args.seeds)]
    names = list(runs[0])
    thirds = np.array_split(np.arange(args.rounds), 3)
    oracle = np.mean([run["oracle"].sum() for run in runs])
    print(f"{args.reps} reps, {args.rounds} rounds of {args.leads} leads, capacity {CAPACITY} "
          f"per rep and round; expected wins per round in each third of the rounds, and in "
          f"all rounds, mean of {args.seeds} seeds")  # fmt: skip
    head = "".join(f"{f'rounds {t[0] + 1}-{t[-1] + 1}':>14}" for t in thirds)
    print(f"{'strategy':<28}{head}{'all':>10}{'of oracle':>11}")
    for name in names:
        parts = "".join(f"{np.mean([run[name][t].mean() for run in runs]):>14.1f}" for t in thirds)
        total = np.mean([run[name].sum() for run in runs])
        print(f"{name:<28}{parts}{total:>10.1f}{total / oracle:>10.1%}")


if __name__ == "__main__":
    main()
