"""Every role against every operation: allowed, FORBIDDEN, or UNAUTHENTICATED without a token."""

from __future__ import annotations

import pytest

from api.core.schema import Mutation, Query
from tests.support.graphql import gid, probe
from tests.support.matrices import (
    alerts,
    capability,
    contracts,
    forecast_calls,
    health,
    notifications,
    practice,
    reviews,
    routing,
)

EVERYONE = {"admin", "director", "manager", "rep", "intake"}
READERS = {"admin", "director", "manager", "rep"}
PLANNERS = {"admin", "director", "manager"}
PROPOSERS = {"director", "manager", "rep"}
ADMIN = {"admin"}
AREAS = (
    alerts,
    capability,
    contracts,
    forecast_calls,
    health,
    notifications,
    practice,
    reviews,
    routing,
)
T = "VGFyZ2V0OjE="  # base64("Target:1"): the rep r1's target the fixture creates


# operation -> (document, variables builder, logins allowed)
OPERATIONS = {
    "me": ("{ me { login } }", lambda w: {}, EVERYONE),
    "node": ("query($id: ID!) { node(id: $id) { id } }", lambda w: {"id": w.rep("r1")}, EVERYONE),
    "enumLabels": ('{ enumLabels(name: "Role") { value } }', lambda w: {}, EVERYONE),
    "orgUnits": ("{ orgUnits { totalCount } }", lambda w: {}, READERS),
    "orgUnit": (
        "query($id: ID!) { orgUnit(id: $id) { code } }",
        lambda w: {"id": w.unit("east.sh")},
        READERS,
    ),
    "reps": ("{ reps { totalCount } }", lambda w: {}, READERS),
    "rep": ("query($id: ID!) { rep(id: $id) { name } }", lambda w: {"id": w.rep("r1")}, READERS),
    "apiTokens": ("{ me { apiTokens { name } } }", lambda w: {}, ADMIN),
    "createOrgUnit": (
        "mutation($i: CreateOrgUnitInput!) { createOrgUnit(input: $i) { errors { code } } }",
        lambda w: {
            "i": {"code": "east", "name": "E", "kind": "REGION", "parentId": w.unit("acme")}
        },
        ADMIN,
    ),
    "moveOrgUnit": (
        "mutation($i: MoveOrgUnitInput!) { moveOrgUnit(input: $i) { errors { code } } }",
        lambda w: {"i": {"id": w.unit("acme"), "newParentId": w.unit("east")}},
        ADMIN,
    ),
    "createRep": (
        "mutation($i: CreateRepInput!) { createRep(input: $i) { errors { code } } }",
        lambda w: {
            "i": {
                "externalId": "r1",
                "name": "R",
                "unitId": w.unit("east.sh"),
                "level": "MID",
                "hireDate": "2025-01-01",
            }
        },
        ADMIN,
    ),
    "updateRep": (
        "mutation($i: UpdateRepInput!) { updateRep(input: $i) { errors { code } } }",
        lambda w: {"i": {"id": w.rep("r1"), "capacity": -1}},
        ADMIN,
    ),
    "createUser": (
        "mutation($i: CreateUserInput!) { createUser(input: $i) { errors { code } } }",
        lambda w: {"i": {"login": "manager", "displayName": "M", "roles": ["INTAKE"]}},
        ADMIN,
    ),
    "issueToken": (
        "mutation($i: IssueTokenInput!) { issueToken(input: $i) { errors { code } } }",
        lambda w: {"i": {"userId": w.user("rep"), "name": " "}},
        ADMIN,
    ),
    "revokeToken": (
        "mutation($i: RevokeTokenInput!) { revokeToken(input: $i) { errors { code } } }",
        lambda w: {"i": {"id": gid("ApiToken", 999)}},
        ADMIN,
    ),
    "target": ("query($id: ID!) { target(id: $id) { amount } }", lambda w: {"id": T}, READERS),
    "targets": ("{ targets { totalCount } }", lambda w: {}, READERS),
    "targetTree": (
        "query($r: ID!) { targetTree(rootId: $r, metric: REVENUE, periodKind: YEAR, "
        'periodStart: "2026-01-01") { depth } }',
        lambda w: {"r": w.unit("east.sh")},
        READERS,
    ),
    "targetHistory": (
        "query($id: ID!) { targetHistory(id: $id) { version } }",
        lambda w: {"id": T},
        READERS,
    ),
    "reconciliation": (
        "query($id: ID!) { reconciliation(targetId: $id) { gap } }",
        lambda w: {"id": T},
        READERS,
    ),
    "baselineSuggestion": (
        "query($o: ID!) { baselineSuggestion(ownerId: $o, metric: REVENUE, periodKind: MONTH, "
        'periodStart: "2026-12-01") { amount } }',
        lambda w: {"o": w.rep("r1")},
        READERS,
    ),
    "businessCoefficients": ("{ businessCoefficients { name } }", lambda w: {}, READERS),
    "seasonalProfiles": ("{ seasonalProfiles { name } }", lambda w: {}, READERS),
    "defineSeasonalProfile": (
        probe("defineSeasonalProfile", "DefineSeasonalProfileInput"),
        lambda w: {"i": {"name": "x", "label": "x", "weights": []}},
        PLANNERS,
    ),
    "gapReasons": ("{ gapReasons { code } }", lambda w: {}, READERS),
    "topGapReasons": (
        "query($r: ID!) { topGapReasons(rootId: $r) { count } }",
        lambda w: {"r": w.unit("east.sh")},
        READERS,
    ),
    "objectives": (
        "query($o: ID!) { objectives(ownerId: $o) { title } }",
        lambda w: {"o": w.rep("r1")},
        READERS,
    ),
    "setTarget": (
        probe("setTarget", "SetTargetInput"),
        lambda w: {
            "i": {
                "metric": "REVENUE",
                "ownerId": w.rep("r1"),
                "periodKind": "YEAR",
                "periodStart": "2026-01-01",
                "amount": 1,
            }
        },
        PLANNERS,
    ),
    "allocateTarget": (
        probe("allocateTarget", "AllocateTargetInput"),
        lambda w: {"i": {"id": T, "over": "CHILDREN"}},
        PLANNERS,
    ),
    "proposeTarget": (
        probe("proposeTarget", "ProposeTargetInput"),
        lambda w: {"i": {"id": T, "amount": -1, "reason": "x"}},
        PROPOSERS,
    ),
    "approveTarget": (
        probe("approveTarget", "ApproveTargetInput"),
        lambda w: {"i": {"id": gid("Target", 999)}},
        PLANNERS,
    ),
    "lockTarget": (
        probe("lockTarget", "LockTargetInput"),
        lambda w: {"i": {"id": gid("Target", 999)}},
        PLANNERS,
    ),
    "adjustTarget": (
        probe("adjustTarget", "AdjustTargetInput"),
        lambda w: {"i": {"id": T, "expectedVersion": 99, "amount": 1, "reason": "x"}},
        PLANNERS,
    ),
    "rebalanceTargets": (
        probe("rebalanceTargets", "RebalanceTargetsInput"),
        lambda w: {"i": {"moves": [], "reason": "x"}},
        PLANNERS,
    ),
    "setMarketPotential": (
        probe("setMarketPotential", "SetMarketPotentialInput"),
        lambda w: {"i": {"ownerId": w.rep("r1"), "value": -1}},
        PLANNERS,
    ),
    "addBusinessCoefficient": (
        probe("addBusinessCoefficient", "AddBusinessCoefficientInput"),
        lambda w: {
            "i": {"name": " ", "startDate": "2026-01-01", "endDate": "2026-01-02", "multiplier": 1}
        },
        {"admin", "director"},
    ),
    "setCalendarDay": (
        probe("setCalendarDay", "SetCalendarDayInput"),
        lambda w: {"i": {"day": "2026-01-05", "working": True, "name": " "}},
        PLANNERS,
    ),
    "tagGap": (
        probe("tagGap", "TagGapInput"),
        lambda w: {"i": {"targetId": T, "reasonCode": "nope"}},
        READERS,
    ),
    "commentOnTarget": (
        probe("commentOnTarget", "CommentOnTargetInput"),
        lambda w: {"i": {"targetId": T, "body": " "}},
        READERS,
    ),
    "defineGapReason": (
        probe("defineGapReason", "DefineGapReasonInput"),
        lambda w: {"i": {"code": "x y", "labelZh": "a", "labelEn": "a"}},
        ADMIN,
    ),
    "opportunities": ("{ opportunities { totalCount } }", lambda w: {}, READERS),
    "opportunity": (
        "query($id: ID!) { opportunity(id: $id) { title } }",
        lambda w: {"id": gid("Opportunity", 1)},
        READERS,
    ),
    "lossReasons": ("{ lossReasons { code } }", lambda w: {}, READERS),
    "customerStatuses": ("{ customerStatuses { code } }", lambda w: {}, READERS),
    "funnel": ('{ funnel(from: "2026-03-02", to: "2026-03-06") { won } }', lambda w: {}, READERS),
    "activityEffectiveness": (
        '{ activityEffectiveness(from: "2026-03-02", to: "2026-03-06") { lift } }',
        lambda w: {},
        READERS,
    ),
    "kpiReport": (
        '{ kpiReport(from: "2026-03-02", to: "2026-03-06") { missStreak } }',
        lambda w: {},
        READERS,
    ),
    "recordPayment": (
        probe("recordPayment", "RecordPaymentInput"),
        lambda w: {
            "i": {"opportunityId": gid("Opportunity", 999), "amount": 1, "receivedOn": "2026-01-01"}
        },
        READERS,
    ),
    "defineCustomerStatus": (
        probe("defineCustomerStatus", "DefineCustomerStatusInput"),
        lambda w: {"i": {"code": "a b", "labelZh": "x", "labelEn": "x"}},
        ADMIN,
    ),
    "logFollowUp": (
        probe("logFollowUp", "LogFollowUpInput"),
        lambda w: {
            "i": {
                "opportunityId": gid("Opportunity", 999),
                "type": "CALL",
                "occurredAt": "2026-01-01T00:00:00Z",
                "customerStatus": "engaged",
                "customerResponded": True,
            }
        },
        READERS,
    ),
    "createAccount": (
        probe("createAccount", "CreateAccountInput"),
        lambda w: {"i": {"name": " ", "segment": "smb"}},
        READERS,
    ),
    "createOpportunity": (
        probe("createOpportunity", "CreateOpportunityInput"),
        lambda w: {
            "i": {
                "accountId": gid("Account", 999),
                "title": "t",
                "amount": 1,
                "expectedClose": "2027-01-01",
            }
        },
        READERS,
    ),
    **{
        name: (
            probe(name, name[0].upper() + name[1:] + "Input"),
            lambda w, extra=extra: {
                "i": {"id": gid("Opportunity", 999), "expectedVersion": 1, **extra}
            },
            allowed,
        )
        for name, extra, allowed in [
            ("updateOpportunityDetails", {}, READERS),
            ("advanceOpportunity", {}, READERS),
            ("moveOpportunityBack", {"reason": "x"}, READERS),
            ("winOpportunity", {"signedAmount": 1, "signedOn": "2026-01-01"}, READERS),
            ("loseOpportunity", {"reasonCode": "price"}, READERS),
            ("reopenOpportunity", {"reason": "x"}, PLANNERS),
            ("reassignOpportunity", {"newOwnerId": gid("Rep", 1), "reason": "x"}, PLANNERS),
        ]
    },
    "createObjective": (
        probe("createObjective", "CreateObjectiveInput"),
        lambda w: {"i": {"title": "O", "ownerId": w.rep("r1"), "keyResults": []}},
        PLANNERS,
    ),
}
for area in AREAS:
    assert not set(area.OPERATIONS) & set(OPERATIONS), area.__name__
    OPERATIONS.update(area.OPERATIONS)


