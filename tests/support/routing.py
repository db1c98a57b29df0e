"""Builders and hypothesis strategies of routing inputs: policies, reps (candidates), leads."""

from __future__ import annotations

import copy
import itertools
import json
import random

from hypothesis import strategies as st

from coaching.routing import (
    DEFAULT_POLICY_PATH,
    DIMENSIONS,
    Candidate,
    LeadFacts,
    Policy,
    parse_policy,
)

DEFAULT = json.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
TERRITORIES = ("shanghai", "chengdu", "beijing")
SEGMENTS = ("government", "smb", "rental")
SOURCES = ("web", "event")


def policy_data(**changes) -> dict:
    """The default policy's JSON with top-level keys replaced."""
    data = copy.deepcopy(DEFAULT)
    data.update(copy.deepcopy(changes))
    return data


def make_policy(**changes) -> Policy:
    return parse_policy(policy_data(**changes), source="test_policy.json")


SIMPLE_FILTERS = [
    {"field": "active"},
    {"field": "not_on_leave"},
    {"field": "territory"},
    {"field": "capacity_left"},
]


def simple_policy(**changes) -> Policy:
    """Default weights and rules, but only the four basic filters and no relaxation."""
    return make_policy(**({"filters": SIMPLE_FILTERS, "relaxation": []} | changes))


def rep(rep_id: int, **fields) -> Candidate:
    values = {
        "level": "mid",
        "status": "active",
        "territories": {"shanghai"},
        "capacity": 10,
        "open_load": 0,
        "specialties": {},
        "capability": dict.fromkeys(DIMENSIONS, 70),
        "external_id": f"R{rep_id:03d}",
    } | fields
    return Candidate(rep_id=rep_id, **values)


def lead(**fields) -> LeadFacts:
    values = {"segment": "smb", "territory": "shanghai", "source": "web"} | fields
    return LeadFacts(**values)


@st.composite
def candidates(draw, min_size: int = 0, max_size: int = 12) -> list[Candidate]:
    """Random reps. The numbers that only need to vary (capability, history, flags) come from
    one drawn seed per rep, which keeps generation fast."""
    ids = draw(st.lists(st.integers(1, 500), min_size=min_size, max_size=max_size, unique=True))
    reps = []
    for rep_id in ids:
        capacity = draw(st.integers(0, 6))
        rng = random.Random(draw(st.integers(0, 2**32)))
        segments = rng.sample(SEGMENTS, rng.randint(0, 2))
        history = {}
        for key in itertools.product(segments, SOURCES):
            won = rng.randint(0, 10)
            history[key] = (won, won + rng.randint(0, 10))
        reps.append(
            Candidate(
                rep_id=rep_id,
                level=draw(st.sampled_from(("junior", "mid", "senior"))),
                status=draw(st.sampled_from(("active", "active", "on_leave", "inactive"))),
                territories=draw(st.sets(st.sampled_from(TERRITORIES), min_size=1, max_size=2)),
                capacity=capacity,
                open_load=draw(st.integers(0, capacity + 1)),
                specialties={segment: rng.randint(1, 5) for segment in segments},
                capability={d: rng.randint(0, 100) for d in DIMENSIONS},
                flags={
                    f
                    for f in ("strategic_accounts", "government_procurement")
                    if rng.random() < 0.4
                },
                conversion=history,
                unit_conversion={key: rng.random() for key in history},
                recent_assignments=draw(st.integers(0, 6)),
                external_id=f"R{rep_id:03d}",
            )
        )
    return reps


@st.composite
def leads(draw) -> LeadFacts:
    rng = random.Random(draw(st.integers(0, 2**32)))
    value = rng.choice([None, rng.randint(0, 100_000_000), rng.randint(0, 300_000_000)])
    return LeadFacts(
        segment=draw(st.sampled_from(SEGMENTS)),
        territory=draw(st.sampled_from(TERRITORIES + (None,))),
        source=draw(st.sampled_from(SOURCES)),
        product_interests={p for p in ("battery_swap", "suv") if rng.random() < 0.2},
        signals={s for s in ("requested_quote", "competitor_quote") if rng.random() < 0.3},
        estimated_value=value,
    )
