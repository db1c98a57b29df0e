"""`pacer practice`: a role-play with the simulated customer in the terminal, for a rep
without a front end. The customer's reply streams as it is produced; in `train` mode each
reply is followed by its feedback, in `exam` mode only the customer speaks until the end.
Each reply is its own transaction, as in the GraphQL API."""

from __future__ import annotations

import argparse
import asyncio
import threading
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.cli_support import CliError, with_engine
from coaching.engines.scoring import SessionScore
from coaching.practice import service
from coaching.practice.engines import Voices
from coaching.practice.models import (
    PracticeDifficulty,
    PracticeMode,
    PracticeOutcome,
    PracticeSession,
)
from coaching.practice.rules import TurnFeedback
from coaching.scenario import (
    Scenario,
    ScenarioError,
    ScenarioSet,
    load_scenarios,
    scenarios_directory,
)
from domain import db
from domain.errors import DomainError, InvalidInput
from domain.org.access import actor_for
from domain.org.models import User
from domain.org.rules import Actor
from domain.settings import Settings

END, HELP = "/end", "/help"
TEXTS: dict[str, tuple[str, str]] = {
    "no_user": ("没有登录名为 {login!r} 的用户", "No user with login {login!r}"),
    "inactive": ("用户 {login!r} 已停用", "User {login!r} is deactivated"),
    "bad_scenarios": ("场景文件有问题：{problem}", "Scenario files have problems: {problem}"),
    "scenarios": ("可选场景：", "Scenarios:"),
    "personas": ("{count} 个客户角色", "{count} personas"),
    "choose": ("选择场景（编号或 id）：", "Choose a scenario (number or id): "),
    "no_such_choice": ("没有这个场景：{choice}", "No such scenario: {choice}"),
    "nothing_chosen": ("没有选择场景", "No scenario chosen"),
    "session": ("练习 #{id}", "Session #{id}"),
    "situation": ("情境：", "Situation: "),
    "goal": ("目标：", "Goal: "),
    "hint": (
        "输入回复后按回车；/help 查看命令。",
        "Type your reply and press Enter; /help for commands.",
    ),
    "help": (
        "/end   结束练习并查看结果（Ctrl-D、Ctrl-C 同样）\n/help  显示本说明",
        "/end   finish the session and see the result (so do Ctrl-D and Ctrl-C)\n"
        "/help  show this list",
    ),
    "unknown_command": (
        "未知命令 {command}；输入 /help 查看命令",
        "Unknown command {command}; try /help",
    ),
    "customer_says": ("客户（{role}）：", "Customer ({role}): "),
    "you": ("你：", "You: "),
    "passed": ("  ✓ 通过：{question} ——“{words}”", "  ✓ Passed: {question} — “{words}”"),
    "open": ("  ○ 还差：{question}", "  ○ Still open: {question}"),
    "tip": ("  提示：{tip}", "  Tip: {tip}"),
    "red_line": ("  ✗ 红线「{title}」：“{words}”", "  ✗ Red line “{title}”: “{words}”"),
    "running": (
        "  当前得分 {score} / 及格线 {pass_mark}",
        "  Score so far {score} / pass mark {pass_mark}",
    ),
    "result": ("结果", "Result"),
    "pass": ("通过", "PASS"),
    "fail": ("未通过", "FAIL"),
    "score_line": (
        "得分 {score} / 及格线 {pass_mark}：{verdict}",
        "Score {score} / pass mark {pass_mark}: {verdict}",
    ),
    "outcome": ("结局：{outcome}", "Outcome: {outcome}"),
    "unscored": (
        "练习开始后场景的评分标准已更新，本场不计分。",
        "The scenario's rubric changed since the session started; it is not scored.",
    ),
    "criterion": ("评分项", "Criterion"),
    "checks": ("通过检查", "Checks passed"),
    "score": ("得分", "Score"),
    "capability": ("能力", "Capability"),
    "blockers": ("触碰红线（无论得分均不通过）：", "Red lines crossed (fail whatever the score):"),
    "missed": ("未完成的检查：", "Missed checks:"),
    "model_answer": ("    参考回答：{answer}", "    Model answer: {answer}"),
}
CAPABILITIES: dict[str, tuple[str, str]] = {
    "needs_discovery": ("需求挖掘", "Needs discovery"),
    "solution_presentation": ("方案呈现", "Solution presentation"),
    "objection_handling": ("异议处理", "Objection handling"),
    "negotiation": ("谈判", "Negotiation"),
    "product_knowledge": ("产品知识", "Product knowledge"),
    "closing": ("促成", "Closing"),
}


