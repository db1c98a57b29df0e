"""The execution shortcuts and plans answer exactly what graphql-core's general path answers:
values, nulls, errors with their paths, enums, Relay ids, overridden nodes, nested objects,
lists, relations read through `info.context`, and awaitables; plans kept for the next
execution of a parsed document answer from that execution's context and variables."""

from __future__ import annotations

import asyncio
import enum
import inspect
from dataclasses import dataclass
from datetime import date

import strawberry
from graphql import execute as graphql_execute
from graphql import parse as graphql_parse
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
    parent: object = None
    children: object = ()


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

    parent: ItemNode | None = None
    children: list[ItemNode] = strawberry.field(default_factory=list)

    @strawberry.field
    def friend(self, info: strawberry.Info) -> ItemNode | None:
        """Like Pacer's relations: the row if this request loaded it, else an awaitable."""
        found = info.context["friends"].get(self.id)
        if found == "later":
            return asyncio.sleep(0, result=Row(99, "late", Colour.RED, date(2026, 1, 9)))
        return found


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
NESTED = """{ items { __typename id title note parent { id title parent { id } }
                        children { id colour } friend { id title } } }"""


def run(schema: strawberry.Schema, rows: list, document: str = DOCUMENT, friends=None) -> dict:
    QUERY_ROWS[:] = rows
    return answer_of(
        asyncio.run(schema.execute(document, context_value={"friends": friends or {}}))
    )


def answer_of(result) -> dict:
    errors = sorted((error.message, tuple(error.path or ())) for error in result.errors or [])
    return {"data": result.data, "errors": errors}


def record_calls(monkeypatch, owner: type, name: str, note) -> list:
    """Wraps `owner.name`; each call appends `note(answer, *args)` to the list returned."""
    calls: list = []
    original = getattr(owner, name)

    def recorded(*args):
        answer = original(*args)
        calls.append(note(answer, *args))
        return answer

    monkeypatch.setattr(owner, name, recorded)
    return calls


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


def leaf(index: int, title: object = "leaf") -> Row:
    return Row(index, title, Colour.GREEN, date(2026, 4, index % 28 + 1))


def test_nested_objects_lists_and_loaded_relations_are_answered_by_a_plan(monkeypatch):
    from api.core import execution_plans

    runs = record_calls(monkeypatch, execution_plans.Plan, "run", lambda answer, *_: answer)
    rows = [
        Row(1, "a", Colour.RED, date(2026, 3, 1), parent=leaf(10), children=[leaf(11), leaf(12)]),
        Row(2, "b", Colour.GREEN, date(2026, 3, 2), children=[]),
    ]
    friends = {1: leaf(20, "friend")}
    fast = run(FAST, rows, NESTED, friends)
    assert fast == run(PLAIN, rows, NESTED, friends)
    assert fast["errors"] == []
    item = fast["data"]["items"][0]
    assert item["parent"]["title"] == "leaf" and item["friend"]["title"] == "friend"
    assert [child["colour"] for child in item["children"]] == ["GREEN", "GREEN"]
    assert execution_plans.UNSURE not in runs and len(runs) >= 2
    # A relation not loaded yet (an awaitable) sends its row the general way.
    runs.clear()
    fast = run(FAST, rows, NESTED, {1: "later"})
    assert fast == run(PLAIN, rows, NESTED, {1: "later"})
    assert fast["data"]["items"][0]["friend"]["title"] == "late"
    assert execution_plans.UNSURE in runs


rows_or_junk = st.one_of(
    st.none(),
    st.builds(leaf, st.integers(1, 50), texts),
    st.text(max_size=3),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            texts,
            rows_or_junk,
            st.one_of(st.lists(rows_or_junk, max_size=3), st.none(), st.integers()),
            st.sampled_from([None, "later", "row", "junk"]),
        ),
        max_size=4,
    )
)
def test_any_nested_rows_answer_as_graphql_core_does(values):
    rows, friends = [], {}
    for index, (title, parent, children, friend) in enumerate(values, start=1):
        rows.append(Row(index, title, Colour.RED, date(2026, 5, 1), None, parent, children))
        friends[index] = {"row": leaf(30 + index), "junk": 42}.get(friend, friend)
    assert run(FAST, rows, NESTED, friends) == run(PLAIN, rows, NESTED, friends)


def run_parsed(schema: strawberry.Schema, document, rows: list, friends: dict, **variables) -> dict:
    """One execution of an already parsed document, as a front-end's known document runs."""
    QUERY_ROWS[:] = rows
    result = graphql_execute(
        schema._schema,
        document,
        context_value={"friends": friends},
        variable_values=variables,
        executor_class=schema.execution_context_class,
    )
    return answer_of(asyncio.run(result) if inspect.isawaitable(result) else result)


def test_plans_are_kept_for_the_next_execution_of_the_same_document(monkeypatch):
    from api.core import execution_plans

    built = record_calls(
        monkeypatch, execution_plans.Planner, "_build", lambda _, planner, kind, fields: kind.name
    )
    document = graphql_parse(NESTED)
    rows = [Row(1, "a", Colour.RED, date(2026, 3, 1), parent=leaf(10), children=[leaf(11)])]
    first = run_parsed(FAST, document, rows, {1: leaf(20, "first friend")})
    plans_built = len(built)
    # The same document again, in another request: its plans are reused, and its relations are
    # read from this request's context, not the first one's.
    second = run_parsed(FAST, document, rows, {1: leaf(21, "second friend")})
    assert plans_built > 0 and len(built) == plans_built
    assert first["data"]["items"][0]["friend"]["title"] == "first friend"
    assert second["data"]["items"][0]["friend"]["title"] == "second friend"
    assert second == run_parsed(PLAIN, document, rows, {1: leaf(21, "second friend")})
    # A document parsed anew is planned anew.
    run_parsed(FAST, graphql_parse(NESTED), rows, {})
    assert len(built) > plans_built


def test_a_document_with_directives_is_planned_for_each_execution_by_its_variables():
    document = graphql_parse(
        """query($deep: Boolean!) { items { id parent { id ... on Item @include(if: $deep) {
             title } } } }"""
    )
    rows = [Row(1, "a", Colour.RED, date(2026, 3, 1), parent=leaf(10))]
    for deep in (True, False, True):
        fast = run_parsed(FAST, document, rows, {}, deep=deep)
        assert fast == run_parsed(PLAIN, document, rows, {}, deep=deep)
        # `items` selects the same fields either way; only what lies below it differs.
        assert ("title" in fast["data"]["items"][0]["parent"]) is deep


def test_the_store_keeps_the_operations_executed_last():
    from api.core.execution_plans import PlanStore

    store = PlanStore(size=2)
    first, second, third = (graphql_parse("{ items { id } }").definitions[0] for _ in range(3))
    kept = store.plans_of(first, {})
    assert kept == {} and store.plans_of(first, {}) is kept
    store.plans_of(second, {})
    store.plans_of(first, {})  # used again: now the newest
    store.plans_of(third, {})  # the oldest, `second`, is dropped
    assert store.plans_of(first, {}) is kept
    assert store.plans_of(second, {}) is not None and store.plans_of(third, {}) is not None
    with_directive = graphql_parse("{ items { id @skip(if: true) } }").definitions[0]
    assert store.plans_of(with_directive, {}) is None
