"""`pacer capability refresh | milestones | check-milestones | import-ratings`."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from api.cli.imports import _print_import_report as print_import_report
from api.cli.support import CliError, business_day, today_in, with_engine
from domain import db
from domain.settings import Settings

RATINGS_HELP = """\
Import customer ratings from a CSV file (UTF-8 or GBK, header row). Columns:
  external_id     the rating's id in the survey system (required; makes the import
                  idempotent: a row imported before with the same content is unchanged,
                  with other content it is refused)
  rating          1 (poor) to 5 (excellent) (required)
  follow_up_id    the rated follow-up, or
  opportunity_id  the rated opportunity (exactly one of the two)
  dimensions      optional, separated by ';', e.g. negotiation;closing (default: for a
                  follow-up needs_discovery, solution_presentation, product_knowledge;
                  for an opportunity negotiation, objection_handling, closing)
  rated_on        optional, YYYY-MM-DD (default today)
  comment         optional
Nothing is written when any row is bad, unless --skip-bad."""


def register(commands, formatter_class: type[argparse.HelpFormatter]) -> None:
    """Add the `capability` commands to the CLI."""
    capability = commands.add_parser(
        "capability",
        help="capability scores: refresh deal quality, evaluate milestones, import ratings",
        description="Capability scores per rep and dimension come from practice sessions, "
        "customer ratings and deal quality. These commands refresh the deal-quality evidence, "
        "evaluate the milestones, check a milestones file and import customer ratings.",
        formatter_class=formatter_class,
        epilog="examples:\n  pacer capability refresh                  (run daily, e.g. from "
        "cron)\n  pacer capability milestones --as-of 2026-11-20\n"
        "  pacer capability check-milestones my-milestones.json\n"
        "  pacer capability import-ratings survey-2026-11.csv",
    )
    actions = capability.add_subparsers(dest="action", required=True, metavar="ACTION")
    refresh = actions.add_parser(
        "refresh",
        help="refresh deal-quality evidence and recompute every score",
        description="Compare each rep's closed deals of the last four quarters with their "
        "unit's, per segment (win rate, high-margin share, cycle time), replace that "
        "evidence and recompute every score as of the day. Running it twice changes nothing.",
        formatter_class=formatter_class,
        epilog="example: pacer capability refresh --as-of 2026-11-20",
    )
    _as_of(refresh)
    refresh.set_defaults(run=cmd_refresh)
    milestones = actions.add_parser(
        "milestones",
        help="award and revoke milestones",
        description="Evaluate every milestone of the milestones file for every rep: award "
        "what is met, revoke what no longer is; each change is recorded with the numbers "
        "that decided it. Running it twice changes nothing.",
        formatter_class=formatter_class,
        epilog="example: pacer capability milestones --as-of 2026-11-20",
    )
    _as_of(milestones)
    milestones.set_defaults(run=cmd_milestones)
    check = actions.add_parser(
        "check-milestones",
        help="check a milestones file",
        description="Check a milestones file against domain/capability/milestones.schema.json "
        "and the rules a schema cannot express (unique ids, required flags that some "
        "milestone unlocks, no cycles, configured dimensions). Prints one line per problem "
        "(FILE: JSON-PATH: MESSAGE) and exits with 1 when there is one.",
        formatter_class=formatter_class,
        epilog="examples:\n  pacer capability check-milestones        (PACER_MILESTONES_FILE "
        "or the default)\n  pacer capability check-milestones my-milestones.json",
    )
    check.add_argument("file", nargs="?", type=Path, metavar="FILE", help="default: in force")
    check.set_defaults(run=cmd_check_milestones)
    importing = actions.add_parser(
        "import-ratings",
        help="import customer ratings from a CSV file",
        description=RATINGS_HELP,
        formatter_class=formatter_class,
        epilog="examples:\n  pacer capability import-ratings survey.csv\n"
        "  pacer capability import-ratings survey.csv --skip-bad",
    )
    importing.add_argument("file", type=Path, metavar="FILE", help="the CSV file")
    importing.add_argument(
        "--skip-bad", action="store_true", help="write the good rows and report the bad ones"
    )
    importing.set_defaults(run=cmd_import_ratings)


def _as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=business_day, help="the day (YYYY-MM-DD; default today)")


def _run(settings: Settings, use_case):
    """Run `use_case(session)` in one transaction and return its result."""

    async def work(engine):
        async with db.session_factory(engine)() as session:
            result = await use_case(session)
            await session.commit()
        return result

    return asyncio.run(with_engine(settings, work))


def cmd_refresh(args: argparse.Namespace, settings: Settings) -> None:
    from domain.capability import deals, rules

    day = rules.check_day(args.as_of, today_in(settings))
    done = _run(settings, lambda session: deals.refresh(session, settings, day))
    print(
        f"{done.as_of} (quarters {', '.join(done.periods)}): {done.deals} closed deal(s), "
        f"new evidence for {done.reps_with_new_evidence} rep(s), "
        f"{done.scores_changed} score(s) changed"
    )


def cmd_milestones(args: argparse.Namespace, settings: Settings) -> None:
    from domain.capability import awards, rules

    day = rules.check_day(args.as_of, today_in(settings))
    done = _run(settings, lambda session: awards.evaluate_milestones(session, settings, day))
    print(
        f"{done.as_of}: {done.reps} rep(s), {done.awarded} awarded, {done.revoked} revoked, "
        f"{done.held} held"
    )


def cmd_check_milestones(args: argparse.Namespace, settings: Settings) -> None:
    from domain.capability.milestones import (
        MilestonesError,
        describe,
        load_milestones,
        milestones_file,
    )
    from domain.capability.service import dimensions

    path = args.file or milestones_file(settings.milestones_file)
    try:
        checked = load_milestones(path, dimensions(settings))
    except MilestonesError as error:
        for problem in error.problems:
            print(problem)
        raise CliError(f"{len(error.problems)} problem(s) in {path}") from None
    for milestone in checked.milestones:
        requires = "; ".join(describe(req, "en") for req in milestone.requires)
        unlocks = f" → unlocks {', '.join(milestone.unlocks)}" if milestone.unlocks else ""
        print(f"{milestone.id}  {milestone.title[0]} / {milestone.title[1]}: {requires}{unlocks}")
    print(f"{len(checked.milestones)} milestone(s) in {path}: all good.")


def cmd_import_ratings(args: argparse.Namespace, settings: Settings) -> None:
    from domain.capability import ratings
    from domain.kernel.actor import Actor, Role
    from domain.targets.imports.deals import ImportRejected

    try:
        rows, bad = ratings.read_ratings(args.file)
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    system = Actor(user_id=0, roles=frozenset({Role.ADMIN.value}))
    today = today_in(settings)

    async def use_case(session):
        try:
            return await ratings.import_ratings(
                session, system, settings, rows, bad, today=today, skip_bad=args.skip_bad
            )
        except ImportRejected as rejected:
            await session.rollback()
            return rejected.report

    report = _run(settings, use_case)
    print_import_report(report)
    if not report.written:
        raise CliError(
            f"{report.bad} bad row(s), nothing written; fix them or run again with --skip-bad"
            f" / 有 {report.bad} 行有误，未写入任何数据；请修正，或加 --skip-bad 重新导入"
        )
