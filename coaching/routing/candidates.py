"""A stored lead as the facts routing decides on (the candidates: `coaching.routing.pool`)."""

from __future__ import annotations

from coaching.routing.inputs import LeadFacts
from domain.leads.models import Lead


def facts_of(lead: Lead) -> LeadFacts:
    return LeadFacts(
        segment=lead.segment,
        territory=lead.region,
        source=lead.source,
        product_interests=frozenset(lead.product_interests),
        signals=frozenset(lead.signals),
        estimated_value=lead.estimated_value,
        attributes=lead.attributes,
        lead_id=lead.id,
    )


__all__ = ["facts_of"]
