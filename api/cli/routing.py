"""`pacer routing sweep|batch|check`: re-route leads nobody contacted in time, assign the
queue, check a routing policy file."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from api.cli.support import CliError, with_engine
from domain import db
from domain.kernel.actor import Actor
from domain.settings import Settings

SYSTEM = Actor(user_id=0, roles=frozenset({"admin"}))


def register(commands, formatter_class: type[argparse.HelpFormatter]) -> None:
    """Add the `routing` commands to the CLI."""
    routing = commands.add_parser(
        "routing",
        help="re-route overdue leads, assign the queue, check a policy",
        description="sweep: every routed lead past its contact deadline (PACER_ROUTING_SLA_HOURS "
        "after routing) is marked contacted when a follow-up was logged since, and otherwise "
        "routed again with every earlier owner excluded; both decisions stay in its history. "
        "Run it every few minutes from cron.\n"
        "batch: assign the queued leads at once under capacity.\n"
        "check: validate a routing policy file (default: PACER_ROUTING_POLICY_FILE or the "
        "built-in policy) and print its version.",
        formatter_class=formatter_class,
        epilog="examples:\n  pacer routing sweep\n  pacer routing batch\n"
        "  pacer routing check ./my-policy.json",
    )
    routing.add_argument("action", choices=["sweep", "batch", "check"])
    routing.add_argument("file", nargs="?", type=Path, help="policy file (check only)")
    routing.set_defaults(run=cmd_routing)


def cmd_routing(args: argparse.Namespace, settings: Settings) -> None:
    from coaching.routing.policy import DEFAULT_POLICY_PATH, PolicyError, load_policy
    from coaching.routing.service import route_queued, sweep

    if args.action == "check":
        path = args.file or settings.routing_policy_file or DEFAULT_POLICY_PATH
        try:
            policy = load_policy(path)
        except PolicyError as error:
            raise CliError(str(error)) from None
        print(f"{path}: policy {policy.version}: all good.")
        return
    if args.file is not None:
        raise CliError(f"routing {args.action} takes no file")
    router = router_or_error(settings)

    async def work(engine):
        async with db.session_factory(engine)() as session:
            if args.action == "sweep":
                done = await sweep(session, SYSTEM, router)
                await session.commit()
                print(
                    f"{done.contacted} contacted in time, {done.closed} closed meanwhile "
                    f"(left with their owner), {len(done.rerouted)} routed again"
                )
                for decision in done.rerouted:
                    owner = f"rep {decision.rep_id}" if decision.rep_id else decision.queue
                    print(f"  lead {decision.lead_id} → {owner} (attempt {decision.attempt})")
            else:
                routed = await route_queued(session, SYSTEM, router)
                await session.commit()
                placed = sum(1 for d in routed.values() if d.rep_id is not None)
                print(f"{len(routed)} queued lead(s): {placed} assigned, {len(routed) - placed} "
                      "still queued")  # fmt: skip

    from api.core.collector import long_lived_heap

    with long_lived_heap():  # the candidate pool stays for the whole run, as in a server
        asyncio.run(with_engine(settings, work))


def router_or_error(settings: Settings):
    """The policy, intake schema and gates in force, or one clear line naming the bad file."""
    from coaching.routing.policy import PolicyError
    from coaching.routing.service import Router
    from domain.leads.rules import IntakeSchemaError

    try:
        return Router.of(settings)
    except (PolicyError, IntakeSchemaError) as error:
        raise CliError(str(error)) from None
