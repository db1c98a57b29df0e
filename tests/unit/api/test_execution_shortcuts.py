"""The execution shortcuts answer exactly what graphql-core's general path answers: values,
nulls, errors with their paths, enums, Relay ids, overridden nodes and awaitables."""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass
from datetime import date

import strawberry
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry import relay

from api.core.execution import PacerExecutionContext, lean_resolvers, shortcut_for


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


@dataclass
class Row:
    """What the ORM hands over: plain attributes, some maybe missing or wrong."""

    id: int
    title: object
    colour: object
    due: object
    note: object = None


class Exploding:
    id = 7
    colour = Colour.RED
    due = date(2026, 1, 1)
    note = None

    @property
    def title(self) -> str:
        raise RuntimeError("the row is gone")


class RowNode(relay.Node):
    """Answers for ORM-like rows, as Pacer's nodes do."""

    @classmethod
    def is_type_of(cls, obj, info) -> bool:
        return isinstance(obj, cls | Row | Exploding)


@strawberry.type(name="Item")
class ItemNode(RowNode):
    id: relay.NodeID[int]
    title: str
    colour: Colour
    due: date
    note: str | None

    @strawberry.field
    def shout(self, info: strawberry.Info) -> str:
        return f"{self.title}!{info.field_name}"

    @strawberry.field
    async def later(self, info: strawberry.Info) -> str:
        await asyncio.sleep(0)
        return f"{self.title}?"


@strawberry.type(name="Special")
class SpecialNode(RowNode):
    """A node that computes its own id: never answered by the shortcut."""

    id: relay.NodeID[int]

    @classmethod
    def resolve_id(cls, root, *, info):  # type: ignore[override]
        return f"special-{root.id}"


@dataclass
class Holder:
    rows: list


def build(shortcuts: bool) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def items(self) -> list[ItemNode | None]:
            return QUERY_ROWS

        @strawberry.field
        def specials(self) -> list[SpecialNode]:
            return [Row(1, "x", Colour.RED, date(2026, 1, 1))]  # type: ignore[list-item]

        @strawberry.field
        def own(self) -> ItemNode:
            return ItemNode(id=5, title="own", colour=Colour.GREEN, due=date(2026, 2, 2), note=None)

    schema = strawberry.Schema(
        query=Query,
        types=[ItemNode, SpecialNode],
        execution_context_class=PacerExecutionContext if shortcuts else None,
    )
    if shortcuts:
        lean_resolvers(schema)
    return schema


QUERY_ROWS: list = []
DOCUMENT = """{ items { id title colour due note shout later alias: title }
                specials { id } own { id title shout } }"""


def run(schema: strawberry.Schema, rows: list) -> dict:
    QUERY_ROWS[:] = rows
    result = asyncio.run(schema.execute(DOCUMENT))
    errors = sorted((error.message, tuple(error.path or ())) for error in result.errors or [])
    return {"data": result.data, "errors": errors}


PLAIN, FAST = build(shortcuts=False), build(shortcuts=True)


def test_rows_answer_the_same_with_and_without_shortcuts():
    rows = [
        Row(1, "alpha", Colour.RED, date(2026, 3, 1), "n"),
        Row(2, "beta", Colour.GREEN, date(2026, 3, 2)),
    ]
    fast = run(FAST, rows)
    assert fast == run(PLAIN, rows)
    assert fast["errors"] == []
    first = fast["data"]["items"][0]
    assert first["id"] == relay.to_base64("Item", 1)
    assert (first["colour"], first["due"], first["shout"]) == ("RED", "2026-03-01", "alpha!shout")
    assert fast["data"]["specials"] == [{"id": relay.to_base64("Special", "special-1")}]


def test_bad_rows_fail_the_same_way_with_their_paths():
    rows = [
        Row(1, None, Colour.RED, date(2026, 3, 1)),  # null for a non-null field
        Exploding(),  # the attribute raises
        Row(3, "gamma", "not a colour", date(2026, 3, 3)),  # the enum cannot coerce it
        Row(4, "delta", Colour.RED, "2026-03-04"),  # a string where a date belongs
    ]
    fast = run(FAST, rows)
    assert fast == run(PLAIN, rows)
    assert {path[:2] for _, path in fast["errors"]} >= {("items", 0), ("items", 1), ("items", 2)}


def test_which_fields_take_a_shortcut():
    schema = FAST._schema
    item = schema.type_map["Item"]
    assert shortcut_for(schema, item, "title") is not None
    assert shortcut_for(schema, item, "id") is not None
    assert shortcut_for(schema, item, "shout") is None  # a resolver: the lean one, not a shortcut
    assert shortcut_for(schema, schema.type_map["Special"], "id") is None  # its own resolve_id
    plain_shout = PLAIN._schema.type_map["Item"].fields["shout"]
    assert item.fields["shout"].resolve is not plain_shout.resolve


texts = st.one_of(st.none(), st.text(max_size=8), st.integers(), st.booleans())
colours = st.one_of(st.sampled_from(list(Colour)), st.none(), st.text(max_size=3))
dates = st.one_of(st.dates(), st.none(), st.text(max_size=3))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(texts, colours, dates, texts), max_size=4))
def test_any_rows_answer_as_graphql_core_does(values):
    rows = [Row(index + 1, *value) for index, value in enumerate(values)]
    assert run(FAST, rows) == run(PLAIN, rows)
