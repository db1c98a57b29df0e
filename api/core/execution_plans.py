"""Whole selection sets answered without graphql-core's per-field walk, where it would change
nothing.

A page of 100 opportunities with owner and account is ~1,200 fields; for each, graphql-core
builds a path, calls the field, checks for an awaitable and completes the value, and for each
object it collects and walks the sub-selection again. Most of these fields are plain
attributes, Relay ids, or relations this request has already loaded (`Loaders.related`
answers them without an await). A `Plan` is worked out once per selection set, and kept for
the next executions of the same parsed operation (`PlanStore`): per response key, a getter
(the attribute coerced by its scalar or enum, the node id, or a synchronous self-and-info
resolver, given the request's context at run time) and, for an object, the plan of its
sub-selection. Run on a row, it gives the same dict the general path would, or `UNSURE` — a
value it is not certain of (an awaitable, an exception, a failed coercion, a null where the
type forbids one, a row that is not of the type) — and then the row goes through graphql-core
unchanged, so errors, null propagation and their paths stay its own. A selection set with a
field the plan cannot read (arguments, lists, abstract types, async resolvers, field
extensions, @defer) has no plan at all.
"""

from __future__ import annotations

import inspect
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeGuard
from weakref import WeakKeyDictionary

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
)
from graphql.pyutils import Undefined
from strawberry import relay
from strawberry.relay.utils import to_base64
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from api.core.limits import KNOWN_DOCUMENTS

DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF
PLAIN = frozenset({str, int, float, bool, date, datetime})
"""Value types that are never awaitable nor an exception."""
UNSURE: Any = object()
"""A getter's answer when only the general path can tell."""


class PlanInfo:
    """What a resolver called by a plan gets as `info`: the request's context and nothing else
    (a resolver reading more raises, and the row goes the general way)."""

    __slots__ = ("context",)

    def __init__(self, context: Any) -> None:
        self.context = context


Getter = Callable[[Any, PlanInfo], Any]


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    get: Getter
    nullable: bool
    sub: Plan | None
    """The plan of an object field's sub-selection (None for a leaf)."""
    is_type_of: Callable[[Any, Any], Any] | None = None
    items_nullable: bool | None = None
    """For a list of objects: whether an item may be null (None: not a list)."""

    def run_object(self, value: Any, info: PlanInfo) -> Any:
        assert self.sub is not None
        if self.is_type_of is not None and not _is_type(self.is_type_of, value):
            return UNSURE
        return self.sub.run(value, info)

    def run_items(self, values: Any, info: PlanInfo) -> Any:
        if not isinstance(values, list | tuple):
            return UNSURE
        answers = []
        for value in values:
            if value is None:
                if not self.items_nullable:
                    return UNSURE
                answers.append(None)
                continue
            answer = self.run_object(value, info)
            if answer is UNSURE:
                return UNSURE
            answers.append(answer)
        return answers


@dataclass(frozen=True, slots=True)
class Plan:
    steps: tuple[Step, ...]

    def run(self, row: Any, info: PlanInfo) -> Any:
        """The selection set's answer for `row` in the request `info` tells, or UNSURE."""
        answer: dict[str, Any] = {}
        for step in self.steps:
            try:
                value = step.get(row, info)
            except Exception:
                return UNSURE
            if value is UNSURE:
                return UNSURE
            if value is None:
                if not step.nullable:
                    return UNSURE
                answer[step.key] = None
                continue
            if step.items_nullable is not None:
                value = step.run_items(value, info)
            elif step.sub is not None:
                value = step.run_object(value, info)
            if value is UNSURE:
                return UNSURE
            answer[step.key] = value
        return answer


def unsure(value: Any) -> bool:
    return isinstance(value, Exception) or inspect.isawaitable(value)


def _plain_node(origin: Any) -> TypeGuard[type[relay.Node]]:
    """A Relay node whose ID is its id attribute under its GraphQL type name (no override)."""
    node = relay.Node
    return (
        isinstance(origin, type)
        and issubclass(origin, node)
        and all(
            getattr(origin, name).__func__ is getattr(node, name).__func__
            for name in ("resolve_id", "resolve_typename", "resolve_id_attr")
        )
    )


