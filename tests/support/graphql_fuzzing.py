"""Strategies, transport and failure bookkeeping for tests/integration/api/test_graphql_fuzz.py.

- `custom_scalars`: value strategies for hypothesis-graphql, every scalar plausible 3 times
  in 4 and hostile otherwise (NUL, lone surrogates, 2^63 and beyond, years 1 and 9999,
  forged global ids, JSON nested 100 000 deep).
- `prepare`: aims seeded ids at the node type an argument expects, and turns argument
  literals into variables (always for what no literal can carry: lone surrogates, odd JSON).
- `bad_apples`: an accepted input once per scalar, that scalar made hostile.
- `Harness.send`: posts through the ASGI app; files every HTTP 5xx and every
  INTERNAL_SERVER_ERROR with the exception the app logged (`pacer.api`) for it.
- `report`: the failures grouped by root cause, smallest case per root field.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import traceback
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import graphql
import httpx
from hypothesis import strategies as st
from hypothesis_graphql import nodes

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_DIRS = tuple(str(ROOT / package) + "/" for package in ("api", "domain", "coaching"))

# --- scalar values: mostly plausible, one in four hostile -----------------------------------
#
# Each scalar is plausible three times in four (and first, so the simplest document is a
# plausible one): a mutation with six inputs then most often has one hostile value among
# plausible ones, which is what gets past the first check to the code behind it.

SPECIAL_CHARACTERS = ["\x00", "\ud800", "\udfff", "\ufffe", "\U0001f600", "\u202e", "'", '"']
SPECIAL_CHARACTERS += ["\\", "%", "_", "\n", " ", "é", "长"]
LONG_TEXTS = ["x" * 256, "长" * 1000, "a" * 10_001]
BIG_INTEGERS = [2**31, 2**53 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**30, -(10**30)]
EXTREME_DATES = ["0001-01-01", "9999-12-31", "2024-02-29", "2026-02-30", "", "20261120"]
EXTREME_DATETIMES = [
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59.999999-12:00",
    "9999-12-31T23:59:59",
    "2026-11-20",
    "",
]
OFFSETS = [None, UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))]
WORDS = [
    *("government", "smb", "enterprise_fleet", "private_buyer", "ride_hailing", "website"),
    *("engaged", "evaluating", "verbal_commit", "unresponsive", "price", "competitor"),
    *("no_budget", "timing", "budget_frozen", "lead_shortage", "other", "nev"),
    *("sh", "hz", "cd", "acme", "east", "east.sh", "west.cd", "r1", "r2", "admin", "rep"),
    *("en", "zh-CN", "cfo", "rules", "a@example.com", "https://example.com/hook", "滴滴出行"),
    *sorted(path.stem for path in (ROOT / "scenarios").glob("*.json")),
]
TODAY = date.today()
NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
RAW_MARK = "\U000f0000raw:"  # a private-use prefix no generated text starts with


def mostly(plausible: st.SearchStrategy, hostile: st.SearchStrategy) -> st.SearchStrategy:
    """`plausible` 3 times in 4, chosen by a drawn number: `st.one_of` would lean to the branch
    with more unexplored values, and the seeded ids are few."""
    return st.integers(0, 99).flatmap(lambda n: plausible if n < 75 else hostile)


@dataclass(frozen=True)
class Deep:
    """A JSON value nested `depth` levels deep; written into the request body by hand
    because `json.dumps` itself stops at about 1000 levels."""

    depth: int
    kind: str  # "list" or "object"

    def render(self) -> str:
        if self.kind == "list":
            return "[" * self.depth + "0" + "]" * self.depth
        return '{"a":' * self.depth + "0" + "}" * self.depth

    def __repr__(self) -> str:
        return f"<JSON {self.kind} nested {self.depth} deep>"


def texts() -> st.SearchStrategy[str]:
    """Words of the domain; or text with NUL bytes, lone surrogates, bidi marks, quotes,
    SQL wildcards, or long runs."""
    piece = st.text(max_size=12) | st.sampled_from(SPECIAL_CHARACTERS)
    hostile = st.lists(piece, max_size=6).map("".join) | st.sampled_from(LONG_TEXTS)
    return mostly(st.sampled_from(WORDS), hostile)


def big_integers() -> st.SearchStrategy[int]:
    return mostly(st.integers(0, 10**9), st.integers() | st.sampled_from(BIG_INTEGERS))


def integers() -> st.SearchStrategy[int]:
    return mostly(st.integers(0, 20), st.integers(-(2**31), 2**31 - 1))


def global_id(type_name: str, key: object) -> str:
    raw = f"{type_name}:{key}".encode("utf-8", "surrogatepass")
    return base64.b64encode(raw).decode("ascii")


def ids(known: list[str], node_types: list[str]) -> st.SearchStrategy[graphql.ValueNode]:
    """Ids of seeded rows; or ids of any node type with odd keys, or garbage."""
    keys = st.integers(1, 8) | st.integers() | st.sampled_from(BIG_INTEGERS + ["", "x", "1.5"])
    forged = st.builds(global_id, st.sampled_from(node_types), keys)
    odd = (forged | st.builds(global_id, st.just("Rep"), texts()) | texts()).map(nodes.String)
    return mostly(st.sampled_from(known).map(nodes.String), odd | st.integers().map(nodes.Int))


def dates() -> st.SearchStrategy[str]:
    near = st.integers(-400, 400).map(lambda days: (TODAY + timedelta(days=days)).isoformat())
    return mostly(near, st.dates().map(date.isoformat) | st.sampled_from(EXTREME_DATES))


def datetimes() -> st.SearchStrategy[str]:
    recent = st.integers(0, 24 * 10).map(lambda hours: (NOW - timedelta(hours=hours)).isoformat())
    generated = st.datetimes(timezones=st.sampled_from(OFFSETS)).map(datetime.isoformat)
    return mostly(recent, generated | st.sampled_from(EXTREME_DATETIMES))


def json_values() -> st.SearchStrategy[Any]:
    floats = st.floats(allow_nan=False, allow_infinity=False)
    leaves = st.none() | st.booleans() | big_integers() | floats | texts()
    nested = st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts(), inner, max_size=3),
        max_leaves=8,
    )
    qualification = st.fixed_dictionaries(
        {"budget_range": st.fixed_dictionaries({"min": big_integers(), "max": big_integers()})},
        optional={"decision_maker": texts(), "timeline": dates(), "decision_chain": nested},
    )
    deep = st.builds(
        Deep, st.sampled_from([64, 900, 5000, 100_000]), st.sampled_from(["list", "object"])
    )
    return mostly(qualification, nested | deep)


def custom_scalars(known_ids: list[str], node_types: list[str]) -> dict[str, st.SearchStrategy]:
    """Value-node strategies for hypothesis-graphql, built-in scalars overridden too."""
    return {
        "String": texts().map(nodes.String),
        "Int": integers().map(nodes.Int),
        "ID": ids(known_ids, node_types),
        "BigInt": big_integers().map(nodes.Int),
        "Date": dates().map(nodes.String),
        "DateTime": datetimes().map(nodes.String),
        "JSON": json_values().map(to_node),
    }


def to_node(value: Any) -> graphql.ValueNode:
    """A JSON value as a GraphQL literal, or, when no literal can hold it (a key that is not
    a name, a lone surrogate, a `Deep` value), as a marked string that `lift` always turns
    into a variable."""
    if not _literal_safe(value):
        return nodes.String(RAW_MARK + json.dumps(value, ensure_ascii=True, default=_deep_ref))
    if value is None:
        return nodes.Null
    if isinstance(value, bool):
        return nodes.Boolean(value)
    if isinstance(value, int):
        return nodes.Int(value)
    if isinstance(value, float):
        return nodes.Float(value)
    if isinstance(value, str):
        return nodes.String(value)
    if isinstance(value, list):
        return nodes.List([to_node(item) for item in value])
    return nodes.Object(
        [
            graphql.ObjectFieldNode(name=graphql.NameNode(value=key), value=to_node(item))
            for key, item in value.items()
        ]
    )


def _literal_safe(value: Any) -> bool:
    if isinstance(value, Deep):
        return False
    if isinstance(value, str):
        return not _has_surrogate(value)
    if isinstance(value, list):
        return all(_literal_safe(item) for item in value)
    if isinstance(value, dict):
        return all(
            key.isascii() and key.isidentifier() and _literal_safe(item)
            for key, item in value.items()
        )
    return True


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def _deep_ref(value: Deep) -> dict[str, Any]:
    return {RAW_MARK: [value.kind, value.depth]}


def _revive(item: dict[str, Any]) -> Any:
    return Deep(item[RAW_MARK][1], item[RAW_MARK][0]) if RAW_MARK in item else item


# --- aimed ids, literals to variables ---------------------------------------------------


def to_python(node: graphql.ValueNode) -> Any:
    if isinstance(node, graphql.StringValueNode) and node.value.startswith(RAW_MARK):
        return json.loads(node.value.removeprefix(RAW_MARK), object_hook=_revive)
    if isinstance(node, graphql.IntValueNode):
        return int(node.value)
    if isinstance(node, graphql.FloatValueNode):
        return float(node.value)
    if isinstance(node, graphql.StringValueNode | graphql.BooleanValueNode | graphql.EnumValueNode):
        return node.value
    if isinstance(node, graphql.ListValueNode):
        return [to_python(item) for item in node.values]
    if isinstance(node, graphql.ObjectValueNode):
        return {item.name.value: to_python(item.value) for item in node.fields}
    return None  # NullValueNode


def _unprintable(node: graphql.ValueNode) -> bool:
    """True when a literal cannot carry the value: a lone surrogate or a marked JSON value."""
    if isinstance(node, graphql.StringValueNode):
        return node.value.startswith(RAW_MARK) or _has_surrogate(node.value)
    if isinstance(node, graphql.ListValueNode):
        return any(_unprintable(item) for item in node.values)
    if isinstance(node, graphql.ObjectValueNode):
        return any(_unprintable(item.value) for item in node.fields)
    return False


# Which node type an ID argument or input field names: by its name, else (for a bare `id`)
# by the longest node type name inside the input type's or the root field's name.
ID_NAMES = {
    "owner": ("Rep", "OrgUnit"),
    "coOwner": ("Rep",),
    "newOwner": ("Rep",),
    "assignee": ("User",),
    "parent": ("OrgUnit",),
    "newParent": ("OrgUnit",),
    "root": ("OrgUnit", "Target"),
    "unit": ("OrgUnit",),
    "scopeUnit": ("OrgUnit",),
    "session": ("PracticeSession",),
    "review": ("WeeklyReview",),
    "suggestion": ("ReviewSuggestion",),
}


class IdBook:
    """The seeded ids by node type, to put an id of the right type where one is expected:
    hypothesis-graphql knows the scalar (ID), not which type an `accountId` wants."""

    def __init__(self, known: list[str]):
        self.known = set(known)
        self.by_type: dict[str, list[str]] = defaultdict(list)
        for value in sorted(known):
            self.by_type[base64.b64decode(value).decode().partition(":")[0]].append(value)

    def types_for(self, name: str, context: str) -> list[str]:
        if name != "id":
            stem = name.removesuffix("s") if name.endswith("Ids") else name
            stem = stem.removesuffix("Id")
            return [
                t for t in self.by_type if t in ID_NAMES.get(stem, ()) or t.lower() == stem.lower()
            ]
        inside = [t for t in self.by_type if t.removeprefix("Api").lower() in context.lower()]
        return sorted(inside, key=len)[-1:]

    def aim(self, node: graphql.ValueNode, type_: Any, name: str, context: str) -> Any:
        """`node` with each seeded id swapped for a seeded id of the expected type."""
        if isinstance(type_, graphql.GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(type_, graphql.GraphQLList):
            if isinstance(node, graphql.ListValueNode):
                values = [self.aim(item, type_.of_type, name, context) for item in node.values]
                return graphql.ListValueNode(values=tuple(values))
            return self.aim(node, type_.of_type, name, context)
        if isinstance(type_, graphql.GraphQLInputObjectType):
            if not isinstance(node, graphql.ObjectValueNode):
                return node
            fields = [
                graphql.ObjectFieldNode(
                    name=item.name,
                    value=self.aim(
                        item.value, type_.fields[item.name.value].type, item.name.value, type_.name
                    ),
                )
                for item in node.fields
            ]
            return graphql.ObjectValueNode(fields=tuple(fields))
        if (
            getattr(type_, "name", None) == "ID"
            and isinstance(node, graphql.StringValueNode)
            and node.value in self.known
        ):
            choices = [value for t in self.types_for(name, context) for value in self.by_type[t]]
            if choices:
                return nodes.String(choices[zlib.crc32(node.value.encode()) % len(choices)])
        return node


class _Rewriter(graphql.Visitor):
    def __init__(self, type_info: graphql.TypeInfo, ids: IdBook, everything: bool):
        super().__init__()
        self.type_info = type_info
        self.ids = ids
        self.everything = everything
        self.fields: list[str] = []
        self.definitions: list[graphql.VariableDefinitionNode] = []
        self.variables: dict[str, Any] = {}

    def enter_field(self, node: graphql.FieldNode, *_: Any) -> None:
        self.fields.append(node.name.value)

    def leave_field(self, node: graphql.FieldNode, *_: Any) -> None:
        self.fields.pop()

    def enter_argument(self, node: graphql.ArgumentNode, *_: Any) -> graphql.ArgumentNode | None:
        argument = self.type_info.get_argument()
        if argument is None:
            return None
        value = self.ids.aim(node.value, argument.type, node.name.value, self.fields[-1])
        if not (self.everything or _unprintable(value)):
            return graphql.ArgumentNode(name=node.name, value=value)
        name = f"v{len(self.definitions)}"
        variable = graphql.VariableNode(name=graphql.NameNode(value=name))
        self.definitions.append(
            graphql.VariableDefinitionNode(
                variable=variable, type=graphql.parse_type(str(argument.type)), directives=()
            )
        )
        self.variables[name] = to_python(value)
        return graphql.ArgumentNode(name=node.name, value=variable)


def prepare(
    schema: graphql.GraphQLSchema, document: graphql.DocumentNode, ids: IdBook, everything: bool
) -> tuple[str, dict[str, Any]]:
    """The document's text and variables, seeded ids aimed at the expected types. Every
    argument becomes a variable when `everything`, else only those no literal can carry."""
    type_info = graphql.TypeInfo(schema)
    rewriter = _Rewriter(type_info, ids, everything)
    rewritten = graphql.visit(document, graphql.TypeInfoVisitor(type_info, rewriter))
    operation = rewritten.definitions[0]
    operation = graphql.OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=tuple(rewriter.definitions),
        directives=operation.directives or (),
        selection_set=_with_payload_errors(schema, operation),
    )
    return graphql.print_ast(graphql.DocumentNode(definitions=(operation,))), rewriter.variables


ERRORS = graphql.parse("{ errors { code } }").definitions[0].selection_set.selections[0]


def _with_payload_errors(
    schema: graphql.GraphQLSchema, operation: graphql.OperationDefinitionNode
) -> graphql.SelectionSetNode:
    """Mutations also select their payload's `errors { code }`, so a refusal is told from a
    success: a selection of the fuzzer's own, for the tally only."""
    root = schema.get_root_type(operation.operation)
    selections = []
    for selection in operation.selection_set.selections:
        payload = graphql.get_named_type(root.fields[selection.name.value].type)
        if operation.operation == graphql.OperationType.MUTATION and "errors" in getattr(
            payload, "fields", {}
        ):
            inner = (*selection.selection_set.selections, ERRORS)
            selection = graphql.FieldNode(
                alias=selection.alias,
                name=selection.name,
                arguments=selection.arguments,
                directives=selection.directives,
                selection_set=graphql.SelectionSetNode(selections=inner),
            )
        selections.append(selection)
    return graphql.SelectionSetNode(selections=tuple(selections))


