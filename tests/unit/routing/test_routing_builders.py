"""The routing builders of tests/support/routing.py make valid inputs."""

from __future__ import annotations

from tests.support.routing import DEFAULT, lead, make_policy, rep, simple_policy


def test_the_builders_make_valid_inputs():
    assert rep(1).capacity_left == 10 and lead().territory == "shanghai"
    assert simple_policy().relaxation == () and make_policy().version == DEFAULT["version"]
