"""What a document may cost before Pacer validates or runs it.

graphql-core's validation compares every pair of same-named fields in a selection set
(OverlappingFieldsCanBeMerged), recursively: 450 copies of `me { rep { unit { id } } }`
cost it seconds of CPU, before authentication. So one linear walk over the document, with
fragments expanded under a budget, measures it first and refuses it cheaply when it asks
for too many fields, too many field comparisons, or too high a cost; only then does full
validation run."""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict, defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
    parse,
)
from graphql.execution import ExecutionResult
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from domain.settings import Settings

MAX_NESTING = 64  # far beyond max_query_depth; only guards the walk's own recursion
CONNECTION_WEIGHT = 2
OFF_LOOP_CHARACTERS = 2_000  # longer documents are parsed and validated in a worker thread
OBJECT_WEIGHT = 1
KNOWN_DOCUMENTS = 512  # valid documents kept parsed (a front-end sends the same few again)
KNOWN_DOCUMENT_CHARACTERS = 20_000  # longer ones are parsed and validated every time


@dataclass(frozen=True)
class Limits:
    fields: int
    merges: int
    cost: int
    page_size: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            fields=settings.max_fields,
            merges=settings.max_field_merges,
            cost=settings.max_cost,
            page_size=settings.max_page_size,
        )


@dataclass(frozen=True)
class Measure:
    fields: int
    merges: int
    cost: int