def node_id_attribute(
    parent_type: GraphQLObjectType, definition: StrawberryField, leaf: Any
) -> Callable[..., Any] | None:
    """The Relay `id` of a plain node, read from its id attribute (None: not such a field).
    The getter answers None when unsure (a strawberry object may carry its own rules)."""
    origin = getattr(parent_type.extensions.get(DEFINITION), "origin", None)
    if not (
        definition.python_name == "_id"
        and definition.base_resolver is not None
        and leaf is not None
        and leaf.name == "ID"
        and _plain_node(origin)
    ):
        return None
    type_name, attribute = parent_type.name, origin.resolve_id_attr()

    def answer(row: Any, _: PlanInfo | None = None) -> Any:  # a Getter and a field shortcut
        if isinstance(row, relay.Node):
            return None
        value = getattr(row, attribute)
        return None if value is None else to_base64(type_name, value)

    return answer


def _is_type(is_type_of: Callable[[Any, Any], Any], value: Any) -> bool:
    try:
        return is_type_of(value, None) is True
    except Exception:
        return False


def _coerced(value: Any, coerce: Callable[[Any], Any]) -> Any:
    if value is None:
        return None
    if type(value) not in PLAIN and unsure(value):
        return UNSURE
    coerced = coerce(value)
    return UNSURE if coerced is Undefined or coerced is None else coerced


def _attribute(name: str, coerce: Callable[[Any], Any]) -> Getter:
    return lambda row, _: _coerced(getattr(row, name), coerce)


def _resolver_call(field: StrawberryField) -> Getter | None:
    """Calls a synchronous resolver that takes only self and info (the relations)."""
    resolver = field.base_resolver
    if resolver is None or field.arguments or resolver.parent_parameter:
        return None
    if resolver.root_parameter or resolver.self_parameter is None:
        return None
    function = resolver.wrapped_func
    if inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function):
        return None
    if resolver.info_parameter is None:
        return lambda row, _: function(row)
    name = resolver.info_parameter.name
    return lambda row, info: function(row, **{name: info})


def _node_ids(grouped_field_set: Any) -> Iterable[Any]:
    for key, details in grouped_field_set.items():
        yield key
        yield from (id(detail.node) for detail in details)


def _unwrapped(kind: Any) -> tuple[Any, bool]:
    """(the type inside NonNull, whether null is allowed)."""
    if isinstance(kind, GraphQLNonNull):
        return kind.of_type, False
    return kind, True


@dataclass(slots=True)
class KeptPlans:
    """The plans of one parsed operation, by type name and the field nodes of a selection set.
    The operation and its fragments are held so the nodes' ids stay theirs."""

    operation: Any
    fragments: tuple[Any, ...]
    plans: dict[tuple, Plan | None] | None = field(default_factory=dict)
    """None: the operation has a directive, so its selection sets may depend on variables."""


