"""Every error code of every capability mutation: coded, in both languages, naming the
field, and nothing half-written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from api.graphql.capability import inputs as capability
from domain.capability.models import (
    CapabilityEvidence,
    CapabilityScore,
    CapabilityScoreChange,
    CustomerRating,
    MilestoneAward,
)
from tests.support.capability import seed_deals
from tests.support.codes import untested_codes
from tests.support.graphql import gid, mutation
from tests.support.world import World

FAR = "2099-01-01"


@dataclass
class Case:
    mutation: str
    code: str
    field: str | None
    input: Callable[[World, dict], dict[str, Any]]
    as_: str = "manager"
    before: Callable[[World, dict], dict[str, Any]] | None = None

    def __str__(self) -> str:
        return f"{self.mutation}-{self.code}"


def deal(key: str) -> Callable[[World, dict], dict[str, Any]]:
    return lambda w, d: {"opportunityId": gid("Opportunity", d[key]), "rating": 4}


def rating(key="r1_won", **extra) -> Callable[[World, dict], dict[str, Any]]:
    return lambda w, d: {**deal(key)(w, d), **extra}


def score(**extra) -> Callable[[World, dict], dict[str, Any]]:
    base = {"dimension": "closing", "score": 80, "reason": "Seen on calls"}
    return lambda w, d: {"repId": w.rep("r1"), **base, **extra}


def clear(**extra) -> Callable[[World, dict], dict[str, Any]]:
    return lambda w, d: {"repId": w.rep("r1"), "dimension": "closing", "reason": "x", **extra}


RATE, OVERRIDE, CLEAR = "recordCustomerRating", "overrideCapabilityScore", "clearCapabilityOverride"
CASES = [
    Case(RATE, "INVALID_ID", "opportunityId", rating(opportunityId=gid("Rep", 1))),
    Case(RATE, "ONE_SUBJECT", "followUpId", lambda w, d: {"rating": 4}),
    Case(RATE, "ONE_SUBJECT", "opportunityId", rating(followUpId=1)),
    Case(RATE, "FOLLOW_UP_NOT_FOUND", "followUpId", lambda w, d: {"followUpId": 999, "rating": 4}),
    Case(
        RATE,
        "OPPORTUNITY_NOT_FOUND",
        "opportunityId",
        rating(opportunityId=gid("Opportunity", 999)),
    ),
    Case(RATE, "OPPORTUNITY_NOT_FOUND", "opportunityId", rating("r4_won")),  # not in scope
    Case(RATE, "NOT_A_MANAGER", "opportunityId", rating("r2_lost"), as_="lead"),  # their own
    Case(RATE, "INVALID_RATING", "rating", rating(rating=0)),
    Case(RATE, "UNKNOWN_DIMENSION", "dimensions", rating(dimensions=["closing", "charm"])),
    Case(RATE, "RATED_IN_FUTURE", "ratedOn", rating(ratedOn=FAR)),
    Case(RATE, "REQUIRED", "externalId", rating(externalId=" ")),
    Case(RATE, "TOO_LONG", "comment", rating(comment="x" * 2001)),
    Case(RATE, "INVALID_EXTERNAL_ID", "externalId", rating(externalId="no spaces please")),
    Case(
        RATE,
        "EXTERNAL_ID_REUSED",
        "externalId",
        rating(externalId="survey-7", rating=5),
        before=rating(externalId="survey-7"),
    ),
    Case(OVERRIDE, "INVALID_ID", "repId", score(repId=gid("OrgUnit", 1))),
    Case(OVERRIDE, "REP_NOT_FOUND", "repId", lambda w, d: {**score()(w, d), "repId": w.rep("r4")}),
    Case(
        OVERRIDE,
        "NOT_A_MANAGER",
        "repId",
        lambda w, d: {**score()(w, d), "repId": w.rep("r2")},
        "lead",
    ),  # noqa: E501
    Case(OVERRIDE, "UNKNOWN_DIMENSION", "dimension", score(dimension="charm")),
    Case(OVERRIDE, "INVALID_SCORE", "score", score(score=100.1)),
    Case(OVERRIDE, "REQUIRED", "reason", score(reason="  ")),
    Case(OVERRIDE, "TOO_LONG", "reason", score(reason="x" * 501)),
    Case(CLEAR, "INVALID_ID", "repId", clear(repId=gid("Opportunity", 1))),
    Case(CLEAR, "REP_NOT_FOUND", "repId", lambda w, d: {**clear()(w, d), "repId": w.rep("r4")}),
    Case(
        CLEAR,
        "NOT_A_MANAGER",
        "repId",
        lambda w, d: {**clear()(w, d), "repId": w.rep("r2")},
        "lead",
    ),  # noqa: E501
    Case(CLEAR, "UNKNOWN_DIMENSION", "dimension", clear(dimension="charm")),
    Case(CLEAR, "NO_OVERRIDE", "dimension", clear()),
    Case(CLEAR, "REQUIRED", "reason", clear(reason=""), before=score()),
    Case(CLEAR, "TOO_LONG", "reason", clear(reason="x" * 501), before=score()),
    Case("refreshCapabilities", "DAY_IN_FUTURE", "asOf", lambda w, d: {"asOf": FAR}, "admin"),
    Case("evaluateMilestones", "DAY_IN_FUTURE", "asOf", lambda w, d: {"asOf": FAR}, "admin"),
]
BEFORE = {RATE: RATE, OVERRIDE: OVERRIDE, CLEAR: OVERRIDE}


def test_every_error_code_has_a_case():
    assert untested_codes(capability, __name__) == {}


async def row_counts(sessions) -> dict[str, int]:
    models = (
        CustomerRating,
        CapabilityEvidence,
        CapabilityScore,
        CapabilityScoreChange,
        MilestoneAward,
    )
    async with sessions() as session:
        return {
            model.__name__: await session.scalar(select(func.count()).select_from(model))
            for model in models
        }


async def test_every_error_code(api, world, sessions, lead):
    """One world for every case (a refused mutation writes nothing, so the cases cannot
    disturb each other; a case's `before` is the only write)."""
    deals = await seed_deals(sessions, world)
    for case in CASES:
        if case.before:
            document = mutation(BEFORE[case.mutation])
            done = await api.data(document, {"input": case.before(world, deals)}, as_="manager")
            assert done[BEFORE[case.mutation]]["errors"] == [], case
        counts = await row_counts(sessions)
        document = mutation(case.mutation)
        variables = {"input": case.input(world, deals)}
        zh = (await api.data(document, variables, as_=case.as_))[case.mutation]["errors"]
        en = await api.data(document, variables, as_=case.as_, headers={"Accept-Language": "en"})
        en = en[case.mutation]["errors"]
        assert [(e["code"], e["field"]) for e in zh] == [(case.code, case.field)], case
        assert zh[0]["message"] and en[0]["message"] and zh[0]["message"] != en[0]["message"]
        assert await row_counts(sessions) == counts, case
