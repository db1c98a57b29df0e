"""Relay helpers: typed global IDs and cursor connections over a domain Page."""

from __future__ import annotations

from typing import Any, TypeVar

from strawberry import relay
from strawberry.relay.utils import from_base64, to_base64

from domain.errors import InvalidInput
from domain.paging import Page, check_page_size

CURSOR_PREFIX = "cursor"
C = TypeVar("C", bound=relay.Connection)


def decode_id(global_id: relay.GlobalID | None, type_name: str, field: str) -> int | None:
    """The database id inside a global ID of the expected type, else INVALID_ID on `field`."""
    if global_id is None:
        return None
    if global_id.type_name != type_name or not global_id.node_id.isdigit():
        raise InvalidInput(
            "INVALID_ID",
            f"这不是一个有效的 {type_name} ID",
            f"Expected the ID of a {type_name}",
            field,
        )
    return int(global_id.node_id)


def decode_cursor(after: str | None) -> int | None:
    if after is None:
        return None
    try:
        prefix, value = from_base64(after)
        if prefix != CURSOR_PREFIX or not value.isdigit():
            raise ValueError(after)
    except ValueError:
        raise InvalidInput(
            "INVALID_CURSOR", "分页游标无效", "The `after` cursor is not valid", "after"
        ) from None
    return int(value)


def page_args(first: int | None, after: str | None, cap: int) -> tuple[int | None, int]:
    """Validated (after_id, first) for a connection field; `first` defaults to the cap."""
    first = cap if first is None else first
    check_page_size(first, cap)
    return decode_cursor(after), first


def to_connection(connection_cls: type[C], page: Page[Any]) -> C:
    edges = [relay.Edge(node=item, cursor=to_base64(CURSOR_PREFIX, item.id)) for item in page.items]
    return connection_cls(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total,
    )
