"""Lead routing: the policy, its scoring terms and filters, the batch solver, the service."""

from coaching.routing.batch import (
    DEFAULT_MAX_CELLS,
    BatchAssignment,
    BatchResult,
    assign_batch,
    greedy_batch,
)
from coaching.routing.decision import choose_co_owner, decide
from coaching.routing.exclusions import Exclusions, Reason
from coaching.routing.explanation import (
    CoOwnerSuggestion,
    Decision,
    Fallback,
    PassedOver,
    Ranked,
    TermScore,
)
from coaching.routing.inputs import DIMENSIONS, Candidate, LeadFacts
from coaching.routing.lead_rules import (
    is_high_potential,
    lead_needs,
    relaxation_level_for,
    required_flags,
)
from coaching.routing.policy import (
    DEFAULT_POLICY_PATH,
    Policy,
    PolicyError,
    load_policy,
    parse_policy,
)
from coaching.routing.table import AppliedRelaxation, CandidateTable

__all__ = [
    "DEFAULT_MAX_CELLS",
    "DEFAULT_POLICY_PATH",
    "DIMENSIONS",
    "AppliedRelaxation",
    "BatchAssignment",
    "BatchResult",
    "Candidate",
    "CandidateTable",
    "CoOwnerSuggestion",
    "Decision",
    "Exclusions",
    "Fallback",
    "LeadFacts",
    "PassedOver",
    "Policy",
    "PolicyError",
    "Ranked",
    "Reason",
    "TermScore",
    "assign_batch",
    "choose_co_owner",
    "decide",
    "greedy_batch",
    "is_high_potential",
    "lead_needs",
    "load_policy",
    "parse_policy",
    "relaxation_level_for",
    "required_flags",
]
