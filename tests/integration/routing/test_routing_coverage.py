"""A lead whose segment no eligible rep specialises in is flagged in its decision (stored and
said in the summary) and counted per segment and period in `routingCoverage`, for managers in
their scope, in their language; a backwards range is refused with a coded error."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain.leads.models import Lead, RoutingDecision
from tests.integration.routing.test_routing import lead_input
from tests.support.graphql import run

QUERY = """query($from: Date!, $to: Date!, $period: CoveragePeriod!) {
  routingCoverage(from: $from, to: $to, period: $period) {
    from to period leads uncovered
    rows { segment periodStart periodLabel leads uncovered uncoveredShare label }
  }
}"""
INTAKE = "lead { id } decision { explanation summary } errors { code }"
EN = {"Accept-Language": "en"}


def days() -> dict[str, str]:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    return {"from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()}


async def take_in(api) -> dict[str, dict]:
    """Shanghai: two government leads (r1 specialises), one rental (nobody does); Chengdu:
    one smb lead (r4 only knows private buyers)."""
    leads = {
        "gov-1": lead_input(1),
        "gov-2": lead_input(2),
        "rental": lead_input(3, segment="rental"),
        "cd-smb": lead_input(4, segment="smb", region="cd"),
    }
    return {
        name: await run(api, "intakeLead", item, INTAKE, as_="intake")
        for name, item in leads.items()
    }


async def test_an_uncovered_segment_is_flagged_and_counted(api, world, sessions):
    routed = await take_in(api)
    rental = routed["rental"]["decision"]
    assert rental["explanation"]["uncovered_segment"] == "rental"
    assert routed["gov-1"]["decision"]["explanation"]["uncovered_segment"] is None
    assert "没有符合条件的销售专长于该线索所属的行业：线索交给了非专长销售" in rental["summary"]
    async with sessions() as session:
        flagged = dict(
            (await session.execute(
                select(Lead.external_id, RoutingDecision.segment_uncovered)
                .join(Lead, Lead.id == RoutingDecision.lead_id)
            )).all()
        )  # fmt: skip
    assert flagged == {"web-0001": False, "web-0002": False, "web-0003": True, "web-0004": True}
    report = (await api.data(QUERY, days() | {"period": "WEEK"}))["routingCoverage"]
    by_segment = {row["segment"]: row for row in report["rows"]}
    assert {s: (r["leads"], r["uncovered"]) for s, r in by_segment.items()} == {
        "government": (2, 0),
        "rental": (1, 1),
        "smb": (1, 1),
    }
    assert (report["leads"], report["uncovered"]) == (4, 2)
    assert by_segment["rental"]["uncoveredShare"] == 1.0
    assert "周" in by_segment["rental"]["periodLabel"]
    assert "1 条线索中 1 条无符合条件的专长销售" in by_segment["rental"]["label"]
    english = (await api.data(QUERY, days() | {"period": "MONTH"}, headers=EN))["routingCoverage"]
    row = next(r for r in english["rows"] if r["segment"] == "smb")
    assert row["label"].endswith("segment smb: 1 of 1 lead had no eligible specialist")
    assert row["periodStart"].endswith("-01")


async def test_a_manager_counts_the_leads_of_their_scope(api, world):
    await take_in(api)
    report = await api.data(QUERY, days() | {"period": "WEEK"}, as_="manager")
    segments = {row["segment"] for row in report["routingCoverage"]["rows"]}
    assert segments == {"government", "rental"}  # the Chengdu lead is not theirs


async def test_a_backwards_range_is_refused_in_either_language(api, world):
    span = days()
    backwards = {"from": span["to"], "to": span["from"], "period": "WEEK"}
    for headers, words in ((None, "日期范围无效"), (EN, "The range must run forwards")):
        refused = await api(QUERY, backwards, headers=headers)
        error = refused["errors"][0]
        assert error["extensions"]["code"] == "INVALID_RANGE"
        assert error["extensions"]["field"] == "to" and error["message"] == words


async def test_a_rep_may_not_read_the_report(api, world):
    refused = await api(QUERY, days() | {"period": "WEEK"}, as_="rep")
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
