"""What the simulated customer answers when the rep asks for a fact (budget, seats, timeline …).

`fact_answer(scenario, persona_id, message, ok)` finds the topics the rep's `message` asks
about — a question (?, 吗, 多少, 几, what, how many …) holding one of the topic's cues, in either
language — and returns the persona's answers (`personas[].facts` of the scenario file), in
the persona's order. A persona that lists facts but none for a topic asked says it cannot
tell yet (`NO_FACT`): it never makes one up. A persona without any facts (older files) falls
back to a line of its own or of the objections that names the fact with a number.

The cues are phrases of the judge's pattern language (`coaching.engines.text`): whole English
words in any inflection, numbers by value; a fact's `asked_by` phrases add to its topic's.
"""

from __future__ import annotations

import re
from functools import lru_cache

from coaching.engines.customer_lines import Sayable, join
from coaching.engines.text import compile_phrase, normalise
from coaching.scenario_model import Fact, Persona, Phrases, Scenario, Text

__all__ = ["NO_FACT", "TOPIC_CUES", "asked_topics", "fact_answer"]

TOPIC_CUES: dict[str, Phrases] = {
    "budget": Phrases(
        zh=(
            "预算",
            "经费",
            "花多少",
            "投入多少",
            "打算花",
            "准备花",
            "能花",
            "心理价位",
            "费用上限",
        ),
        en=(
            "budget",
            "set aside",
            "how much … spend",
            "how much … invest",
            "price range",
            "spending limit",
            "allocated",
            "earmarked",
        ),
    ),
    "seats": Phrases(
        zh=(
            "多少个账号",
            "几个账号",
            "多少账号",
            "账号数",
            "多少人用",
            "几个人用",
            "多少人",
            "几个人",
            "人数",
            "坐席",
            "座席",
            "席位",
            "多少用户",
            "几个用户",
            "用户数",
            "多少个许可",
            "团队规模",
            "多大的团队",
        ),
        en=(
            "how many seats",
            "how many users",
            "how many people",
            "how many agents",
            "how many licenses",
            "how many licences",
            "how many accounts",
            "how many staff",
            "how many employees",
            "headcount",
            "seat count",
            "user count",
            "team size",
            "how big … team",
            "how large … team",
            "number of seats",
            "number of users",
            "number of agents",
            "seats",
        ),
    ),
    "timeline": Phrases(
        zh=(
            "什么时候",
            "何时",
            "多久",
            "多长时间",
            "时间表",
            "时间节点",
            "上线时间",
            "截止",
            "哪天",
            "几月",
            "几号",
            "最晚",
            "最迟",
            "来得及",
        ),
        en=(
            "when",
            "how soon",
            "timeline",
            "timeframe",
            "time frame",
            "deadline",
            "by what date",
            "how long",
            "go live",
            "go-live",
            "schedule",
            "by when",
            "what date",
        ),
    ),
    "volume": Phrases(
        zh=(
            "用量",
            "采购量",
            "需求量",
            "数量",
            "多少吨",
            "多少套",
            "多少台",
            "多少件",
            "量有多大",
            "多大量",
        ),
        en=(
            "how many units",
            "how much … use",
            "how much … need",
            "volume",
            "quantity",
            "how many tons",
            "how many tonnes",
            "how many sets",
            "how many pieces",
            "how many machines",
        ),
    ),
    "decision": Phrases(
        zh=(
            "谁拍板",
            "谁决定",
            "谁审批",
            "谁签字",
            "谁说了算",
            "谁负责",
            "决策",
            "审批流程",
            "哪些人参与",
            "还有谁",
        ),
        en=(
            "who decides",
            "who makes the decision",
            "who signs",
            "sign off",
            "sign-off",
            "who approves",
            "decision maker",
            "decision-maker",
            "approval process",
            "who is in charge",
            "who else",
            "who has the final say",
        ),
    ),
    "current_solution": Phrases(
        zh=(
            "现在用的",
            "目前用的",
            "现在用什么",
            "在用什么",
            "现在怎么",
            "目前怎么",
            "现有的",
            "现在的供应商",
            "现在的系统",
            "用的哪家",
        ),
        en=(
            "what do you use",
            "currently use",
            "using now",
            "using today",
            "current system",
            "current solution",
            "current supplier",
            "current vendor",
            "what are you using",
            "existing system",
            "existing supplier",
        ),
    ),
}
"""Built-in cues of the topics of `scenario_model.FACT_TOPICS`, both languages."""

