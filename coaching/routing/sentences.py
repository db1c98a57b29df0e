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

from collections.abc import Mapping

from coaching.routing.explanation import Decision, Fallback, PassedOver
from coaching.routing.sentence_notes import NoteSentences
from coaching.routing.sentence_records import (
    COVER_COUNT,
    EXCLUDED,
    NO_SLOT,
    NOBODY,
    OWNER_AT_CAPACITY,
    OWNER_STATUS,
    SLA_NOTE,
    STATUSES,
    TERMS,
    TIE,
    RepLabel,
    Reps,
    dimension_label,
)


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
    if decision.uncovered_segment is not None:
        lines.append(say.uncovered(decision.uncovered_segment, decision.rep_id is not None))
    lines.extend(say.passed_over(p) for p in decision.passed_over)
    if decision.passed_over_count > len(decision.passed_over):
        lines.append(say.more_passed_over(decision.passed_over_count - len(decision.passed_over)))
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
    a tie-break, the reps a batch passed over, and the former owner of an SLA note."""
    ids = {decision.rep_id, decision.co_owner.rep_id if decision.co_owner else None}
    ids |= {p.rep_id for p in decision.passed_over}
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


class _Sentences(NoteSentences):
    """The outcome, eligibility, exclusions and batch sentences; the notes are inherited."""

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

    def passed_over(self, passed: PassedOver) -> str:
        """A better-scoring rep the batch passed over, and the lead that took its slot."""
        who = self.who(passed.rep_id)
        lead = passed.lead_id if passed.lead_id is not None else f"#{passed.lead_index + 1}"
        if self.zh:
            return f"{who}本可得分 {passed.total:.3f}，但其名额已被本批次的线索 {lead} 占用"
        return (
            f"{who} would have scored {passed.total:.3f} but was passed over: capacity taken "
            f"by lead {lead} in this batch"
        )

    def uncovered(self, segment: str, assigned: bool) -> str:
        """No eligible rep specialises in the lead's segment (flagged for the managers)."""
        if self.zh:  # the segment is a code: the Chinese sentence names it by its place
            head = "没有符合条件的销售专长于该线索所属的行业"
            return head + ("：线索交给了非专长销售" if assigned else "")
        head = f"No eligible rep specialises in segment {segment}"
        return head + (": the lead went to a non-specialist" if assigned else "")

    def more_passed_over(self, n: int) -> str:
        if self.zh:
            return f"另有 {n} 名得分更高的销售，名额同样已被本批次的其他线索占用"
        reps = "rep" if n == 1 else "reps"
        return f"{n} more {reps} would have scored more, their capacity taken by this batch"


__all__ = ["RepLabel", "Reps", "dimension_label", "explain", "named_reps", "note_reps", "note_text"]
