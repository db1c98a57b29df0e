"""Authorization-matrix entries for the contract checklist and the coefficient confirmations
(see matrices/__init__.py).

Checking a contract item: admins, directors, managers and reps; confirming a business
coefficient: directors and managers (the service then decides in which capacity)."""

from tests.support.graphql import gid, probe

READERS = {"admin", "director", "manager", "rep"}
CONFIRMERS = {"director", "manager"}

OPERATIONS: dict = {
    "checkContractItem": (
        probe("checkContractItem", "CheckContractItemInput"),
        lambda w: {"i": {"opportunityId": gid("Opportunity", 999), "code": "legal_review"}},
        READERS,
    ),
    "confirmBusinessCoefficient": (
        probe("confirmBusinessCoefficient", "ConfirmBusinessCoefficientInput"),
        lambda w: {"i": {"id": 999, "capacity": "DIRECTOR"}},
        CONFIRMERS,
    ),
}
