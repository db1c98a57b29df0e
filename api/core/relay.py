"""Relay helpers: typed global IDs and cursor connections over a domain Page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from strawberry import relay
from strawberry.relay.utils import from_base64, to_base64
from strawberry.types import Info

from api.core.errors import ApiError
from domain.errors import InvalidInput
from domain.paging import Page, check_page_size

CURSOR_PREFIX = "cursor"
C = TypeVar("C", bound=relay.Connection)


ROW_ID_LIMIT = 2**63  # every database id is a bigint


def row_id(text: str) -> int | None:
    """The database id a node id or cursor carries: ASCII digits that fit a bigint."""
    if text.isascii() and text.isdigit() and len(text) <= 19 and int(text) < ROW_ID_LIMIT:
        return int(text)
    return None


def id_of(global_id: relay.GlobalID, type_name: str) -> int | None:
    """The database id of a global ID of the expected type; None for any other ID."""
    return row_id(global_id.node_id) if global_id.type_name == type_name else None


# What a node type is called in Chinese, for INVALID_ID (another type keeps its name).
NODE_LABELS_ZH = {
    "Account": "客户",
    "Alert": "预警",
    "AlertTask": "预警任务",
    "ApiToken": "访问令牌",
    "Delivery": "通知投递",
    "Lead": "线索",
    "NotificationSubscription": "通知订阅",
    "Opportunity": "商机",
    "OrgUnit": "组织单元",
    "PracticeSession": "练习",
    "Rep": "销售代表",
    "ReviewSuggestion": "调整建议",
    "Target": "目标",
    "User": "用户",
    "WeeklyReview": "周复盘",
}


def decode_id(global_id: relay.GlobalID | None, type_name: str, field: str) -> int | None:
    """The database id inside a global ID of the expected type, else INVALID_ID on `field`."""
    if global_id is None:
        return None
    number = id_of(global_id, type_name)
    if number is None:
        label = NODE_LABELS_ZH.get(type_name)
        raise InvalidInput(
            ApiError.INVALID_ID,
            f"这不是有效的{label} ID" if label else f"这不是有效的 {type_name} ID",
            f"Expected the ID of a {type_name}",
            field,
        )
    return number


def decode_cursor(after: str | None) -> int | None:
    if after is None:
        return None
    try:
        prefix, value = from_base64(after)
        number = row_id(value)
        if prefix != CURSOR_PREFIX or number is None:
            raise ValueError(after)
    except ValueError:
        raise InvalidInput(
            ApiError.INVALID_CURSOR, "分页游标无效", "The `after` cursor is not valid", "after"
        ) from None
    return number


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


class OrmNode(relay.Node):
    """A Relay node backed by an ORM model, resolved through the loader named `_loader`."""

    _model: Any = None
    _loader: str = ""

    @classmethod
    def is_type_of(cls, obj: Any, info: Info) -> bool:
        return isinstance(obj, cls._model)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        loader = getattr(info.context.loaders, cls._loader)
        ids = [row_id(text) for text in node_ids]
        found = await loader.load_many([number for number in ids if number is not None])
        by_id = {row.id: row for row in found if row is not None}
        return [None if number is None else by_id.get(number) for number in ids]
