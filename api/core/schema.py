"""The schema: every context's Query and Mutation merged, with the protective extensions."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from api.core.descriptions import describe_roots
from api.core.errors import ErrorPolicy
from api.core.execution import PacerExecutionContext, lean_resolvers
from api.core.input_checks import InputChecks
from api.core.limits import DocumentLimits, KnownDocuments
from api.core.read_only import ReadOnlyQueries
from api.core.scalars import SCALARS
from api.graphql.alerts.loops import LoopsMutation, LoopsQuery
from api.graphql.alerts.schema import AlertsMutation, AlertsQuery, AlertsSubscription
from api.graphql.capability.schema import CapabilityMutation, CapabilityQuery
from api.graphql.collaboration.schema import CollaborationMutation, CollaborationQuery
from api.graphql.follow_ups.schema import FollowUpMutation, FollowUpQuery
from api.graphql.forecasts.prediction import PredictionQuery
from api.graphql.forecasts.schema import ForecastMutation, ForecastQuery
from api.graphql.health.schema import HealthQuery
from api.graphql.meta.schema import MetaQuery
from api.graphql.notifications.schema import NotificationsMutation, NotificationsQuery
from api.graphql.org.schema import OrgMutation, OrgQuery
from api.graphql.pipeline.schema import PipelineMutation, PipelineQuery
from api.graphql.planning.schema import PlanningMutation, PlanningQuery
from api.graphql.practice.schema import PracticeMutation, PracticeQuery, PracticeSubscription
from api.graphql.reports.schema import PipelineReportQuery
from api.graphql.reviews.schema import ReviewsMutation, ReviewsQuery
from api.graphql.routing.schema import RoutingMutation, RoutingQuery
from api.graphql.targets.schema import TargetMutation, TargetQuery
from domain.settings import Settings

log = logging.getLogger("pacer.api")

Query = merge_types(
    "Query",
    (
        OrgQuery,
        TargetQuery,
        PlanningQuery,
        CollaborationQuery,
        PipelineQuery,
        FollowUpQuery,
        PipelineReportQuery,
        AlertsQuery,
        LoopsQuery,
        HealthQuery,
        ReviewsQuery,
        ForecastQuery,
        NotificationsQuery,
        PracticeQuery,
        CapabilityQuery,
        RoutingQuery,
        PredictionQuery,
        MetaQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        OrgMutation,
        TargetMutation,
        PlanningMutation,
        CollaborationMutation,
        PipelineMutation,
        FollowUpMutation,
        AlertsMutation,
        LoopsMutation,
        ReviewsMutation,
        ForecastMutation,
        NotificationsMutation,
        PracticeMutation,
        CapabilityMutation,
        RoutingMutation,
    ),
)
Subscription = merge_types("Subscription", (AlertsSubscription, PracticeSubscription))
describe_roots(Query, Mutation, Subscription)


class PacerSchema(strawberry.Schema):
    """Logs errors without tracebacks: ErrorPolicy already logged the unexpected ones with
    theirs; the rest are the caller's mistakes."""

    def process_errors(self, errors: list[GraphQLError], execution_context=None) -> None:
        for error in errors:
            code = (error.extensions or {}).get("code")
            log.info("graphql error %s at %s: %s", code, error.path, error.message)


def build_schema(settings: Settings) -> strawberry.Schema:
    known = KnownDocuments()
    # strawberry's limiters build a class per instance, and an extension is instantiated per
    # request: their rules are built once here instead.
    limit_rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    extensions = [
        lambda: DocumentLimits(settings, known),
        InputChecks,
        ReadOnlyQueries,
        lambda: AddValidationRules(limit_rules),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    extensions.append(lambda: ErrorPolicy(mask=not settings.debug, hints=settings.introspection))
    schema = PacerSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(
            relay_max_results=settings.max_page_size,
            disable_field_suggestions=not settings.introspection,
            scalar_map=SCALARS,
        ),
        execution_context_class=PacerExecutionContext,
    )
    lean_resolvers(schema)
    return schema


def sdl() -> str:
    """The schema in SDL, as committed in schema.graphql."""
    config = StrawberryConfig(scalar_map=SCALARS)
    return (
        strawberry.Schema(
            query=Query, mutation=Mutation, subscription=Subscription, config=config
        ).as_str()
        + "\n"
    )