class TooExpensive(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en

    def message(self, language: str) -> str:
        return self.en if language == "en" else self.zh


def too_many_fields(limit: int) -> TooExpensive:
    return TooExpensive(
        "TOO_MANY_FIELDS",
        f"查询包含的字段超过 {limit} 个（片段展开后计算），请拆分查询。",
        f"The document selects more than {limit} fields (fragments expanded); split it.",
    )


class _Walk:
    """One pass over a document: fields counted with fragments expanded, same-named fields
    grouped level by level (what validation compares), and the cost of the merged result."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: dict | None,
        limits: Limits,
    ) -> None:
        self.schema = schema
        self.variables = variables or {}
        self.limits = limits
        self.fragments = {
            node.name.value: node
            for node in document.definitions
            if isinstance(node, FragmentDefinitionNode)
        }
        self.visited = 0
        self.merges = 0
        self.page_variables: set[str] = set()  # variables the cost was computed from

    def _collect(
        self, selection_set: SelectionSetNode, parent, out: list, inside: frozenset[str]
    ) -> None:
        for selection in selection_set.selections:
            self.visited += 1
            if self.visited > self.limits.fields:
                raise too_many_fields(self.limits.fields)
            if isinstance(selection, FieldNode):
                out.append((selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                kind = self.schema.get_type(condition.name.value) if condition else parent
                self._collect(selection.selection_set, kind, out, inside)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in inside:  # validation names these
                    continue
                kind = self.schema.get_type(fragment.type_condition.name.value)
                self._collect(fragment.selection_set, kind, out, inside | {name})

    def _definition(self, parent, name: str):
        if name == "__schema":
            return SchemaMetaFieldDef
        if name == "__type":
            return TypeMetaFieldDef
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return parent.fields.get(name)
        return None

    def _page(self, field: FieldNode) -> int:
        for argument in field.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                self.page_variables.add(value.name.value)
                given = self.variables.get(value.name.value)
            else:
                given = value.value if isinstance(value, IntValueNode) else None
            try:
                return max(0, min(int(given), self.limits.page_size))
            except (TypeError, ValueError):
                return self.limits.page_size
        return self.limits.page_size

    def level(self, sets: list[tuple[SelectionSetNode, object]], nesting: int = 0) -> int:
        """The cost of the merged selection sets; counts fields and comparisons on the way."""
        if nesting > MAX_NESTING:
            raise TooExpensive(
                "QUERY_TOO_DEEP", "查询嵌套过深。", "The document is nested too deeply."
            )
        collected: list = []
        for selection_set, parent in sets:
            self._collect(selection_set, parent, collected, frozenset())
        by_name: dict[str, list] = defaultdict(list)
        for field, parent in collected:
            by_name[(field.alias or field.name).value].append((field, parent))
        cost = 0
        for same_name in by_name.values():
            self.merges += len(same_name) * (len(same_name) - 1) // 2
            if self.merges > self.limits.merges:
                raise TooExpensive(
                    "TOO_MANY_FIELD_MERGES",
                    f"同名字段重复过多（需比较超过 {self.limits.merges} 次），请去掉重复的字段。",
                    f"Too many repeated fields of the same name (over {self.limits.merges} "
                    "comparisons); remove the repetitions.",
                )
            cost += self._cost(same_name, nesting)
        return cost

    def _cost(self, same_name: list, nesting: int) -> int:
        field, parent = same_name[0]
        definition = self._definition(parent, field.name.value)
        kind = get_named_type(definition.type) if definition else None
        children = [(f.selection_set, kind) for f, _ in same_name if f.selection_set]
        inner = self.level(children, nesting + 1) if children else 0
        if definition is None or not is_composite_type(kind) and not children:
            return inner
        if "first" in definition.args and kind.name.endswith("Connection"):
            return CONNECTION_WEIGHT + max(self._page(f) for f, _ in same_name) * inner
        return OBJECT_WEIGHT + inner

    def roots(self, document: DocumentNode) -> Iterator[tuple[object, SelectionSetNode, object]]:
        for node in document.definitions:
            if isinstance(node, OperationDefinitionNode):
                yield node, node.selection_set, self.schema.get_root_type(node.operation)
            elif isinstance(node, FragmentDefinitionNode):
                kind = self.schema.get_type(node.type_condition.name.value)
                yield node, node.selection_set, kind


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    limits: Limits,
    operation_name: str | None = None,
    variables: dict | None = None,
) -> Measure:
    """Fields, comparisons and cost of a document, or TooExpensive as soon as one is over
    its limit. Validation visits every operation and fragment, so all are measured; the cost
    is the chosen operation's (the dearest one when the name is missing or unknown)."""
    return _measured(schema, document, limits, operation_name, variables)[0]


def _measured(
    schema: GraphQLSchema,
    document: DocumentNode,
    limits: Limits,
    operation_name: str | None,
    variables: dict | None,
) -> tuple[Measure, frozenset[str]]:
    """The measure, and the variables its cost was computed from."""
    walk = _Walk(schema, document, variables, limits)
    costs: dict[str | None, int] = {}
    for node, selection_set, kind in walk.roots(document):
        cost = walk.level([(selection_set, kind)])
        if isinstance(node, OperationDefinitionNode):
            costs[node.name.value if node.name else None] = cost
    chosen = costs.get(operation_name, max(costs.values(), default=0))
    measured = Measure(fields=walk.visited, merges=walk.merges, cost=chosen)
    return measured, frozenset(walk.page_variables)


class KnownDocuments:
    """The parsed form of documents that already passed validation, by their text: the
    same query again skips parsing and validation. Their measures too, by operation and by
    the values of the variables the cost was computed from (the `first` of connections).
    Bounded, least recently used first out, so unique texts can only churn it."""

    def __init__(self, size: int = KNOWN_DOCUMENTS) -> None:
        self.size = size
        self.documents: OrderedDict[str, DocumentNode] = OrderedDict()
        # by text, then operation name: the variables the cost was computed from
        self.page_variables: dict[str, dict[str | None, frozenset[str]]] = {}
        self.measures: OrderedDict[tuple, Measure] = OrderedDict()
        self.lock = threading.Lock()

    def measure(
        self,
        schema: GraphQLSchema,
        query: str,
        document: DocumentNode,
        limits: Limits,
        operation_name: str | None,
        variables: dict | None,
    ) -> Measure:
        """`measure` of a known document, computed once per operation and page sizes."""
        variables = variables or {}

        def key(names: frozenset[str]) -> tuple:
            values = tuple(sorted((name, repr(variables.get(name))) for name in names))
            return query, operation_name, values

        with self.lock:  # a long document is measured in a worker thread
            names = self.page_variables.get(query, {}).get(operation_name)
            if names is not None and (found := self.measures.get(key(names))) is not None:
                self.measures.move_to_end(key(names))
                return found
        measured, names = _measured(schema, document, limits, operation_name, variables)
        with self.lock:
            self.page_variables.setdefault(query, {})[operation_name] = names
            self.measures[key(names)] = measured
            if len(self.measures) > self.size * 4:
                self.measures.popitem(last=False)
        return measured

    def get(self, query: str) -> DocumentNode | None:
        document = self.documents.get(query)
        if document is not None:
            self.documents.move_to_end(query)
        return document

    def add(self, query: str, document: DocumentNode) -> None:
        if len(query) > KNOWN_DOCUMENT_CHARACTERS:
            return
        self.documents[query] = document
        if len(self.documents) > self.size:
            dropped, _ = self.documents.popitem(last=False)
            with self.lock:
                self.page_variables.pop(dropped, None)


class DocumentLimits(SchemaExtension):
    """Measures the parsed document before validation and refuses it there when it has too
    many fields or merges; refuses a valid one that costs too much before it runs (so depth
    and other validation errors come first); reports `extensions.cost` when the request's
    extensions ask for `cost`."""

    def __init__(self, settings: Settings, known: KnownDocuments | None = None) -> None:
        self.limits = Limits.of(settings)
        self.measured: Measure | None = None
        self.known = known if known is not None else KnownDocuments()
        self.validated_before = False

    def _refuse(self, refused: TooExpensive) -> GraphQLError:
        language = getattr(self.execution_context.context, "language", "zh")
        return GraphQLError(refused.message(language), extensions={"code": refused.code})

    def _large(self) -> bool:
        return len(self.execution_context.query or "") > OFF_LOOP_CHARACTERS

    async def on_parse(self) -> AsyncIterator[None]:
        """A large document is parsed in a worker thread, so that the event loop (and every
        other request) gets its turn while it runs."""
        context = self.execution_context
        if context.graphql_document is None and context.query:
            context.graphql_document = self.known.get(context.query)
            self.validated_before = context.graphql_document is not None
        if context.graphql_document is None and self._large():
            try:
                context.graphql_document = await asyncio.to_thread(
                    parse, context.query, **context.parse_options
                )
            except GraphQLError as syntax:
                raise GraphQLError(
                    syntax.message,
                    source=syntax.source,
                    positions=syntax.positions,
                    extensions={"code": "GRAPHQL_PARSE_FAILED"},
                ) from None
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.pre_execution_errors is None:
            if self.validated_before:
                context.pre_execution_errors = (
                    await asyncio.to_thread(self._measure, context)
                    if self._large()
                    else self._measure(context)
                )
            elif self._large():  # measured and validated in a worker thread, like parsing
                context.pre_execution_errors = await asyncio.to_thread(self._check, context)
            else:
                errors = self._measure(context)
                if errors:
                    context.pre_execution_errors = errors
        yield
        if not self.validated_before and context.pre_execution_errors == [] and context.query:
            self.known.add(context.query, context.graphql_document)

    def _measure(self, context) -> list[GraphQLError]:
        schema, document = context.schema._schema, context.graphql_document
        try:
            if self.validated_before:
                self.measured = self.known.measure(
                    schema,
                    context.query,
                    document,
                    self.limits,
                    context.operation_name,
                    context.variables,
                )
            else:
                self.measured = measure(
                    schema, document, self.limits, context.operation_name, context.variables
                )
        except TooExpensive as refused:
            return [self._refuse(refused)]
        return []

    def _check(self, context) -> list[GraphQLError]:
        """Measure, then (when within the limits) validate as strawberry would."""
        refused = self._measure(context)
        if refused or not context.validation_rules:
            return refused
        return validate_document(
            context.schema._schema, context.graphql_document, context.validation_rules
        )

    def on_execute(self) -> Iterator[None]:
        cost = self.measured.cost if self.measured else 0
        if cost > self.limits.cost:
            refused = TooExpensive(
                "QUERY_TOO_COSTLY",
                f"查询成本 {cost} 超过上限 {self.limits.cost}，请减小 first 或拆分查询。",
                f"The query costs {cost}, over the limit of {self.limits.cost}: "
                "lower `first` or split it.",
            )
            self.execution_context.result = ExecutionResult(
                data=None, errors=[self._refuse(refused)]
            )
        yield

    def get_results(self) -> dict[str, object]:
        asked = (self.execution_context.operation_extensions or {}).get("cost")
        if not asked or self.measured is None:
            return {}
        return {
            "cost": {
                "requested": self.measured.cost,
                "limit": self.limits.cost,
                "fields": self.measured.fields,
            }
        }
