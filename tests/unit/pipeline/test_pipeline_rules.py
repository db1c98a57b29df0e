from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import BrokenRules, Conflict, InvalidInput
from domain.pipeline import rules
from domain.pipeline.stages import LEGAL_MOVES, OPEN_STAGES, Move, Stage

GATES = rules.load_gates()
QUALIFIED = {"budget_range": {"min": 100, "max": 500}, "decision_maker": "采购总监 王伟"}


def codes(caught) -> list[tuple[str, str]]:
    return [(error.code, error.field) for error in caught.value.errors]


def test_gate_reports_one_error_per_missing_field():
    with pytest.raises(BrokenRules) as caught:
        rules.check_gate(GATES, Stage.QUALIFIED, {})
    assert codes(caught) == [
        ("MISSING_QUALIFICATION", "qualification.budget_range"),
        ("MISSING_QUALIFICATION", "qualification.decision_maker"),
    ]
    rules.check_gate(GATES, Stage.QUALIFIED, QUALIFIED)
    rules.check_gate(GATES, Stage.CONTACTED, {})


def test_gate_checks_values_too():
    with pytest.raises(BrokenRules) as caught:
        rules.check_gate(GATES, Stage.PROPOSAL, {"need": "short"})
    assert codes(caught) == [("INVALID_QUALIFICATION", "qualification.need")]


def test_qualification_types_are_checked():
    with pytest.raises(BrokenRules) as caught:
        rules.check_qualification(
            GATES, {"budget_range": {"min": -1, "max": "lots"}, "timeline": "next spring"}
        )
    fields = {field for _, field in codes(caught)}
    assert fields == {
        "qualification.budget_range.min",
        "qualification.budget_range.max",
        "qualification.timeline",
    }


def test_advance_goes_one_step_unless_the_skipped_stages_allow_it():
    assert rules.advance_target(GATES, Stage.LEAD, None) == Stage.CONTACTED
    assert rules.advance_target(GATES, Stage.LEAD, Stage.QUALIFIED) == Stage.QUALIFIED
    with pytest.raises(Conflict, match="ILLEGAL_TRANSITION"):
        rules.advance_target(GATES, Stage.LEAD, Stage.PROPOSAL)  # qualified is not skippable
    with pytest.raises(Conflict, match="ILLEGAL_TRANSITION"):
        rules.advance_target(GATES, Stage.NEGOTIATION, None)
    with pytest.raises(Conflict, match="ILLEGAL_TRANSITION"):
        rules.advance_target(GATES, Stage.QUOTED, Stage.CONTACTED)
    with pytest.raises(Conflict, match="CLOSED"):
        rules.advance_target(GATES, Stage.WON, None)


def test_moves_table():
    rules.check_move(Move.WIN, Stage.NEGOTIATION, Stage.WON)
    for source in OPEN_STAGES:
        rules.check_move(Move.LOSE, source, Stage.LOST)
    with pytest.raises(Conflict, match="ILLEGAL_TRANSITION"):
        rules.check_move(Move.WIN, Stage.QUOTED, Stage.WON)
    with pytest.raises(Conflict, match="CLOSED"):
        rules.check_move(Move.LOSE, Stage.WON, Stage.LOST)
    assert rules.previous_stage(Stage.QUOTED) == Stage.PROPOSAL
    with pytest.raises(Conflict, match="ILLEGAL_TRANSITION"):
        rules.previous_stage(Stage.LEAD)


@given(st.sampled_from(list(Move)), st.sampled_from([None, *Stage]), st.sampled_from(list(Stage)))
def test_no_move_leaves_a_closed_stage_except_reopen(move, source, target):
    if (source, target) in LEGAL_MOVES[move] and source is not None and not source.is_open:
        assert move == Move.REOPEN and target.is_open


def test_win_needs_a_positive_amount_and_a_past_date():
    rules.check_win(1, date(2026, 1, 1), date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="INVALID_AMOUNT"):
        rules.check_win(0, date(2026, 1, 1), date(2026, 1, 2))
    with pytest.raises(InvalidInput, match="INVALID_DATE"):
        rules.check_win(5, date(2026, 1, 3), date(2026, 1, 2))


def test_a_company_can_override_the_gates(tmp_path):
    config = json.loads(rules.DEFAULT_GATES.read_text(encoding="utf-8"))
    config["stages"]["qualified"]["skippable"] = True
    config["stages"]["proposal"]["gate"] = {"required": ["competitors"]}
    path = tmp_path / "gates.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    gates = rules.load_gates(path)
    assert rules.advance_target(gates, Stage.LEAD, Stage.PROPOSAL) == Stage.PROPOSAL
    with pytest.raises(BrokenRules) as caught:
        rules.check_gate(gates, Stage.PROPOSAL, {})
    assert codes(caught) == [("MISSING_QUALIFICATION", "qualification.competitors")]


@pytest.mark.parametrize(
    "broken",
    [
        "not json",
        '{"stages": {}}',
        '{"qualification": {"type": 5}, "stages": {}}',
        '{"qualification": {}, "stages": {"nowhere": {"gate": {}}}}',
    ],
)
def test_a_bad_gates_file_is_refused_with_its_name(tmp_path, broken):
    path = tmp_path / "bad-gates.json"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(rules.GatesFileError, match="bad-gates.json"):
        rules.load_gates(path)
