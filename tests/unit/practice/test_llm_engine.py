"""The `llm` engine against a scripted OpenAI-compatible server over real HTTP (DESIGN.md §6):
verified verdicts, the response-format degradation, tolerant parsing, every fallback reason,
the verdict cache, and a streamed customer whose state only the rules machine moves."""

from __future__ import annotations

import json
import re
import socket

import pytest

from coaching.engines import customer
from coaching.engines.base import Line, pieces
from coaching.engines.customer import TurnSignal
from coaching.engines.judge import judge_turn
from coaching.engines.llm import PLACEHOLDER_API_KEY, LlmConfig, LlmEngine
from coaching.engines.llm_cache import MemoryVerdictCache, cache_key
from coaching.engines.llm_output import VERDICT_SCHEMA, AnswerRejected, loads_tolerantly
from coaching.engines.llm_prompts import PROMPT_VERSION, TRANSCRIPT_LINES
from coaching.scenario import load_scenarios
from domain.settings import Settings
from tests.support.scripted_llm import (
    FINGERPRINT,
    MODEL,
    Reply,
    chunk,
    completion,
    error,
    judge_answer,
    judge_reply,
    scripted_llm,
    stream_error,
    streamed,
)

SCENARIO = next(s for s in load_scenarios(strict=True).scenarios if s.id == "b2b_software_price")
PERSONA, DIFFICULTY, SEED = "cfo", "normal", 7
MESSAGE = (
    "I hear you, price matters. Before we talk numbers: what budget have you set aside "
    "this year, and how many agents handle tickets today?"
)
GOOD = {"obj_acknowledge": "I hear you", "disc_budget_range": "what budget have you set aside"}


@pytest.fixture(scope="module")
def running_server():
    with scripted_llm() as running:
        yield running


@pytest.fixture
def server(running_server):
    """One server for the module (starting one takes a while), with a fresh script per test."""
    running_server.reset()
    yield running_server
    running_server.reset()


@pytest.fixture
async def make_engine():
    engines: list[LlmEngine] = []

    def make(base_url: str | None, cache=None, **config) -> LlmEngine:
        """An engine on `base_url`: a test model, a 5 s timeout and no retries unless told."""
        config = {"model": "pacer-test-model", "timeout_seconds": 5.0, "max_retries": 0, **config}
        engine = LlmEngine(LlmConfig(base_url=base_url, **config), cache=cache)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        await engine.aclose()


def cached_engine(make_engine, server, cache, model="pacer-test-model"):
    return make_engine(server.base_url, cache=cache, model=model)


def fallback_of(judgement, message: str = MESSAGE) -> tuple[str, str | None, bool, bool]:
    """(engine, fallback reason, whether the reason is detailed, whether the verdict is the
    rules judge's own): ("rules", reason, True, True) for a proper fallback."""
    trace = judgement.trace
    rules_verdict = judgement.verdict == judge_turn(SCENARIO, message, "en")
    return trace.engine, trace.fallback_reason, bool(trace.fallback_detail), rules_verdict


# --- the judge --------------------------------------------------------------------------------


