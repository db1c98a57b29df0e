"""Field execution without per-field ceremony where graphql-core's would change nothing.

Whole selection sets first: where every field of one can be read directly (attributes, ids,
relations already loaded), `execution_plans` answers it in one pass. Otherwise field by field:

A page of 100 opportunities resolves ~1,200 fields; most are plain attributes of a row
(`title`, `amount`, `stage`) or its Relay `id`. For those, graphql-core builds a resolve
info, calls strawberry's resolver wrapper, checks for awaitables and walks `complete_value`
for each one. `PacerExecutionContext` answers them directly: the attribute, coerced by the
field's scalar or enum, exactly what the general path returns. Anything else, and any value
the shortcut is not sure of (null, an exception, an awaitable, a failed coercion), goes
through graphql-core unchanged, so errors, null propagation and their paths stay its own.

Fields with a resolver that takes only the parent and `info` (the relations, e.g.
`Opportunity.owner`) keep graphql-core's path but skip strawberry's argument conversion:
`lean_resolvers` gives them a resolver that calls the method straight away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from weakref import WeakKeyDictionary

from graphql import (
    ExecutionResult,
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    OperationType,
)
from graphql.pyutils import Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

from api.core.execution_plans import (
    DEFINITION,
    PLAIN,
    UNSURE,
    PlanInfo,
    Planner,
    node_id_attribute,
    store_of,
)
from api.core.execution_plans import unsure as _unsure

# A shortcut answers a field from its parent, or returns None to send it the general way.
Shortcut = Callable[[Any], Any]

_shortcuts: WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], Shortcut | None]] = (
    WeakKeyDictionary()
)


def _leaf_type(field: GraphQLField) -> GraphQLScalarType | GraphQLEnumType | None:
    kind = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    return kind if isinstance(kind, GraphQLScalarType | GraphQLEnumType) else None


def _attribute(name: str, leaf: GraphQLScalarType | GraphQLEnumType) -> Shortcut:
    coerce = leaf.coerce_output_value

    def answer(parent: Any) -> Any:
        value = getattr(parent, name)
        if value is None or (type(value) not in PLAIN and _unsure(value)):
            return None
        coerced = coerce(value)
        return None if coerced is Undefined else coerced

    return answer


def _shortcut(parent_type: GraphQLObjectType, field: GraphQLField) -> Shortcut | None:
    definition = field.extensions.get(DEFINITION)
    if not isinstance(definition, StrawberryField) or definition.extensions:
        return None
    leaf = _leaf_type(field)
    if getattr(field.resolve, "_is_default", False):  # strawberry's plain attribute field
        return None if leaf is None else _attribute(definition.python_name, leaf)
    return node_id_attribute(parent_type, definition, leaf)


def shortcuts_of(schema: GraphQLSchema) -> dict[tuple[str, str], Shortcut | None]:
    """(type name, field name) → the field's shortcut or None, filled as fields are met."""
    known = _shortcuts.get(schema)
    if known is None:
        known = _shortcuts[schema] = {}
    return known


def shortcut_for(
    schema: GraphQLSchema, parent_type: GraphQLObjectType, name: str
) -> Shortcut | None:
    known = shortcuts_of(schema)
    key = (parent_type.name, name)
    if key not in known:
        field = parent_type.fields.get(name)
        known[key] = None if field is None or field.args else _shortcut(parent_type, field)
    return known[key]


_UNKNOWN: Any = object()
ONE_RESPONSE = (OperationType.QUERY, OperationType.MUTATION)
"""Operations whose executor is done once its response is built (a subscription's makes
one per event from itself)."""


class PacerExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # With a middleware resolving fields, every field goes the general way.
        self._shortcuts_on = not getattr(self.middleware_manager, "middlewares", None)
        self._known = shortcuts_of(self.schema)
        self._plan_info = PlanInfo(self.context_value)
        self._planner = Planner(
            self.collect_subfields, store_of(self.schema).plans_of(self.operation, self.fragments)
        )

    def build_response(self, data):
        response = super().build_response(data)
        if isinstance(response, ExecutionResult) and self.operation.operation in ONE_RESPONSE:
            self.release()
        return response

    def release(self) -> None:
        """Drops what refers back to this executor (graphql-core's async helpers and the
        planner hold its bound methods), so that once answered, the execution and all it
        holds (the context, its session, every row loaded) are freed by reference counting,
        not by a pass of the cyclic collector that stalls the whole worker."""
        self.async_helpers = None  # type: ignore[assignment]
        self._planner = None  # type: ignore[assignment]

    def execute_collected_subfields(
        self, parent_type, source_value, path, grouped_field_set, new_defer_usages, position_context
    ):
        if self._shortcuts_on and not new_defer_usages and self._planner is not None:
            plan = self._planner.plan(parent_type, grouped_field_set)
            if plan is not None:
                answer = plan.run(source_value, self._plan_info)
                if answer is not UNSURE:
                    return answer
        return super().execute_collected_subfields(
            parent_type, source_value, path, grouped_field_set, new_defer_usages, position_context
        )

    def execute_field(self, parent_type, source, field_details_list, path, position_context):
        shortcut = None
        if self._shortcuts_on:
            name = field_details_list[0].node.name.value
            shortcut = self._known.get((parent_type.name, name), _UNKNOWN)
            if shortcut is _UNKNOWN:
                shortcut = shortcut_for(self.schema, parent_type, name)
        if shortcut is not None:
            try:
                value = shortcut(source)
            except Exception:  # the general path raises it again, located
                value = None
            if value is not None:
                return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )


def _lean(field: StrawberryField, info_class: type) -> Callable[..., Any] | None:
    """A resolver calling `field`'s method directly, when it takes nothing but parent/info."""
    resolver = field.base_resolver
    if resolver is None or field.extensions or field.arguments:
        return None
    if resolver.parent_parameter or resolver.root_parameter:
        return None
    function = cast("Callable[..., Any]", resolver.wrapped_func)
    wants_self = resolver.self_parameter is not None
    info_name = resolver.info_parameter.name if resolver.info_parameter else None
    if not wants_self or info_name is None:
        return None

    def resolve(source: Any, info: GraphQLResolveInfo, **_: Any) -> Any:
        return function(source, **{info_name: info_class(_raw_info=info, _field=field)})

    return resolve


def lean_resolvers(schema: Any) -> int:
    """Swap in direct resolvers for self-and-info methods; returns how many were swapped."""
    info_class = schema.config.info_class
    swapped = 0
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field in graphql_type.fields.values():
            definition = field.extensions.get(DEFINITION)
            if not isinstance(definition, StrawberryField) or field.args:
                continue
            if getattr(field.resolve, "_is_default", False):
                continue
            lean = _lean(definition, info_class)
            if lean is not None:
                field.resolve = lean
                swapped += 1
    return swapped
