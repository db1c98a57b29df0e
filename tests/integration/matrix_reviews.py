"""Authorization-matrix entries for the reviews operations (merged in test_authorization_matrix).

Reading and marking anomalies: admins, directors, managers and reps (a rep sees the reviews of
their own unit); starting, suggesting and confirming key customers: admins, directors and
managers; accepting and rejecting suggestions: admins and directors."""

from tests.integration.conftest import gid

READERS = {"admin", "director", "manager", "rep"}
PLANNERS = {"admin", "director", "manager"}
DECIDERS = {"admin", "director"}
REVIEW = gid("WeeklyReview", 999)
SUGGESTION = gid("ReviewSuggestion", 999)


def mutation(name: str, input_type: str, selection: str = "errors { code }") -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ {selection} }} }}"


OPERATIONS: dict = {
    "weeklyReview": (
        "query($id: ID!) { weeklyReview(id: $id) { weekLabel } }",
        lambda w: {"id": REVIEW},
        READERS,
    ),
    "weeklyReviews": (
        "query($u: ID!) { weeklyReviews(unitId: $u) { totalCount } }",
        lambda w: {"u": w.unit("east.sh")},
        READERS,
    ),
    "startWeeklyReview": (
        mutation("startWeeklyReview", "StartWeeklyReviewInput"),
        lambda w: {"i": {"unitId": w.unit("east.sh"), "weekStart": "2026-11-17"}},
        PLANNERS,
    ),
    "markReviewAnomaly": (
        mutation("markReviewAnomaly", "MarkReviewAnomalyInput"),
        lambda w: {"i": {"reviewId": REVIEW, "note": "x"}},
        READERS,
    ),
    "suggestTargetAdjustment": (
        mutation("suggestTargetAdjustment", "SuggestTargetAdjustmentInput"),
        lambda w: {
            "i": {
                "reviewId": REVIEW,
                "targetId": gid("Target", 1),
                "proposedAmount": 1,
                "reason": "x",
            }
        },
        PLANNERS,
    ),
    "acceptTargetAdjustments": (
        mutation("acceptTargetAdjustments", "AcceptTargetAdjustmentsInput"),
        lambda w: {"i": {"reviewId": REVIEW, "suggestionIds": [SUGGESTION], "reason": "x"}},
        DECIDERS,
    ),
    "rejectTargetAdjustment": (
        mutation("rejectTargetAdjustment", "RejectTargetAdjustmentInput"),
        lambda w: {"i": {"suggestionId": SUGGESTION}},
        DECIDERS,
    ),
    "confirmKeyCustomers": (
        mutation("confirmKeyCustomers", "ConfirmKeyCustomersInput"),
        lambda w: {"i": {"reviewId": REVIEW, "accounts": []}},
        PLANNERS,
    ),
}
