"""API helpers that need no database: global IDs, cursors, labels, error codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strawberry import relay
from strawberry.relay.utils import to_base64

from api.core.errors import camel, mutation_types
from api.core.relay import decode_cursor, decode_id, page_args, row_id
from domain.errors import InvalidInput
from domain.labels import LABELLED_ENUMS
from domain.org.models import RepLevel


def test_decode_id_checks_the_type():
    assert decode_id(relay.GlobalID("OrgUnit", "12"), "OrgUnit", "parent_id") == 12
    assert decode_id(None, "OrgUnit", "parent_id") is None
    for wrong in (relay.GlobalID("Rep", "12"), relay.GlobalID("OrgUnit", "x1")):
        with pytest.raises(InvalidInput) as caught:
            decode_id(wrong, "OrgUnit", "parent_id")
        assert (caught.value.code, caught.value.field) == ("INVALID_ID", "parent_id")


@given(st.integers(min_value=0, max_value=2**62))
def test_cursor_round_trip(row_id):
    assert decode_cursor(to_base64("cursor", row_id)) == row_id


@pytest.mark.parametrize("bad", ["", "%%%", to_base64("other", 3), to_base64("cursor", "x")])
def test_bad_cursor(bad):
    with pytest.raises(InvalidInput, match="INVALID_CURSOR"):
        decode_cursor(bad)


def test_page_args_default_and_cap():
    assert page_args(None, None, 100) == (None, 100)
    assert page_args(0, None, 100) == (None, 0)
    for bad in (-1, 101):
        with pytest.raises(InvalidInput, match="INVALID_PAGE_SIZE"):
            page_args(bad, None, 100)


def test_camel():
    assert camel("new_parent_id") == "newParentId"
    assert camel("name") == "name" and camel(None) is None


def test_mutation_types_are_typed_per_mutation():
    types = mutation_types("DoThing", "thing", str, ["BROKEN", "MISSING"])
    assert [code.name for code in types.code] == ["BROKEN", "MISSING"]
    error = types.error(code=types.code.BROKEN, message="m")
    assert error.field is None
    assert types.payload().errors == [] and types.payload(thing="x").thing == "x"


def test_every_labelled_enum_has_both_languages():
    assert {"OrgUnitKind", "RepLevel", "RepStatus", "Role"} <= set(LABELLED_ENUMS)
    for enum_cls in LABELLED_ENUMS.values():
        for member in enum_cls:
            assert member.label_zh and member.label_en and member.label_zh != member.label_en
    assert RepLevel.SENIOR.label("en") == "Senior" and RepLevel.SENIOR.label("zh") == "资深"
    assert RepLevel("mid") is RepLevel.MID and RepLevel.MID == "mid"


@pytest.mark.parametrize("text", ["9" * 5000, str(2**63), "²", "١٢", "-1", "1e3", ""])
def test_row_ids_outside_a_bigint_are_not_ids(text):
    assert row_id(text) is None


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_every_bigint_is_a_row_id(number):
    assert row_id(str(number)) == number