def encode_body(query: str, variables: dict[str, Any]) -> bytes:
    """JSON with \\u escapes (so NUL and lone surrogates travel), deep values spliced in."""
    deep: dict[str, Deep] = {}

    def swap(value: Any) -> Any:
        if isinstance(value, Deep):
            placeholder = f"\U000f0001{len(deep)}"
            deep[json.dumps(placeholder)] = value
            return placeholder
        if isinstance(value, list):
            return [swap(item) for item in value]
        if isinstance(value, dict):
            return {key: swap(item) for key, item in value.items()}
        return value

    text = json.dumps({"query": query, "variables": swap(variables)}, ensure_ascii=True)
    for placeholder, value in deep.items():
        text = text.replace(placeholder, value.render())
    return text.encode("ascii")


def show(value: Any, limit: int = 800) -> str:
    """Variables for a report: ASCII-escaped JSON; deep values and long strings named."""
    text = json.dumps(_abridged(value), ensure_ascii=True, default=repr)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def _abridged(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 40:
        if len(set(value)) == 1:
            return f"<{value[0]!r} * {len(value)}>"
        return f"<{len(value)} chars: {value[:20]!r}...>"
    if isinstance(value, list):
        return [_abridged(item) for item in value]
    if isinstance(value, dict):
        return {key: _abridged(item) for key, item in value.items()}
    return value


# --- one bad apple: a successful input with one hostile value -------------------------------
#
# Random inputs are mostly refused by some rule before a hostile value gets near the
# database; so each root field's first accepted input is replayed with one scalar replaced
# at a time, by a value of that scalar's type that has broken things before.

BAD_APPLES: dict[str, list[Any]] = {
    "String": ["\x00", "a\ud800b", "x" * 10_001],
    "BigInt": [2**63, -(2**63) - 1, 10**30],
    "Date": ["0001-01-01", "9999-12-31"],
    "DateTime": ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59.999999-12:00"],
    "JSON": [Deep(100_000, "list"), {"k\x00": "\ud800"}, 2**63],
}


def _id_apples(value: Any) -> list[str]:
    """For a seeded id: its type with a key past 2^63, then a key that is no number."""
    try:
        type_name = base64.b64decode(str(value)).decode().partition(":")[0] or "Rep"
    except ValueError:
        type_name = "Rep"
    return [global_id(type_name, 2**63), global_id(type_name, 10**30), global_id(type_name, "\x00")]


def scalar_leaves(value: Any, type_: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """(path, scalar name) of every scalar (not enum) inside a variable's value."""
    if isinstance(type_, graphql.GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, graphql.GraphQLList):
        items = value if isinstance(value, list) else []
        return [
            leaf
            for i, item in enumerate(items)
            for leaf in scalar_leaves(item, type_.of_type, (*path, i))
        ]
    if isinstance(type_, graphql.GraphQLInputObjectType):
        items = value.items() if isinstance(value, dict) else []
        return [
            leaf for k, v in items for leaf in scalar_leaves(v, type_.fields[k].type, (*path, k))
        ]
    if isinstance(type_, graphql.GraphQLScalarType):
        return [(path, type_.name)]
    return []


def _replaced(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, *rest = path
    if isinstance(value, list):
        return [_replaced(v, tuple(rest), new) if i == head else v for i, v in enumerate(value)]
    return {k: _replaced(v, tuple(rest), new) if k == head else v for k, v in value.items()}


def _get(value: Any, path: tuple) -> Any:
    for step in path:
        value = value[step]
    return value


def bad_apples(
    schema: graphql.GraphQLSchema, query: str, variables: dict[str, Any], rotation: int
) -> list[dict[str, Any]]:
    """`variables` once per scalar leaf with that leaf made hostile; which hostile value of
    the leaf's type is taken rotates with the leaf (and `rotation`) so all get used."""
    operation = graphql.parse(query).definitions[0]
    types = {
        d.variable.name.value: graphql.type_from_ast(schema, d.type)
        for d in operation.variable_definitions
    }
    variants = []
    for name, type_ in types.items():
        for n, (path, scalar) in enumerate(scalar_leaves(variables.get(name), type_)):
            full = (name, *path)
            choices = (
                _id_apples(_get(variables, full)) if scalar == "ID" else BAD_APPLES.get(scalar)
            )
            if choices:
                new = choices[(rotation + n) % len(choices)]
                variants.append(_replaced(variables, full, new))
    return variants


# --- sending and bookkeeping --------------------------------------------------------------


class UnexpectedErrors(logging.Handler):
    """Keeps the exceptions the app logs as unexpected (ErrorPolicy), by request id."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.by_request: dict[str, list[BaseException]] = defaultdict(list)

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None and record.args:
            self.by_request[str(record.args[0])].append(record.exc_info[1])


@dataclass(frozen=True)
class Diagnosis:
    kind: str  # the exception type, and that of its innermost cause
    cause: str  # the innermost cause's message, first line, numbers as N: the group key
    message: str  # the same, as it was
    where: str  # the innermost frame in api/, domain/ or coaching/
    stack: str  # the frames in api/, domain/ or coaching/, outermost first
    origin: str  # the innermost frame of all

    @classmethod
    def of(cls, error: BaseException | None) -> Diagnosis:
        if error is None:
            return cls("?", "(not in the log)", "", "?", "", "?")
        frames = traceback.extract_tb(error.__traceback__)
        product = [_frame(frame) for frame in frames if frame.filename.startswith(PRODUCT_DIRS)]
        cause = error
        while cause.__cause__ is not None:
            cause = cause.__cause__
        kind = type(error).__name__
        if cause is not error:
            kind += f" <- {type(cause).__module__}.{type(cause).__name__}"
        message = (str(cause).splitlines() or [""])[0][:200]
        return cls(
            kind=kind,
            cause=re.sub(r"\d+", "N", message),
            message=message,
            where=product[-1] if product else "(no frame in api/, domain/ or coaching/)",
            stack=" > ".join(product[-4:]),
            origin=_frame(frames[-1]) if frames else "?",
        )


def _frame(frame: traceback.FrameSummary) -> str:
    path = frame.filename.removeprefix(str(ROOT) + "/")
    path = re.sub(r"^.*/site-packages/", "", path)
    return f"{path}:{frame.lineno} in {frame.name}"


@dataclass
class Failure:
    field: str
    query: str
    variables: dict[str, Any]
    status: int
    diagnosis: Diagnosis

    @property
    def size(self) -> int:
        return len(self.query) + len(show(self.variables, limit=10**9))


@dataclass
class Tally:
    cases: int = 0
    answered: set[str] = field(default_factory=set)  # root fields that succeeded at least once
    outcomes: Counter = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)


class Harness:
    def __init__(self, client: httpx.AsyncClient, token: str, errors: UnexpectedErrors):
        self.client = client
        self.token = token
        self.errors = errors
        self.tally = Tally()
        self.trace = set(os.environ.get("PACER_FUZZ_TRACE", "").split(","))  # fields, or *

    async def post(self, query: str, variables: dict[str, Any], request_id: str):
        return await self.client.post(
            "/graphql",
            content=encode_body(query, variables),
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "X-Request-ID": request_id,
            },
        )

    async def send(self, root: str, query: str, variables: dict[str, Any]) -> bool:
        """Post one case and file its failures; True when the field answered without error."""
        tally = self.tally
        tally.cases += 1
        request_id = f"fuzz-{tally.cases}"

        def fail(status: int, error: BaseException | None) -> None:
            tally.failures.append(Failure(root, query, variables, status, Diagnosis.of(error)))

        try:
            response = await self.post(query, variables, request_id)
        except Exception as escaped:  # the app raised through the ASGI boundary: a 500
            tally.outcomes["HTTP 500 (exception escaped the app)"] += 1
            fail(500, escaped)
            return False
        body = _json(response)
        if root in self.trace or "*" in self.trace:
            print(f"\n{root}: {_compact(query)} {show(variables)}\n  -> {response.text[:500]}")
        if response.status_code >= 500 or body is None:
            tally.outcomes[f"HTTP {response.status_code}"] += 1
            if response.status_code >= 500:
                fail(response.status_code, RuntimeError(response.text[:200]))
            return False
        errors = body.get("errors") or []
        codes = [(error.get("extensions") or {}).get("code", "?") for error in errors]
        answer = (body.get("data") or {}).get(root)
        refusals = answer.get("errors") if isinstance(answer, dict) else None
        tally.outcomes.update(codes or [f"refused: {e['code']}" for e in refusals or []] or ["ok"])
        logged = iter(self.errors.by_request.pop(request_id, []))
        for code in codes:
            if code == "INTERNAL_SERVER_ERROR":
                fail(response.status_code, next(logged, None))
        succeeded = answer is not None and not refusals and not errors
        if succeeded:
            tally.answered.add(root)
        return succeeded


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def report(failures: list[Failure]) -> str:
    """Failures grouped by root cause (exception and message, numbers aside); in each group,
    per root field, where it broke and its smallest failing case."""
    groups: dict[tuple[str, str], list[Failure]] = defaultdict(list)
    for failure in failures:
        groups[(failure.diagnosis.kind, failure.diagnosis.cause)].append(failure)
    lines = [f"{len(failures)} failing responses, {len(groups)} causes:"]
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    for number, ((kind, _), members) in enumerate(ordered, 1):
        fields = sorted({failure.field for failure in members})
        first = members[0].diagnosis
        lines += [
            "",
            f"[{number}] {kind}: {first.message}",
            f"    raised in {first.origin}; {len(members)} cases in {len(fields)} fields",
        ]
        for root in fields:
            smallest = min((f for f in members if f.field == root), key=lambda f: f.size)
            lines += [
                f"  - {root} (HTTP {smallest.status}) at {smallest.diagnosis.where}",
                f"      stack: {smallest.diagnosis.stack}",
                "      query: " + _compact(smallest.query),
                "      variables: " + show(smallest.variables),
            ]
    return "\n".join(lines)


def _compact(query: str) -> str:
    try:
        return graphql.strip_ignored_characters(query)
    except graphql.GraphQLError:
        return query