async def test_a_good_answer_gives_verified_evidence_and_records_the_model(server, make_engine):
    message = MESSAGE + " Off the record I can knock 20% off."
    server.script(
        judge_reply(
            SCENARIO,
            message,
            passed={**GOOD, "disc_baseline": "  how many agents  "},
            red_lines={"unauthorised_discount": "Off the record I can"},
        )
    )
    engine = make_engine(server.base_url, max_tokens=321)

    judgement = await engine.judge(SCENARIO, message, "en", [])

    verdict, trace = judgement.verdict, judgement.trace
    assert (trace.engine, trace.model, trace.system_fingerprint) == ("llm", MODEL, FINGERPRINT)
    assert (trace.response_format, trace.prompt_version, trace.cached) == (
        "json_schema",
        PROMPT_VERSION,
        False,
    )
    assert set(verdict.passed_check_ids) == {*GOOD, "disc_baseline"}
    assert [c.check_id for c in verdict.checks] == [
        c.id for crit in SCENARIO.criteria for c in crit.checks
    ]
    for check in verdict.checks:
        assert check.criterion_id == SCENARIO.criterion_of(check.check_id).id
        if check.passed:
            evidence = check.evidence
            assert message[evidence.start : evidence.end] == evidence.text
        else:
            assert check.evidence is None
    assert verdict.check("disc_baseline").evidence.text == "how many agents"  # trimmed
    (hit,) = verdict.red_lines
    assert hit.red_line_id == "unauthorised_discount"
    assert message[hit.evidence.start : hit.evidence.end] == "Off the record I can"

    (request,) = server.requests
    assert request["model"] == "pacer-test-model"
    assert (request["temperature"], request["max_tokens"]) == (0, 321)
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["strict"] is True
    assert request["response_format"]["json_schema"]["schema"] == VERDICT_SCHEMA
    prompt = "\n".join(m["content"] for m in request["messages"])
    assert message in prompt
    budget = SCENARIO.check("disc_budget_range")
    assert budget.question.en in prompt and budget.indicators.en[0] in prompt
    assert budget.question.zh not in prompt  # the session language's rubric only


async def test_an_endpoint_without_json_schema_is_asked_for_json_object_from_then_on(
    server, make_engine
):
    server.script(
        error(400, "response_format.type 'json_schema' is not supported"),
        judge_reply(SCENARIO, MESSAGE, passed=GOOD),
        judge_reply(SCENARIO, "What budget do you have?", passed={}),
    )
    engine = make_engine(server.base_url)

    first = await engine.judge(SCENARIO, MESSAGE, "en", [])
    second = await engine.judge(SCENARIO, "What budget do you have?", "en", [])

    formats = [request["response_format"]["type"] for request in server.requests]
    assert formats == ["json_schema", "json_object", "json_object"]
    assert (first.trace.engine, first.trace.response_format) == ("llm", "json_object")
    assert set(first.verdict.passed_check_ids) == set(GOOD)
    assert (second.trace.engine, second.trace.response_format) == ("llm", "json_object")
    assert "json" in server.requests[1]["messages"][0]["content"].lower()  # JSON mode needs it


@pytest.mark.parametrize(
    ("status", "said", "degrades"),
    [
        (422, "Unsupported response_format: json_schema", True),
        (422, "messages: field required", False),
        (404, "model not found", False),
    ],
)
async def test_only_a_refusal_of_json_schema_degrades(server, make_engine, status, said, degrades):
    server.script(error(status, said), judge_reply(SCENARIO, MESSAGE, passed=GOOD))
    engine = make_engine(server.base_url)

    judgement = await engine.judge(SCENARIO, MESSAGE, "en", [])

    if degrades:
        assert (judgement.trace.engine, judgement.trace.response_format) == ("llm", "json_object")
        assert len(server.requests) == 2 and engine.json_object_only
    else:
        assert fallback_of(judgement) == ("rules", "http_error", True, True)
        assert str(status) in judgement.trace.fallback_detail
        assert len(server.requests) == 1 and not engine.json_object_only


@pytest.mark.parametrize(
    "wrap",
    [
        pytest.param(lambda text: f"```json\n{text}\n```", id="fenced"),
        pytest.param(lambda text: f"Here is my assessment:\n{text}\nHope it helps.", id="prose"),
        pytest.param(lambda text: text.replace("]", ",]").replace("}", ",}"), id="commas"),
        pytest.param(
            lambda text: "```\n" + text.replace("]}", "],}") + "\n```", id="fenced-commas"
        ),
    ],
)
async def test_tolerant_parsing_recovers_a_sloppy_answer(server, make_engine, wrap):
    answer = json.dumps(judge_answer(SCENARIO, MESSAGE, passed=GOOD), indent=1)
    server.script(completion(wrap(answer)))
    engine = make_engine(server.base_url)

    judgement = await engine.judge(SCENARIO, MESSAGE, "en", [])

    assert judgement.trace.engine == "llm", judgement.trace.fallback_detail
    assert set(judgement.verdict.passed_check_ids) == set(GOOD)


