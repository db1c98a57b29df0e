"""The full introspection query (what GraphiQL and code generators send) answers without a
single error: every default value of every argument and input field can be printed."""

import asyncio

from graphql import get_introspection_query

from api.core.schema import build_schema
from domain.settings import load_settings


def test_the_full_introspection_query_answers_without_errors():
    schema = build_schema(load_settings())
    query = get_introspection_query(input_value_deprecation=True)
    result = asyncio.run(schema.execute(query))
    assert result.errors is None
    inputs = {t["name"]: t for t in result.data["__schema"]["types"] if t["inputFields"]}
    fields = {f["name"]: f for f in inputs["IntakeLeadInput"]["inputFields"]}
    assert fields["attributes"]["defaultValue"] == "null"
    assert fields["contact"]["defaultValue"] is not None
