"""The one adapter from domain errors to GraphQL: payload errors for mutations, coded
GraphQL errors for queries, and the masking of everything unexpected."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import strawberry
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import MaskErrors
from strawberry.types import Info

from domain.errors import DomainError
from domain.org.rules import Actor

log = logging.getLogger("pacer.api")


def camel(name: str | None) -> str | None:
    if name is None:
        return None
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


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
    codes: list[str],
    extra: dict[str, Any] | None = None,
) -> MutationTypes:
    """Build `<Name>Payload { <result_field>, errors: [<Name>Error!]! }` and its code enum;
    `extra` adds more nullable result fields (e.g. a secret shown once)."""
    results = {result_field: result_type, **(extra or {})}
    code_enum = strawberry.enum(
        Enum(f"{name}ErrorCode", {code: code for code in codes}),
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
    except DomainError as error:
        async with context.lock:
            await context.session.rollback()
        return types.payload(
            errors=[
                types.error(
                    code=types.code[error.code],
                    message=error.message(context.language),
                    field=camel(error.field),
                )
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


def coded_error(error: DomainError, language: str) -> GraphQLError:
    return GraphQLError(
        error.message(language), extensions={"code": error.code, "field": camel(error.field)}
    )


class MaskUnexpectedErrors(MaskErrors):
    """Expected errors (validation, coded) pass; anything else is logged with the request id
    and replaced by a message that carries the id, so support can find the traceback."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._unexpected)

    @staticmethod
    def _unexpected(error: GraphQLError) -> bool:
        original = error.original_error
        return original is not None and not isinstance(original, GraphQLError)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", "-")
        log.error(
            "unexpected error in request %s at %s",
            request_id,
            error.path,
            exc_info=error.original_error,
        )
        return GraphQLError(
            f"Unexpected error (request id {request_id}). "
            f"服务器内部错误（请求编号 {request_id}）。",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )
