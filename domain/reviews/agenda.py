"""The 15-minute agenda of a weekly review, from its frozen snapshot and its suggestions.

The field's weekly calibration meeting is a short stand-up over data: the three largest gaps
to target, the open alerts, then the suggestions (target adjustments proposed in the review,
key customers the snapshot points at). Each item gets whole minutes by weight, largest
remainder, so the items always add up to the meeting's length."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MEETING_MINUTES = 15
TOP_GAPS = 3
# relative weight of each item: a gap is discussed longest, alerts and suggestions share
WEIGHTS = {"gap": 3.0, "alerts": 3.0, "suggestions": 2.0}


def split_minutes(weights: Sequence[float], total: int = MEETING_MINUTES) -> list[int]:
    """Whole minutes per item in proportion to `weights`, summing exactly to `total`, every
    item at least one minute while there are no more items than minutes (largest remainder,
    ties to the earlier item)."""
    if not weights:
        return []
    if any(w < 0 for w in weights) or total < 0:
        raise ValueError("weights and total must not be negative")
    n = len(weights)
    floor = 1 if n <= total else 0
    rest = total - floor * n
    if not sum(weights):  # nothing weighs anything: share equally
        weights = [1.0] * n
    shares = [w / sum(weights) * rest for w in weights]
    minutes = [floor + int(share) for share in shares]
    left = total - sum(minutes)
    order = sorted(range(n), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in order[:left]:
        minutes[i] += 1
    return minutes


def top_gaps(targets: Sequence[Mapping[str, Any]], count: int = TOP_GAPS) -> list[Mapping]:
    """The targets furthest short of their target (positive gap), largest first."""
    short = [t for t in targets if (t.get("gap") or 0) > 0]
    return sorted(short, key=lambda t: (-t["gap"], t["target_id"]))[:count]


def build_agenda(
    snapshot: Mapping[str, Any], suggestions: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """The agenda as plain data: ``total_minutes`` and ``items``, each with ``kind`` (gap,
    alerts, suggestions), ``title_zh``/``title_en``, ``minutes`` and the figures behind it."""
    items: list[dict[str, Any]] = []
    for rank, target in enumerate(top_gaps(snapshot.get("targets", [])), start=1):
        items.append(
            {
                "kind": "gap",
                "title_zh": f"差距第{rank}：{target['owner_name']} {target['metric']} "
                f"{target['period_label']}，差 {target['gap']:,.0f}",
                "title_en": f"Gap #{rank}: {target['owner_name']} {target['metric']} "
                f"{target['period_label']}, short by {target['gap']:,.0f}",
                "target_id": target["target_id"],
                "gap": target["gap"],
                "completion": target.get("completion"),
            }
        )
    alerts = snapshot.get("alerts", {})
    if alerts.get("total"):
        counts = alerts.get("by_severity", {})
        names = [a["subject_name"] for a in alerts.get("items", [])[:3]]
        items.append(
            {
                "kind": "alerts",
                "title_zh": f"预警 {alerts['total']} 条（红 {counts.get('red', 0)}、"
                f"橙 {counts.get('orange', 0)}、黄 {counts.get('yellow', 0)}）："
                + "、".join(names),
                "title_en": f"{alerts['total']} open alerts (red {counts.get('red', 0)}, "
                f"orange {counts.get('orange', 0)}, yellow {counts.get('yellow', 0)}): "
                + ", ".join(names),
                "count": alerts["total"],
            }
        )
    pending = [s for s in suggestions if s.get("status", "pending") == "pending"]
    customers = snapshot.get("suggested_key_customers", [])
    if pending or customers:
        items.append(
            {
                "kind": "suggestions",
                "title_zh": f"建议：{len(pending)} 项目标调整待定，"
                f"{len(customers)} 个重点客户待确认",
                "title_en": f"Suggestions: {len(pending)} target adjustments pending, "
                f"{len(customers)} key customers to confirm",
                "count": len(pending) + len(customers),
            }
        )
    minutes = split_minutes([WEIGHTS[item["kind"]] for item in items])
    for item, share in zip(items, minutes, strict=True):
        item["minutes"] = share
    return {"total_minutes": MEETING_MINUTES if items else 0, "items": items}
