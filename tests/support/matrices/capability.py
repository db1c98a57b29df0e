"""Authorization-matrix entries for the capability operations."""

from tests.support.graphql import gid, probe

READERS = {"admin", "director", "manager", "rep"}
MANAGERS = {"admin", "director", "manager"}


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
        probe("recordCustomerRating", "RecordCustomerRatingInput"),
        lambda w: {"i": {"opportunityId": gid("Opportunity", 999), "rating": 4}},
        MANAGERS,
    ),
    "overrideCapabilityScore": (
        probe("overrideCapabilityScore", "OverrideCapabilityScoreInput"),
        lambda w: {"i": {"repId": w.rep("r1"), "dimension": "x", "score": 1, "reason": "x"}},
        MANAGERS,
    ),
    "clearCapabilityOverride": (
        probe("clearCapabilityOverride", "ClearCapabilityOverrideInput"),
        lambda w: {"i": {"repId": w.rep("r1"), "dimension": "x", "reason": "x"}},
        MANAGERS,
    ),
    "refreshCapabilities": (
        probe("refreshCapabilities", "RefreshCapabilitiesInput"),
        lambda w: {"i": {"asOf": "2099-01-01"}},
        {"admin"},
    ),
    "evaluateMilestones": (
        probe("evaluateMilestones", "EvaluateMilestonesInput"),
        lambda w: {"i": {"asOf": "2099-01-01"}},
        {"admin"},
    ),
}