def test_tolerant_parsing_leaves_commas_inside_strings_alone():
    content = '{"quote": "a, ]", "escaped": "say \\"x, }\\"", "list": [1, 2,],}'
    assert loads_tolerantly(content) == {"quote": "a, ]", "escaped": 'say "x, }"', "list": [1, 2]}


@pytest.mark.parametrize(
    "content", ["I cannot judge this.", '{"checks": [{"id": "x", "passed": tru', "{]"]
)
def test_tolerant_parsing_gives_up_on_garbage(content):
    with pytest.raises(AnswerRejected) as raised:
        loads_tolerantly(content)
    assert raised.value.reason == "malformed_json"


async def test_garbage_falls_back_to_rules_as_malformed_json(server, make_engine):
    server.script(completion("Sure! The rep did well {on most checks"))
    judgement = await make_engine(server.base_url).judge(SCENARIO, MESSAGE, "en", [])
    assert fallback_of(judgement) == ("rules", "malformed_json", True, True)


def _answer(change):
    """A good answer for MESSAGE, changed in place by `change`."""
    answer = judge_answer(SCENARIO, MESSAGE, passed=GOOD)
    change(answer)
    return answer


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        pytest.param(
            _answer(lambda a: a["checks"][0].update(passed="yes")), "schema_invalid", id="type"
        ),
        pytest.param(_answer(lambda a: a.pop("red_lines")), "schema_invalid", id="no-red-lines"),
        pytest.param(
            _answer(lambda a: a["checks"][0].update(criterion_id="closing")),
            "schema_invalid",
            id="criterion-from-the-model",
        ),
        pytest.param(_answer(lambda a: a["checks"].pop()), "schema_invalid", id="missing"),
        pytest.param(
            _answer(lambda a: a["checks"].append(dict(a["checks"][0]))),
            "schema_invalid",
            id="twice",
        ),
        pytest.param({"verdict": "good"}, "schema_invalid", id="another-object"),
        pytest.param(
            _answer(lambda a: a["checks"][0].update(id="disc_budget")),
            "unknown_check",
            id="unknown-check",
        ),
        pytest.param(
            _answer(lambda a: a["red_lines"].append({"id": "rudeness", "quote": "I hear you"})),
            "unknown_check",
            id="unknown-red-line",
        ),
    ],
)
async def test_an_answer_that_breaks_the_contract_falls_back(server, make_engine, answer, reason):
    server.script(completion(json.dumps(answer)))
    judgement = await make_engine(server.base_url).judge(SCENARIO, MESSAGE, "en", [])
    assert fallback_of(judgement) == ("rules", reason, True, True)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(
            _answer(lambda a: a["checks"][0].update(passed=True, quote="what is your budget")),
            id="paraphrase",
        ),
        pytest.param(
            _answer(lambda a: a["checks"][0].update(passed=True, quote="I HEAR YOU")),
            id="other-case",
        ),
        pytest.param(
            _answer(lambda a: a["checks"][0].update(passed=True, quote=None)), id="no-quote"
        ),
        pytest.param(
            _answer(
                lambda a: a["red_lines"].append({"id": "unauthorised_discount", "quote": "20% off"})
            ),
            id="red-line",
        ),
    ],
)
async def test_an_invented_quote_falls_back(server, make_engine, answer):
    server.script(completion(json.dumps(answer)))
    judgement = await make_engine(server.base_url).judge(SCENARIO, MESSAGE, "en", [])
    assert fallback_of(judgement) == ("rules", "invented_quote", True, True)


@pytest.mark.parametrize("content", [None, "", "  \n"])
async def test_an_empty_answer_falls_back(server, make_engine, content):
    server.script(completion(content))
    judgement = await make_engine(server.base_url).judge(SCENARIO, MESSAGE, "en", [])
    assert fallback_of(judgement) == ("rules", "empty_answer", True, True)


