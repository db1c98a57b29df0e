"""`pacer practice` as a real command, stdin scripted: a role-play played to a pass (the
replies computed beforehand by the rules engine run offline with the same persona, seed and
difficulty), `/end` to a fail with model answers, an exam without feedback, the scenario
chosen from the list, and the errors — then the session as the database holds it."""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coaching.engines import customer
from coaching.engines.base import signal_of
from coaching.engines.judge import TurnVerdict, judge_turn
from coaching.engines.scoring import score_session
from coaching.practice.models import PracticeSession, PracticeTurn
from coaching.scenario import load_scenarios
from tests.e2e.test_server import PACER
from tests.integration.conftest import build_world
from tests.unit.test_rules_engine_play import WEAK, model_answers

SCENARIOS = load_scenarios(strict=True)
SCENARIO = SCENARIOS["b2b_software_price"]
PERSONA, SEED, DIFFICULTY = SCENARIO.personas[0].id, 7, "normal"
LABELS = {  # what each language calls things; the other language's must not show
    "zh": {"customer": "客户：", "passed": "✓ 通过：", "running": "当前得分", "pass": "：通过"},
    "en": {
        "customer": "Customer: ",
        "passed": "✓ Passed: ",
        "running": "Score so far",
        "pass": ": PASS",
    },
}


@dataclass(frozen=True)
class Done:
    code: int
    out: str
    err: str

    @property
    def session_id(self) -> int:
        return int(re.search(r"(?:练习|Session) #(\d+)", self.out).group(1))


async def practice(*args: str, stdin: str, db_url: str, cwd: Path) -> Done:
    process = await asyncio.create_subprocess_exec(
        PACER,
        "practice",
        *args,
        cwd=cwd,
        env={**os.environ, "PACER_DATABASE_URL": db_url},
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), 60)
    return Done(process.returncode, out.decode(), err.decode())


@pytest.fixture
async def world(sessions):
    """Acme with the login `rep` (rep r1) and `manager` (no rep of its own)."""
    return await build_world(sessions)


def offline_play(replies, language: str) -> list[tuple[str, TurnVerdict, str]]:
    """Each reply the customer's state calls for, the judge's verdict on it and the
    customer's answer, as the rules engine gives them with the test's persona and seed."""
    state, _ = customer.start(SCENARIO, PERSONA, DIFFICULTY, SEED)
    turns = []
    while not state.finished:
        message = replies(state)
        verdict = judge_turn(SCENARIO, message, language)
        state, line = customer.respond(SCENARIO, state, signal_of(verdict))
        turns.append((message, verdict, line.get(language)))
    assert state.outcome == "agreed"
    return turns


def in_order(text: str, pieces: list[str]) -> bool:
    position = 0
    for piece in pieces:
        position = text.find(piece, position)
        if position < 0:
            return False
        position += len(piece)
    return True


async def stored(sessions, session_id: int) -> tuple[PracticeSession, list[PracticeTurn]]:
    async with sessions() as session:
        row = await session.get(PracticeSession, session_id)
        turns = await session.scalars(
            select(PracticeTurn)
            .where(PracticeTurn.session_id == session_id)
            .order_by(PracticeTurn.number)
        )
        return row, list(turns)


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_a_session_played_to_a_pass(language, world, sessions, db_url, tmp_path):
    turns = offline_play(model_answers(SCENARIO, language), language)
    messages = [message for message, _, _ in turns]
    done = await practice(
        SCENARIO.id,
        *("--as", "rep", "--lang", language, "--persona", PERSONA, "--seed", str(SEED)),
        stdin="\n".join(messages) + "\n",
        db_url=db_url,
        cwd=tmp_path,
    )
    assert done.code == 0, done.err
    labels = LABELS[language]
    _, opening = customer.start(SCENARIO, PERSONA, DIFFICULTY, SEED)
    assert SCENARIO.situation.get(language) in done.out and SCENARIO.goal.get(language) in done.out
    customer_lines = [
        labels["customer"] + line for line in [opening.get(language)] + [t[2] for t in turns]
    ]
    assert in_order(done.out, customer_lines)
    for message, verdict, _ in turns:
        assert verdict.passed_check_ids  # a model answer passes something every turn
        for check in verdict.checks:
            if check.passed:  # the check's question, then the rep's own words, verbatim
                question = SCENARIO.check(check.check_id).question.get(language)
                assert f"{labels['passed']}{question}" in done.out
                assert check.evidence.text in message and f"“{check.evidence.text}”" in done.out
    assert done.out.count(labels["running"]) == len(turns)
    result = score_session(SCENARIO, [verdict for _, verdict, _ in turns])
    assert result.passed
    expected_score = {
        "zh": f"得分 {result.score:g}（及格线 {SCENARIO.pass_mark}）：通过",
        "en": f"Score {result.score:g} (pass mark {SCENARIO.pass_mark}): PASS",
    }[language]
    assert expected_score in done.out
    other = LABELS["en" if language == "zh" else "zh"]
    assert not any(label in done.out for label in other.values())

    row, stored_turns = await stored(sessions, done.session_id)
    assert (row.status, row.outcome, row.passed, row.score) == (
        "finished",
        "agreed",
        True,
        result.score,
    )
    assert (row.language, row.seed, row.persona_id, row.mode) == (language, SEED, PERSONA, "train")
    assert [turn.rep_message for turn in stored_turns] == [None, *messages]
    assert [turn.customer_line for turn in stored_turns] == [
        line.removeprefix(labels["customer"]) for line in customer_lines
    ]


