"""The schema: every context's Query and Mutation merged, with the protective extensions."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from api.common import MetaQuery
from api.errors import MaskUnexpectedErrors
from api.org import OrgMutation, OrgQuery
from domain.settings import Settings

Query = merge_types("Query", (OrgQuery, MetaQuery))
Mutation = merge_types("Mutation", (OrgMutation,))


def build_schema(settings: Settings) -> strawberry.Schema:
    extensions = [
        QueryDepthLimiter(max_depth=settings.max_query_depth),
        MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        MaxTokensLimiter(max_token_count=settings.max_tokens),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection())
    if not settings.debug:
        extensions.append(MaskUnexpectedErrors())
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(
            relay_max_results=settings.max_page_size,
            disable_field_suggestions=not settings.introspection,
        ),
    )


def sdl() -> str:
    """The schema in SDL, as committed in schema.graphql."""
    return strawberry.Schema(query=Query, mutation=Mutation).as_str() + "\n"
