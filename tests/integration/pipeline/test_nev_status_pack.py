"""The new-energy-vehicle status pack holds the field article's six statuses."""

from __future__ import annotations

QUERY = '{ customerStatuses(pack: "nev") { code label pack } }'
ARTICLE = {
    "nev_test_driven": "已试驾",
    "nev_comparing_prices": "比价中",
    "nev_budget_undecided": "预算未定",
    "nev_quoted": "已报价",
    "nev_finance_pre_approved": "已融资预审",
    "nev_awaiting_delivery_date": "等待交付排期",
}


async def test_the_nev_pack_has_the_six_statuses_of_the_article(api, world):
    data = await api.data(QUERY, as_="rep")
    nev = {s["code"]: s["label"] for s in data["customerStatuses"] if s["pack"] == "nev"}
    # the shipped pack (admins may add to it with defineCustomerStatus)
    assert {code: nev.get(code) for code in ARTICLE} == ARTICLE
    assert "nev_trade_in_valued" not in nev  # retired: not one of the article's statuses
    english = await api.data(QUERY, as_="rep", headers={"Accept-Language": "en"})
    labels = {s["code"]: s["label"] for s in english["customerStatuses"]}
    assert labels["nev_comparing_prices"] == "Comparing prices"
    assert labels["nev_budget_undecided"] == "Budget undecided"
