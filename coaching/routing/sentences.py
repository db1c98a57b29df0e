"""A routing decision in sentences, in Chinese ("zh") or English ("en"), rendered when it is
read: the stored explanation keeps numbers, codes and the English record of why (the fallback
reason, the tie-break, the co-owner, the notes); these sentences are built from them in the
reader's language, so that decisions stored before a wording changed read as well as new ones.

Reps are named through `reps` (rep_id → RepLabel, loaded by the caller): "王芳（R001）". A rep
missing there (unit tests, a deleted rep) is "销售 #27" / "rep #27".

A record this module cannot read (written by another version) is left out of the Chinese
sentences rather than shown in English; the English sentences keep it as it was written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from coaching.routing.decision import NO_TERRITORY_NOTE
from coaching.routing.explanation import CoOwnerSuggestion, Decision, Fallback
from coaching.routing.terms import ALL_ZERO_NOTE
from domain.capability.rules import DEFAULT_DIMENSIONS
from domain.org.models import RepLevel


@dataclass(frozen=True)
class RepLabel:
    """How a rep is named in a sentence: the name, and the external id when it differs."""

    name: str
    external_id: str | None = None


Reps = Mapping[int, RepLabel]

TERMS: dict[str, tuple[str, str]] = {
    "specialty": ("专长", "specialty"),
    "capability": ("能力匹配", "capability"),
    "load": ("负载余量", "load"),
    "conversion": ("转化率", "conversion"),
    "fairness": ("公平", "fairness"),
}
# filter → (the reps it excluded, counted; in zh after the number with 名, in en after it)
EXCLUDED: dict[str, tuple[str, str]] = {
    "active": ("已离岗", "inactive"),
    "not_on_leave": ("休假中", "on leave"),
    "territory": ("不负责该区域", "outside the lead's territory"),
    "capacity_left": ("负载已满", "at capacity"),
    "certification": ("缺少所需认证", "without the required certification"),
    "capability_minimum": ("能力低于下限", "below the capability minimum"),
    "excluded": ("因改派不再参与", "left out by the re-route"),
}
# filter → what a relaxation step stops requiring
REQUIREMENTS: dict[str, tuple[str, str]] = {
    "active": ("在职", "being active"),
    "not_on_leave": ("不在休假", "not being on leave"),
    "territory": ("负责该区域", "covering the lead's territory"),
    "capacity_left": ("尚有余量", "having capacity left"),
    "certification": ("所需认证", "the required certification"),
    "capability_minimum": ("能力下限", "the capability minimum"),
}
CAUSES: dict[str, tuple[str, str]] = {
    "requested": ("线索等待已久或已多次改派", "the lead had waited or been re-routed"),
    "nobody_eligible": ("无人符合条件", "nobody was eligible"),
    "batch_capacity": (
        "本批次中符合条件的销售已无名额",
        "the eligible reps had no slot left in this batch",
    ),
}
STATUSES: dict[str, tuple[str, str]] = {
    "on_leave": ("正在休假", "on leave"),
    "inactive": ("已离岗", "inactive"),
    "active": ("在职", "active"),
}

# The English record, as coaching.routing.decision and batch_solver write it.
NOBODY = re.compile(
    r"^nobody eligible after (?P<steps>\d+) relaxation step\(s\)"
    r"(?: \(excluded: .*\)| \((?P<none>no candidates)\))?"
)
NO_SLOT = re.compile(
    r"^no eligible rep had a slot left in this batch after (?P<steps>\d+) relaxation step\(s\)"
)
OWNER_AT_CAPACITY = re.compile(r"^is at capacity \((?P<load>\d+)/(?P<capacity>\d+)\)$")
OWNER_STATUS = re.compile(r"^is (?P<status>\w+)$")
TIE = re.compile(r"^tied with rep (?P<rep>\d+) at (?P<total>[\d.]+); won on (?P<key>.*)$")
TIE_RECENT = re.compile(r"^fewer recent assignments \((?P<a>\d+) < (?P<b>\d+)\)$")
TIE_LOAD = re.compile(r"^a lower load \((?P<a>\d+/\d+) < (?P<b>\d+/\d+)\)$")
CO_OWNER_LEVEL = re.compile(r"(?:no eligible (?P<none>\w+) rep|: (?P<some>\w+) rep \d+)")
COVER_USED = re.compile(r"^the owner's (?P<limit>\d+) co-owned leads for (?P<dimension>\S+)")
ESTIMATE = re.compile(
    r"^win estimate (?P<mean>[\d.]+) ± (?P<sd>[\d.]+) = (?P<factors>.*?)"
    r"(?:; exploration (?P<bonus>[+-][\d.]+))?$"
)
EXPLORATION_OFF = {
    "exploration off": ("本次未做探索", "no exploration this time"),
    "exploration off (high-potential lead)": (
        "高潜线索不做探索",
        "no exploration: a high-potential lead",
    ),
    "exploration off (no outcomes yet)": (
        "还没有成交记录，不做探索",
        "no exploration: no outcomes on record yet",
    ),
}
DRIFT = re.compile(
    r"^rep (?P<rep>\d+): results of the last (?P<weeks>\d+) week\(s\) below the estimate: "
    r"(?P<won>[\d.]+) won of (?P<closed>[\d.]+) closed against (?P<expected>[\d.]+) expected "
    r"\(z (?P<z>-?[\d.]+)\); the estimate is scaled by (?P<factor>[\d.]+)$"
)
COVER_COUNT = re.compile(r"^co-owned lead (?P<n>\d+) of (?P<limit>\d+) for (?P<dimension>\S+)$")
SLA_NOTE = re.compile(r"^not contacted within (?P<hours>[\d.]+) h by rep (?P<rep>\d+|None)$")


def explain(
    decision: Decision,
    language: str = "en",
    reps: Reps | None = None,
    cover: str | None = None,
) -> list[str]:
    """The decision in a few sentences; `cover` is the co-owner cover note stored beside the
    explanation once the decision was applied ("co-owned lead 2 of 3 for …")."""
    say = _Sentences(language == "zh", reps or {})
    lines: list[str] = []
    if decision.outcome == "fallback_queue":
        lines.append(say.queued(decision))
    else:
        lines.append(say.assigned(decision))
        if decision.outcome == "fallback_owner" and decision.fallback is not None:
            lines.append(say.sentence(say.fallback_reason(decision.fallback, decision)))
    lines.append(say.eligible(decision.eligible_count, decision.candidate_count))
    if decision.exclusions.counts:
        lines.append(say.excluded(decision.exclusions.counts))
    for note in (*decision.notes, decision.weights_note, decision.tie_break):
        if note:
            lines.append(say.note(note))
    for relaxation in decision.relaxations:
        lines.append(
            say.relaxation(
                relaxation.step, relaxation.drop, relaxation.cause, relaxation.eligible_after
            )
        )
    if decision.co_owner:
        lines.append(say.co_owner(decision.co_owner, cover))
        if cover and COVER_COUNT.match(cover):
            lines.append(say.cover(cover))
    return [line for line in lines if line]


def named_reps(decision: Decision, note: str | None = None) -> set[int]:
    """The reps the sentences name, for the caller to load: owner, co-owner, the runner-up of
    a tie-break, and the former owner of an SLA note."""
    ids = {decision.rep_id, decision.co_owner.rep_id if decision.co_owner else None}
    tie = TIE.match(decision.tie_break or "")
    if tie:
        ids.add(int(tie.group("rep")))
    return {rep for rep in ids if rep is not None} | note_reps(note)


def note_reps(note: str | None) -> set[int]:
    found = SLA_NOTE.match(note or "")
    return {int(found.group("rep"))} if found and found.group("rep") != "None" else set()


def note_text(note: str | None, language: str = "en", reps: Reps | None = None) -> str | None:
    """A routing decision's note (why it was made again) in the reader's language."""
    if note is None:
        return None
    say = _Sentences(language == "zh", reps or {})
    found = SLA_NOTE.match(note)
    if found is None:
        return "另有说明（仅有英文记录）" if say.zh else note
    hours = found.group("hours")
    rep = found.group("rep")
    who = say.who(int(rep)) if rep != "None" else ("原负责人" if say.zh else "the owner")
    if say.zh:
        return f"{who}未在 {hours} 小时内联系客户，线索已改派"
    return f"Not contacted within {hours} h by {who}: routed again"


def dimension_label(dimension: str, zh: bool) -> str:
    labels = DEFAULT_DIMENSIONS.get(dimension)
    if labels is None:
        return dimension
    return f"「{labels[0]}」" if zh else labels[1].lower()


class _Sentences:
    def __init__(self, zh: bool, reps: Reps):
        self.zh = zh
        self.reps = reps

    def pick(self, pair: tuple[str, str]) -> str:
        return pair[0] if self.zh else pair[1]

    def sentence(self, text: str) -> str:
        """An English clause as a sentence (capitalised); Chinese as it is."""
        return text if self.zh or not text else text[0].upper() + text[1:]

    def who(
        self, rep_id: int, detail: str | None = None, role: tuple[str, str] | None = None
    ) -> str:
        """ "王芳（R001）" / "Wang Fang (R001)", after its `role` ("资深销售王芳" / "senior rep
        Wang Fang"); `detail` joins the parentheses. A rep without a label: "销售 #27"."""
        label = self.reps.get(rep_id)
        role_words = self.pick(role) if role else ""
        if label is None:
            noun = role_words or ("销售" if self.zh else "rep")
            head, extra = f"{noun} #{rep_id}", []
        else:
            gap = "" if self.zh or not role_words else " "
            head = f"{role_words}{gap}{label.name}"
            same = label.external_id is None or label.external_id == label.name
            extra = [] if same else [str(label.external_id)]
        extra += [detail] if detail else []
        if not extra:
            return head
        return f"{head}（{'，'.join(extra)}）" if self.zh else f"{head} ({', '.join(extra)})"

    # --- the outcome -----------------------------------------------------------------------

    def assigned(self, decision: Decision) -> str:
        assert decision.rep_id is not None
        who = self.who(decision.rep_id)
        parts = " + ".join(
            f"{self.pick(TERMS.get(t.term, (t.term, t.term)))} {t.value:.2f}×{t.weight:.2f}"
            for t in decision.terms
        )
        total = f"{decision.total or 0:.3f}"
        if decision.outcome == "fallback_owner":
            owner = self.who(decision.rep_id, role=("兜底负责人", "the fallback owner"))
            if self.zh:
                return f"分配给{owner}：得分 {total} = {parts}"
            return f"Assigned to {owner}: score {total} = {parts}"
        if self.zh:
            return f"分配给{who}：得分 {total} = {parts}"
        return f"Assigned to {who}: score {total} = {parts}"

    def queued(self, decision: Decision) -> str:
        reason = (
            self.fallback_reason(decision.fallback, decision)
            if decision.fallback is not None
            else ""
        )
        if self.zh:
            return (
                f"进入队列 {decision.queue}：{reason}" if reason else f"进入队列 {decision.queue}"
            )
        return (
            f"Sent to queue {decision.queue}: {reason}"
            if reason
            else (f"Sent to queue {decision.queue}")
        )

    def fallback_reason(self, fallback: Fallback, decision: Decision) -> str:
        """Why nobody was chosen by score, and what became of the fallback owner."""
        record = fallback.reason
        nobody, no_slot = NOBODY.match(record), NO_SLOT.match(record)
        if nobody is not None:
            steps = int(nobody.group("steps"))
            if nobody.group("none"):
                why = "没有任何候选销售" if self.zh else "there were no candidates"
            elif self.zh:
                why = f"放宽 {steps} 步后仍无人符合条件" if steps else "无人符合条件"
            else:
                why = "nobody was eligible" + (
                    f" after {steps} relaxation step{'s' if steps != 1 else ''}" if steps else ""
                )
        elif no_slot is not None:
            steps = int(no_slot.group("steps"))
            if self.zh:
                why = "本批次中符合条件的销售已无名额" + (f"（已放宽 {steps} 步）" if steps else "")
            else:
                why = "no eligible rep had a slot left in this batch" + (
                    f" (after {steps} relaxation step{'s' if steps != 1 else ''})" if steps else ""
                )
        elif self.zh:
            why = "无人符合条件" if decision.eligible_count == 0 else "未能按得分分配"
        else:
            return record
        owner = fallback.owner_external_id
        prefix = f"; the fallback owner {owner!r} "
        if owner is not None and prefix in record:
            problem = record.split(prefix, 1)[1]
            why += ("；" if self.zh else "; ") + self.owner_problem(owner, problem)
        elif decision.outcome == "fallback_owner":
            why += "，由兜底负责人接手" if self.zh else ", so the fallback owner took it"
        return why

    def owner_problem(self, owner: str, problem: str) -> str:
        """Why the policy's fallback owner could not take the lead either."""
        at_capacity, status = OWNER_AT_CAPACITY.match(problem), OWNER_STATUS.match(problem)
        if problem == "is not among the candidates":
            words = ("不在候选名单中", "is not among the candidates")
        elif problem == "is excluded from this routing":
            words = ("本次被排除在外", "is left out of this routing")
        elif problem == "has no slot left":
            words = ("在本批次中已无名额", "has no slot left in this batch")
        elif at_capacity is not None:
            load = f"{at_capacity.group('load')}/{at_capacity.group('capacity')}"
            words = (f"负载已满（{load}）", f"is at capacity ({load})")
        elif status is not None and status.group("status") in STATUSES:
            state = STATUSES[status.group("status")]
            words = (state[0], f"is {state[1]}")
        else:
            words = ("也无法接手", problem)
        if self.zh:
            return f"兜底负责人 {owner} {words[0]}"
        return f"the fallback owner {owner} {words[1]}"

    def eligible(self, eligible: int, candidates: int) -> str:
        if candidates == 0:
            return "没有候选销售" if self.zh else "There were no candidates"
        if self.zh:
            return f"{candidates} 名候选人中 {eligible} 名符合条件"
        if candidates == 1:
            return f"{eligible} of 1 candidate was eligible"
        return f"{eligible} of {candidates} candidates were eligible"

    def excluded(self, counts: Mapping[str, int]) -> str:
        if self.zh:
            parts = "，".join(
                f"{EXCLUDED.get(name, (name, name))[0]} {n} 名" for name, n in counts.items()
            )
            return f"排除：{parts}"
        parts = ", ".join(
            f"{n} {EXCLUDED.get(name, (name, name))[1]}" for name, n in counts.items()
        )
        return f"Excluded: {parts}"

    # --- notes -----------------------------------------------------------------------------

    def note(self, note: str) -> str:
        if note == ALL_ZERO_NOTE:
            words = (
                "策略中的权重全为 0：只按公平性（近期分配数）排序",
                "every weight in the policy is zero: the reps were ranked by fairness alone",
            )
            return self.sentence(self.pick(words))
        if note == NO_TERRITORY_NOTE:
            words = (
                "线索没有区域信息：未按区域筛选",
                "the lead has no territory: the territory filter was not applied",
            )
            return self.sentence(self.pick(words))
        tie = TIE.match(note)
        if tie is not None:
            return self.tie_break(int(tie.group("rep")), tie.group("total"), tie.group("key"))
        estimate = ESTIMATE.match(note)
        if estimate is not None:
            return self.sentence(self.estimate(estimate))
        if note in EXPLORATION_OFF:
            return self.sentence(self.pick(EXPLORATION_OFF[note]))
        drift = DRIFT.match(note)
        if drift is not None:
            return self.sentence(self.drift(drift))
        return "" if self.zh else self.sentence(note)

    def estimate(self, found: re.Match) -> str:
        mean, sd, bonus = found.group("mean"), found.group("sd"), found.group("bonus")
        if self.zh:
            line = f"预计赢单率 {mean} ± {sd}（公司、行业、来源、团队与个人战绩逐级收缩估算）"
            return line + (f"，探索调整 {bonus}" if bonus else "")
        line = f"Estimated win rate {mean} ± {sd} ({found.group('factors')})"
        return line + (f"; exploration {bonus}" if bonus else "")

    def drift(self, found: re.Match) -> str:
        who = self.who(int(found.group("rep")))
        weeks, won, closed = found.group("weeks"), found.group("won"), found.group("closed")
        expected, factor = found.group("expected"), found.group("factor")
        if self.zh:
            return (
                f"{who}近 {weeks} 周成交低于预期：{closed} 单中赢 {won} 单，"
                f"预期约 {expected} 单，估算乘以 {factor}"
            )
        return (
            f"{who}'s last {weeks} week(s) fell below the estimate: {won} won of {closed} "
            f"closed against {expected} expected; the estimate is scaled by {factor}"
        )

    def tie_break(self, runner: int, total: str, key: str) -> str:
        other = self.who(runner)
        recent, load = TIE_RECENT.match(key), TIE_LOAD.match(key)
        if recent is not None:
            a, b = recent.group("a"), recent.group("b")
            why = (f"近期分配更少（{a} < {b}）", f"fewer recent assignments ({a} < {b})")
        elif load is not None:
            a, b = load.group("a"), load.group("b")
            why = (f"当前负载更低（{a} < {b}）", f"a lower load ({a} < {b})")
        elif key == "the lower rep id":
            why = ("内部编号更小", "the lower rep id")
        else:
            why = ("既定的同分规则", key)
        if self.zh:
            return f"与{other}同分（{total}），因{why[0]}胜出"
        return f"Tied with {other} at {total}; won on {why[1]}"

    def relaxation(self, step: int, drop: str, cause: str, eligible_after: int) -> str:
        requirement = self.pick(REQUIREMENTS.get(drop, (drop, drop)))
        because = self.pick(CAUSES.get(cause, (cause, cause)))
        if self.zh:
            return (
                f"放宽第 {step + 1} 步：因{because}，不再要求{requirement}，"
                f"放宽后 {eligible_after} 名符合条件"
            )
        return (
            f"Relaxation step {step + 1}: dropped {requirement} because {because}; "
            f"{eligible_after} eligible after it"
        )

    # --- the co-owner ----------------------------------------------------------------------

    def co_owner(self, co: CoOwnerSuggestion, cover: str | None) -> str:
        level_match = CO_OWNER_LEVEL.search(co.reason)
        level_code = (
            (level_match.group("none") or level_match.group("some")) if level_match else "senior"
        )
        try:
            level = RepLevel(level_code)
            level_words = (level.label_zh, level.label_en.lower())
        except ValueError:
            level_words = (level_code, level_code)
        role = (f"{level_words[0]}销售", f"{level_words[1]} rep")
        dimension = dimension_label(co.dimension, self.zh)
        gap = (
            f"负责人在{dimension}上得分 {co.winner_score:g}，低于 {co.threshold:g}"
            if self.zh
            else f"The owner scores {co.winner_score:g} in {dimension}, below {co.threshold:g}"
        )
        used = COVER_USED.match(cover or "")
        if co.rep_id is None:
            if self.zh:
                return (
                    f"{gap}，但没有符合条件且有余量的{level_words[0]}销售在该项达到 "
                    f"{co.minimum:g} 分"
                )
            return (
                f"{gap}, and no eligible {level_words[1]} rep with capacity left scores "
                f"{co.minimum:g} or more there"
            )
        score = f"{co.score:g}" if co.score is not None else "?"
        who = self.who(co.rep_id, f"该项 {score} 分" if self.zh else f"{score} there", role)
        if used is not None:
            limit = used.group("limit")
            if self.zh:
                return (
                    f"{gap}；本可由{who}共同跟进，但该负责人在此项上的 {limit} 条共同跟进"
                    "额度已用完，本条线索由其独自跟进"
                )
            return (
                f"{gap}; {who} would co-own it, but the owner's {limit} co-owned leads for it "
                "are used up: they work this lead alone"
            )
        if self.zh:
            return f"{gap}：由{who}共同跟进"
        return f"{gap}: {who} co-owns the lead"

    def cover(self, cover: str) -> str:
        found = COVER_COUNT.match(cover)
        assert found is not None
        n, limit = found.group("n"), found.group("limit")
        dimension = dimension_label(found.group("dimension"), self.zh)
        if self.zh:
            return f"这是负责人在{dimension}上由他人共同跟进的第 {n} 条线索（共 {limit} 条）"
        return f"Co-owned lead {n} of {limit} for {dimension}"