NO_FACT = Text(
    zh="这个我现在还给不了准话，得回去确认一下。",
    en="I can't give you a firm answer on that yet; I'd have to check.",
)
"""Said when the rep asks about a topic the persona lists no fact for."""

_QUESTION = re.compile(
    r"[?？]|吗|多少|几个|几位|几台|几套|什么|哪|谁|请问|说说|讲讲|介绍一下|告诉我|方便透露|了解一下"
    r"|\b(?:how|what|when|which|who|whom|could you|can you|would you|do you|tell me|share"
    r"|walk me)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=512)
def _cue_patterns(phrases: Phrases) -> tuple[re.Pattern[str], ...]:
    compiled = (compile_phrase(phrase)[0] for phrase in (*phrases.zh, *phrases.en))
    return tuple(re.compile(pattern) for pattern in compiled if pattern)


def _asks(text: str, phrases: Phrases | None) -> bool:
    return phrases is not None and any(p.search(text) for p in _cue_patterns(phrases))


def asked_topics(message: str, facts: tuple[Fact, ...] = ()) -> list[str]:
    """The topics `message` asks about, built-in ones first (in FACT_TOPICS order), then the
    persona's own (`asked_by`); empty when the message asks nothing."""
    if not message or not _QUESTION.search(message):
        return []
    text = normalise(message).text
    topics = [topic for topic, cues in TOPIC_CUES.items() if _asks(text, cues)]
    topics += [
        fact.topic for fact in facts if fact.topic not in topics and _asks(text, fact.asked_by)
    ]
    return topics


def fact_answer(scenario: Scenario, persona_id: str, message: str, ok: Sayable) -> Text | None:
    """The customer's answer to what `message` asks, or None when it asks no known topic."""
    persona = scenario.persona(persona_id)
    if persona is None:
        return None
    topics = asked_topics(message, persona.facts)
    if not topics:
        return None
    if not persona.facts:
        return _line_naming(scenario, persona, topics, ok)
    answers = [fact.answer for topic in topics if (fact := persona.fact(topic)) is not None]
    if not answers:
        return NO_FACT
    line = answers[0]
    for answer in answers[1:]:
        line = join(line, answer)
    return line


_LINE_FACTS = {
    "budget": (re.compile(r"预算.*\d|\d.*预算"), re.compile(r"budget.*\d|\d.*budget", re.I)),
    "seats": (
        re.compile(r"\d+\s*(?:个)?(?:坐席|座席|席位|账号|人)"),
        re.compile(r"\d+\s*(?:seats|agents|people|users)", re.I),
    ),
    "timeline": (
        re.compile(r"\d+\s*(?:天|周|个月|月)"),
        re.compile(r"\d+\s*(?:days|weeks|months)", re.I),
    ),
}


def _line_naming(
    scenario: Scenario, persona: Persona, topics: list[str], ok: Sayable
) -> Text | None:
    """For a persona without facts: a line of its own or of an objection that names the
    first topic asked with a number, in both languages."""
    lines = [
        *persona.opening_lines,
        *(line for o in scenario.objections for line in (*o.phrasings, *o.pushbacks)),
    ]
    for topic in topics:
        if topic not in _LINE_FACTS:
            continue
        zh_fact, en_fact = _LINE_FACTS[topic]
        for line in lines:
            if zh_fact.search(line.zh) and en_fact.search(line.en) and ok(line):
                return line
    return None
