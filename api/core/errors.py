"""The one adapter from domain errors to GraphQL: payload errors for mutations, coded
GraphQL errors for queries, and the masking of everything unexpected."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

import strawberry
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import MaskErrors
from strawberry.relay.types import InvalidGlobalIDError
from strawberry.types import Info

from api.core import graphql_messages
from api.core.scalars import JSON_BYTES, JSON_NESTING, InvalidScalar
from domain.errors import BrokenRules, DomainError
from domain.kernel.actor import Actor
from domain.kernel.time import FIRST_YEAR, LAST_YEAR

log = logging.getLogger("pacer.api")


class ApiError(StrEnum):
    """Codes the API layer itself raises while translating input (IDs, cursors)."""

    INVALID_CURSOR = "INVALID_CURSOR"
    INVALID_ID = "INVALID_ID"


def camel(name: str | None) -> str | None:
    """`parent_id` → `parentId`; a dotted path keeps its data keys: `qualification.budget_range`."""
    if name is None:
        return None
    first, dot, rest_of_path = name.partition(".")
    head, *rest = first.split("_")
    return head + "".join(part.title() for part in rest) + dot + rest_of_path


@dataclass(frozen=True)
class MutationTypes:
    """The GraphQL types of one mutation: its payload, its error and its own code enum."""

    payload: type
    error: type
    code: type[Enum]
    result_field: str


def mutation_types(
    name: str,
    result_field: str,
    result_type: Any,
    codes: Sequence[StrEnum],
    extra: dict[str, Any] | None = None,
) -> MutationTypes:
    """Build `<Name>Payload { <result_field>, errors: [<Name>Error!]! }` and its code enum;
    `extra` adds more nullable result fields (e.g. a secret shown once). `codes` are members
    of the contexts' code enums, in the order the GraphQL enum lists them; a value given
    twice is listed once, where it first appears. (A plain string still works, for tests.)"""
    results = {result_field: result_type, **(extra or {})}
    code_enum = strawberry.enum(
        Enum(f"{name}ErrorCode", {str(code): str(code) for code in codes}),
        description=f"Why `{camel(name[0].lower() + name[1:])}` refused its input.",
    )
    error = strawberry.type(
        type(
            f"{name}Error",
            (),
            {
                "__annotations__": {"code": code_enum, "message": str, "field": str | None},
                "field": strawberry.field(
                    default=None, description="The input field at fault (camelCase), if one."
                ),
            },
        ),
        description=f"A refused `{name}` input: a code, a readable message and the field.",
    )
    payload = strawberry.type(
        type(
            f"{name}Payload",
            (),
            {
                "__annotations__": {
                    **{field: kind | None for field, kind in results.items()},
                    "errors": list[error],
                },
                **dict.fromkeys(results),
                "errors": strawberry.field(default_factory=list),
            },
        )
    )
    return MutationTypes(payload=payload, error=error, code=code_enum, result_field=result_field)


Action = Callable[[AsyncSession, Actor], Awaitable[Any]]


async def perform(
    info: Info,
    types: MutationTypes,
    action: Action,
    to_payload: Callable[[Any], dict[str, Any]] | None = None,
) -> Any:
    """Run one business action as one transaction: commit on success, roll back on a
    broken rule and answer with the mutation's coded error."""
    context = info.context
    actor = await context.require_actor()
    try:
        async with context.lock:
            result = await action(context.session, actor)
            await context.session.commit()
    except (DomainError, BrokenRules) as failure:
        async with context.lock:
            await context.session.rollback()
        broken = failure.errors if isinstance(failure, BrokenRules) else [failure]
        return types.payload(
            errors=[
                types.error(
                    code=types.code[error.code],
                    message=error.message(context.language),
                    field=camel(error.field),
                )
                for error in broken
            ]
        )
    except BaseException:
        async with context.lock:
            await context.session.rollback()
        raise
    fields = to_payload(result) if to_payload else {types.result_field: result}
    return types.payload(**fields)


