"""JSON columns are written with orjson, with the standard library's answer wherever orjson
differs in what it accepts: the stored JSON reads back the same either way."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.db import dumps_json

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),  # beyond 64 bits: the fallback
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=5), st.integers()), inner, max_size=4),
    ),
    max_leaves=20,
)


@given(documents)
def test_what_is_written_reads_back_as_the_standard_library_would(value):
    assert json.loads(dumps_json(value)) == json.loads(json.dumps(value))


def test_chinese_is_written_as_text_and_numpy_numbers_as_numbers():
    written = dumps_json({"理由": "负载已满", "score": np.float64(0.25), "n": np.int64(3)})
    assert "负载已满" in written
    assert json.loads(written) == {"理由": "负载已满", "score": 0.25, "n": 3}


def test_values_orjson_refuses_fall_back_to_the_standard_library():
    assert dumps_json({"big": 2**70}) == json.dumps({"big": 2**70})
    assert json.loads(dumps_json({"big": -(2**63) - 1})) == {"big": -(2**63) - 1}
    with pytest.raises(TypeError):
        dumps_json({"not json": object()})
