"""Ceiling study: how much of the oracle's uplift over round-robin can an outcomes-only learner
capture in the sim_routing market, if it knows the true *form* of the model?

    python tests/perf/ceiling_routing.py [--seeds 0 1 2] [--only NAME ...] [--history 40]
        [--maxiter 200]

Reuses Market / arrivals / State / RoundRobin / Oracle / drift_report from
`tests/perf/sim_routing.py`: the same market, leads and events. Not Pacer's policy: a
reference for what any learner of outcomes could reach there.

Learners see only State.closed (day, rep, seg, src, won) + team (rep // 20) + loads, capacity,
status. They fit a MAP logistic random-effects model with the true structure and true prior
σ's once per simulated day (before that day's bulk import and singles): on aggregated cells
(rep, seg, src[, recent flag]) with (decay-)weighted counts — the likelihood is identical to the
per-outcome one because the design depends only on the cell — using a scipy.sparse one-hot
design, L-BFGS-B with analytic gradient, warm-started from the previous day.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sim_routing as sim  # noqa: E402  (module import only; its main() is not run)

CAP = sim.CAPACITY
K_SRC = len(sim.SOURCES)
SIG = dict(seg=0.3, src=0.2, team=0.2, rep=0.3, rs=0.6, rk=0.3)


class GLMM:
    """MAP GLMM learner. mode: greedy | thompson | ucb."""

    def __init__(
        self,
        market,
        mode="greedy",
        half_life=None,
        c=0.0,
        recent_days=None,
        sigma_recent=0.5,
        maxiter=200,
        seed=0,
        price=0.0,
        change_day=None,
    ):
        self.market, self.mode, self.hl, self.c = market, mode, half_life, c
        self.price = price  # comparative-advantage price: score − price × rep's mean est. p
        self.recent_days, self.maxiter = recent_days, maxiter
        # change_day (a cheat, for a bound): the learner is told *when* a change happened (not
        # who changed): outcomes closed on/after it get a per-rep offset.
        self.change_day = change_day
        recent_days = recent_days or change_day
        R = len(market.start_day)
        S = len(market.segments)
        K = K_SRC
        T = int((R - 1) // sim.TEAM + 1)
        self.R, self.S, self.K, self.T = R, S, K, T
        self.team = np.arange(R) // sim.TEAM
        F = 2 if recent_days else 1  # cell flag: 0 old, 1 recent (drift-aware variant)
        sizes = [
            ("b0", 1),
            ("seg", S),
            ("src", K),
            ("team", T),
            ("rep", R),
            ("rs", R * S),
            ("rk", R * K),
        ]
        if recent_days:
            sizes.append(("rec", R))
        self.off, o = {}, 0
        for name, size in sizes:
            self.off[name] = o
            o += size
        self.P = o
        prec = np.empty(o)
        mu = np.zeros(o)
        for name, size in sizes:
            a = self.off[name]
            if name == "b0":
                prec[a] = 1.0
                mu[a] = -1.4
            elif name == "rec":
                prec[a : a + size] = 1 / sigma_recent**2
            else:
                prec[a : a + size] = 1 / SIG[name] ** 2
        self.prec, self.mu = prec, mu
        # cells
        r, s, k, f = np.meshgrid(
            np.arange(R), np.arange(S), np.arange(K), np.arange(F), indexing="ij"
        )
        r, s, k, f = (x.ravel() for x in (r, s, k, f))
        C = r.size
        cols = [
            np.full(C, self.off["b0"]),
            self.off["seg"] + s,
            self.off["src"] + k,
            self.off["team"] + self.team[r],
            self.off["rep"] + r,
            self.off["rs"] + r * S + s,
            self.off["rk"] + r * K + k,
        ]
        rows = [np.arange(C)] * 7
        if recent_days:
            m = f == 1
            cols.append(self.off["rec"] + r[m])
            rows.append(np.arange(C)[m])
        self.X = sp.csr_matrix(
            (np.ones(sum(len(c) for c in cols)), (np.concatenate(rows), np.concatenate(cols))),
            shape=(C, o),
        )
        self.XT = self.X.T.tocsr()
        self.theta = mu.copy()
        self.F = F
        self.rng = np.random.default_rng(seed + 5000)
        self.fit_times: list[float] = []
        self.iters: list[int] = []

    # ---- fitting ----
    def fit(self, state, day):
        t0 = time.perf_counter()
        rows = np.array(state.closed, dtype=float)
        age = day - rows[:, 0]
        w = 0.5 ** (age / self.hl) if self.hl else np.ones(len(age))
        cell = (rows[:, 1] * self.S + rows[:, 2]) * self.K + rows[:, 3]
        cell = cell.astype(int) * self.F
        if self.change_day:
            cell = cell + (rows[:, 0] >= self.change_day)
        elif self.recent_days:
            cell = cell + (age <= self.recent_days)
        C = self.X.shape[0]
        n = np.bincount(cell, w, minlength=C)
        y = np.bincount(cell, w * rows[:, 4], minlength=C)
        X, XT, prec, mu = self.X, self.XT, self.prec, self.mu

        def f(th):
            eta = X @ th
            p = 1 / (1 + np.exp(-eta))
            d = th - mu
            val = np.sum(n * np.logaddexp(0, eta) - y * eta) + 0.5 * np.sum(prec * d * d)
            return val, XT @ (n * p - y) + prec * d

        res = minimize(
            f,
            self.theta,
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": self.maxiter, "gtol": 1e-6},
        )
        th = res.x
        self.theta = th
        p = 1 / (1 + np.exp(-(X @ th)))
        self.var = 1 / (XT @ (n * p * (1 - p)) + prec)  # diagonal-Hessian approximation
        self._tables(th)
        self.fit_times.append(time.perf_counter() - t0)
        self.iters.append(res.nit)

    def _tables(self, th):
        o, R, S, K = self.off, self.R, self.S, self.K
        rep = th[o["rep"] : o["rep"] + R]
        if self.F == 2:  # the current rate: the recent offset applies to routing now
            rep = rep + th[o["rec"] : o["rec"] + R]
        eta = (
            th[o["b0"]]
            + th[o["seg"] : o["seg"] + S][None, :, None]
            + th[o["src"] : o["src"] + K][None, None, :]
            + th[o["team"] : o["team"] + self.T][self.team][:, None, None]
            + rep[:, None, None]
            + th[o["rs"] : o["rs"] + R * S].reshape(R, S)[:, :, None]
            + th[o["rk"] : o["rk"] + R * K].reshape(R, K)[:, None, :]
        )
        v = self.var
        vrep = v[o["rep"] : o["rep"] + R]
        if self.F == 2:
            vrep = vrep + v[o["rec"] : o["rec"] + R]
        var = (
            vrep[:, None, None]
            + v[o["rs"] : o["rs"] + R * S].reshape(R, S)[:, :, None]
            + v[o["rk"] : o["rk"] + R * K].reshape(R, K)[:, None, :]
        )
        self.eta, self.sd = eta, np.sqrt(var)
        self.pbar = (1 / (1 + np.exp(-eta))).mean(axis=(1, 2))

    # ---- scoring ----
    def score(self, seg, src):
        eta, sd = self.eta[:, seg, src], self.sd[:, seg, src]
        if self.mode == "thompson":
            eta = eta + sd * self.rng.standard_normal(self.R)
        elif self.mode == "ucb":
            eta = eta + self.c * sd
        return 1 / (1 + np.exp(-eta))

    def table_for_batch(self):
        eta = self.eta
        if self.mode == "thompson":
            eta = eta + self.sd * self.rng.standard_normal(eta.shape)
        elif self.mode == "ucb":
            eta = eta + self.c * self.sd
        return 1 / (1 + np.exp(-eta))

    # ---- routing ----
    def start_day(self, state, day):
        self.fit(state, day)

    def route_day(self, state, day, kind, leads, rates):
        able = self.market.status(day) == 0
        if kind == "bulk":
            est = self.table_for_batch()

            def values_of(reps):
                return np.array([est[reps, s, k] for s, k in leads]) - self.price * self.pbar[reps]

            sim.assign_slots(state, able, day, leads, rates, values_of)
            return
        for seg, src in leads:
            free = able & (state.open < CAP)
            if not free.any():
                state.give(day, (seg, src), None, rates)
                continue
            vals = np.where(free, self.score(seg, src) - self.price * self.pbar, -9)
            state.give(day, (seg, src), int(np.argmax(vals)), rates)


class PricedOracle(sim.Oracle):
    """The oracle (true p) with the same comparative-advantage price: can a non-myopic rule
    beat the myopic oracle used as the 100% mark?"""

    def __init__(self, market, price):
        super().__init__(market)
        self.price = price

    def route_day(self, state, day, kind, leads, rates):
        adj = rates - self.price * rates.mean(axis=(1, 2))[:, None, None] + 1.0  # keep > 0
        real_give = state.give

        def give(d, lead, rep, _rates):
            return real_give(d, lead, rep, rates)

        state.give = give
        try:
            super().route_day(state, day, kind, leads, adj)
        finally:
            del state.give


STRATEGIES = {
    "glmm-greedy": dict(mode="greedy"),
    "glmm-greedy-hl120": dict(mode="greedy", half_life=120),
    "glmm-greedy-hl90": dict(mode="greedy", half_life=90),
    "glmm-thompson": dict(mode="thompson"),
    "glmm-thompson-hl120": dict(mode="thompson", half_life=120),
    "glmm-ucb0.5": dict(mode="ucb", c=0.5),
    "glmm-ucb1": dict(mode="ucb", c=1.0),
    "glmm-greedy-hl45": dict(mode="greedy", half_life=45),
    "glmm-greedy-recent28": dict(mode="greedy", recent_days=28, sigma_recent=0.5),
    "glmm-thompson-recent28": dict(mode="thompson", recent_days=28, sigma_recent=0.5),
    "glmm-ucb0.5-price0.3": dict(mode="ucb", c=0.5, price=0.3),
    "glmm-ucb0.5-price0.6": dict(mode="ucb", c=0.5, price=0.6),
    "glmm-greedy-price0.5": dict(mode="greedy", price=0.5),
    "glmm-ucb0.5-recent28-s1": dict(mode="ucb", c=0.5, recent_days=28, sigma_recent=1.0),
    "glmm-ucb0.5-recent14-s1": dict(mode="ucb", c=0.5, recent_days=14, sigma_recent=1.0),
    "glmm-ucb0.5-cheat-cp70": dict(mode="ucb", c=0.5, change_day=70, sigma_recent=1.0),
    "oracle-price0.3": "oracle",
    "oracle-price0.6": "oracle",
}


def run(seed, names, args):
    market = sim.Market.make(args.reps, args.segments, args.days, seed)
    stream = sim.arrivals(market, args.leads, seed)
    routers = {"round-robin": sim.RoundRobin(market), "oracle": sim.Oracle(market)}
    for name in names:
        if STRATEGIES[name] == "oracle":
            routers[name] = PricedOracle(market, float(name.split("price")[1]))
        else:
            routers[name] = GLMM(market, maxiter=args.maxiter, seed=seed, **STRATEGIES[name])
    states = {name: sim.State(market, seed) for name in routers}
    for name in names:
        states[name].seed_history(args.history, seed)
    today = -1
    for day, kind, leads in stream:
        rates = market.rates(day)
        for name, router in routers.items():
            if day != today:
                states[name].start_day(day)
                if isinstance(router, GLMM):
                    router.start_day(states[name], day)
            states[name].bulk = int(kind == "bulk")
            router.route_day(states[name], day, kind, leads, rates)
        today = day
    n = args.leads
    tot = lambda st, part: float(np.sum(st.expected[part]))  # noqa: E731
    out = {}
    for name in names:
        shares = []
        for part in (slice(0, n), slice(0, 2000), slice(n - 2000, n)):
            rr, orc = tot(states["round-robin"], part), tot(states["oracle"], part)
            shares.append((tot(states[name], part) - rr) / (orc - rr))
        weekly, halved = sim.drift_report(market, states[name])
        viol = states[name].violations
        r = routers[name]
        ft = getattr(r, "fit_times", [0.0])
        if hasattr(r, "eta"):  # drifted reps at the end: estimated vs true mean p
            est = (1 / (1 + np.exp(-r.eta)))[market.drifted].mean()
            print(
                f"  seed {seed} {name}: drifted reps' est. p {est:.3f} vs true "
                f"{market.rates(market.days)[market.drifted].mean():.3f} "
                f"(pre-drift {market.p[market.drifted].mean():.3f})",
                flush=True,
            )
        out[name] = dict(
            shares=shares,
            halved=halved,
            weekly=weekly,
            fit_ms=1000 * float(np.mean(ft)),
            iters=float(np.mean(getattr(r, "iters", [0]))),
            viol=viol["capacity"] + viol["leave"],
        )
    weekly, halved = sim.drift_report(market, states["oracle"])
    out["oracle"] = dict(
        shares=[1.0, 1.0, 1.0], halved=halved, weekly=weekly, fit_ms=0.0, iters=0.0, viol=0
    )
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--segments", type=int, default=6)
    ap.add_argument("--leads", type=int, default=20000)
    ap.add_argument("--days", type=int, default=140)
    ap.add_argument("--history", type=int, default=40)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--only", nargs="+", default=list(STRATEGIES))
    ap.add_argument("--maxiter", type=int, default=200)
    args = ap.parse_args()
    results = {}
    for seed in args.seeds:
        t0 = time.perf_counter()
        results[seed] = run(seed, args.only, args)
        print(f"seed {seed} done in {time.perf_counter() - t0:.0f}s", flush=True)
    head = f"{'strategy':<24}{'seed':>5}{'all':>8}{'first2k':>9}{'last2k':>8}"
    head += f"{'drift½wk':>9}{'fit ms':>8}{'iters':>7}{'viol':>6}"
    print(head)
    for name in [*args.only, "oracle"]:
        for seed in args.seeds:
            r = results[seed][name]
            overall, first, last = r["shares"]
            print(
                f"{name:<24}{seed:>5}{overall:>8.1%}{first:>9.1%}{last:>8.1%}"
                f"{str(r['halved'] or '>6'):>9}{r['fit_ms']:>8.0f}{r['iters']:>7.0f}{r['viol']:>6}"
            )
        m = np.mean([results[s][name]["shares"] for s in args.seeds], axis=0)
        ms = np.mean([results[s][name]["fit_ms"] for s in args.seeds])
        print(f"{name:<24}{'mean':>5}{m[0]:>8.1%}{m[1]:>9.1%}{m[2]:>8.1%}{'':>9}{ms:>8.0f}")
        for seed in args.seeds:
            w = results[seed][name]["weekly"]
            print(
                f"{'':<24}  s{seed} drifted weekly share -4..+5: " + " ".join(f"{x:.3f}" for x in w)
            )


if __name__ == "__main__":
    main()
