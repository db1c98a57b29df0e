"""GraphQL types of the schema's own metadata: enum display labels."""

from __future__ import annotations

import strawberry


@strawberry.type(description="A display label of one enum value.")
class EnumLabel:
    value: str = strawberry.field(description="The GraphQL enum value, e.g. `SENIOR`.")
    zh: str = strawberry.field(description="Label in zh-CN.")
    en: str = strawberry.field(description="Label in English.")
    label: str = strawberry.field(description="Label in the request's language.")
