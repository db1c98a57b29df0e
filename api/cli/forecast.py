"""`pacer forecast train`: learn win probabilities from the closed deals and store the model."""

from __future__ import annotations

import argparse
import asyncio

from api.cli.support import CliError, business_day, today_in, with_engine
from domain import db
from domain.settings import Settings


def register(commands, formatter_class: type[argparse.HelpFormatter]) -> None:
    """Add the `forecast` command to the CLI."""
    forecast = commands.add_parser(
        "forecast",
        help="train the win-probability model on the company's closed deals",
        description="Learn each open deal's chance of winning from the deals won and lost in "
        "the last two years (stage reached, days in stage, age, amount band, segment, source, "
        "follow-ups and value points, the owner's record) and store it as the next version in "
        "PACER_FORECAST_MODEL_DIR, with its training date and its log loss and Brier score "
        "beside the stage table's on the latest deals. With too thin a history nothing is "
        "stored and the stage probabilities stay in use. Run it weekly, e.g. from cron.",
        formatter_class=formatter_class,
        epilog="examples:\n  pacer forecast train\n  pacer forecast train --as-of 2026-11-30",
    )
    forecast.add_argument("action", choices=["train"])
    forecast.add_argument(
        "--as-of", type=business_day, help="learn from deals closed up to this day (default today)"
    )
    forecast.set_defaults(run=cmd_forecast)


def cmd_forecast(args: argparse.Namespace, settings: Settings) -> None:
    from domain.forecasts.learning import train

    today = args.as_of or today_in(settings)

    async def work(engine):
        async with db.session_factory(engine)() as session:
            return await train(session, settings, today=today)

    try:
        outcome = asyncio.run(with_engine(settings, work))
    except OSError as exc:  # the model directory cannot be written
        raise CliError(f"cannot store the model in {settings.forecast_model_dir}: {exc}") from exc
    if outcome.model is None:
        raise CliError(outcome.message_en)
    print(outcome.message_en)
    metrics = outcome.model.metrics
    if metrics:
        print(
            f"latest {metrics['holdout_rows']:.0f} stage snapshots: log loss "
            f"{metrics['log_loss']:.3f} (stage table {metrics['stage_table_log_loss']:.3f}), "
            f"Brier {metrics['brier']:.3f} (stage table {metrics['stage_table_brier']:.3f})"
        )