class Terminal:
    """Prints in the chosen language; rich renders tables, plainly when stdout is no TTY."""

    def __init__(self, lang: str):
        self.lang = lang
        self.console = Console(highlight=False)

    def t(self, key: str, **values) -> str:
        zh, en = TEXTS[key]
        return (en if self.lang == "en" else zh).format(**values)

    def say(self, text: str = "", style: str | None = None) -> None:
        # Text(), not a str: the scenario's and the rep's words must never be read as markup.
        self.console.print(Text(text, style=style or ""))


def register(commands, formatter_class: type[argparse.HelpFormatter]) -> None:
    """Add the `practice` command to the CLI."""
    practice = commands.add_parser(
        "practice",
        help="role-play a scenario with the simulated customer in the terminal",
        description="Practise a scenario as a rep: the customer speaks, you reply, and in\n"
        "train mode each reply shows the checks it passed (with your own words), what is\n"
        "still open, a tip and the score so far. At the end: the score, pass or fail, the\n"
        "score of each criterion and capability, and a model answer for every missed check.\n"
        "Commands while practising: /end (or Ctrl-D, Ctrl-C) finishes, /help lists them.",
        formatter_class=formatter_class,
        epilog="examples:\n  pacer practice --as rep.shanghai.01            (choose from a list)\n"
        "  pacer practice b2b_software_price --as rep.shanghai.01 --lang en --difficulty hard\n"
        "  pacer practice soe_procurement --as rep.shanghai.01 --mode exam",
    )
    practice.add_argument("scenario", nargs="?", metavar="SCENARIO", help="a scenario id")
    practice.add_argument(
        "--as", dest="login", required=True, metavar="LOGIN", help="login of the practising rep"
    )
    practice.add_argument("--lang", choices=["zh", "en"], default="zh", help="default zh")
    practice.add_argument(
        "--difficulty", choices=["easy", "normal", "hard"], default="normal", help="default normal"
    )
    practice.add_argument(
        "--mode", choices=["train", "exam"], default="train", help="default train"
    )
    practice.add_argument("--persona", help="a persona id of the scenario (default: by the seed)")
    practice.add_argument(
        "--seed", type=int, help="the same seed and replies give the same customer"
    )
    practice.add_argument(
        "--engine", choices=["rules", "llm"], default="rules", help="default rules"
    )
    practice.set_defaults(run=cmd_practice)


def cmd_practice(args: argparse.Namespace, settings: Settings) -> None:
    terminal = Terminal(args.lang)
    try:
        scenarios = load_scenarios(scenarios_directory(settings), strict=True)
    except ScenarioError as error:
        raise CliError(terminal.t("bad_scenarios", problem=error.problems[0])) from None

    async def work(engine):
        voices = Voices(settings)
        try:
            await practise(db.session_factory(engine), scenarios, voices, args, terminal)
        except DomainError as error:
            raise CliError(error.message(terminal.lang)) from None
        finally:
            await voices.aclose()

    asyncio.run(with_engine(settings, work))


@dataclass(frozen=True)
class Conversation:
    """One rep's session and what every turn of it needs."""

    sessions: async_sessionmaker[AsyncSession]
    actor: Actor
    scenarios: ScenarioSet
    voices: Voices
    session_id: int
    customer: str
    """How the customer's lines begin: "客户（财务总监）：" / "Customer (CFO): "."""
    terminal: Terminal


async def practise(sessions, scenarios: ScenarioSet, voices, args, terminal: Terminal) -> None:
    async with sessions() as session:
        actor = await _actor(session, args.login, terminal)
    scenario_id = args.scenario or await choose_scenario(scenarios, terminal)
    async with sessions() as session:
        started = await service.start_practice(
            session,
            actor,
            scenarios,
            voices,
            scenario_id=scenario_id,
            difficulty=args.difficulty,
            mode=PracticeMode(args.mode),
            language=args.lang,
            persona_id=args.persona,
            seed=args.seed,
            engine=args.engine,
        )
        await session.commit()
    row = started.session
    customer = customer_label(scenarios[row.scenario_id], row.persona_id, terminal)
    talk = Conversation(sessions, actor, scenarios, voices, row.id, customer, terminal)
    show_opening(talk, started)
    await converse(talk)


