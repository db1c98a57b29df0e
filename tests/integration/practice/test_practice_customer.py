"""The rules customer through GraphQL, on both databases: it answers the budget the rep asks
for, the turn's tip cites no number the customer never gave, a red line gets a reaction, and
a session whose score cannot pass never ends agreed."""

from __future__ import annotations

from coaching.engines.customer import REACTIONS, numbers_in
from tests.support.practice import SCENARIO, respond, start

BUDGET = next(
    p for o in SCENARIO.objections if o.id == "no_budget" for p in o.phrasings if "15" in p.zh
)
ASK = "I hear you. What budget range do you have this year?"


async def test_the_customer_answers_the_budget_and_tips_cite_only_its_numbers(api):
    session = (await start(api, persona="cfo", seed=0))["session"]
    answer = await respond(api, session["id"], ASK)
    assert answer["errors"] == []
    line = answer["turn"]["customerLine"]
    assert line.startswith(BUDGET.en)
    said = numbers_in(" ".join([session["transcript"][0]["customerLine"], line]))
    tip = answer["feedback"]["tip"]
    assert tip and numbers_in(tip) <= said, (tip, said)


async def test_a_red_line_gets_a_reaction_and_the_session_never_ends_agreed(api):
    session = (await start(api, persona="cfo", seed=0))["session"]
    crossing = await respond(api, session["id"], "Fine, I can just give you 20% off.")
    assert [hit["redLineId"] for hit in crossing["feedback"]["redLines"]] == [
        "unauthorised_discount"
    ]
    reactions = SCENARIO.red_lines[0].reactions or REACTIONS  # the scenario's own, if any
    assert SCENARIO.red_lines[0].id == "unauthorised_discount"
    assert any(crossing["turn"]["customerLine"].startswith(r.en) for r in reactions)
    model = " ".join(criterion.model_answer.en for criterion in SCENARIO.criteria)
    outcome = None
    for _ in range(SCENARIO.turn_limits.max):
        answer = await respond(api, session["id"], model)
        outcome = answer["session"]["outcome"]
        if answer["session"]["status"] == "FINISHED":
            assert answer["result"]["passed"] is False
            break
    assert outcome is not None and outcome != "AGREED"
