"""Backtest of the learned win probability and the period prediction (run on demand, not by
pytest).

    python tests/perf/bench_forecast.py [--deals 6000] [--reps 40] [--seed 7] [--png FILE]

On a generated two-year history with a known truth (tests/support/forecast_history.py:
each deal moves on from a stage with a chance set by its owner's skill, the customer's
engagement, its segment, source and amount; engaged customers get more follow-ups and value
points), it trains the model on the deals closed before a cutoff six months ago, then on the
deals closed after it:
1. log loss and Brier score of the learned probability, of the fixed stage table, of the
   stage table refitted to this history (win rate per stage: is it more than the stage?),
   and of the truth itself (the floor), one row per stage each deal went through;
2. a calibration table (10 bins) for the model and the stage table, and the curve as a PNG;
3. for each of the six months, the prediction made mid-month (won so far + Σ p × amount of
   the open deals expected to close in the month or overdue, with its simulated 10–90 %
   interval; `predict_period`'s rule)
   beside the run-rate projection (domain.targets.rules.pace) and the stage-table weighted
   pipeline, against what was actually won; their mean absolute percentage errors.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from domain.forecasts.features import OwnerRecords, snapshot_at, training_rows  # noqa: E402
from domain.forecasts.learning import fit, predict, scores, stage_chances  # noqa: E402
from domain.forecasts.prediction import expected_in  # noqa: E402
from domain.forecasts.simulation import simulate  # noqa: E402
from domain.targets.actuals import DEFAULT_STAGE_PROBABILITIES as TABLE  # noqa: E402
from domain.targets.periods import WorkingCalendar  # noqa: E402
from domain.targets.rules import pace  # noqa: E402
from tests.support.forecast_history import GeneratedDeal, generate  # noqa: E402

TODAY = date(2026, 11, 30)
MONTHS = 6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=6000)
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--png", type=Path, default=Path("forecast_calibration.png"))
    args = parser.parse_args()

    deals = generate(args.seed, deals=args.deals, today=TODAY, reps=list(range(1, args.reps + 1)))
    first_month = _add_months(TODAY.replace(day=1), -MONTHS)
    cutoff = datetime.combine(first_month, datetime.min.time(), UTC)
    histories = [d.history for d in deals]
    records = OwnerRecords.of(histories)
    closed_before = [h for h in histories if h.closed_at is not None and h.closed_at < cutoff]
    closed_after = [d for d in deals if d.history.closed_at and d.history.closed_at >= cutoff]
    train = training_rows(closed_before, records)
    test = [(row, deal) for deal in closed_after for row in training_rows([deal.history], records)]
    started = time.perf_counter()
    bundle = fit([r[0] for r in train], [r[1] for r in train])
    fitted = time.perf_counter() - started
    print(f"history: {len(deals)} deals, {args.reps} reps; cutoff {first_month}")
    print(
        f"train: {len(closed_before)} deals closed before it, {len(train)} stage snapshots "
        f"(fit {fitted:.2f} s)"
    )
    print(f"test:  {len(closed_after)} deals closed after it, {len(test)} stage snapshots\n")

    snapshots = [row[0] for row, _ in test]
    won = [row[1] for row, _ in test]
    model_p = predict(bundle, snapshots)
    table_p = stage_chances(snapshots, TABLE)
    truth_p = np.asarray([deal.truth.win_from(row[0].stage) for row, deal in test])
    rates = {  # the stage table this company's own history would give: wins per stage
        stage: float(np.mean([r[1] for r in train if r[0].stage == stage] or [0.0]))
        for stage in TABLE
    }
    own_p = stage_chances(snapshots, rates)
    print(f"{'win probability':<22}{'log loss':>10}{'Brier':>10}")
    for name, p in (
        ("learned model", model_p),
        ("fixed stage table", table_p),
        ("stage win rates", own_p),
        ("truth (floor)", truth_p),
    ):
        s = scores(p, won)
        print(f"{name:<22}{s['log_loss']:>10.4f}{s['brier']:>10.4f}")

    print("\ncalibration (test snapshots by predicted probability)")
    print(
        f"{'bin':<11}{'model n':>8}{'mean p':>8}{'won':>8}   {'table n':>8}{'mean p':>8}{'won':>8}"
    )
    curves = {}
    for name, p in (("model", model_p), ("table", table_p)):
        curves[name] = _bins(p, np.asarray(won, dtype=float))
    for i in range(10):
        m, t = curves["model"][i], curves["table"][i]
        print(f"{i / 10:.1f}–{(i + 1) / 10:.1f}   {_cell(m)}   {_cell(t)}")
    _plot(curves, args.png)
    print(f"calibration curve saved to {args.png}\n")

    _periods(deals, bundle, records, first_month)


def _bins(p: np.ndarray, y: np.ndarray) -> list[tuple[int, float, float]]:
    out = []
    for i in range(10):
        inside = (p >= i / 10) & ((p < (i + 1) / 10) if i < 9 else (p <= 1))
        n = int(inside.sum())
        out.append(
            (n, float(p[inside].mean()) if n else np.nan, float(y[inside].mean()) if n else np.nan)
        )
    return out


def _cell(b: tuple[int, float, float]) -> str:
    n, mean_p, rate = b
    return f"{n:>8}{'':>16}" if not n else f"{n:>8}{mean_p:>8.3f}{rate:>8.3f}"


def _plot(curves, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5.5, 5.5))
    axes.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfectly calibrated")
    for name, style in (("model", "o-"), ("table", "s--")):
        points = [(m, r) for n, m, r in curves[name] if n]
        axes.plot(
            *zip(*points, strict=True),
            style,
            label="learned model" if name == "model" else "fixed stage table",
        )
    axes.set_xlabel("predicted win probability")
    axes.set_ylabel("observed win rate")
    axes.set_title("Pacer win probability: calibration on later deals")
    axes.legend(loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def _periods(deals: list[GeneratedDeal], bundle, records: OwnerRecords, first: date) -> None:
    calendar = WorkingCalendar("CN")
    print("period prediction made on the 15th of each month vs the run-rate projection")
    print(
        f"{'month':<9}{'actual':>12}{'predicted':>12}{'10%':>12}{'90%':>12}{'run-rate':>12}"
        f"{'stage tbl':>12}{'err pred':>10}{'err rate':>10}{'err tbl':>10}"
    )
    errors: dict[str, list[float]] = {"pred": [], "rate": [], "table": []}
    inside = 0
    for k in range(MONTHS):
        start = _add_months(first, k)
        end = _add_months(start, 1)
        as_of = start.replace(day=15)
        moment = datetime.combine(as_of, datetime.min.time(), UTC)
        won_so_far = actual = 0
        open_snaps, amounts = [], []
        for deal in deals:
            h = deal.history
            if h.outcome == "won" and h.closed_at is not None:
                day = h.closed_at.date()
                if start <= day < end:
                    actual += h.amount
                    if day < as_of:
                        won_so_far += h.amount
            if h.created_at >= moment or not expected_in(deal.expected_close, start, end, as_of):
                continue
            stage, entered = [m for m in h.moves if m[1] < moment][-1]
            if stage in ("won", "lost"):
                continue
            open_snaps.append(snapshot_at(h, stage, entered, moment, records))
            amounts.append(h.amount)
        chances = predict(bundle, open_snaps)
        interval = simulate(list(chances), amounts)
        predicted = won_so_far + interval.expected
        low, high = won_so_far + interval.low, won_so_far + interval.high
        table = won_so_far + float(np.dot(stage_chances(open_snaps, TABLE), amounts))
        run_rate = pace(
            target=1,
            achieved=won_so_far,
            elapsed_share=0.5,
            elapsed_working=calendar.working_days(start, as_of),
            total_working=calendar.working_days(start, end),
        ).projection
        inside += low <= actual <= high
        row = {"pred": predicted, "rate": run_rate, "table": table}
        for key, value in row.items():
            errors[key].append(abs(value - actual) / actual)
        print(
            f"{start:%Y-%m}  {_yuan(actual)}{_yuan(predicted)}{_yuan(low)}{_yuan(high)}"
            f"{_yuan(run_rate)}{_yuan(table)}"
            f"{errors['pred'][-1]:>10.1%}{errors['rate'][-1]:>10.1%}{errors['table'][-1]:>10.1%}"
        )
    print(
        f"\nmean absolute % error: prediction {np.mean(errors['pred']):.1%}, run-rate "
        f"{np.mean(errors['rate']):.1%}, stage-table weighted pipeline "
        f"{np.mean(errors['table']):.1%}"
    )
    print(f"actual inside the 10–90 % interval: {inside} of {MONTHS} months (amounts in yuan)")


def _yuan(fen: float) -> str:
    return f"{fen / 100:>12,.0f}"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


if __name__ == "__main__":
    main()