async def _actor(session: AsyncSession, login: str, terminal: Terminal) -> Actor:
    user = await session.scalar(select(User).where(User.login == login))
    if user is None:
        raise CliError(terminal.t("no_user", login=login))
    if not user.active:
        raise CliError(terminal.t("inactive", login=login))
    return await actor_for(session, user)


async def read_line(prompt: str) -> str | None:
    """The next line of stdin, or None at its end or on Ctrl-C. A daemon thread reads it
    (not `asyncio.to_thread`, whose pool thread would keep a Ctrl-C'd process waiting for
    Enter at exit), so the loop stays free while the rep types."""
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str | None] = loop.create_future()

    def settle(value: str | None) -> None:
        if not line.done():
            line.set_result(value)

    def read() -> None:
        try:
            value = input(prompt)
        except (EOFError, UnicodeDecodeError):
            value = None
        loop.call_soon_threadsafe(settle, value)

    threading.Thread(target=read, daemon=True).start()
    try:
        return await line
    except asyncio.CancelledError:  # asyncio.run turns Ctrl-C into this; treat it like /end
        asyncio.current_task().uncancel()
        print(flush=True)
        return None


async def choose_scenario(scenarios: ScenarioSet, terminal: Terminal) -> str:
    terminal.say(terminal.t("scenarios"), "bold")
    listed = list(scenarios)
    for number, scenario in enumerate(listed, 1):
        count = terminal.t("personas", count=len(scenario.personas))
        terminal.say(f"  {number}. {scenario.id}  {scenario.title.get(terminal.lang)}  ({count})")
    while (choice := await read_line(terminal.t("choose"))) is not None:
        choice = choice.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(listed):
            return listed[int(choice) - 1].id
        if choice in scenarios:
            return choice
        if choice:
            terminal.say(terminal.t("no_such_choice", choice=choice))
    raise CliError(terminal.t("nothing_chosen"))


def customer_label(scenario: Scenario, persona_id: str, terminal: Terminal) -> str:
    persona = scenario.persona(persona_id)
    role = "" if persona is None else persona.role.get(terminal.lang)
    return terminal.t("customer_says", role=role)


def show_opening(talk: Conversation, started: service.Started) -> None:
    terminal, row = talk.terminal, started.session
    lang = terminal.lang
    scenario = talk.scenarios[row.scenario_id]
    terminal.say(f"{scenario.title.get(lang)} ({scenario.id} v{scenario.version})", "bold")
    labels = (PracticeMode(row.mode).label(lang), PracticeDifficulty(row.difficulty).label(lang))
    terminal.say(" · ".join((terminal.t("session", id=row.id), *labels)))
    terminal.say(terminal.t("situation") + scenario.situation.get(lang))
    terminal.say(terminal.t("goal") + scenario.goal.get(lang))
    terminal.say(terminal.t("hint"), "dim")
    terminal.say()
    terminal.say(talk.customer + started.opening.customer_line, "cyan")


async def converse(talk: Conversation) -> None:
    """Read, send, show — until the customer or the rep ends the conversation."""
    terminal = talk.terminal
    while True:
        line = await read_line(terminal.t("you"))
        message = None if line is None else line.strip()
        if message is None or message == END:
            await finish(talk)
            return
        if message == HELP:
            terminal.say(terminal.t("help"))
        elif message.startswith("/"):
            terminal.say(terminal.t("unknown_command", command=message.split()[0]))
        elif message:
            replied = await send(talk, message)
            if replied is not None and replied.result is not None:
                show_result(talk.scenarios, replied.session, replied.result, terminal)
                return


async def finish(talk: Conversation) -> None:
    async with talk.sessions() as session:
        finished = await service.finish_practice(
            session, talk.actor, talk.scenarios, session_id=talk.session_id
        )
        await session.commit()
    show_result(talk.scenarios, finished.session, finished.result, talk.terminal)


