"""What a lead asks of its owner, derived from its facts by the policy's conditions."""

from __future__ import annotations

from dataclasses import dataclass

from coaching.routing.inputs import DIMENSIONS, LeadFacts
from coaching.routing.policy import Condition, Policy


def matches(condition: Condition, lead: LeadFacts, *, high_potential: bool = False) -> bool:
    """Every criterion the condition sets holds for the lead (an empty condition matches)."""
    c = condition
    if c.segment_in is not None and lead.segment not in c.segment_in:
        return False
    if c.source_in is not None and lead.source not in c.source_in:
        return False
    if c.territory_in is not None and lead.territory not in c.territory_in:
        return False
    if c.signal_any is not None and not (c.signal_any & lead.signals):
        return False
    if c.product_interest_any is not None and not (c.product_interest_any & lead.product_interests):
        return False
    if c.has_product_interest is not None and c.has_product_interest != bool(
        lead.product_interests
    ):
        return False
    if c.estimated_value_at_least is not None and (
        lead.estimated_value is None or lead.estimated_value < c.estimated_value_at_least
    ):
        return False
    if c.attribute_equals is not None and any(
        key not in lead.attributes or lead.attributes[key] != value
        for key, value in c.attribute_equals
    ):
        return False
    return c.high_potential is None or c.high_potential == high_potential


def is_high_potential(lead: LeadFacts, policy: Policy) -> bool:
    return any(matches(condition, lead) for condition in policy.high_potential)


def lead_needs(lead: LeadFacts, policy: Policy) -> tuple[str, ...]:
    """The capability dimensions the lead needs, in DIMENSIONS order."""
    high = is_high_potential(lead, policy)
    wanted = {
        rule.dimension for rule in policy.needs if matches(rule.when, lead, high_potential=high)
    }
    return tuple(dimension for dimension in DIMENSIONS if dimension in wanted)


def required_flags(lead: LeadFacts, policy: Policy) -> tuple[str, ...]:
    """The certification flags the lead's owner must hold (sorted)."""
    high = is_high_potential(lead, policy)
    return tuple(
        sorted(
            {
                rule.flag
                for rule in policy.filters
                if rule.field == "certification"
                and rule.flag is not None
                and (rule.when is None or matches(rule.when, lead, high_potential=high))
            }
        )
    )


@dataclass(frozen=True)
class LeadProfile:
    """Everything the filters and terms read of a lead: leads with the same profile get the
    same eligibility and scores, which lets the batch solver work per profile."""

    segment: str
    source: str
    territory: str | None
    needs: tuple[str, ...]
    flags: tuple[str, ...]
    high_potential: bool


def profile_of(lead: LeadFacts, policy: Policy) -> LeadProfile:
    return LeadProfile(
        segment=lead.segment,
        source=lead.source,
        territory=lead.territory,
        needs=lead_needs(lead, policy),
        flags=required_flags(lead, policy),
        high_potential=is_high_potential(lead, policy),
    )


def relaxation_level_for(policy: Policy, *, waited_minutes: float, attempts: int) -> int:
    """How many relaxation steps are due for a lead that has waited `waited_minutes` since intake
    and been routed `attempts` times (for the SLA sweep): the steps apply in order, so this counts
    the leading steps whose `after_minutes` or `after_attempts` has been reached."""
    level = 0
    for step in policy.relaxation:
        due = (step.after_minutes is not None and waited_minutes >= step.after_minutes) or (
            step.after_attempts is not None and attempts >= step.after_attempts
        )
        if not due:
            break
        level += 1
    return level
