"""Authorization-matrix entries for the practice sandbox."""

from tests.integration.conftest import gid

EVERYONE = {"admin", "director", "manager", "rep", "intake"}
READERS = {"admin", "director", "manager", "rep"}
S = gid("PracticeSession", 1)


def mutation(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


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
        mutation("startPractice", "StartPracticeInput"),
        lambda w: {"i": {"scenario": "nope"}},
        {"rep"},
    ),
    "respondInPractice": (
        mutation("respondInPractice", "RespondInPracticeInput"),
        lambda w: {"i": {"session": S, "message": "hello"}},
        {"rep"},
    ),
    "finishPractice": (
        mutation("finishPractice", "FinishPracticeInput"),
        lambda w: {"i": {"session": S}},
        {"rep"},
    ),
    "overridePracticeVerdict": (
        mutation("overridePracticeVerdict", "OverridePracticeVerdictInput"),
        lambda w: {"i": {"session": S, "checkId": "x", "passed": True, "reason": "x"}},
        {"admin", "director", "manager"},
    ),
}
