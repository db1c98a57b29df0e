"""Every GraphQL operation README quotes is named and valid against the committed schema, so
the README cannot drift from the API."""

import re
from pathlib import Path

from graphql import OperationDefinitionNode, build_schema, parse, validate

ROOT = Path(__file__).resolve().parents[3]
BLOCK = re.compile(r"```graphql\n(.*?)```", re.S)


def readme_documents() -> list[str]:
    return BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_every_readme_operation_is_named_and_valid():
    schema = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
    documents = readme_documents()
    assert len(documents) >= 6
    for text in documents:
        document = parse(text)
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        assert operations and all(op.name for op in operations), text
        assert validate(schema, document) == [], text
