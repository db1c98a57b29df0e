"""Target queries and mutations: thin resolvers over domain.targets."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.core.descriptions import After, First
from api.core.errors import perform, read
from api.core.permissions import READ_ORG, allow
from api.core.relay import decode_id, id_of, page_args, to_connection
from api.graphql.targets.inputs import (
    AdjustTarget,
    AdjustTargetInput,
    AllocateTarget,
    AllocateTargetInput,
    AllocationDimension,
    ApproveTarget,
    ApproveTargetInput,
    LockTarget,
    LockTargetInput,
    ProposeTarget,
    ProposeTargetInput,
    RebalanceTargets,
    RebalanceTargetsInput,
    SetMarketPotential,
    SetMarketPotentialInput,
    SetTarget,
    SetTargetInput,
    WeightsInput,
)
from api.graphql.targets.types import (
    Progress,
    ReconciliationRow,
    TargetConnection,
    TargetNode,
    TargetTreeRow,
    TargetVersionType,
)
from domain.errors import InvalidInput
from domain.kernel.actor import Role
from domain.targets import allocation, calibration, progress, queries, rules, service
from domain.targets.errors import TargetError
from domain.targets.models import Metric, PeriodKind, TargetStatus
from domain.targets.periods import Period

TARGET_RELATIONS = {"ownerUnit": ("unit", "owner_unit_id"), "ownerRep": ("rep", "owner_rep_id")}
PLANNERS = (Role.ADMIN, Role.DIRECTOR, Role.MANAGER)
PROPOSERS = (Role.DIRECTOR, Role.MANAGER, Role.REP)


def decode_owner(global_id: relay.GlobalID, field: str = "owner_id") -> service.Owner:
    if global_id.type_name == "Rep":
        return service.Owner(rep_id=decode_id(global_id, "Rep", field))
    return service.Owner(unit_id=decode_id(global_id, "OrgUnit", field))


def _calibration(info: Info, reason: str, override: str | None) -> calibration.Calibration:
    window = info.context.settings.calibration_window_days
    return calibration.Calibration(reason, override, window)


def _plan(input: AllocateTargetInput) -> allocation.AllocationPlan:
    weights = input.weights or WeightsInput()
    if input.over == AllocationDimension.TIME and input.period_kind is None:
        raise InvalidInput(
            TargetError.PERIOD_REQUIRED,
            "按时间拆分时请指定周期类型",
            "Give periodKind to split over time",
            "period_kind",
        )
    return allocation.AllocationPlan(
        into_children=input.over == AllocationDimension.CHILDREN,
        period_kind=input.period_kind,
        mix=rules.WeightMix(weights.history, weights.potential, weights.capability),
        even=input.even,
        profile=input.profile,
    )


@strawberry.type
class TargetQuery:
    @strawberry.field(extensions=allow(*READ_ORG), description="One target, if in scope.")
    async def target(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The target's global ID.")],
    ) -> TargetNode | None:
        row = id_of(id, "Target")
        return None if row is None else await info.context.loaders.target.load(row)

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="Targets in your scope; `ownerId` takes a unit's subtree with its reps.",
    )
    async def targets(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        owner_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(
                description="An OrgUnit: the targets of its subtree's units and reps."
            ),
        ] = None,
        metric: Annotated[
            Metric | None, strawberry.argument(description="Only targets of this metric.")
        ] = None,
        period_kind: Annotated[
            PeriodKind | None, strawberry.argument(description="Only targets of this period kind.")
        ] = None,
        period_start: Annotated[
            date | None,
            strawberry.argument(description="Only targets whose period starts on this day."),
        ] = None,
        status: Annotated[
            TargetStatus | None, strawberry.argument(description="Only targets in this status.")
        ] = None,
    ) -> TargetConnection:
        async def use_case(session, actor):
            after_id, size = page_args(first, after, info.context.settings.max_page_size)
            unit_id = decode_id(owner_id, "OrgUnit", "owner_id")
            filters = queries.TargetFilter(unit_id, metric, period_kind, period_start, status)
            return await queries.list_targets(session, actor, filters, after_id, size)

        page = await read(info, use_case)
        await info.context.loaders.prefetch(info, page.items, TARGET_RELATIONS)
        return to_connection(TargetConnection, page)

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="A whole subtree of targets with progress, root first, in one request.",
    )
    async def target_tree(
        self,
        info: Info,
        root_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The OrgUnit at the root of the tree.")
        ],
        metric: Annotated[Metric, strawberry.argument(description="The metric of the targets.")],
        period_kind: Annotated[
            PeriodKind, strawberry.argument(description="The period kind of the targets.")
        ],
        period_start: Annotated[
            date, strawberry.argument(description="The first day of their period.")
        ],
        as_of: Annotated[
            date | None,
            strawberry.argument(
                description="The day progress is measured through; default: today."
            ),
        ] = None,
        basis: Annotated[
            progress.PaceBasis,
            strawberry.argument(
                description="What the expected pace counts: working days or the seasonal profile."
            ),
        ] = progress.PaceBasis.WORKING_DAYS,
    ) -> list[TargetTreeRow]:
        async def use_case(session, actor):
            calendar = await progress.working_calendar(
                session, info.context.settings.holiday_country
            )
            return await progress.target_tree(
                session,
                actor,
                root_unit_id=decode_id(root_id, "OrgUnit", "root_id"),
                metric=metric,
                period=Period.of(period_kind, period_start),
                as_of=as_of or info.context.today(),
                calendar=calendar,
                basis=basis,
                probabilities=info.context.settings.stage_probabilities,
            )

        rows = await read(info, use_case)
        targets = [r.target for r in rows]
        await info.context.loaders.prefetch(info, targets, TARGET_RELATIONS, under=("target",))
        return [
            TargetTreeRow(target=r.target, depth=r.depth, progress=Progress.of(r.pace))
            for r in rows
        ]

    @strawberry.field(extensions=allow(*READ_ORG), description="Every change of a target.")
    async def target_history(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The target's global ID.")],
    ) -> list[TargetVersionType]:
        return await read(  # decoding inside the use-case: a wrong ID is a coded error
            info,
            lambda session, actor: queries.history(session, actor, decode_id(id, "Target", "id")),
        )

    @strawberry.field(
        extensions=allow(*READ_ORG),
        description="Top-down against bottom-up for each child of a target.",
    )
    async def reconciliation(
        self,
        info: Info,
        target_id: Annotated[
            relay.GlobalID,
            strawberry.argument(description="The parent target whose children are compared."),
        ],
    ) -> list[ReconciliationRow]:
        rows = await read(
            info,
            lambda session, actor: queries.reconciliation(
                session, actor, decode_id(target_id, "Target", "target_id")
            ),
        )
        return [
            ReconciliationRow(
                target=r.target,
                top_down=r.top_down,
                bottom_up=r.bottom_up,
                gap=r.gap,
                reason=r.reason,
            )
            for r in rows
        ]


@strawberry.type
class TargetMutation:
    @strawberry.mutation(extensions=allow(*PLANNERS), description="Set a draft target.")
    async def set_target(self, info: Info, input: SetTargetInput) -> SetTarget.payload:
        return await perform(
            info,
            SetTarget,
            lambda session, actor: service.set_target(
                session,
                actor,
                metric=input.metric,
                owner=decode_owner(input.owner_id),
                period=Period.of(input.period_kind, input.period_start),
                amount=input.amount,
                reason=input.reason,
            ),
        )

    @strawberry.mutation(
        extensions=allow(*PLANNERS),
        description="Split a target over its owner's children or over time; every child "
        "target stores its explanation.",
    )
    async def allocate_target(
        self, info: Info, input: AllocateTargetInput
    ) -> AllocateTarget.payload:
        async def action(session, actor):
            target_id = decode_id(input.id, "Target", "id")
            children = await allocation.allocate_target(
                session, actor, target_id=target_id, plan=_plan(input), today=info.context.today()
            )
            return await service.get_target(session, actor, target_id), children

        return await perform(
            info, AllocateTarget, action, to_payload=lambda r: {"target": r[0], "children": r[1]}
        )

    @strawberry.mutation(extensions=allow(*PROPOSERS), description="Propose your own number.")
    async def propose_target(self, info: Info, input: ProposeTargetInput) -> ProposeTarget.payload:
        return await perform(
            info,
            ProposeTarget,
            lambda session, actor: service.propose_target(
                session,
                actor,
                target_id=decode_id(input.id, "Target", "id"),
                amount=input.amount,
                reason=input.reason,
            ),
        )

    @strawberry.mutation(extensions=allow(*PLANNERS), description="Approve (parent's owner).")
    async def approve_target(self, info: Info, input: ApproveTargetInput) -> ApproveTarget.payload:
        return await perform(
            info,
            ApproveTarget,
            lambda session, actor: service.approve_target(
                session, actor, target_id=decode_id(input.id, "Target", "id")
            ),
        )

    @strawberry.mutation(extensions=allow(*PLANNERS), description="Lock an approved target.")
    async def lock_target(self, info: Info, input: LockTargetInput) -> LockTarget.payload:
        return await perform(
            info,
            LockTarget,
            lambda session, actor: service.lock_target(
                session, actor, target_id=decode_id(input.id, "Target", "id")
            ),
        )

    @strawberry.mutation(
        extensions=allow(*PLANNERS),
        description="Change a target's amount with a reason; its children follow.",
    )
    async def adjust_target(self, info: Info, input: AdjustTargetInput) -> AdjustTarget.payload:
        return await perform(
            info,
            AdjustTarget,
            lambda session, actor: calibration.adjust_target(
                session,
                actor,
                target_id=decode_id(input.id, "Target", "id"),
                expected_version=input.expected_version,
                amount=input.amount,
                calibration=_calibration(info, input.reason, input.override_reason),
            ),
        )

    @strawberry.mutation(
        extensions=allow(*PLANNERS), description="Move amounts among sibling targets."
    )
    async def rebalance_targets(
        self, info: Info, input: RebalanceTargetsInput
    ) -> RebalanceTargets.payload:
        return await perform(
            info,
            RebalanceTargets,
            lambda session, actor: calibration.rebalance_targets(
                session,
                actor,
                moves=[
                    calibration.Move(
                        decode_id(m.id, "Target", "moves"), m.expected_version, m.amount
                    )
                    for m in input.moves
                ],
                calibration=_calibration(info, input.reason, input.override_reason),
            ),
        )

    @strawberry.mutation(
        extensions=allow(*PLANNERS), description="Set a unit's or rep's market potential."
    )
    async def set_market_potential(
        self, info: Info, input: SetMarketPotentialInput
    ) -> SetMarketPotential.payload:
        return await perform(
            info,
            SetMarketPotential,
            lambda session, actor: allocation.set_market_potential(
                session, actor, owner=decode_owner(input.owner_id), value=input.value
            ),
        )
