"""Authorization-matrix entries for lead intake and routing."""

from tests.integration.conftest import gid

READERS_AND_INTAKE = {"admin", "director", "manager", "rep", "intake"}
LEAD = {"source": "website", "segment": "smb", "region": "nowhere", "externalId": "m-1"}


def mutation(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


OPERATIONS = {
    "leads": ("{ leads { totalCount } }", lambda w: {}, READERS_AND_INTAKE),
    "routingDecision": (
        "query($l: ID!) { routingDecision(lead: $l) { attempt } }",
        lambda w: {"l": gid("Lead", 1)},
        READERS_AND_INTAKE,
    ),
    "previewRouting": (
        "query($i: IntakeLeadInput!) { previewRouting(input: $i) { outcome } }",
        lambda w: {"i": LEAD},
        {"admin", "director", "manager", "intake"},
    ),
    "intakeLead": (
        mutation("intakeLead", "IntakeLeadInput"),
        lambda w: {"i": {**LEAD, "contact": {"phone": "13800000000"}}},
        {"admin", "intake"},
    ),
    "intakeLeads": (
        mutation("intakeLeads", "IntakeLeadsInput"),
        lambda w: {"i": {"leads": [{**LEAD, "externalId": "m-2"}]}},
        {"admin", "intake"},
    ),
    "routeLeadsBatch": (
        mutation("routeLeadsBatch", "RouteLeadsBatchInput"),
        lambda w: {"i": {}},
        {"admin", "director", "manager"},
    ),
}