async def read(info: Info, use_case: Callable[..., Awaitable[Any]], *args: Any, **kw: Any) -> Any:
    """Run a read use-case as the caller; a broken rule becomes a coded GraphQL error."""
    context = info.context
    actor = await context.require_actor()
    try:
        return await context.run(use_case, actor, *args, **kw)
    except DomainError as error:
        raise coded_error(error, context.language) from None
    except BrokenRules as broken:  # a query reports the first; mutations list them all
        raise coded_error(broken.errors[0], context.language) from None


def coded_error(error: DomainError, language: str) -> GraphQLError:
    return GraphQLError(
        error.message(language), extensions={"code": error.code, "field": camel(error.field)}
    )


class ErrorPolicy(MaskErrors):
    """Gives every error a code in `extensions.code`. Expected errors (parse, validation,
    coded business errors) pass unchanged; anything unexpected is logged with the request id
    and, unless `mask` is off (debug), replaced by a message that carries that id."""

    def __init__(self, mask: bool = True, hints: bool = True) -> None:
        super().__init__()
        self.mask = mask
        self.hints = hints

    def on_operation(self) -> Iterator[None]:
        """Also an error another extension raises out of the operation (the document limits
        parse a long document themselves), which never reaches `_process_errors`."""
        try:
            yield from super().on_operation()
        except GraphQLError as error:
            language = getattr(self.execution_context.context, "language", "zh")
            message = None if language == "en" else limit_in_chinese(error.message)
            if message is None:
                raise
            raise GraphQLError(
                message,
                nodes=error.nodes,
                source=error.source,
                positions=error.positions,
                path=error.path,
                original_error=error.original_error,
                extensions=error.extensions,
            ) from None

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        language = getattr(self.execution_context.context, "language", "zh")
        classified = [self._classify(error, language) for error in errors]
        for error in classified:
            if not self.hints:
                error.message = without_hints(error.message)
            if language != "en":
                self._in_chinese(error)
        return classified

    @staticmethod
    def _in_chinese(error: GraphQLError) -> None:
        chinese = (
            limit_in_chinese(error.message)
            or scalar_in_chinese(error)
            or graphql_messages.in_chinese(error.message)
        )
        code = (error.extensions or {}).get("code")
        if chinese is None and code in GRAPHQL_REFUSALS:
            if graphql_messages.has_chinese(error.message):
                return
            error.extensions = {**(error.extensions or {}), "detail": error.message}
            chinese = graphql_messages.GENERAL
        if chinese is not None:
            error.message = chinese

    def _classify(self, error: GraphQLError, language: str = "zh") -> GraphQLError:
        original = error.original_error
        if isinstance(original, InvalidGlobalIDError):
            error.message = invalid_global_id(error.message, language)
            return _with_code(error, ApiError.INVALID_ID)
        if isinstance(original, InvalidScalar):
            return _with_code(error, "BAD_USER_INPUT")
        if original is not None and not isinstance(original, GraphQLError):
            return self._unexpected(error, language)
        if (error.extensions or {}).get("code"):
            return error
        if error.path is None:
            syntax = error.message.startswith("Syntax Error")
            return _with_code(
                error, "GRAPHQL_PARSE_FAILED" if syntax else "GRAPHQL_VALIDATION_FAILED"
            )
        return _with_code(error, "BAD_USER_INPUT")

    def _unexpected(self, error: GraphQLError, language: str = "zh") -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", "-")
        log.error(
            "unexpected error in request %s at %s",
            request_id,
            error.path,
            exc_info=error.original_error,
        )
        message = error.message
        if self.mask:
            message = (
                f"Unexpected error (request id {request_id})."
                if language == "en"
                else f"服务器内部错误（请求编号 {request_id}）。"
            )
        return GraphQLError(
            message,
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
GRAPHQL_REFUSALS = {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}
GLOBAL_ID_VALUE = re.compile(r"GlobalID: (?P<value>.*?)\.?$")

# The limits Pacer sets on a document (strawberry's depth and alias limiters, graphql-core's
# token limit) word their refusals in English: (pattern, the Chinese message).
LIMITS_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), zh)
    for pattern, zh in (
        (
            r"^'anonymous' exceeds maximum operation depth of (?P<limit>\d+)$",
            "查询的嵌套深度超过上限 {limit}，请减少嵌套层级。",
        ),
        (
            r"^'(?P<name>.*)' exceeds maximum operation depth of (?P<limit>\d+)$",
            "操作 {name} 的嵌套深度超过上限 {limit}，请减少嵌套层级。",
        ),
        (
            r"^(?P<found>\d+) aliases found\. Allowed: (?P<limit>\d+)$",
            "查询使用了 {found} 个别名，上限为 {limit}，请减少别名。",
        ),
        (
            r"^Syntax Error: Document contains more than (?P<limit>\d+) tokens\. "
            r"Parsing aborted\.$",
            "查询文档超过 {limit} 个词法单元，已停止解析，请拆分查询。",
        ),
    )
)


