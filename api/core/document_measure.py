"""The measure of a GraphQL document: its fields with fragments expanded, the comparisons of
same-named fields validation would make, and its cost (connections count `first` times).

graphql-core's validation compares every pair of same-named fields in a selection set
(OverlappingFieldsCanBeMerged), recursively: 450 copies of `me { rep { unit { id } } }`
cost it seconds of CPU, before authentication. One linear walk over the document, with
fragments expanded under a budget, measures it and stops as soon as a limit is passed;
`api/core/limits.py` refuses what is over them before validation runs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
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
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from domain.settings import Settings

MAX_NESTING = 64  # far beyond max_query_depth; only guards the walk's own recursion
CONNECTION_WEIGHT = 2
OBJECT_WEIGHT = 1


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
    return measured_with_page_variables(schema, document, limits, operation_name, variables)[0]


def measured_with_page_variables(
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
