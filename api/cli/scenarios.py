"""`pacer scenarios check [DIR]`: validate the role-play scenario files, as start-up would."""

from __future__ import annotations

import argparse
from pathlib import Path

from api.cli.support import CliError
from coaching.scenario import Scenario, load_scenarios, scenarios_directory
from domain.settings import Settings


def register(commands, formatter_class: type[argparse.HelpFormatter]) -> None:
    """Add the `scenarios` command to the CLI."""
    scenarios = commands.add_parser(
        "scenarios",
        help="check the role-play scenario files",
        description="Check every scenario file (*.json) of a directory against\n"
        "coaching/scenarios/scenario.schema.json and the rules the schema cannot express:\n"
        "the file is named <id>.json, ids are unique, check and objection references exist,\n"
        "turn limits and objections per difficulty fit, phrases are not blank, use only the\n"
        "{number}, {percent} and {money} placeholders and the red-line concepts ({discount},\n"
        "{deadline}, …) and neither start nor end with a … gap.\n\n"
        "Prints one line per problem (FILE: JSON-PATH: MESSAGE) and exits with 1 when any file\n"
        "has one; such a file is never loaded. Recommendations a file does not follow (fewer\n"
        "than 4 objections, 2 phrasings each, 3 phrasings per red line and language) are\n"
        "printed as 'warning: FILE: JSON-PATH: MESSAGE' and do not stop it from loading.\n"
        "Otherwise prints one line per scenario.",
        formatter_class=formatter_class,
        epilog="examples:\n  pacer scenarios check                 (PACER_SCENARIOS_DIR, or "
        "coaching/scenarios/)\n  pacer scenarios check ./my-scenarios\n\n"
        "a problem looks like:\n  coaching/scenarios/soe_procurement.json:\n"
        "  $.objections[2].addressed_by[0]: no check has the id 'ask_budgt'; did you mean\n"
        "  'ask_budget'?",
    )
    scenarios.add_argument("action", choices=["check"])
    scenarios.add_argument(
        "directory",
        nargs="?",
        type=Path,
        metavar="DIR",
        help="directory of scenario files (default: PACER_SCENARIOS_DIR or coaching/scenarios/)",
    )
    scenarios.set_defaults(run=cmd_scenarios)


def cmd_scenarios(args: argparse.Namespace, settings: Settings) -> None:
    directory = args.directory or scenarios_directory(settings)
    checked = load_scenarios(directory)
    for problem in checked.problems:
        print(problem)
    for warning in checked.warnings:
        print(f"warning: {warning}")
    if checked.problems:
        bad_files = len({problem.file for problem in checked.problems})
        raise CliError(
            f"{len(checked.problems)} problem(s) in {bad_files} of {len(checked.files)} "
            f"scenario file(s) in {directory}; a file with a problem is not loaded"
        )
    if not checked.files:
        raise CliError(f"no scenario files (*.json) in {directory}")
    for scenario in checked:
        print(summary_line(scenario))
    print(f"{len(checked)} scenario file(s) in {directory}: all good.")


def summary_line(scenario: Scenario) -> str:
    counts = (
        f"{len(scenario.personas)} personas, {len(scenario.objections)} objections, "
        f"{len(scenario.criteria)} criteria"
    )
    title = f"{scenario.title.zh} / {scenario.title.en}"
    return f"{scenario.id} v{scenario.version}  {title}  ({counts})"
