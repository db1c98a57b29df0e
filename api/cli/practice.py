"""`pacer practice`: a role-play with the simulated customer in the terminal, for a rep
without a front end. The customer's reply streams as it is produced; in `train` mode each
reply is followed by its feedback, in `exam` mode only the customer speaks until the end.
Each reply is its own transaction, as in the GraphQL API; the services decide everything."""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.cli.support import CliError, with_engine
from coaching.engines.scoring import SessionScore
from coaching.practice import service
from coaching.practice.engines import Voices
from coaching.practice.models import PracticeDifficulty, PracticeMode, PracticeOutcome
from coaching.practice.rules import TurnFeedback
from coaching.scenario import ScenarioError, ScenarioSet, load_scenarios, scenarios_directory
from coaching.scenario_model import Scenario
from domain import db
from domain.errors import DomainError, InvalidInput
from domain.kernel.actor import Actor
from domain.org.access import actor_for
from domain.org.models import User
from domain.settings import Settings

END, HELP = "/end", "/help"
TEXTS: dict[str, tuple[str, str]] = {
    "no_user": ("没有登录名为 {login!r} 的在用账号", "No active user with login {login!r}"),
    "bad_scenarios": (
        "{count} 个场景文件问题（见 pacer scenarios check）：{first}",
        "{count} scenario file problem(s) (see pacer scenarios check): {first}",
    ),
    "scenarios": ("可选场景：", "Scenarios:"),
    "personas": ("{count} 个客户角色", "{count} personas"),
    "choose": ("选择场景（编号或 id）：", "Choose a scenario (number or id): "),
    "no_such_choice": ("没有这个场景：{choice}", "No such scenario: {choice}"),
    "nothing_chosen": ("没有选择场景", "No scenario chosen"),
    "session": ("练习 #{id}", "Session #{id}"),
    "persona": ("客户角色：{role}", "Persona: {role}"),
    "situation": ("情境：{text}", "Situation: {text}"),
    "goal": ("目标：{text}", "Goal: {text}"),
    "hint": ("输入回复后按回车；/help 查看命令。", "Type your reply and Enter; /help: commands"),
    "help": (
        "/end   结束练习并查看结果（Ctrl-D、Ctrl-C 同样）\n/help  显示本说明",
        "/end   finish and see the result (so do Ctrl-D and Ctrl-C)\n/help  show this list",
    ),
    "unknown_command": ("未知命令 {command}；见 /help", "Unknown command {command}; see /help"),
    "customer": ("客户：", "Customer: "),
    "you": ("你：", "You: "),
    "passed": ("  ✓ 通过：{question} ——“{words}”", "  ✓ Passed: {question} — “{words}”"),
    "open": ("  ○ 还差：{question}", "  ○ Still open: {question}"),
    "tip": ("  提示：{tip}", "  Tip: {tip}"),
    "red_line": ("  ✗ 红线「{title}」：“{words}”", "  ✗ Red line “{title}”: “{words}”"),
    "running": ("  当前得分 {score} / 及格线 {mark}", "  Score so far {score} / pass mark {mark}"),
    "result": ("结果", "Result"),
    "pass": ("通过", "PASS"),
    "fail": ("未通过", "FAIL"),
    "score_line": (
        "得分 {score}（及格线 {mark}）：{verdict}",
        "Score {score} (pass mark {mark}): {verdict}",
    ),
    "outcome": ("结局：{outcome}", "Outcome: {outcome}"),
    "unscored": ("场景的评分标准已更新，本场不计分。", "The scenario's rubric changed: no score."),
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
    """Prints in the chosen language; rich draws the tables, plainly when stdout is no TTY."""

    def __init__(self, lang: str):
        self.lang = lang
        self.console = Console(highlight=False)

    def t(self, key: str, **values) -> str:
        zh, en = TEXTS[key]
        return (en if self.lang == "en" else zh).format(**values)

    def say(self, text: str = "", style: str = "") -> None:
        # A Text, never a str: the scenario's and the rep's words must not be read as markup.
        # soft_wrap: long lines are left whole for the terminal (or a pipe) to wrap.
        self.console.print(Text(text, style=style), soft_wrap=True)


def register(commands, formatter_class: type[argparse.HelpFormatter]) -> None:
    """Add the `practice` command to the CLI."""
    practice = commands.add_parser(
        "practice",
        help="role-play a scenario with the simulated customer in the terminal",
        description="Practise a scenario as a rep: the customer speaks, you reply. In train\n"
        "mode each reply shows the checks it passed (quoting your words), what is still\n"
        "open, a tip and the score so far; an exam shows only the customer until the end.\n"
        "At the end: score, pass or fail, each criterion and capability, and a model answer\n"
        "for every missed check. While practising: /end (or Ctrl-D, Ctrl-C) finishes, /help.",
        formatter_class=formatter_class,
        epilog="examples:\n  pacer practice --as rep.shanghai.01      (choose from the list)\n"
        "  pacer practice b2b_software_price --as rep.shanghai.01 --lang en --difficulty hard\n"
        "  pacer practice soe_procurement --as rep.shanghai.01 --mode exam",
    )
    practice.add_argument("scenario", nargs="?", metavar="SCENARIO", help="a scenario id")
    practice.add_argument("--as", dest="login", required=True, metavar="LOGIN", help="rep login")
    for flag, choices, default, what in (
        ("--lang", ("zh", "en"), "zh", "language of the session and of every text"),
        ("--difficulty", ("easy", "normal", "hard"), "normal", "how hard the customer is to win"),
        ("--mode", ("train", "exam"), "train", "exam: no feedback until the end"),
        ("--engine", ("rules", "llm"), "rules", "llm needs PACER_LLM_MODEL"),
    ):
        practice.add_argument(flag, choices=choices, default=default, help=f"{what} ({default})")
    practice.add_argument("--persona", help="a persona id of the scenario (default: by the seed)")
    practice.add_argument("--seed", type=int, help="the same seed and replies, the same customer")
    practice.set_defaults(run=cmd_practice)


def cmd_practice(args: argparse.Namespace, settings: Settings) -> None:
    terminal = Terminal(args.lang)
    try:
        scenarios = load_scenarios(scenarios_directory(settings), strict=True)
    except ScenarioError as error:
        problems = error.problems
        raise CliError(
            terminal.t("bad_scenarios", count=len(problems), first=problems[0])
        ) from None

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
    """One rep's session and what each of its turns needs."""

    sessions: async_sessionmaker[AsyncSession]
    actor: Actor
    scenarios: ScenarioSet
    voices: Voices
    session_id: int
    terminal: Terminal


async def practise(sessions, scenarios: ScenarioSet, voices, args, terminal: Terminal) -> None:
    async with sessions() as session:
        user = await session.scalar(select(User).where(User.login == args.login))
        if user is None or not user.active:
            raise CliError(terminal.t("no_user", login=args.login))
        actor = await actor_for(session, user)
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
    talk = Conversation(sessions, actor, scenarios, voices, started.session.id, terminal)
    show_opening(scenarios[started.session.scenario_id], started, terminal)
    await converse(talk)


async def read_line(prompt: str) -> str | None:
    """The next line of stdin; None at its end or on Ctrl-C. A daemon thread reads it, not
    `asyncio.to_thread`: a pool thread still blocked in input() after Ctrl-C would keep the
    process from exiting until Enter."""
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str | None] = loop.create_future()

    def read() -> None:
        try:
            value = input(prompt)
        except (EOFError, UnicodeDecodeError):
            value = None
        loop.call_soon_threadsafe(lambda: line.done() or line.set_result(value))

    threading.Thread(target=read, daemon=True).start()
    try:
        value = await line
    except asyncio.CancelledError:  # how asyncio.run delivers Ctrl-C; it means /end here
        asyncio.current_task().uncancel()
        value = None
    if value is None or not sys.stdin.isatty():
        print("" if value is None else value, flush=True)  # piped input is not echoed
    return value


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


