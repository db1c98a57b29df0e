"""Authorization-matrix entries for the alert operations."""

from tests.integration.conftest import gid

READERS = {"admin", "director", "manager", "rep"}
A = gid("Alert", 1)


def mutation(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


OPERATIONS = {
    "alerts": ("{ alerts { totalCount } }", lambda w: {}, READERS),
    "alertCounts": ("{ alertCounts { total } }", lambda w: {}, READERS),
    "alertTasks": ("{ alertTasks { totalCount } }", lambda w: {}, READERS),
    "healthDiagnoses": ("{ healthDiagnoses { weekStart } }", lambda w: {}, READERS),
    "acknowledgeAlert": (
        mutation("acknowledgeAlert", "AcknowledgeAlertInput"),
        lambda w: {"i": {"id": A}},
        READERS,
    ),
    "assignAlert": (
        mutation("assignAlert", "AssignAlertInput"),
        lambda w: {"i": {"id": A, "assigneeId": w.user("manager")}},
        READERS,
    ),
    "commentOnAlert": (
        mutation("commentOnAlert", "CommentOnAlertInput"),
        lambda w: {"i": {"id": A, "body": "x"}},
        READERS,
    ),
    "resolveAlert": (
        mutation("resolveAlert", "ResolveAlertInput"),
        lambda w: {"i": {"id": A, "reason": "x"}},
        READERS,
    ),
    "completeAlertTask": (
        mutation("completeAlertTask", "CompleteAlertTaskInput"),
        lambda w: {"i": {"id": gid("AlertTask", 1), "outcome": "x"}},
        READERS,
    ),
    "runAlerts": (
        mutation("runAlerts", "RunAlertsInput"),
        lambda w: {"i": {"day": "2026-11-20"}},
        {"admin"},
    ),
}