def test_the_matrix_covers_every_root_field():
    roots = {
        field.graphql_name or _camel(field.python_name)
        for cls in (Query, Mutation)
        for field in cls.__strawberry_definition__.fields
    }
    assert roots <= set(OPERATIONS)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@pytest.fixture
async def rep_target(sessions, world):
    from datetime import date

    from domain.targets.models import Metric, PeriodKind
    from domain.targets.periods import Period
    from domain.targets.service import Owner, set_target
    from tests.support.world import BOOTSTRAP

    async with sessions() as session:
        target = await set_target(
            session,
            BOOTSTRAP,
            metric=Metric.REVENUE,
            owner=Owner(rep_id=world.reps["r1"]),
            period=Period.of(PeriodKind.YEAR, date(2026, 1, 1)),
            amount=100,
        )
        await session.commit()
    assert gid("Target", target.id) == T


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
async def test_role_matrix(api, world, rep_target, operation):
    document, variables, allowed = OPERATIONS[operation]
    for login in sorted(EVERYONE):
        body = await api(document, variables(world), as_=login)
        codes = [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
        if login in allowed:
            # allowed: no access error (a coded business error on odd input is fine)
            assert not {"FORBIDDEN", "UNAUTHENTICATED"} & set(codes), (operation, login, body)
            assert "GRAPHQL_VALIDATION_FAILED" not in codes, body
        else:
            assert codes == ["FORBIDDEN"], (operation, login, body)
            assert body["errors"][0]["message"].startswith("无权执行此操作")
    anonymous = await api(document, variables(world), as_=None)
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