def show_opening(scenario: Scenario, started: service.Started, terminal: Terminal) -> None:
    row, lang = started.session, terminal.lang
    persona = scenario.persona(row.persona_id)
    heading = [
        terminal.t("session", id=row.id),
        PracticeMode(row.mode).label(lang),
        PracticeDifficulty(row.difficulty).label(lang),
        terminal.t("persona", role=persona.role.get(lang) if persona else row.persona_id),
    ]
    terminal.say(f"{scenario.title.get(lang)} ({scenario.id} v{scenario.version})", "bold")
    terminal.say(" · ".join(heading))
    terminal.say(terminal.t("situation", text=scenario.situation.get(lang)))
    terminal.say(terminal.t("goal", text=scenario.goal.get(lang)))
    terminal.say(terminal.t("hint"), "dim")
    terminal.say()
    terminal.say(terminal.t("customer") + started.opening.customer_line, "cyan")


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
    """One reply in its own transaction; the customer's answer is printed as it comes. A
    reply refused as input (too long) is explained and the rep may try again."""

    async def show_piece(piece: str) -> None:
        print(piece, end="", flush=True)

    print(talk.terminal.t("customer"), end="", flush=True)
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


def show_feedback(
    scenario: Scenario, feedback: TurnFeedback, running: SessionScore, terminal: Terminal
) -> None:
    lang = terminal.lang
    for check in feedback.passed:
        words = check.evidence.text if check.evidence is not None else ""
        terminal.say(terminal.t("passed", question=check.question.get(lang), words=words), "green")
    for check in feedback.missed:
        terminal.say(terminal.t("open", question=check.question.get(lang)))
    if feedback.tip is not None:
        terminal.say(terminal.t("tip", tip=feedback.tip.get(lang)), "yellow")
    for red_line_id, evidence in feedback.red_lines:
        show_red_line(scenario, red_line_id, evidence.text, terminal)
    terminal.say(terminal.t("running", score=f"{running.score:g}", mark=running.pass_mark), "dim")