async def test_a_slow_endpoint_times_out_and_falls_back(server, make_engine):
    server.script(Reply(delay=2.0, body={}))
    engine = make_engine(server.base_url, timeout_seconds=0.2, max_retries=0)

    judgement = await engine.judge(SCENARIO, MESSAGE, "en", [])

    assert fallback_of(judgement) == ("rules", "timeout", True, True)
    assert len(server.requests) == 1


async def test_a_rate_limit_is_retried_by_the_sdk_then_falls_back(server, make_engine):
    server.script(*[error(429, "slow down", headers={"retry-after-ms": "1"})] * 3)
    engine = make_engine(server.base_url, max_retries=2)

    judgement = await engine.judge(SCENARIO, MESSAGE, "en", [])

    assert fallback_of(judgement) == ("rules", "rate_limited", True, True)
    assert len(server.requests) == 3 and server.pending == 0


async def test_a_server_error_falls_back_as_http_error(server, make_engine):
    server.script(error(503, "overloaded"))
    judgement = await make_engine(server.base_url).judge(SCENARIO, MESSAGE, "en", [])
    assert fallback_of(judgement) == ("rules", "http_error", True, True)
    assert "503" in judgement.trace.fallback_detail


async def test_an_unreachable_endpoint_falls_back_as_connection_error(make_engine):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    engine = make_engine(f"http://127.0.0.1:{port}/v1")
    judgement = await engine.judge(SCENARIO, MESSAGE, "en", [])
    assert fallback_of(judgement) == ("rules", "connection_error", True, True)


# --- the verdict cache --------------------------------------------------------------------------


async def test_a_cached_verdict_makes_no_request(server, make_engine):
    cache = MemoryVerdictCache()
    server.script(judge_reply(SCENARIO, MESSAGE, passed=GOOD))
    engine = cached_engine(make_engine, server, cache)

    fresh = await engine.judge(SCENARIO, MESSAGE, "en", [])
    again = await engine.judge(SCENARIO, MESSAGE, "en", [Line("rep", "earlier")])

    assert len(server.requests) == 1
    assert not fresh.trace.cached and again.trace.cached
    assert again.verdict == fresh.verdict
    assert (again.trace.engine, again.trace.model, again.trace.system_fingerprint) == (
        "llm",
        MODEL,
        FINGERPRINT,
    )
    assert again.trace.response_format == "json_schema"


async def test_another_model_or_message_misses_the_cache(server, make_engine):
    cache = MemoryVerdictCache()
    other_message = MESSAGE + " Thanks."
    server.script(*[judge_reply(SCENARIO, MESSAGE, passed=GOOD)] * 3)
    await cached_engine(make_engine, server, cache).judge(SCENARIO, MESSAGE, "en", [])
    other_model = cached_engine(make_engine, server, cache, model="another-model")

    by_model = await other_model.judge(SCENARIO, MESSAGE, "en", [])
    by_message = await cached_engine(make_engine, server, cache).judge(
        SCENARIO, other_message, "en", []
    )

    assert not by_model.trace.cached and not by_message.trace.cached
    assert len(server.requests) == 3 and len(cache) == 3


async def test_a_fallback_verdict_is_not_cached(server, make_engine):
    cache = MemoryVerdictCache()
    server.script(completion("no JSON here"), judge_reply(SCENARIO, MESSAGE, passed=GOOD))
    engine = cached_engine(make_engine, server, cache)

    fallback = await engine.judge(SCENARIO, MESSAGE, "en", [])
    retried = await engine.judge(SCENARIO, MESSAGE, "en", [])

    assert fallback.trace.engine == "rules" and len(cache) == 1
    assert retried.trace.engine == "llm" and not retried.trace.cached
    assert len(server.requests) == 2


