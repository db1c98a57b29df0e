"""Authorization-matrix entries for lead intake and routing."""

from tests.support.graphql import gid, probe

READERS_AND_INTAKE = {"admin", "director", "manager", "rep", "intake"}
LEAD = {"source": "website", "segment": "smb", "region": "nowhere", "externalId": "m-1"}


OPERATIONS = {
    "leads": ("{ leads { totalCount } }", lambda w: {}, READERS_AND_INTAKE),
    "routingDecision": (
        "query($l: ID!) { routingDecision(lead: $l) { attempt } }",
        lambda w: {"l": gid("Lead", 1)},
        READERS_AND_INTAKE,
    ),
    "routingCoverage": (
        '{ routingCoverage(from: "2026-01-01", to: "2026-01-31") { leads } }',
        lambda w: {},
        {"admin", "director", "manager"},
    ),
    "previewRouting": (
        "query($i: IntakeLeadInput!) { previewRouting(input: $i) { outcome } }",
        lambda w: {"i": LEAD},
        {"admin", "director", "manager", "intake"},
    ),
    "intakeLead": (
        probe("intakeLead", "IntakeLeadInput"),
        lambda w: {"i": {**LEAD, "contact": {"phone": "13800000000"}}},
        {"admin", "intake"},
    ),
    "intakeLeads": (
        probe("intakeLeads", "IntakeLeadsInput"),
        lambda w: {"i": {"leads": [{**LEAD, "externalId": "m-2"}]}},
        {"admin", "intake"},
    ),
    "routeLeadsBatch": (
        probe("routeLeadsBatch", "RouteLeadsBatchInput"),
        lambda w: {"i": {}},
        {"admin", "director", "manager"},
    ),
}
