"""Why reps were not eligible for a lead: per filter, who it excluded and with which numbers.

Kept per filter rather than per rep because a lead routed among 5,000 reps excludes thousands
of them (mostly by territory): the lists are built without a loop over reps, and the JSON
groups reps sharing the same numbers (a status, a set of territories): a decision among 5,000
reps takes 30–65 KB of JSON. `reasons(rep_id)` turns it back into "why not this rep?".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from domain.capability.rules import DEFAULT_DIMENSIONS

DECIMALS = 6


def rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), DECIMALS)


class _KeptLists:
    """The stored form of the last few lists, found by identity: the candidate table hands
    every lead of one territory the same tuple of thousands of reps, and hashing it to find
    it again (as `lru_cache` would) took as long as grouping it."""

    def __init__(self, build: Callable[[Any], list], size: int = 64) -> None:
        self._build, self._size = build, size
        self._kept: dict[int, tuple[Any, list]] = {}

    def __call__(self, value: Any) -> list:
        kept = self._kept.get(id(value))
        if kept is not None and kept[0] is value:
            return kept[1]
        if len(self._kept) >= self._size:
            del self._kept[next(iter(self._kept))]
        built = self._build(value)
        self._kept[id(value)] = (value, built)  # holding `value` keeps its id unique
        return built


def _group_by_territories(territory: tuple[tuple[int, tuple[str, ...]], ...]) -> list[list[list]]:
    """Reps grouped by their set of territories, as stored: `[[territories, [ids]], …]`."""
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for rep, territories in territory:
        groups[territories].append(rep)
    return [[list(t), reps] for t, reps in sorted(groups.items())]


_by_territories = _KeptLists(_group_by_territories)
_as_lists = _KeptLists(lambda pairs: [list(pair) for pair in pairs])
"""The (rep, score) pairs as stored."""


@dataclass(frozen=True)
class Reason:
    """Why one filter excluded one rep, with its numbers in `detail`."""

    filter: str
    detail: Mapping[str, Any] = field(default_factory=dict)

    def text(self, language: str = "en") -> str:
        d, zh = self.detail, language == "zh"
        if self.filter in ("active", "not_on_leave"):
            if zh:
                return "已离岗" if d.get("status") == "inactive" else "休假中"
            return f"status {d.get('status')}"
        if self.filter == "territory":
            lead, rep = d.get("lead"), list(d.get("rep", []))
            if zh:
                return f"不负责区域 {lead}（负责：{'、'.join(rep) or '无'}）"
            return f"territory {lead!r} not in {rep}"
        if self.filter == "capacity_left":
            load = f"{d.get('open_load')}/{d.get('capacity')}"
            return f"负载已满 {load}" if zh else f"load {load}"
        if self.filter == "certification":
            missing = list(d.get("missing", []))
            if zh:
                return f"缺少认证 {'、'.join(missing)}"
            return f"missing flag {', '.join(repr(flag) for flag in missing)}"
        if self.filter == "capability_minimum":
            below = d.get("below", {}).items()
            if zh:
                gaps = "，".join(
                    f"{DEFAULT_DIMENSIONS.get(dim, (dim, dim))[0]} {score:g} < {d.get('minimum'):g}"
                    for dim, score in below
                )
                return f"能力低于下限：{gaps}"
            gaps = ", ".join(f"{dim} {score:g} < {d.get('minimum'):g}" for dim, score in below)
            return f"capability below the minimum: {gaps}"
        if self.filter == "excluded":
            return (
                "本次路由已排除（如改派前的负责人）" if zh else "excluded by the caller (re-route)"
            )
        return self.filter


@dataclass(frozen=True)
class Exclusions:
    """Which reps each filter excluded, with their numbers; every list is by rep_id, and a
    rep failing several filters is under each."""

    counts: Mapping[str, int] = field(default_factory=dict)
    """filter → how many reps it excluded."""
    status: tuple[tuple[int, str], ...] = ()
    """(rep, status) of reps the active / not_on_leave filters excluded."""
    lead_territory: str | None = None
    territory: tuple[tuple[int, tuple[str, ...]], ...] = ()
    """(rep, the rep's territories) of reps not covering the lead's territory."""
    capacity: tuple[tuple[int, int, int], ...] = ()
    """(rep, open load, capacity) of full reps."""
    certification: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    """flag the lead requires → reps without it."""
    capability_minimum: float | None = None
    capability: Mapping[str, tuple[tuple[int, float], ...]] = field(default_factory=dict)
    """needed dimension → (rep, score) of reps below the minimum there, rounded as stored."""
    caller: tuple[int, ...] = ()
    """reps the caller excluded (e.g. the owner a lead is re-routed from)."""

    @cached_property
    def rep_ids(self) -> tuple[int, ...]:
        """Every excluded rep, ascending."""
        return tuple(sorted(self._index))

    @cached_property
    def _index(self) -> dict[int, list[Reason]]:
        index: dict[int, list[Reason]] = defaultdict(list)
        for rep, status in self.status:
            name = "active" if status == "inactive" else "not_on_leave"
            index[rep].append(Reason(name, {"status": status}))
        for rep, territories in self.territory:
            detail: dict[str, Any] = {"lead": self.lead_territory, "rep": list(territories)}
            index[rep].append(Reason("territory", detail))
        for rep, load, capacity in self.capacity:
            index[rep].append(Reason("capacity_left", {"open_load": load, "capacity": capacity}))
        missing: dict[int, list[str]] = defaultdict(list)
        for flag, reps in self.certification.items():
            for rep in reps:
                missing[rep].append(flag)
        for rep, flags in missing.items():
            index[rep].append(Reason("certification", {"missing": flags}))
        below: dict[int, dict[str, float]] = defaultdict(dict)
        for dimension, pairs in self.capability.items():
            for rep, score in pairs:
                below[rep][dimension] = score
        for rep, scores in below.items():
            detail = {"minimum": self.capability_minimum, "below": scores}
            index[rep].append(Reason("capability_minimum", detail))
        for rep in self.caller:
            index[rep].append(Reason("excluded"))
        return index

    def reasons(self, rep_id: int) -> tuple[Reason, ...]:
        """Every filter that excluded the rep, with the numbers (empty: not excluded)."""
        return tuple(self._index.get(rep_id, ()))

    def to_json(self) -> dict[str, Any]:
        """Reps sharing a status or a set of territories are grouped:
        `{"status": {"on_leave": [ids]}, "territory": {"lead": "chengdu",
        "reps": [[["shanghai"], [ids]], …]}, "capacity": [[id, load, capacity], …],
        "certification": {flag: [ids]}, "capability": {"minimum": 40,
        "below": {dimension: [[id, score], …]}}, "caller": [ids], "counts": {filter: n}}`."""
        by_status: dict[str, list[int]] = defaultdict(list)
        for rep, status in self.status:
            by_status[status].append(rep)
        return {
            "counts": dict(self.counts),
            "status": dict(sorted(by_status.items())),
            "territory": {
                "lead": self.lead_territory,
                "reps": _by_territories(self.territory),
            },
            "capacity": [list(item) for item in self.capacity],
            "certification": {flag: list(reps) for flag, reps in self.certification.items()},
            "capability": {
                "minimum": self.capability_minimum,
                "below": {d: _as_lists(pairs) for d, pairs in self.capability.items()},
            },
            "caller": list(self.caller),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Exclusions:
        status = [(rep, s) for s, reps in data["status"].items() for rep in reps]
        territory = [(rep, tuple(t)) for t, reps in data["territory"]["reps"] for rep in reps]
        return cls(
            counts=dict(data["counts"]),
            status=tuple(sorted(status)),
            lead_territory=data["territory"]["lead"],
            territory=tuple(sorted(territory)),
            capacity=tuple((rep, load, cap) for rep, load, cap in data["capacity"]),
            certification={flag: tuple(reps) for flag, reps in data["certification"].items()},
            capability_minimum=data["capability"]["minimum"],
            capability={
                d: tuple((rep, score) for rep, score in pairs)
                for d, pairs in data["capability"]["below"].items()
            },
            caller=tuple(data["caller"]),
        )
