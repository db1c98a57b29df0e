"""The opportunity stages and the table of legal moves between them (data, not `if`s)."""

from __future__ import annotations

from enum import StrEnum

from domain.labels import LabelledEnum, register


@register
class Stage(LabelledEnum):
    LEAD = ("lead", "线索", "Lead")
    CONTACTED = ("contacted", "已联系", "Contacted")
    QUALIFIED = ("qualified", "需求确认", "Qualified")
    PROPOSAL = ("proposal", "方案", "Proposal")
    QUOTED = ("quoted", "已报价", "Quoted")
    NEGOTIATION = ("negotiation", "谈判", "Negotiation")
    WON = ("won", "赢单", "Won")
    LOST = ("lost", "丢单", "Lost")

    @property
    def is_open(self) -> bool:
        return self not in (Stage.WON, Stage.LOST)


OPEN_STAGES = [stage for stage in Stage if stage.is_open]
CLOSED_STAGES = [Stage.WON, Stage.LOST]


class Move(StrEnum):
    CREATE = "create"
    ADVANCE = "advance"
    BACK = "back"
    WIN = "win"
    LOSE = "lose"
    REOPEN = "reopen"


def _legal() -> dict[Move, set[tuple[Stage | None, Stage]]]:
    order = {stage: i for i, stage in enumerate(OPEN_STAGES)}
    return {
        Move.CREATE: {(None, Stage.LEAD)},
        # forward moves; skipping a stage is further limited by the gates' `skippable`
        Move.ADVANCE: {(a, b) for a in OPEN_STAGES for b in OPEN_STAGES if order[b] > order[a]},
        Move.BACK: {(a, b) for a in OPEN_STAGES for b in OPEN_STAGES if order[b] == order[a] - 1},
        Move.WIN: {(Stage.NEGOTIATION, Stage.WON)},
        Move.LOSE: {(stage, Stage.LOST) for stage in OPEN_STAGES},
        Move.REOPEN: {(a, b) for a in CLOSED_STAGES for b in OPEN_STAGES},
    }


LEGAL_MOVES = _legal()


def legal_pairs_sql() -> str:
    """A CHECK expression admitting exactly the legal (from, to) pairs of the table."""
    pairs = sorted(
        {pair for pairs in LEGAL_MOVES.values() for pair in pairs},
        key=lambda p: (p[0] or "", p[1]),
    )
    terms = [
        f"(from_stage IS NULL AND to_stage = '{to.value}')"
        if source is None
        else f"(from_stage = '{source.value}' AND to_stage = '{to.value}')"
        for source, to in pairs
    ]
    return " OR ".join(terms)