def test_the_cache_key_covers_message_language_scenario_rubric_and_model():
    key = cache_key(SCENARIO, MESSAGE, "en", "m")
    other_rubric = SCENARIO.__class__(
        **{**SCENARIO.__dict__, "rubric_hash": "0" * 64}  # a new rubric version
    )
    assert key == cache_key(SCENARIO, MESSAGE, "en-US", "m")
    assert (
        len(
            {
                key,
                cache_key(SCENARIO, MESSAGE + " ", "en", "m"),
                cache_key(SCENARIO, MESSAGE, "zh", "m"),
                cache_key(SCENARIO, MESSAGE, "en", "m2"),
                cache_key(other_rubric, MESSAGE, "en", "m"),
            }
        )
        == 5
    )


async def test_the_memory_cache_forgets_the_least_recently_used():
    cache = MemoryVerdictCache(max_entries=2)
    await cache.put("a", {"n": 1})
    await cache.put("b", {"n": 2})
    assert await cache.get("a") == {"n": 1}  # "b" is now the least recently used
    await cache.put("c", {"n": 3})
    assert (await cache.get("b"), await cache.get("a"), await cache.get("c")) == (
        None,
        {"n": 1},
        {"n": 3},
    )
    got = await cache.get("a")
    got["n"] = 99
    assert await cache.get("a") == {"n": 1}  # callers get copies


# --- the customer -------------------------------------------------------------------------------


class Collected(list):
    async def __call__(self, delta: str) -> None:
        self.append(delta)


async def test_the_customer_streams_the_model_line_while_the_rules_move_the_state(
    server, make_engine
):
    server.script(
        streamed("  246,000", " is well above", " our budget. ", fingerprint="fp_customer"),
        streamed("Fine, that adds up.", " But what about the rollout?"),
    )
    engine = make_engine(server.base_url, max_tokens=99)
    opened_pieces = Collected()

    opened = await engine.open(SCENARIO, PERSONA, DIFFICULTY, SEED, "en", opened_pieces)

    rules_state, rules_line = customer.start(SCENARIO, PERSONA, DIFFICULTY, SEED)
    assert opened.state == rules_state
    assert opened_pieces == ["246,000", " is well above", " our budget."]
    assert "".join(opened_pieces) == opened.line == "246,000 is well above our budget."
    assert (opened.trace.engine, opened.trace.model, opened.trace.system_fingerprint) == (
        "llm",
        MODEL,
        "fp_customer",
    )
    request = server.requests[0]
    assert (request["stream"], request["max_tokens"]) == (True, 99)
    assert rules_line.en in request["messages"][-1]["content"]  # the gist to convey

    addressing = customer.script_to_pass(SCENARIO)[rules_state.current_objection]
    signal = TurnSignal(passed_checks=frozenset({addressing}))
    transcript = [Line("customer", opened.line), Line("rep", "Let me put numbers on it.")]
    replied_pieces = Collected()

    replied = await engine.reply(SCENARIO, opened.state, signal, transcript, "en", replied_pieces)

    expected_state, expected_gist = customer.respond(SCENARIO, rules_state, signal)
    assert replied.state == expected_state and replied.state.last_move == "addressed"
    assert (
        "".join(replied_pieces) == replied.line == "Fine, that adds up. But what about the rollout?"
    )
    prompt = server.requests[1]["messages"][-1]["content"]
    assert expected_gist.en in prompt and "Let me put numbers on it." in prompt


async def test_the_customer_speaks_the_session_language(server, make_engine):
    server.script(streamed("说实话，", "这个价太高了。"))
    engine = make_engine(server.base_url)

    turn = await engine.open(SCENARIO, PERSONA, DIFFICULTY, SEED, "zh")

    _, rules_line = customer.start(SCENARIO, PERSONA, DIFFICULTY, SEED)
    system, user = server.requests[0]["messages"]
    assert "Simplified Chinese" in system["content"] and "English" not in system["content"]
    assert SCENARIO.persona(PERSONA).role.zh in system["content"]
    assert rules_line.zh in user["content"] and rules_line.en not in user["content"]
    assert turn.line == "说实话，这个价太高了。"


