"""Practice: the shipped scenario the GraphQL tests play, starting and answering a session
through GraphQL, a trainer's override."""

from __future__ import annotations

from coaching.scenario import load_scenarios
from tests.support.graphql import run

SCENARIOS = load_scenarios(strict=True)
SCENARIO = SCENARIOS["b2b_software_price"]
PERSONA = SCENARIO.personas[0].id
SESSION = """id scenarioId persona: personaId difficulty mode attempt engine language seed
  status outcome turnsTaken score passed rep { externalId }
  transcript { number repMessage customerLine checks { checkId passed evidence { start end text } }
    redLines { redLineId } judge { engine } voice { engine } }"""
RESULT = """score passMark passed criteria { criterionId title score passed total }
  capabilities { capability score } passedChecks { checkId evidence { text } turn }
  missedChecks { checkId question modelAnswer } blockers { redLineId title }"""
RESPOND = f"""turn {{ number customerLine checks {{ checkId passed evidence {{ text }} }} }}
  session {{ status outcome turnsTaken score }} runningScore
  feedback {{ passed {{ checkId evidence {{ start end text }} }} missed {{ checkId modelAnswer }}
    tip redLines {{ redLineId }} }}
  result {{ {RESULT} }} errors {{ code field message }}"""


def start_input(**overrides):
    return {
        "scenario": SCENARIO.id,
        "persona": PERSONA,
        "seed": 7,
        "difficulty": "NORMAL",
        "language": "en",
        **overrides,
    }


async def start(api, as_="rep", **overrides) -> dict:
    started = await run(
        api,
        "startPractice",
        start_input(**overrides),
        f"session {{ {SESSION} }} opening errors {{ code field message }}",
        as_=as_,
    )
    return started


async def respond(api, session_id: str, message: str, as_="rep") -> dict:
    return await run(
        api, "respondInPractice", {"session": session_id, "message": message}, RESPOND, as_=as_
    )


OVERRIDE = f"session {{ score passed overrides {{ checkId enginePassed passed reason by {{ login }} }} }} result {{ {RESULT} }} errors {{ code field }}"  # noqa: E501


async def override(
    api, session_id, check_id, passed=True, reason="heard it on the call", as_="manager"
):
    return await run(
        api,
        "overridePracticeVerdict",
        {"session": session_id, "checkId": check_id, "passed": passed, "reason": reason},
        OVERRIDE,
        as_=as_,
    )
