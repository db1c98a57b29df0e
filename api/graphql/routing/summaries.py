"""A routing decision's summary and note in the reader's language, naming the reps: the
sentences are rendered at read time from the stored explanation (coaching.routing.sentences),
with the names loaded through the request's `display_rep` loader (one statement for all the
decisions of a response)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from strawberry.types import Info

from coaching.routing import sentences
from coaching.routing.explanation import Decision

UNREADABLE = {
    "zh": "该决策的记录无法解读",
    "en": "This decision's record cannot be read",
}


async def rep_labels(info: Info, rep_ids: Iterable[int]) -> dict[int, sentences.RepLabel]:
    """rep_id → its name and external id, for the reps that still exist."""
    ids = sorted(set(rep_ids))
    if not ids:
        return {}
    reps = await info.context.loaders.display_rep.load_many(ids)
    return {
        rep.id: sentences.RepLabel(rep.name, rep.external_id) for rep in reps if rep is not None
    }


async def summary_of(info: Info, explanation: Mapping[str, Any]) -> list[str]:
    """The stored explanation in a few sentences, in the caller's language."""
    language = info.context.language
    try:
        decision = Decision.from_json(explanation)
    except (KeyError, TypeError, ValueError):
        return [UNREADABLE.get(language, UNREADABLE["zh"])]
    reps = await rep_labels(info, sentences.named_reps(decision))
    cover = explanation.get("co_owner_cover")
    return decision.explain(language, reps, cover if isinstance(cover, str) else None)


async def note_of(info: Info, note: str | None) -> str | None:
    """Why a decision was made again (the SLA sweep's note), in the caller's language."""
    if note is None:
        return None
    reps = await rep_labels(info, sentences.note_reps(note))
    return sentences.note_text(note, info.context.language, reps)


async def decision_note(root: Any, info: Info) -> str | None:
    """The resolver of `RoutingDecision.note` (a stored RoutingDecision row is the root)."""
    return await note_of(info, root.note)