async def test_the_customer_sees_only_the_recent_transcript(server, make_engine):
    server.script(streamed("Go on."))
    state, _ = customer.start(SCENARIO, PERSONA, DIFFICULTY, SEED)
    transcript = [Line("rep" if i % 2 else "customer", f"turn-{i:02d}") for i in range(20)]

    await make_engine(server.base_url).reply(SCENARIO, state, TurnSignal(), transcript, "en")

    prompt = server.requests[0]["messages"][-1]["content"]
    first_seen = 20 - TRANSCRIPT_LINES
    assert f"turn-{first_seen:02d}" in prompt and "turn-19" in prompt
    assert f"turn-{first_seen - 1:02d}" not in prompt


def _rubric_texts(scenario) -> set[str]:
    """The rubric's prose, in both languages, that the customer must never be shown."""
    texts: set[str] = set()
    for criterion in scenario.criteria:
        texts |= {criterion.title.zh, criterion.title.en}
        texts |= {criterion.model_answer.zh, criterion.model_answer.en}
        for check in criterion.checks:
            texts |= {check.question.zh, check.question.en}
            if check.tip:
                texts |= {check.tip.zh, check.tip.en}
            for phrases in (check.indicators, check.counter_indicators):
                if phrases:
                    texts |= {*phrases.zh, *phrases.en}
    for red_line in scenario.red_lines:
        texts |= {red_line.title.zh, red_line.title.en}
        texts |= {red_line.explanation.zh, red_line.explanation.en, *red_line.indicators.zh}
        texts |= set(red_line.indicators.en)
    return texts


def _rubric_ids(scenario) -> set[str]:
    """Identifiers of criteria, checks and red lines (matched as whole, case-sensitive words:
    "close" is a criterion id, "Close the conversation" is not a leak)."""
    ids = {red_line.id for red_line in scenario.red_lines}
    for criterion in scenario.criteria:
        ids |= {criterion.id, *(check.id for check in criterion.checks)}
    return ids


def _customer_script(scenario) -> str:
    """The customer's own words in the file: a phrase of the rubric that is also one of them
    is the customer's to say, not a leak."""
    said = []
    for persona in scenario.personas:
        for text in (persona.role, persona.motivation, persona.temperament):
            said.append(text)
        said += [*persona.hidden_concerns, *persona.opening_lines]
        said += [fact.answer for fact in persona.facts]
    for objection in scenario.objections:
        said += [objection.topic, *objection.phrasings, *objection.pushbacks]
        said += objection.acknowledgements
    said += [*scenario.closing_lines.agreed, *scenario.closing_lines.declined]
    return "\n".join(f"{text.zh}\n{text.en}" for text in said).casefold()


async def test_the_customer_prompt_never_holds_the_rubric(server, make_engine):
    engine = make_engine(server.base_url)
    script = customer.script_to_pass(SCENARIO)
    any_check = SCENARIO.criteria[0].checks[0].id
    moves = set()
    for language in ("zh", "en"):
        server.script(*[streamed("…")] * (SCENARIO.turn_limits.max + 1))
        turn = await engine.open(SCENARIO, PERSONA, DIFFICULTY, SEED, language)
        transcript = [Line("customer", turn.line)]
        signals = [
            TurnSignal(red_lines=frozenset({"unauthorised_discount"})),
            TurnSignal(),
            TurnSignal(passed_checks=frozenset({any_check})),
        ]
        while not turn.state.finished:
            current = turn.state.current_objection
            signal = (
                signals.pop(0)
                if signals
                else TurnSignal(
                    passed_checks=frozenset({script[current] if current else any_check})
                )
            )
            transcript.append(Line("rep", "OK."))
            turn = await engine.reply(SCENARIO, turn.state, signal, transcript, language)
            transcript.append(Line("customer", turn.line))
            moves.add(turn.state.last_move)
        # A red line was crossed: the customer holds back to the end instead of agreeing.
        assert turn.state.outcome == "turn_limit"
    assert moves == {"red_line", "ignored", "helpful", "addressed", "hold"}  # all voiced

    sent = "\n".join(m["content"] for request in server.requests for m in request["messages"])
    folded, customer_words = sent.casefold(), _customer_script(SCENARIO)
    leaks = {
        text
        for text in _rubric_texts(SCENARIO)
        if text.casefold() not in customer_words and text.casefold() in folded
    }
    leaks |= {key for key in _rubric_ids(SCENARIO) if re.search(rf"(?<!\w){key}(?!\w)", sent)}
    assert len(server.requests) > 6 and leaks == set()
    briefing = (SCENARIO.situation.zh, SCENARIO.situation.en, SCENARIO.goal.zh, SCENARIO.goal.en)
    assert not any(text in sent for text in briefing)  # the rep's brief is not the customer's


