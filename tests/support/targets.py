"""Targets through GraphQL: setting a yearly target for next year, adjusting one."""

from __future__ import annotations

from datetime import date

from tests.support.graphql import run

NEXT_YEAR = date(date.today().year + 1, 1, 1)
TARGET_FIELDS = "target { id amount status version metric periodLabel }"


async def set_target(api, world, owner, amount=1_000_000_00, as_="admin", **kw):
    input = {
        "metric": "REVENUE",
        "ownerId": owner,
        "periodKind": "YEAR",
        "periodStart": NEXT_YEAR.isoformat(),
        "amount": amount,
        **kw,
    }
    return await run(api, "setTarget", input, TARGET_FIELDS, as_=as_)


async def company_target(api, world) -> dict:
    result = await set_target(api, world, world.unit("acme"))
    assert result["errors"] == []
    return result["target"]


async def adjust(api, target, amount, **kw):
    as_ = kw.pop("as_", "admin")
    input = {
        "id": target["id"],
        "expectedVersion": target["version"],
        "amount": amount,
        "reason": "market shift",
        **kw,
    }
    return await run(api, "adjustTarget", input, TARGET_FIELDS, as_=as_)
