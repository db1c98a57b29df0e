"""Authorization-matrix entries for the notifications operations."""

from tests.integration.conftest import gid

MANAGERS = {"admin", "director", "manager"}
ADMIN = {"admin"}


def _mutation(name: str) -> str:
    input_type = name[0].upper() + name[1:] + "Input"
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


OPERATIONS: dict = {
    "notificationSubscriptions": (
        "{ notificationSubscriptions { totalCount } }",
        lambda w: {},
        MANAGERS,
    ),
    "deadLetters": ("{ deadLetters { totalCount } }", lambda w: {}, ADMIN),
    "createNotificationSubscription": (
        _mutation("createNotificationSubscription"),
        lambda w: {
            "i": {"unitId": w.unit("east.sh"), "channel": "WEBHOOK", "destination": "ftp://x"}
        },
        MANAGERS,
    ),
    "deactivateNotificationSubscription": (
        _mutation("deactivateNotificationSubscription"),
        lambda w: {"i": {"id": gid("NotificationSubscription", 999)}},
        MANAGERS,
    ),
    "retryDelivery": (
        _mutation("retryDelivery"),
        lambda w: {"i": {"id": gid("Delivery", 999)}},
        ADMIN,
    ),
}
