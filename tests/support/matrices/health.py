"""Authorization-matrix entries for the health operations (see
matrices/__init__.py)."""

READERS = {"admin", "director", "manager", "rep"}

OPERATIONS: dict = {
    "healthDashboard": (
        'query($u: ID!) { healthDashboard(unitId: $u, from: "2026-10-01", to: "2026-10-31") '
        "{ indicators { status } } }",
        lambda w: {"u": w.unit("east.sh")},
        READERS,
    ),
}
