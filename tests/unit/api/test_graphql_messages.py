"""graphql-core's own refusals in Chinese: the messages graphql-core really writes for common
mistakes (produced here by graphql-core itself) are all translated, names kept as written."""

import pytest
from graphql import build_schema, execute_sync, parse, validate
from graphql.error import GraphQLError

from api.core import graphql_messages
from tests.support.language import assert_chinese

SCHEMA = build_schema(
    """
    enum Stage { LEAD WON }
    type Rep { login: String name: String team: Team }
    type Team { name: String }
    type Query { rep(id: ID!, stage: Stage): Rep  reps(first: Int): [Rep] }
    """
)
NAMES = ["Rep", "Team", "Query", "Stage", "login", "logn", "name", "team", "first", "stage",
         "first", "LEAD", "WON", "rep", "reps", "Missing", "Mystery", "Name", "EOF", "Int",
         "ID!", "Int!", "String", "Boolean", "operationName", "Other", "extensions.detail",
         "GraphQL", "First", "Second", "frag", "Frag", "color", "LOST"]  # fmt: skip
DOCUMENTS = [
    '{ rep(id: "1") { logn } }',
    '{ rep(id: "1") { login { x } } }',
    '{ rep(id: "1") { team } }',
    "{ rep { name } }",
    '{ rep(id: "1", color: 2) { name } }',
    '{ rep(id: "1", stage: LOST) { name } }',
    '{ reps(first: "ten") { name } }',
    "query First($n: Int) { reps { name } }",
    "query First { reps(first: $n) { name } }",
    "query First { reps { name } } query First { reps { name } }",
    "{ reps { name } } query Other { reps { name } }",
    "query($x: Mystery) { reps { name } }",
    "{ reps { ...frag } }",
]


def messages_of(document: str) -> list[str]:
    try:
        return [error.message for error in validate(SCHEMA, parse(document))]
    except GraphQLError as error:
        return [error.message]


@pytest.mark.parametrize("document", [*DOCUMENTS, "{ reps { name }", "{ rep(id: 1 { name } }"])
def test_every_refusal_of_a_bad_document_reads_in_chinese(document):
    found = messages_of(document)
    assert found
    for message in found:
        chinese = graphql_messages.in_chinese(message)
        assert chinese is not None, message
        assert_chinese(chinese, NAMES)


def test_a_value_refused_by_a_built_in_scalar_reads_in_chinese():
    document = parse("query($n: Int) { reps(first: $n) { name } }")
    result = execute_sync(SCHEMA, document, variable_values={"n": "ten"})
    (error,) = result.errors
    zh = graphql_messages.in_chinese(error.message)
    assert zh != error.message and "'ten'" in zh
    assert_chinese(zh, [*NAMES, "'ten'", "$n"])


def test_a_hint_keeps_the_names_and_says_or_in_chinese():
    zh = graphql_messages.in_chinese(
        "Cannot query field 'logn' on type 'Rep'. Did you mean 'login', 'name', or 'team'?"
    )
    assert zh == "类型 Rep 上没有字段 logn。你是不是想用 'login'、'name' 或 'team'？"


def test_an_unknown_message_is_left_to_the_general_sentence():
    assert graphql_messages.in_chinese("Something graphql-core never said.") is None
    assert graphql_messages.has_chinese(graphql_messages.GENERAL)
