"""Authorization-matrix entries for the reviews operations (see
matrices/__init__.py).

Reading and marking anomalies: admins, directors, managers and reps (a rep sees the reviews of
their own unit); starting, suggesting and confirming key customers: admins, directors and
managers; accepting and rejecting suggestions: admins and directors."""

from tests.support.graphql import gid, probe

READERS = {"admin", "director", "manager", "rep"}
PLANNERS = {"admin", "director", "manager"}
DECIDERS = {"admin", "director"}
REVIEW = gid("WeeklyReview", 999)
SUGGESTION = gid("ReviewSuggestion", 999)


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
        probe("startWeeklyReview", "StartWeeklyReviewInput"),
        lambda w: {"i": {"unitId": w.unit("east.sh"), "weekStart": "2026-11-17"}},
        PLANNERS,
    ),
    "markReviewAnomaly": (
        probe("markReviewAnomaly", "MarkReviewAnomalyInput"),
        lambda w: {"i": {"reviewId": REVIEW, "note": "x"}},
        READERS,
    ),
    "suggestTargetAdjustment": (
        probe("suggestTargetAdjustment", "SuggestTargetAdjustmentInput"),
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
        probe("acceptTargetAdjustments", "AcceptTargetAdjustmentsInput"),
        lambda w: {"i": {"reviewId": REVIEW, "suggestionIds": [SUGGESTION], "reason": "x"}},
        DECIDERS,
    ),
    "rejectTargetAdjustment": (
        probe("rejectTargetAdjustment", "RejectTargetAdjustmentInput"),
        lambda w: {"i": {"suggestionId": SUGGESTION}},
        DECIDERS,
    ),
    "confirmKeyCustomers": (
        probe("confirmKeyCustomers", "ConfirmKeyCustomersInput"),
        lambda w: {"i": {"reviewId": REVIEW, "accounts": []}},
        PLANNERS,
    ),
}
