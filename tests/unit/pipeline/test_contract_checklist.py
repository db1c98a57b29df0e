"""The contract checklist file and its rules, without a database."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import Conflict
from domain.pipeline.checklist import (
    DEFAULT_CHECKLIST,
    ChecklistFileError,
    check_complete,
    completes_contract,
    load_checklist,
    unchecked,
)
from domain.pipeline.models import ContractChecklistItem
from domain.settings import SettingsError, load_settings


def item(code: str, position: int, checked: bool) -> ContractChecklistItem:
    return ContractChecklistItem(
        code=code,
        label_zh=f"项目{position}",
        label_en=f"Item {position}",
        position=position,
        checked_at=datetime(2026, 12, 1, tzinfo=UTC) if checked else None,
    )


def write(tmp_path, config) -> object:
    path = tmp_path / "checklist.json"
    path.write_text(json.dumps(config), "utf-8")
    return path


def test_the_default_file_is_valid_and_bilingual():
    loaded = load_checklist(DEFAULT_CHECKLIST)
    assert len(loaded.items) >= 3
    assert all(spec.label_zh and spec.label_en for spec in loaded.items)
    assert len({spec.code for spec in loaded.items}) == len(loaded.items)


@pytest.mark.parametrize(
    ("config", "where"),
    [
        ({"version": 1, "items": []}, "items"),
        ({"version": 1, "items": [{"code": "Bad Code", "label": {"zh": "x", "en": "x"}}]}, "code"),
        ({"version": 1, "items": [{"code": "a", "label": {"zh": "x"}}]}, "label"),
        ({"version": 2, "items": [{"code": "a", "label": {"zh": "x", "en": "x"}}]}, "version"),
        (
            {"version": 1, "items": [{"code": "a", "label": {"zh": "x", "en": "y"}}] * 2},
            "code listed twice: a",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_the_place(tmp_path, config, where):
    with pytest.raises(ChecklistFileError) as refused:
        load_checklist(write(tmp_path, config))
    assert str(tmp_path) in str(refused.value) and where in str(refused.value)


def test_settings_refuse_a_bad_checklist_file(tmp_path):
    path = write(tmp_path, {"version": 1, "items": []})
    with pytest.raises(SettingsError, match="PACER_CONTRACT_CHECKLIST_FILE"):
        load_settings(contract_checklist_file=path)
    good = write(
        tmp_path, {"version": 1, "items": [{"code": "a", "label": {"zh": "甲", "en": "A"}}]}
    )
    assert load_settings(contract_checklist_file=good).contract_checklist_file == good


def test_winning_is_refused_listing_each_unchecked_item_in_order():
    items = [item("c", 2, False), item("a", 0, True), item("b", 1, False)]
    assert [i.code for i in unchecked(items)] == ["b", "c"]
    with pytest.raises(Conflict) as refused:
        check_complete(items)
    assert refused.value.code == "CHECKLIST_INCOMPLETE"
    assert refused.value.message_zh.endswith("项目1、项目2")
    assert refused.value.message_en.endswith("Item 1; Item 2")
    check_complete([item("a", 0, True)])  # complete: no refusal
    check_complete([])  # no checklist opened: nothing to check


@given(
    won=st.integers(1, 10**12),
    before=st.integers(0, 10**12),
    amount=st.integers(1, 10**12),
)
def test_exactly_one_payment_completes_a_contract(won, before, amount):
    completes = completes_contract(won, before, amount)
    assert completes == (before < won <= before + amount)
    if completes:  # the next payment, if any, never completes it again
        assert not completes_contract(won, before + amount, 1)


def test_a_contract_without_signed_amount_is_never_complete():
    assert not completes_contract(None, 0, 100)
