"""Authorization-matrix entries for the notifications operations."""

from tests.support.graphql import gid, probe

MANAGERS = {"admin", "director", "manager"}
ADMIN = {"admin"}


OPERATIONS: dict = {
    "notificationSubscriptions": (
        "{ notificationSubscriptions { totalCount } }",
        lambda w: {},
        MANAGERS,
    ),
    "deadLetters": ("{ deadLetters { totalCount } }", lambda w: {}, ADMIN),
    "createNotificationSubscription": (
        probe("createNotificationSubscription"),
        lambda w: {
            "i": {"unitId": w.unit("east.sh"), "channel": "WEBHOOK", "destination": "ftp://x"}
        },
        MANAGERS,
    ),
    "deactivateNotificationSubscription": (
        probe("deactivateNotificationSubscription"),
        lambda w: {"i": {"id": gid("NotificationSubscription", 999)}},
        MANAGERS,
    ),
    "retryDelivery": (
        probe("retryDelivery"),
        lambda w: {"i": {"id": gid("Delivery", 999)}},
        ADMIN,
    ),
}
