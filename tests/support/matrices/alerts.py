"""Authorization-matrix entries for the alert operations."""

from tests.support.graphql import gid, probe

READERS = {"admin", "director", "manager", "rep"}
A = gid("Alert", 1)


OPERATIONS = {
    "alerts": ("{ alerts { totalCount } }", lambda w: {}, READERS),
    "alertCounts": ("{ alertCounts { total } }", lambda w: {}, READERS),
    "alertTasks": ("{ alertTasks { totalCount } }", lambda w: {}, READERS),
    "healthDiagnoses": ("{ healthDiagnoses { weekStart } }", lambda w: {}, READERS),
    "acknowledgeAlert": (
        probe("acknowledgeAlert", "AcknowledgeAlertInput"),
        lambda w: {"i": {"id": A}},
        READERS,
    ),
    "assignAlert": (
        probe("assignAlert", "AssignAlertInput"),
        lambda w: {"i": {"id": A, "assigneeId": w.user("manager")}},
        READERS,
    ),
    "commentOnAlert": (
        probe("commentOnAlert", "CommentOnAlertInput"),
        lambda w: {"i": {"id": A, "body": "x"}},
        READERS,
    ),
    "resolveAlert": (
        probe("resolveAlert", "ResolveAlertInput"),
        lambda w: {"i": {"id": A, "reason": "x"}},
        READERS,
    ),
    "completeAlertTask": (
        probe("completeAlertTask", "CompleteAlertTaskInput"),
        lambda w: {"i": {"id": gid("AlertTask", 1), "outcome": "x"}},
        READERS,
    ),
    "mentoringReceived": ("{ mentoringReceived { weekStart } }", lambda w: {}, READERS),
    "mentoringGiven": ("{ mentoringGiven { weekStart } }", lambda w: {}, READERS),
    "dismissAlertTask": (
        probe("dismissAlertTask", "DismissAlertTaskInput"),
        lambda w: {"i": {"id": gid("AlertTask", 1), "reason": "x"}},
        READERS,
    ),
    "runAlerts": (
        probe("runAlerts", "RunAlertsInput"),
        lambda w: {"i": {"day": "2026-11-20"}},
        {"admin"},
    ),
}
