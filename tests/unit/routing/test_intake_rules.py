"""Intake checks without a database: every problem at once, each naming its field; the
attributes against the intake JSON Schema; the fingerprint behind idempotent intake."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import BrokenRules
from domain.leads.rules import (
    Contact,
    IntakeItem,
    IntakeSchemaError,
    clean_lead,
    intake_validator,
)

VALIDATOR = intake_validator()
GOOD = IntakeItem(
    external_id="web-2026-0001",
    source="Website",
    segment="private_buyer",
    region="shanghai",
    product_interests=("ev_suv", "EV_SUV"),
    signals=("battery_swap_interest",),
    estimated_value=25_000_000,
    contact=Contact(name=" 王  先生 ", phone="+86 138 0000 0000"),
    attributes={"purchase_timeline": "within_3_months", "fleet_size": 2},
)


def problems(item, prefix="") -> list[tuple[str, str]]:
    with pytest.raises(BrokenRules) as refused:
        clean_lead(item, VALIDATOR, prefix)
    return [(error.code, error.field) for error in refused.value.errors]


def test_a_good_lead_is_normalised():
    clean = clean_lead(GOOD, VALIDATOR)
    assert (clean.source, clean.segment, clean.region) == ("website", "private_buyer", "shanghai")
    assert clean.product_interests == ("ev_suv",)
    assert clean.contact == {"name": "王 先生", "phone": "+86 138 0000 0000"}


def test_an_intake_without_an_external_id_is_refused():
    assert problems(replace(GOOD, external_id=None)) == [("REQUIRED", "external_id")]
    assert problems(replace(GOOD, external_id="   ")) == [("REQUIRED", "external_id")]
    assert problems(replace(GOOD, external_id="has space")) == [("INVALID_FORMAT", "external_id")]


def test_every_problem_is_reported_at_once_with_its_field():
    bad = replace(
        GOOD,
        source="",
        signals=("ok", "Not A Slug"),
        estimated_value=-1,
        contact=Contact(email="not-an-email"),
        attributes={"fleet_size": "three", "purchase_timeline": "someday", "nested": {"a": 1}},
    )
    assert problems(bad, prefix="leads.3.") == [
        ("INVALID_FORMAT", "leads.3.source"),
        ("INVALID_FORMAT", "leads.3.signals"),
        ("NEGATIVE", "leads.3.estimated_value"),
        ("INVALID_FORMAT", "leads.3.contact.email"),
        ("ATTRIBUTE_INVALID", "leads.3.attributes.fleet_size"),
        ("ATTRIBUTE_INVALID", "leads.3.attributes.nested"),
        ("ATTRIBUTE_INVALID", "leads.3.attributes.purchase_timeline"),
    ]


def test_a_contact_needs_a_phone_or_an_email():
    assert problems(replace(GOOD, contact=Contact(name="x"))) == [("CONTACT_REQUIRED", "contact")]
    assert problems(replace(GOOD, contact=Contact(phone="12"))) == [
        ("INVALID_FORMAT", "contact.phone")
    ]


def test_messages_are_bilingual():
    with pytest.raises(BrokenRules) as refused:
        clean_lead(replace(GOOD, attributes={"fleet_size": 0}), VALIDATOR)
    (error,) = refused.value.errors
    assert "线索表单" in error.message("zh") and "intake schema" in error.message("en")


def test_a_schema_file_replaces_the_default(tmp_path):
    strict = tmp_path / "strict.json"
    strict.write_text(json.dumps({"type": "object", "required": ["campaign"]}))
    validator = intake_validator(strict)
    assert clean_lead(replace(GOOD, attributes={"campaign": "x"}), validator)
    with pytest.raises(BrokenRules) as refused:
        clean_lead(GOOD, validator)
    assert [e.field for e in refused.value.errors] == ["attributes"]
    broken = tmp_path / "broken.json"
    broken.write_text('{"type": "no-such-type"}')
    with pytest.raises(IntakeSchemaError, match="broken.json"):
        intake_validator(broken)


texts = st.text(alphabet="abcxyz_", min_size=1, max_size=8)


@given(
    st.dictionaries(texts, st.one_of(st.integers(1, 9), texts), max_size=5),
    st.integers(0, 10**9),
)
def test_the_fingerprint_is_the_content(attributes, value):
    attributes = {f"k_{key}": item for key, item in attributes.items()}
    item = replace(GOOD, attributes=attributes, estimated_value=value)
    reordered = replace(item, attributes=dict(reversed(list(attributes.items()))))
    first = clean_lead(item, VALIDATOR).content_hash
    assert first == clean_lead(reordered, VALIDATOR).content_hash
    assert first != clean_lead(replace(item, estimated_value=value + 1), VALIDATOR).content_hash
