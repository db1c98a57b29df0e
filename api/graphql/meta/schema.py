"""The `enumLabels` query: display labels of any Pacer enum."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.core.permissions import allow
from api.graphql.meta.types import EnumLabel
from domain.labels import LABELLED_ENUMS


@strawberry.type
class MetaQuery:
    @strawberry.field(
        extensions=allow(),
        description="Display labels (zh-CN and en) of the values of a Pacer enum, e.g. "
        "`RepLevel`; an unknown name gives an empty list.",
    )
    async def enum_labels(
        self,
        info: Info,
        name: Annotated[
            str,
            strawberry.argument(
                description="The enum's name as in this schema, e.g. `RepLevel` or `Stage`."
            ),
        ],
    ) -> list[EnumLabel]:
        enum_cls = LABELLED_ENUMS.get(name)
        if enum_cls is None:
            return []
        return [
            EnumLabel(
                value=member.name,
                zh=member.label_zh,
                en=member.label_en,
                label=member.label(info.context.language),
            )
            for member in enum_cls
        ]
