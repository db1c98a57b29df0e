"""Authorization-matrix entries for the capability operations."""

from tests.integration.conftest import gid

READERS = {"admin", "director", "manager", "rep"}
MANAGERS = {"admin", "director", "manager"}


def mutation(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


OPERATIONS = {
    "capabilityDimensions": ("{ capabilityDimensions { code label } }", lambda w: {}, READERS),
    "capabilityMilestones": ("{ capabilityMilestones { id title } }", lambda w: {}, READERS),
    "capabilityProfile": (
        "query($r: ID!) { capabilityProfile(rep: $r) { dimensions { score } } }",
        lambda w: {"r": w.rep("r1")},
        READERS,
    ),
    "capabilityHeatmap": (
        "query($u: ID!) { capabilityHeatmap(unit: $u) { rows { scores { score } } } }",
        lambda w: {"u": w.unit("east.sh")},
        MANAGERS,
    ),
    "recordCustomerRating": (
        mutation("recordCustomerRating", "RecordCustomerRatingInput"),
        lambda w: {"i": {"opportunityId": gid("Opportunity", 999), "rating": 4}},
        MANAGERS,
    ),
    "overrideCapabilityScore": (
        mutation("overrideCapabilityScore", "OverrideCapabilityScoreInput"),
        lambda w: {"i": {"repId": w.rep("r1"), "dimension": "x", "score": 1, "reason": "x"}},
        MANAGERS,
    ),
    "clearCapabilityOverride": (
        mutation("clearCapabilityOverride", "ClearCapabilityOverrideInput"),
        lambda w: {"i": {"repId": w.rep("r1"), "dimension": "x", "reason": "x"}},
        MANAGERS,
    ),
    "refreshCapabilities": (
        mutation("refreshCapabilities", "RefreshCapabilitiesInput"),
        lambda w: {"i": {"asOf": "2099-01-01"}},
        {"admin"},
    ),
    "evaluateMilestones": (
        mutation("evaluateMilestones", "EvaluateMilestonesInput"),
        lambda w: {"i": {"asOf": "2099-01-01"}},
        {"admin"},
    ),
}
