"""Routing notes in sentences: the weights, territory, estimate, exploration, drift and
term-scale notes, the tie-break, relaxations, and the co-owner with its cover, each read back
from the English record into the reader's language (see `coaching.routing.sentences`).
"""

from __future__ import annotations

import re

from coaching.routing.batch_moment import BATCH_TIE
from coaching.routing.decision import NO_TERRITORY_NOTE
from coaching.routing.explanation import CoOwnerSuggestion
from coaching.routing.sentence_records import (
    CAUSES,
    CO_OWNER_LEVEL,
    COVER_COUNT,
    COVER_USED,
    DRIFT,
    ESTIMATE,
    EXPLORATION_OFF,
    REQUIREMENTS,
    SCALE,
    TIE,
    TIE_LOAD,
    TIE_RECENT,
    Voice,
    dimension_label,
)
from coaching.routing.terms import ALL_ZERO_NOTE
from domain.org.models import RepLevel


class NoteSentences(Voice):
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
        scale = SCALE.match(note)
        if scale is not None:
            base = scale.group("base")
            words = (
                f"转化率得分 =（预计赢单率 + 探索调整）÷（2 × {base}，"
                f"{base} 为同类线索的公司平均赢单率）",
                f"Conversion scored as lift: (estimate + exploration) ÷ (2 × {base}, the "
                "company's rate for such a lead)",
            )
            return self.sentence(self.pick(words))
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
        elif key == BATCH_TIE:
            why = ("本批次整体得分更高的分配", "the batch's best total")
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