async def test_end_after_one_reply_fails_with_model_answers(world, sessions, db_url, tmp_path):
    done = await practice(
        SCENARIO.id,
        *("--as", "rep", "--persona", PERSONA, "--seed", str(SEED)),
        stdin=f"{WEAK['zh']}\n\n/help\n/end\nnever sent\n",
        db_url=db_url,
        cwd=tmp_path,
    )
    assert done.code == 0, done.err
    assert "/end   结束练习" in done.out  # /help
    assert "结局：销售提前结束" in done.out
    assert f"得分 0（及格线 {SCENARIO.pass_mark}）：未通过" in done.out
    for criterion in SCENARIO.criteria:  # nothing passed: every check, every model answer
        assert f"参考回答：{criterion.model_answer.zh}" in done.out
        for check in criterion.checks:
            assert f"○ 还差：{check.question.zh}" in done.out
    row, turns = await stored(sessions, done.session_id)
    assert (row.status, row.outcome, row.passed, row.score) == ("finished", "ended", False, 0)
    assert [turn.rep_message for turn in turns] == [None, WEAK["zh"]]  # the empty line unsent


async def test_an_exam_shows_only_the_customer_until_the_end(world, sessions, db_url, tmp_path):
    reply = SCENARIO.criteria[0].model_answer.zh
    assert judge_turn(SCENARIO, reply, "zh").passed_check_ids  # train mode would praise it
    done = await practice(
        SCENARIO.id,
        "--as",
        "rep",
        "--mode",
        "exam",
        stdin=f"{reply}\n",
        db_url=db_url,
        cwd=tmp_path,
    )  # stdin ends after one reply: Ctrl-D finishes the exam
    assert done.code == 0, done.err
    conversation, result = done.out.split(" 结果 ")
    assert "考试" in conversation and conversation.count("客户：") == 2
    for feedback in ("✓", "○", "提示：", "当前得分"):
        assert feedback not in conversation
    assert "：未通过" in result and "参考回答：" in result
    row, turns = await stored(sessions, done.session_id)
    assert (row.mode, row.status, len(turns)) == ("exam", "finished", 2)


async def test_the_scenario_is_chosen_from_the_list(world, sessions, db_url, tmp_path):
    number = SCENARIOS.ids.index(SCENARIO.id) + 1
    done = await practice(
        *("--as", "rep", "--lang", "en"),
        stdin=f"99\nno_such_thing\n{number}\n/end\n",
        db_url=db_url,
        cwd=tmp_path,
    )
    assert done.code == 0, done.err
    for index, scenario in enumerate(SCENARIOS, 1):
        count = len(scenario.personas)
        assert f"  {index}. {scenario.id}  {scenario.title.en}  ({count} personas)" in done.out
    assert "No such scenario: 99" in done.out and "No such scenario: no_such_thing" in done.out
    row, _ = await stored(sessions, done.session_id)
    assert (row.scenario_id, row.outcome) == (SCENARIO.id, "ended")


ERRORS = {  # arguments, stdin → the one line on stderr
    ("no_such", "--as", "rep"): "没有场景 'no_such'（可选：" + ", ".join(SCENARIOS.ids),
    (SCENARIO.id, "--as", "manager", "--lang", "en"): "Only a login linked to a rep can practise",
    (SCENARIO.id, "--as", "nobody"): "没有登录名为 'nobody' 的在用账号",
    ("--as", "rep", "--lang", "en"): "No scenario chosen",  # stdin ends before a choice
    (
        SCENARIO.id,
        "--as",
        "rep",
        "--mode",
        "exam",
        "--seed",
        "1",
    ): "考试由系统随机选择客户角色和种子",
}


async def test_errors_are_one_line_in_the_chosen_language(world, sessions, db_url, tmp_path):
    runs = [practice(*args, stdin="\n", db_url=db_url, cwd=tmp_path) for args in ERRORS]
    for done, expected in zip(await asyncio.gather(*runs), ERRORS.values(), strict=True):
        assert done.code == 1, done.out
        assert done.err.startswith(f"pacer: error: {expected}") and done.err.count("\n") == 1
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PracticeSession)) == 0