async def test_the_customer_falls_back_to_the_rules_line_on_a_server_error(server, make_engine):
    server.script(error(500, "boom"))
    emitted = Collected()

    turn = await make_engine(server.base_url).open(
        SCENARIO, PERSONA, DIFFICULTY, SEED, "en", emitted
    )

    rules_state, rules_line = customer.start(SCENARIO, PERSONA, DIFFICULTY, SEED)
    assert (turn.state, turn.line) == (rules_state, rules_line.en)
    assert emitted == pieces(rules_line.en) and "".join(emitted) == rules_line.en
    assert (turn.trace.engine, turn.trace.fallback_reason) == ("rules", "http_error")
    assert "500" in turn.trace.fallback_detail


async def test_a_stream_broken_midway_returns_the_authoritative_rules_line(server, make_engine):
    server.script(Reply(stream=[chunk("Well, 246,000"), stream_error("upstream died")]))
    emitted = Collected()

    turn = await make_engine(server.base_url).open(
        SCENARIO, PERSONA, DIFFICULTY, SEED, "en", emitted
    )

    _, rules_line = customer.start(SCENARIO, PERSONA, DIFFICULTY, SEED)
    assert emitted == ["Well, 246,000"]  # already shown; the returned line replaces it
    assert turn.line == rules_line.en
    assert (turn.trace.engine, turn.trace.fallback_reason) == ("rules", "http_error")


async def test_an_empty_customer_line_falls_back(server, make_engine):
    server.script(streamed(" ", "\n"))
    emitted = Collected()

    turn = await make_engine(server.base_url).open(
        SCENARIO, PERSONA, DIFFICULTY, SEED, "en", emitted
    )

    _, rules_line = customer.start(SCENARIO, PERSONA, DIFFICULTY, SEED)
    assert turn.line == rules_line.en and emitted == pieces(rules_line.en)
    assert turn.trace.fallback_reason == "empty_answer"


# --- configuration ---------------------------------------------------------------------------


def test_the_config_comes_from_settings(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PACER_LLM_MODEL", raising=False)
    assert LlmConfig.of(Settings()) is None
    settings = Settings(
        llm_model="qwen-plus",
        llm_base_url="http://127.0.0.1:1/v1",
        llm_api_key="sk-secret",
        llm_timeout_seconds=3.5,
        llm_max_retries=1,
        llm_max_tokens=400,
    )
    config = LlmConfig.of(settings)
    assert config == LlmConfig("qwen-plus", "http://127.0.0.1:1/v1", "sk-secret", 3.5, 1, 400)
    assert "sk-secret" not in repr(config)


@pytest.mark.parametrize(
    ("configured", "environment", "sent"),
    [
        (None, None, PLACEHOLDER_API_KEY),
        (None, "sk-from-env", "sk-from-env"),
        ("sk-configured", "sk-from-env", "sk-configured"),
    ],
)
async def test_the_key_and_endpoint_default_to_the_sdk_environment(
    server, monkeypatch, configured, environment, sent
):
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    if environment is None:
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    else:
        monkeypatch.setenv("OPENAI_API_KEY", environment)
    server.script(judge_reply(SCENARIO, MESSAGE, passed=GOOD))
    engine = LlmEngine(LlmConfig(model="m", api_key=configured, max_retries=0))
    try:
        judgement = await engine.judge(SCENARIO, MESSAGE, "en", [])
    finally:
        await engine.aclose()
    assert judgement.trace.engine == "llm"
    assert server.headers[0]["authorization"] == f"Bearer {sent}"
