"""Persona facts through GraphQL on the rules engine, both databases (issue 16, item 4): the
customer answers the seats the rep asks for, in the session's language, whichever language
the rep asks in; asked for a fact the persona does not list, it says it cannot tell yet."""

from __future__ import annotations

import pytest

from coaching.engines.customer_facts import NO_FACT
from tests.support.practice import SCENARIO, respond, start

PERSONA = "cs_director"
SEATS = SCENARIO.persona(PERSONA).fact("seats").answer


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Thanks. How many seats would you roll it out to?"),
        ("en", "我想先了解一下，你们大概需要多少个账号？"),
        ("zh-CN", "我想先了解一下，平时多少人用客服系统？"),
        ("zh-CN", "Quick question: how many users would log in?"),
    ],
)
async def test_the_customer_answers_the_seats_asked_for(api, language, message):
    session = (await start(api, persona=PERSONA, language=language, seed=5))["session"]
    answer = await respond(api, session["id"], message)
    assert answer["errors"] == []
    assert answer["turn"]["customerLine"].startswith(SEATS.get(language))


async def test_a_fact_the_persona_does_not_list_is_not_made_up(api):
    persona = next(p for p in SCENARIO.personas if p.fact("volume") is None)
    session = (await start(api, persona=persona.id, seed=5))["session"]
    answer = await respond(api, session["id"], "How many units do you need?")
    assert answer["errors"] == []
    assert answer["turn"]["customerLine"].startswith(NO_FACT.en)