def show_red_line(scenario: Scenario, red_line_id: str, words: str, terminal: Terminal) -> None:
    red_line = next((item for item in scenario.red_lines if item.id == red_line_id), None)
    title = red_line.title.get(terminal.lang) if red_line else red_line_id
    terminal.say(terminal.t("red_line", title=title, words=words), "red")


def show_result(scenarios: ScenarioSet, row, result: SessionScore | None, terminal) -> None:
    lang = terminal.lang
    terminal.console.rule(Text(terminal.t("result")))
    terminal.say(terminal.t("outcome", outcome=PracticeOutcome(row.outcome).label(lang)))
    if result is None:
        terminal.say(terminal.t("unscored"), "yellow")
        return
    scenario = scenarios[row.scenario_id]
    verdict = terminal.t("pass" if result.passed else "fail")
    line = terminal.t(
        "score_line", score=f"{result.score:g}", mark=result.pass_mark, verdict=verdict
    )
    terminal.say(line, "bold green" if result.passed else "bold red")
    terminal.console.print(criteria_table(scenario, result, terminal))
    terminal.console.print(capabilities_table(result, terminal))
    if result.blockers:
        terminal.say(terminal.t("blockers"), "bold red")
    for blocker in result.blockers:
        words = blocker.evidence.text if blocker.evidence is not None else ""
        show_red_line(scenario, blocker.red_line_id, words, terminal)
    show_missed(scenario, result, row.language, terminal)


def show_missed(scenario: Scenario, result: SessionScore, language: str, terminal) -> None:
    """Missed checks by criterion, with the criterion's model answer in the session's language."""
    if result.missed:
        terminal.say(terminal.t("missed"), "bold")
    for criterion in scenario.criteria:
        missed = [item for item in result.missed if item.criterion_id == criterion.id]
        if not missed:
            continue
        terminal.say(f"  {criterion.title.get(terminal.lang)}", "bold")
        for item in missed:
            terminal.say("  " + terminal.t("open", question=item.question.get(terminal.lang)))
            if item.tip is not None:
                terminal.say("    " + terminal.t("tip", tip=item.tip.get(terminal.lang)), "yellow")
        answer = criterion.model_answer.get(language)
        terminal.say(terminal.t("model_answer", answer=answer), "green")


def criteria_table(scenario: Scenario, result: SessionScore, terminal: Terminal) -> Table:
    table = Table(*(terminal.t(key) for key in ("criterion", "checks", "score")))
    titles = {criterion.id: criterion.title.get(terminal.lang) for criterion in scenario.criteria}
    for item in result.criteria:
        title = Text(titles.get(item.criterion_id, item.criterion_id))
        table.add_row(title, f"{item.passed}/{item.total}", f"{round(100 * item.share, 2):g}")
    return table


def capabilities_table(result: SessionScore, terminal: Terminal) -> Table:
    table = Table(terminal.t("capability"), terminal.t("score"))
    for capability in result.capabilities:
        zh, en = CAPABILITIES.get(capability.capability, (capability.capability,) * 2)
        table.add_row(en if terminal.lang == "en" else zh, f"{capability.score:g}")
    return table
