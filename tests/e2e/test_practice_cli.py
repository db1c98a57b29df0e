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
from tests.support.pacer_cli import PACER
from tests.support.rep_replies import WEAK, model_answers
from tests.support.world import build_world

SCENARIOS = load_scenarios(strict=True)
SCENARIO = SCENARIOS["b2b_software_price"]
PERSONA, SEED, DIFFICULTY = SCENARIO.personas[0].id, 7, "normal"
LINES = {  # how each language prints a customer line, a passed check, the score so far
    "zh": ("客户：{line}", "  ✓ 通过：{question} ——“{words}”", "  当前得分 "),
    "en": ("Customer: {line}", "  ✓ Passed: {question} — “{words}”", "  Score so far "),
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
        state, line = customer.respond(SCENARIO, state, signal_of(verdict, message))
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
    assert SCENARIO.situation.get(language) in done.out and SCENARIO.goal.get(language) in done.out
    said, passed, running = LINES[language]
    _, opening = customer.start(SCENARIO, PERSONA, DIFFICULTY, SEED)
    expected = [said.format(line=opening.get(language))]
    for message, verdict, line in turns:  # each customer line, then what the reply passed
        expected.append(said.format(line=line))
        assert verdict.passed_check_ids  # a model answer passes something every turn
        for check in (check for check in verdict.checks if check.passed):
            assert message[check.evidence.start : check.evidence.end] == check.evidence.text
            question = SCENARIO.check(check.check_id).question.get(language)
            expected.append(passed.format(question=question, words=check.evidence.text))
        expected.append(running)
    assert in_order(done.out, expected)
    assert done.out.count(running) == len(turns)
    result = score_session(SCENARIO, [verdict for _, verdict, _ in turns])
    assert result.passed
    assert {
        "zh": f"得分 {result.score:g}（及格线 {SCENARIO.pass_mark}）：通过",
        "en": f"Score {result.score:g} (pass mark {SCENARIO.pass_mark}): PASS",
    }[language] in done.out
    other = LINES["en" if language == "zh" else "zh"]  # no label of the other language
    assert not any(label.split("{")[0].strip() in done.out for label in other)

    row, stored_turns = await stored(sessions, done.session_id)
    assert (row.status, row.outcome, row.passed) == ("finished", "agreed", True)
    assert (row.score, row.language, row.seed, row.persona_id) == (
        result.score,
        language,
        SEED,
        PERSONA,
    )
    assert [turn.rep_message for turn in stored_turns] == [None, *messages]
    assert [turn.customer_line for turn in stored_turns] == [opening.get(language)] + [
        line for _, _, line in turns
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
    assert done.out.count("客户：") == 2  # the opening and one answer: the empty line unsent
    assert "结局：销售提前结束" in done.out
    assert f"得分 0（及格线 {SCENARIO.pass_mark}）：未通过" in done.out
    # nothing passed: every model answer, and every check not tied to an objection (a check
    # that only settles objections counts once one of them was raised)
    tied = {check_id for objection in SCENARIO.objections for check_id in objection.addressed_by}
    for criterion in SCENARIO.criteria:
        assert f"参考回答：{criterion.model_answer.zh}" in done.out
        for check in criterion.checks:
            if check.id not in tied:
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


ERRORS = {  # the arguments → the one line on stderr, in the chosen language
    "unknown scenario": (
        ("no_such", "--as", "rep"),
        "没有场景 'no_such'（可选：" + ", ".join(SCENARIOS.ids) + "）",
    ),
    "not a rep": (
        (SCENARIO.id, "--as", "manager", "--lang", "en"),
        "Only a login linked to a rep can practise",
    ),
    "unknown login": ((SCENARIO.id, "--as", "nobody"), "没有登录名为 'nobody' 的在用账号"),
    "nothing chosen": (("--as", "rep", "--lang", "en"), "No scenario chosen"),
    "seed in an exam": (
        (SCENARIO.id, "--as", "rep", "--mode", "exam", "--seed", "1"),
        "考试由系统随机选择客户角色和种子",
    ),
}


@pytest.mark.parametrize("case", ERRORS)
async def test_an_error_is_one_line_and_starts_nothing(case, world, sessions, db_url, tmp_path):
    args, message = ERRORS[case]
    done = await practice(*args, stdin="\n", db_url=db_url, cwd=tmp_path)
    assert (done.code, done.err) == (1, f"pacer: error: {message}\n")
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(PracticeSession)) == 0