class PlanStore:
    """Plans kept across executions, for the `size` operations executed last.

    A front-end sends the same few documents again, and a document kept parsed (`limits`) is
    the same operation object each time, so a plan can be found by the ids of its field nodes.
    An operation with any directive is not kept: `@include`/`@skip` make the fields collected
    below a selection set depend on the variables."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._operations: OrderedDict[int, KeptPlans] = OrderedDict()

    def plans_of(self, operation: Any, fragments: dict[str, Any]) -> dict[tuple, Any] | None:
        kept = self._operations.get(id(operation))
        if kept is not None and kept.operation is operation:
            self._operations.move_to_end(id(operation))
            return kept.plans
        kept = KeptPlans(operation, tuple(fragments.values()))
        if _has_directives([operation, *kept.fragments]):
            kept.plans = None
        self._operations[id(operation)] = kept
        if len(self._operations) > self._size:
            self._operations.popitem(last=False)
        return kept.plans


_stores: WeakKeyDictionary[GraphQLSchema, PlanStore] = WeakKeyDictionary()


def store_of(schema: GraphQLSchema) -> PlanStore:
    store = _stores.get(schema)
    if store is None:
        store = _stores[schema] = PlanStore(KNOWN_DOCUMENTS)  # as many as are kept parsed
    return store


def _has_directives(nodes: Iterable[Any]) -> bool:
    pending = list(nodes)
    while pending:
        node = pending.pop()
        if getattr(node, "directives", None):
            return True
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            pending.extend(selection_set.selections)
    return False


class Planner:
    """The plans of one execution, by (type name, selection set identity), taken from and
    added to the plans kept for its operation (None: plans for this execution only)."""

    def __init__(
        self,
        collect: Callable[[GraphQLObjectType, Any], Any],
        kept: dict[tuple, Plan | None] | None,
    ) -> None:
        self._collect = collect  # the executor's method: `release` drops it after execution
        self._kept = kept
        self._plans: dict[tuple[str, int], Plan | None] = {}

    def plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> Plan | None:
        key = (parent_type.name, id(grouped_field_set))
        if key in self._plans:
            return self._plans[key]
        kept_key = None
        if self._kept is not None:
            kept_key = (parent_type.name, *_node_ids(grouped_field_set))
            if kept_key in self._kept:
                self._plans[key] = self._kept[kept_key]
                return self._plans[key]
        self._plans[key] = None  # a selection set that contains itself: no plan
        self._plans[key] = plan = self._build(parent_type, grouped_field_set)
        if kept_key is not None:
            self._kept[kept_key] = plan  # type: ignore[index]
        return plan

    def _build(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> Plan | None:
        steps = []
        for key, field_details_list in grouped_field_set.items():
            step = self._step(parent_type, key, field_details_list)
            if step is None:
                return None
            steps.append(step)
        return Plan(tuple(steps))

    def _step(self, parent_type: GraphQLObjectType, key: str, details: Any) -> Step | None:
        node = details[0].node
        name = node.name.value
        if name == "__typename":
            type_name = parent_type.name
            return Step(key, lambda row, _: type_name, False, None)
        field = parent_type.fields.get(name)
        if field is None or field.args or node.directives:
            return None
        definition = field.extensions.get(DEFINITION)
        if not isinstance(definition, StrawberryField) or definition.extensions:
            return None
        named, nullable = _unwrapped(field.type)
        items_nullable = None
        if isinstance(named, GraphQLList):  # a list of objects (not of leaves, not nested)
            named, items_nullable = _unwrapped(named.of_type)
            if not isinstance(named, GraphQLObjectType):
                return None
        get = self._getter(parent_type, field, definition, named)
        if get is None:
            return None
        if isinstance(named, GraphQLScalarType | GraphQLEnumType):
            return Step(key, get, nullable, None)
        if not isinstance(named, GraphQLObjectType):
            return None  # interfaces, unions
        grouped, new_defer_usages, _ = self._collect(named, details)
        sub = None if new_defer_usages else self.plan(named, grouped)
        if sub is None:
            return None
        return Step(key, get, nullable, sub, named.is_type_of, items_nullable)

    def _getter(
        self,
        parent_type: GraphQLObjectType,
        field: GraphQLField,
        definition: StrawberryField,
        named: Any,
    ) -> Getter | None:
        leaf = named if isinstance(named, GraphQLScalarType | GraphQLEnumType) else None
        if getattr(field.resolve, "_is_default", False):  # a plain attribute field
            name = definition.python_name
            if leaf is None:
                return lambda row, _: getattr(row, name)
            return _attribute(name, leaf.coerce_output_value)
        node_id = node_id_attribute(parent_type, definition, leaf)
        if node_id is not None:
            return node_id
        call = _resolver_call(definition)
        if call is None:
            return None
        if leaf is None:
            return lambda row, info: _sure(call(row, info))
        coerce = leaf.coerce_output_value

        def leaf_answer(row: Any, info: PlanInfo) -> Any:
            value = _sure(call(row, info))
            return value if value is UNSURE else _coerced(value, coerce)

        return leaf_answer


def _sure(value: Any) -> Any:
    if value is None or not unsure(value):
        return value
    if inspect.iscoroutine(value):
        value.close()  # the general path calls the resolver again and awaits its own
    return UNSURE
