"""What a document may cost before Pacer validates or runs it.

Every document is measured (`api/core/document_measure.py`) before validation, and refused
there when it asks for too many fields, too many field comparisons, or too high a cost; only
then does full validation run. Documents that passed are kept parsed, with their measures."""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from graphql.execution import ExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from api.core.document_measure import (
    Limits,
    Measure,
    TooExpensive,
    measure,
    measured_with_page_variables,
)
from domain.settings import Settings

OFF_LOOP_CHARACTERS = 2_000  # longer documents are parsed and validated in a worker thread
KNOWN_DOCUMENTS = 512  # valid documents kept parsed (a front-end sends the same few again)
KNOWN_DOCUMENT_CHARACTERS = 20_000  # longer ones are parsed and validated every time


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
        measured, names = measured_with_page_variables(
            schema, document, limits, operation_name, variables
        )
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
