"""A qualification value the gates refuse is named in words of the reply's language: no
jsonschema English inside a Chinese message."""

import pytest

from domain.errors import BrokenRules
from domain.pipeline.rules import DEFAULT_GATES, check_qualification, load_gates
from tests.support.language import assert_chinese, assert_english


@pytest.mark.parametrize(
    "data",
    [
        {"decision_maker": ""},
        {"budget_range": {"min": -5, "max": 10}},
        {"need": 42},
        {"competitors": ["ok", ""]},
    ],
)
def test_a_refused_qualification_value_reads_in_one_language(data):
    with pytest.raises(BrokenRules) as refused:
        check_qualification(load_gates(DEFAULT_GATES), data)
    for error in refused.value.errors:
        assert_chinese(error.message("zh"), ["INVALID_QUALIFICATION", *data, "budget_range.min"])
        assert_english(error.message("en"))
        assert error.field
