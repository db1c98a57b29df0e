"""Learned win probability end to end, on SQLite and PostgreSQL: a generated history →
`train_model` → a stored, versioned file → `Opportunity.winProbability` → `predict_period`
and `forecastPrediction` with source "model"; and the stage table when history is thin."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select

from domain.db import utcnow
from domain.forecasts.chances import win_chances
from domain.forecasts.features import FEATURES
from domain.forecasts.learning import stage_table, train_model
from domain.forecasts.prediction import expected_in, predict_period
from domain.pipeline.models import Opportunity
from domain.settings import load_settings
from tests.support.db import StatementCounter
from tests.support.forecast_history import generate, store

OPPORTUNITIES = """query($first: Int) { opportunities(first: $first) { edges { node {
  id stage amount winProbability { value source modelVersion
    reasons { feature labelZh labelEn label effect } } } } } }"""
PREDICTION = """query($kind: PeriodKind!, $start: Date!, $unit: ID, $rep: ID) {
  forecastPrediction(periodKind: $kind, periodStart: $start, unitId: $unit, repId: $rep) {
    expected low high source deals periodStart periodEnd unit { code } rep { externalId } } }"""


@pytest.fixture
def model_dir(tmp_path):
    return tmp_path / "models"


@pytest.fixture
def app_settings(model_dir):
    return {"forecast_model_dir": str(model_dir)}


def today() -> date:
    return utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date()


async def seed(sessions, world, deals: int, seed: int = 3, days: int = 720) -> None:
    reps = sorted(world.reps.values())
    generated = generate(seed, deals=deals, today=today(), reps=reps, days=days)
    async with sessions() as session:
        await store(session, generated)
        await session.commit()


def month() -> tuple[date, date]:
    start = today().replace(day=1)
    end = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, end


async def test_trained_model_answers_every_opportunity(sessions, world, api, db_url, model_dir):
    await seed(sessions, world, deals=240)
    settings = load_settings(database_url=db_url, forecast_model_dir=str(model_dir))
    async with sessions() as session:
        model = await train_model(session, settings, today=today())
    assert model is not None and model.version == 1
    meta = json.loads((model_dir / "win-v0001.json").read_text())
    assert model.path == model_dir / "win-v0001.joblib" and model.path.is_file()
    assert meta["trained_on"] == today().isoformat() and meta["deals"] == model.deals
    assert model.won + model.lost == model.deals >= settings.forecast_min_closed_deals

    data = await api.data(OPPORTUNITIES, {"first": 100})
    nodes = [edge["node"] for edge in data["opportunities"]["edges"]]
    open_nodes = [n for n in nodes if n["stage"] not in ("WON", "LOST")]
    assert open_nodes, "the generated history leaves some deals open"
    for node in open_nodes:
        chance = node["winProbability"]
        assert chance["source"] == "MODEL" and chance["modelVersion"] == 1
        assert 0 < chance["value"] < 1
        assert len(chance["reasons"]) == 3
        assert {r["feature"] for r in chance["reasons"]} <= set(FEATURES)
        effects = [abs(r["effect"]) for r in chance["reasons"]]
        assert effects == sorted(effects, reverse=True)
        assert all(r["label"] == r["labelZh"] and "：" in r["labelZh"] for r in chance["reasons"])
    for node in nodes:
        if node["stage"] in ("WON", "LOST"):
            assert node["winProbability"]["source"] == "OUTCOME"
            assert node["winProbability"]["value"] == (1.0 if node["stage"] == "WON" else 0.0)

    start, end = month()
    async with sessions() as session:
        prediction = await predict_period(session, settings, start=start, end=end)
        everything = list(await session.scalars(select(Opportunity)))
        open_deals = [
            o
            for o in everything
            if o.stage not in ("won", "lost") and expected_in(o.expected_close, start, end, today())
        ]
        chances = await win_chances(session, settings, open_deals, today=today())
        won = await session.scalars(
            select(Opportunity.won_amount).where(
                Opportunity.won_on >= start, Opportunity.won_on < end
            )
        )
        won_total = sum(won)
    assert prediction.source == "model" and prediction.deals == len(open_deals)
    by_hand = won_total + sum(chances[o.id].value * o.amount for o in open_deals)
    assert abs(prediction.expected - by_hand) <= 1
    assert won_total <= prediction.low <= prediction.high
    assert prediction.high <= won_total + sum(o.amount for o in open_deals)

    answer = await api.data(PREDICTION, {"kind": "MONTH", "start": start.isoformat()})
    company = answer["forecastPrediction"]
    assert company["source"] == "MODEL" and company["expected"] == prediction.expected
    assert (company["low"], company["high"]) == (prediction.low, prediction.high)
    assert company["periodEnd"] == date.fromordinal(end.toordinal() - 1).isoformat()
    per_rep = 0
    for external_id in world.reps:
        row = await api.data(
            PREDICTION,
            {"kind": "MONTH", "start": start.isoformat(), "rep": world.rep(external_id)},
        )
        assert row["forecastPrediction"]["rep"] == {"externalId": external_id}
        per_rep += row["forecastPrediction"]["expected"]
    assert abs(per_rep - prediction.expected) <= len(world.reps)  # rounding per rep


async def test_win_probability_is_one_batch_per_page(sessions, world, api, db_url, model_dir):
    """The statements of a page do not grow with its rows (DataLoader, model loaded once)."""
    await seed(sessions, world, deals=240)
    settings = load_settings(database_url=db_url, forecast_model_dir=str(model_dir))
    async with sessions() as session:
        assert await train_model(session, settings, today=today()) is not None
    engine = sessions.kw["bind"]
    counts = []
    for first in (5, 60):
        counter = StatementCounter()
        event.listen(engine.sync_engine, "before_cursor_execute", counter)
        try:
            data = await api.data(OPPORTUNITIES, {"first": first})
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", counter)
        assert len(data["opportunities"]["edges"]) == first
        counts.append(counter.count)
    assert counts[0] == counts[1]


async def test_thin_history_keeps_the_stage_table(sessions, world, api, db_url, model_dir):
    await seed(sessions, world, deals=12, seed=5, days=60)
    settings = load_settings(database_url=db_url, forecast_model_dir=str(model_dir))
    async with sessions() as session:
        assert await train_model(session, settings, today=today()) is None
    assert not model_dir.exists() or not any(model_dir.iterdir())
    table = stage_table(settings)
    data = await api.data(OPPORTUNITIES, {"first": 100})
    open_nodes = [
        e["node"]
        for e in data["opportunities"]["edges"]
        if e["node"]["stage"] not in ("WON", "LOST")
    ]
    assert open_nodes
    for node in open_nodes:
        chance = node["winProbability"]
        assert chance["source"] == "STAGE_TABLE" and chance["modelVersion"] is None
        assert chance["value"] == table[node["stage"].lower()] and chance["reasons"] == []
    start, _ = month()
    answer = await api.data(PREDICTION, {"kind": "MONTH", "start": start.isoformat()})
    assert answer["forecastPrediction"]["source"] == "STAGE_TABLE"


async def test_prediction_scope_and_errors(sessions, world, api):
    start, _ = month()
    variables = {"kind": "MONTH", "start": start.isoformat()}
    both = await api(PREDICTION, {**variables, "unit": world.unit("east"), "rep": world.rep("r1")})
    assert both["errors"][0]["extensions"] == {"code": "INVALID_RANGE", "field": "repId"}
    other = await api(PREDICTION, {**variables, "rep": world.rep("r4")}, as_="manager")
    assert other["errors"][0]["extensions"]["code"] == "REP_NOT_FOUND"
    unit = await api(PREDICTION, {**variables, "unit": world.unit("west")}, as_="manager")
    assert unit["errors"][0]["extensions"]["code"] == "UNIT_NOT_FOUND"
    misaligned = await api(PREDICTION, {**variables, "start": start.replace(day=2).isoformat()})
    assert misaligned["errors"][0]["extensions"]["code"] == "PERIOD_NOT_ALIGNED"
    own = await api.data(PREDICTION, variables, as_="rep")
    assert own["forecastPrediction"]["rep"] == {"externalId": "r1"}
    managed = await api.data(PREDICTION, variables, as_="manager")
    assert managed["forecastPrediction"]["unit"] == {"code": "east.sh"}


async def test_an_altered_model_file_is_never_loaded(sessions, world, api, db_url, model_dir):
    await seed(sessions, world, deals=240)
    settings = load_settings(database_url=db_url, forecast_model_dir=str(model_dir))
    async with sessions() as session:
        model = await train_model(session, settings, today=today())
    assert model is not None
    model.path.write_bytes(model.path.read_bytes()[:-8] + b"tampered")
    data = await api.data(OPPORTUNITIES, {"first": 100})
    sources = {e["node"]["winProbability"]["source"] for e in data["opportunities"]["edges"]}
    assert "MODEL" not in sources and "STAGE_TABLE" in sources