def limit_in_chinese(message: str) -> str | None:
    """A document-limit refusal in Chinese; None for any other message."""
    for pattern, zh in LIMITS_ZH:
        if found := pattern.match(message):
            return zh.format(**found.groupdict())
    return None


# A value Pacer's own scalars refuse, as graphql-core words it around the scalar's message.
SCALAR_VARIABLE = re.compile(
    r"^Variable '(?P<variable>\$\w+)' has invalid value(?: at (?P<at>\S+))?: "
    r"Expected value of type '(?P<type>[^']+)'"
)
SCALAR_LITERAL = re.compile(r"^Expected value of type '(?P<type>[^']+)'")
SCALAR_FOUND = re.compile(r"; found: (?P<found>.*?)\.?$")
SCALARS_ZH = {
    "BigInt": "整数（-2^63 与 2^63 之间，最多 19 位数字）",
    "Date": f"日期 YYYY-MM-DD（{FIRST_YEAR}–{LAST_YEAR} 年）",
    "DateTime": (
        f"带时区偏移的日期时间，如 2026-03-05T09:30:00+08:00（{FIRST_YEAR}–{LAST_YEAR} 年）"
    ),
    "JSON": f"JSON 值（最多嵌套 {JSON_NESTING} 层、{JSON_BYTES} 字节，不含 NaN 或 Infinity）",
}


def scalar_in_chinese(error: GraphQLError) -> str | None:
    """A value one of Pacer's scalars refused, in Chinese: which variable or argument, what the
    type takes and what came; None for any other error."""
    cause: Any = error.original_error
    while cause is not None and not isinstance(cause, InvalidScalar):
        cause = getattr(cause, "original_error", None)
    if cause is None:
        return None
    variable, literal = SCALAR_VARIABLE.match(error.message), SCALAR_LITERAL.match(error.message)
    found = SCALAR_FOUND.search(error.message)
    matched = variable or literal
    type_name = matched.group("type") if matched else None
    takes = SCALARS_ZH.get((type_name or "").rstrip("!"), f"{type_name} 类型的有效值")
    if variable is not None:
        where = variable.group("variable") + (
            f" 中 {variable.group('at')} " if variable.group("at") else " "
        )
        head = f"变量 {where}的值无效"
    else:
        head = "参数值无效"
    tail = f"，收到 {found.group('found')}" if found else ""
    return f"{head}：须为{takes}{tail}。" if type_name else f"{head}{tail}。"


def invalid_global_id(message: str, language: str) -> str:
    """INVALID_ID for an ID that is not a global ID at all (strawberry's message names it)."""
    if language == "en":
        return f"{message} IDs are the opaque strings this API returns."
    found = GLOBAL_ID_VALUE.search(message)
    value = f" {found.group('value')} " if found else ""
    return f"ID{value}格式无效：ID 须是本接口返回的不透明字符串。"


def without_hints(message: str) -> str:
    """The message less graphql-core's "Did you mean …?" suggestions, which would name
    fields, arguments, types and enum values of a schema whose introspection is off."""
    return SUGGESTION.sub("", message)


def _with_code(error: GraphQLError, code: str) -> GraphQLError:
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code},
    )