async def send(talk: Conversation, message: str) -> service.Replied | None:
    """One reply in its own transaction; the customer's answer streams as it comes. A reply
    the service refuses as input (too long) is shown and the rep may try again."""

    async def show_piece(piece: str) -> None:
        print(piece, end="", flush=True)

    print(talk.customer, end="", flush=True)
    try:
        async with talk.sessions() as session:
            replied = await service.respond_in_practice(
                session,
                talk.actor,
                talk.scenarios,
                talk.voices,
                session_id=talk.session_id,
                message=message,
                emit=show_piece,
            )
            await session.commit()
    except InvalidInput as error:
        print(flush=True)
        talk.terminal.say(error.message(talk.terminal.lang), "yellow")
        return None
    print(flush=True)
    if replied.feedback is not None and replied.running is not None:
        scenario = talk.scenarios[replied.session.scenario_id]
        show_feedback(scenario, replied.feedback, replied.running, talk.terminal)
    return replied


def show_feedback(scenario, feedback: TurnFeedback, running: SessionScore, terminal) -> None:
    lang = terminal.lang
    for check in feedback.passed:
        words = check.evidence.text if check.evidence is not None else ""
        terminal.say(terminal.t("passed", question=check.question.get(lang), words=words), "green")
    for check in feedback.missed:
        terminal.say(terminal.t("open", question=check.question.get(lang)))
    if feedback.tip is not None:
        terminal.say(terminal.t("tip", tip=feedback.tip.get(lang)), "yellow")
    titles = {red_line.id: red_line.title.get(lang) for red_line in scenario.red_lines}
    for red_line_id, evidence in feedback.red_lines:
        title = titles.get(red_line_id, red_line_id)
        terminal.say(terminal.t("red_line", title=title, words=evidence.text), "red")
    terminal.say(
        terminal.t("running", score=f"{running.score:g}", pass_mark=running.pass_mark), "dim"
    )


def show_result(scenarios, row: PracticeSession, result: SessionScore | None, terminal) -> None:
    lang = terminal.lang
    terminal.console.rule(Text(terminal.t("result")))
    terminal.say(terminal.t("outcome", outcome=PracticeOutcome(row.outcome).label(lang)))
    if result is None:
        terminal.say(terminal.t("unscored"), "yellow")
        return
    scenario = scenarios[row.scenario_id]
    verdict = terminal.t("pass" if result.passed else "fail")
    score_line = terminal.t(
        "score_line", score=f"{result.score:g}", pass_mark=result.pass_mark, verdict=verdict
    )
    terminal.say(score_line, "bold green" if result.passed else "bold red")
    terminal.console.print(criteria_table(scenario, result, terminal))
    terminal.console.print(capabilities_table(result, terminal))
    if result.blockers:
        terminal.say(terminal.t("blockers"), "bold red")
        titles = {red_line.id: red_line for red_line in scenario.red_lines}
        for blocker in result.blockers:
            red_line = titles.get(blocker.red_line_id)
            title = red_line.title.get(lang) if red_line else blocker.red_line_id
            words = blocker.evidence.text if blocker.evidence is not None else ""
            terminal.say(terminal.t("red_line", title=title, words=words), "red")
            if red_line is not None:
                terminal.say(f"    {red_line.explanation.get(lang)}")
    if result.missed:
        terminal.say(terminal.t("missed"), "bold")
        for missed in result.missed:
            terminal.say(terminal.t("open", question=missed.question.get(lang)))
            if missed.tip is not None:
                terminal.say("  " + terminal.t("tip", tip=missed.tip.get(lang)), "yellow")
            answer = missed.model_answer.get(row.language)
            terminal.say(terminal.t("model_answer", answer=answer))


def criteria_table(scenario, result: SessionScore, terminal: Terminal) -> Table:
    table = Table(*(terminal.t(key) for key in ("criterion", "checks", "score")))
    titles = {criterion.id: criterion.title.get(terminal.lang) for criterion in scenario.criteria}
    for criterion in result.criteria:
        table.add_row(
            Text(titles.get(criterion.criterion_id, criterion.criterion_id)),
            f"{criterion.passed}/{criterion.total}",
            f"{round(100 * criterion.share, 2):g}",
        )
    return table


def capabilities_table(result: SessionScore, terminal: Terminal) -> Table:
    table = Table(terminal.t("capability"), terminal.t("score"))
    for capability in result.capabilities:
        zh, en = CAPABILITIES.get(capability.capability, (capability.capability,) * 2)
        table.add_row(en if terminal.lang == "en" else zh, f"{capability.score:g}")
    return table
