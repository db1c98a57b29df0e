"""The change counters routing reads before it trusts the candidates a process holds:
- `routing_roster`: who the reps are (status, level, capacity, unit), their territories,
  specialties, capability scores and milestone flags;
- `routing_outcomes`: deals won or lost (the conversion history) and accounts' segments;
- `routing_load`: open leads per rep and routing decisions (the load and fairness terms),
  journalled as ("open", rep_id) and ("recent", rep_id) counts so a process can apply its own
  committed routing without reading the load again.

Registered by `domain.leads.models`, which every Pacer process imports (the server, every
`pacer` command and the tests all load routing).
"""

from __future__ import annotations

from domain.changes import Values, Watch, watch
from domain.pipeline.stages import CLOSED_STAGES, Stage

ROSTER, OUTCOMES, LOAD = "routing_roster", "routing_outcomes", "routing_load"
COUNTERS = (ROSTER, OUTCOMES, LOAD)
OPEN_LEAD_STAGES = (Stage.LEAD.value, Stage.CONTACTED.value)
"""A rep's capacity counts the leads not yet qualified: those are what routing adds to."""
CLOSED = frozenset(stage.value for stage in CLOSED_STAGES)


def _open_lead(values: Values) -> bool:
    return values("stage") in OPEN_LEAD_STAGES


def _open_lead_of(values: Values):
    return [(("open", values("owner_rep_id")), 1)] if _open_lead(values) else []


def _assigned(values: Values):
    rep_id = values("rep_id")
    return [(("recent", rep_id), 1)] if rep_id is not None else []


watch(
    *(
        Watch(ROSTER, table)
        for table in (
            "rep",
            "rep_territory",
            "rep_specialty",
            "capability_score",
            "milestone_award",
        )
    ),
    Watch(OUTCOMES, "opportunity", relevant=lambda values: values("stage") in CLOSED),
    Watch(OUTCOMES, "account", columns=("segment",)),
    Watch(LOAD, "opportunity", relevant=_open_lead, journal=_open_lead_of),
    Watch(LOAD, "routing_decision", journal=_assigned),
)
