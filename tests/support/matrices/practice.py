"""Authorization-matrix entries for the practice sandbox."""

from tests.support.graphql import gid, probe

EVERYONE = {"admin", "director", "manager", "rep", "intake"}
READERS = {"admin", "director", "manager", "rep"}
S = gid("PracticeSession", 1)


OPERATIONS = {
    "practiceScenarios": ("{ practiceScenarios { id } }", lambda w: {}, EVERYONE),
    "practiceEngines": ("{ practiceEngines }", lambda w: {}, EVERYONE),
    "practiceSessions": ("{ practiceSessions { totalCount } }", lambda w: {}, READERS),
    "practiceReplay": (
        "query($s: ID!) { practiceReplay(session: $s) { identical } }",
        lambda w: {"s": S},
        READERS,
    ),
    "startPractice": (
        probe("startPractice", "StartPracticeInput"),
        lambda w: {"i": {"scenario": "nope"}},
        {"rep"},
    ),
    "respondInPractice": (
        probe("respondInPractice", "RespondInPracticeInput"),
        lambda w: {"i": {"session": S, "message": "hello"}},
        {"rep"},
    ),
    "finishPractice": (
        probe("finishPractice", "FinishPracticeInput"),
        lambda w: {"i": {"session": S}},
        {"rep"},
    ),
    "overridePracticeVerdict": (
        probe("overridePracticeVerdict", "OverridePracticeVerdictInput"),
        lambda w: {"i": {"session": S, "checkId": "x", "passed": True, "reason": "x"}},
        {"admin", "director", "manager"},
    ),
}
