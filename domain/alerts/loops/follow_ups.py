"""Follow-up reads the loops share with the health dashboard: which entries count (those no
correction replaced) and the facts of one follow-up as a task shows them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from domain.pipeline.models import FollowUp


def not_corrected():
    """Follow-ups that no other entry corrects."""
    correction = aliased(FollowUp, name="correction")
    return FollowUp.id.not_in(
        select(correction.corrects_id).where(correction.corrects_id.is_not(None))
    )


def follow_up_facts(follow_up: FollowUp, opportunity: str | None = None) -> dict[str, Any]:
    facts = {
        "id": follow_up.id,
        "type": follow_up.type,
        "occurred_at": follow_up.occurred_at,
        "value_points": list(follow_up.value_points or []),
        "customer_status": follow_up.customer_status,
        "customer_responded": follow_up.customer_responded,
        "customer_initiated": follow_up.customer_initiated,
        "notes": follow_up.notes,
    }
    if opportunity is not None:
        facts["opportunity"] = opportunity
    return facts
