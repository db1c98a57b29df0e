"""GraphQL inputs of leads and routing, and each mutation's payload and error codes."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from api.core.descriptions import describe_payload
from api.core.errors import mutation_types
from api.core.scalars import BigInt
from api.graphql.routing.types import (
    IntakeResult,
    LeadNode,
    RoutingDecisionType,
)
from coaching.routing.errors import RoutingError
from domain.errors import InvalidInput
from domain.kernel.errors import KernelError
from domain.leads.errors import LeadError
from domain.leads.rules import Contact, IntakeItem

INTAKE_CODES = [
    KernelError.REQUIRED,
    LeadError.INVALID_FORMAT,
    LeadError.NEGATIVE,
    LeadError.CONTACT_REQUIRED,
    LeadError.ATTRIBUTE_INVALID,
    KernelError.TOO_LONG,
    LeadError.LEAD_CONFLICT,
]
IntakeLead = mutation_types(
    "IntakeLead",
    "lead",
    LeadNode,
    INTAKE_CODES,
    extra={"decision": RoutingDecisionType, "created": bool},
)
describe_payload(
    IntakeLead,
    decision="Who got the lead (or which queue) and why.",
    created="False when this external id came before with the same content: the first result "
    "is returned and nothing is created.",
)
IntakeLeads = mutation_types(
    "IntakeLeads", "results", list[IntakeResult], [*INTAKE_CODES, RoutingError.BATCH_SIZE]
)
RouteLeadsBatch = mutation_types(
    "RouteLeadsBatch",
    "decisions",
    list[RoutingDecisionType],
    # a queued lead whose opportunity was closed is left in the queue, and the opportunity of
    # one handed over is locked before its version is read: neither CLOSED nor STALE_VERSION
    [RoutingError.BATCH_SIZE],
)


@strawberry.input(description="How to reach the customer; a phone or an e-mail at least.")
class LeadContactInput:
    name: str | None = strawberry.field(default=None, description="The contact's name.")
    phone: str | None = strawberry.field(default=None, description="A phone number.")
    email: str | None = strawberry.field(default=None, description="An e-mail address.")
    company: str | None = strawberry.field(default=None, description="The customer's company.")


@strawberry.input(description="One lead from marketing intake.")
class IntakeLeadInput:
    external_id: str | None = strawberry.field(
        default=None,
        description="Your id of the lead (required): the same id twice returns the first "
        "result and creates nothing; with other content it is LEAD_CONFLICT.",
    )
    source: str = strawberry.field(description="website, douyin, auto_show, referral, …")
    segment: str = strawberry.field(description="e.g. private_buyer, enterprise_fleet, government")
    region: str = strawberry.field(description="The territory code reps cover, e.g. shanghai.")
    product_interests: list[str] = strawberry.field(
        default_factory=list, description="Product codes the customer is interested in."
    )
    signals: list[str] = strawberry.field(
        default_factory=list, description="Behaviour signals, e.g. battery_swap_interest."
    )
    estimated_value: BigInt = strawberry.field(default=0, description="In minor units (fen).")
    contact: LeadContactInput = strawberry.field(
        default_factory=LeadContactInput, description="A phone or an e-mail at least."
    )
    attributes: JSON | None = strawberry.field(
        default=None,
        description="Free-form, an object checked against the intake JSON Schema; null: none.",
    )
    # `JSON! = {}` would be truer, but graphql-core cannot print an object default of a
    # custom scalar in introspection, which GraphiQL and code generators run.

    def item(self) -> IntakeItem:
        attributes = {} if self.attributes is None else self.attributes
        if not isinstance(attributes, dict):
            raise InvalidInput(
                LeadError.ATTRIBUTE_INVALID,
                "属性须为对象",
                "Attributes must be an object",
                "attributes",
            )
        return IntakeItem(
            external_id=self.external_id,
            source=self.source,
            segment=self.segment,
            region=self.region,
            product_interests=tuple(self.product_interests),
            signals=tuple(self.signals),
            estimated_value=self.estimated_value,
            contact=Contact(**vars(self.contact)),
            attributes=attributes,
        )


@strawberry.input(description="Many leads at once, routed together.")
class IntakeLeadsInput:
    leads: list[IntakeLeadInput] = strawberry.field(description="1 to 1,000 leads.")


@strawberry.input(description="Route queued leads together under the reps' capacities.")
class RouteLeadsBatchInput:
    limit: int = strawberry.field(default=1000, description="At most this many queued leads.")
