"""Text that reaches Pacer through GraphQL, checked once before anything runs: no NUL
characters (PostgreSQL refuses them, SQLite would keep them), no lone surrogates (not
encodable as UTF-8), and nothing absurdly long. Every string of the
document's arguments and of the variables is seen, JSON values included."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
)
from graphql.execution import ExecutionResult
from strawberry.extensions import SchemaExtension

TEXT_LENGTH = 20_000  # a backstop: services set each field's own, smaller limit
SECRET_LENGTH = 40_000  # e.g. a webhook signing secret or a PEM key
LONG = {"secret", "destination"}
MAX_NESTING = 100  # JSON deeper than this is refused by the JSON scalar long before


@dataclass(frozen=True)
class BadText:
    field: str
    zh: str
    en: str

    def message(self, language: str) -> str:
        return self.en if language == "en" else self.zh


def check_text(text: str, field: str) -> BadText | None:
    if "\x00" in text:
        return BadText(
            field,
            f"{field} 含有空字符（NUL），请删除后重试。",
            f"{field} contains a NUL character; remove it.",
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return BadText(
            field,
            f"{field} 含有无效的 Unicode 字符（孤立的代理项）。",
            f"{field} contains an invalid Unicode character (a lone surrogate).",
        )
    limit = TEXT_LENGTH
    if len(text) > limit:
        return BadText(
            field,
            f"{field} 不能超过 {limit} 个字符（现有 {len(text)} 个）。",
            f"{field} must be at most {limit} characters (it has {len(text)}).",
        )
    return None


def _strings_of_value(value: object, path: str, nesting: int = 0) -> Iterator[tuple[str, str]]:
    if nesting > MAX_NESTING:
        return
    if isinstance(value, str):
        yield value, path
    elif isinstance(value, dict):
        for key, item in value.items():
            key_text = str(key)
            yield key_text, path
            yield from _strings_of_value(item, f"{path}.{key_text}", nesting + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_of_value(item, path, nesting + 1)


def _strings_of_node(node: ValueNode, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, StringValueNode):
        yield node.value, path
    elif isinstance(node, ObjectValueNode):
        for field in node.fields:
            yield from _strings_of_node(field.value, f"{path}.{field.name.value}")
    elif isinstance(node, ListValueNode):
        for item in node.values:
            yield from _strings_of_node(item, path)


def _arguments(document: DocumentNode) -> Iterator[ArgumentNode]:
    pending = list(document.definitions)
    while pending:
        node = pending.pop()
        selection_set = getattr(node, "selection_set", None)
        if isinstance(node, FieldNode):
            yield from node.arguments or ()
        if selection_set is not None:
            pending.extend(selection_set.selections)


def bad_text(document: DocumentNode, variables: dict | None) -> BadText | None:
    """The first string in the arguments or variables that Pacer cannot take, if any."""
    for argument in _arguments(document):
        for text, path in _strings_of_node(argument.value, argument.name.value):
            if problem := check_text(text, path):
                return problem
    for name, value in (variables or {}).items():
        for text, path in _strings_of_value(value, f"${name}"):
            if problem := check_text(text, path):
                return problem
    return None


class InputChecks(SchemaExtension):
    """Refuses the operation, before any resolver runs, when some text cannot be taken."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            problem = bad_text(context.graphql_document, context.variables)
            if problem is not None:
                language = getattr(context.context, "language", "zh")
                context.result = ExecutionResult(
                    data=None,
                    errors=[
                        GraphQLError(
                            problem.message(language),
                            extensions={"code": "BAD_USER_INPUT", "field": problem.field},
                        )
                    ],
                )
        yield
