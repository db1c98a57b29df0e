"""Authorization-matrix entries for forecast categories, calls, the roll-up and accuracy (see
matrices/__init__.py).

Setting a category, submitting a call, reading the roll-up, the accuracy, the period
prediction and a deal's category history: admins, directors, managers and reps (the services
scope each to the caller's deals, units and reps); adjusting a unit's call: admins, directors
and managers."""

from tests.support.graphql import gid, probe

READERS = {"admin", "director", "manager", "rep"}
PLANNERS = {"admin", "director", "manager"}
OPPORTUNITY = gid("Opportunity", 999)
CALL = {"periodKind": "MONTH", "periodStart": "2026-11-01"}


OPERATIONS: dict = {
    "setForecastCategory": (
        probe("setForecastCategory", "SetForecastCategoryInput"),
        lambda w: {"i": {"opportunityId": OPPORTUNITY, "category": "COMMIT"}},
        READERS,
    ),
    "submitForecast": (
        probe("submitForecast", "SubmitForecastInput"),
        lambda w: {"i": {**CALL, "commit": 1, "bestCase": 2}},
        READERS,
    ),
    "adjustForecast": (
        probe("adjustForecast", "AdjustForecastInput"),
        lambda w: {
            "i": {**CALL, "unitId": w.unit("east.sh"), "commit": 1, "bestCase": 2, "reason": "x"}
        },
        PLANNERS,
    ),
    "forecastRollup": (
        "query($u: ID!) { forecastRollup(unitId: $u, periodKind: MONTH, "
        'periodStart: "2026-11-01") { week } }',
        lambda w: {"u": w.unit("east.sh")},
        READERS,
    ),
    "forecastAccuracy": (
        "query($u: ID!) { forecastAccuracy(unitId: $u, "
        'periods: [{kind: MONTH, start: "2026-10-01"}]) { name } }',
        lambda w: {"u": w.unit("east.sh")},
        READERS,
    ),
    "forecastPrediction": (
        "query($u: ID!) { forecastPrediction(unitId: $u, periodKind: MONTH, "
        'periodStart: "2026-11-01") { expected source } }',
        lambda w: {"u": w.unit("east.sh")},
        READERS,
    ),
    "forecastCategoryHistory": (
        "query($o: ID!) { forecastCategoryHistory(opportunityId: $o) { at } }",
        lambda w: {"o": OPPORTUNITY},
        READERS,
    ),
}
