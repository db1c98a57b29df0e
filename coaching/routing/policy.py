"""The routing policy: a versioned JSON document, checked like the scenario files.

`load_policy(path)` reads the file, checks it is JSON (no repeated keys, no NaN), matches
`policy.schema.json` (draft 2020-12, every error) and keeps the rules the schema cannot
express; any problem raises one `PolicyError` listing each as `file: $.json.path: message`.
`parse_policy(data)` does the same for a dict already in memory (tests, settings).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from coaching.scenario import Problem
from coaching.scenario_checks import UNPARSED, json_path, parse_json, schema_findings

__all__ = [
    "DEFAULT_POLICY_PATH",
    "SCHEMA_PATH",
    "SAFETY_FILTERS",
    "TERMS",
    "CoOwnerRule",
    "Condition",
    "DriftRule",
    "EstimateSettings",
    "ExplorationRule",
    "FilterRule",
    "NeedRule",
    "Policy",
    "PolicyError",
    "RelaxationStep",
    "load_policy",
    "parse_policy",
]

HERE = Path(__file__).resolve().parent
SCHEMA_PATH = HERE / "policy.schema.json"
DEFAULT_POLICY_PATH = HERE / "default_policy.json"
TERMS = ("specialty", "capability", "load", "conversion", "fairness")
SAFETY_FILTERS = ("active", "not_on_leave", "capacity_left")
"""Filters every policy must list: DESIGN §7 — never route to an absent or full rep."""


class PolicyError(Exception):
    """A routing policy with problems; `.problems` lists every one."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        head = f"{len(self.problems)} problem(s) in the routing policy"
        super().__init__(head + ":\n" + "\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class Condition:
    """Matches a lead when every criterion that is set holds (see `lead_rules.matches`)."""

    segment_in: frozenset[str] | None = None
    source_in: frozenset[str] | None = None
    territory_in: frozenset[str] | None = None
    signal_any: frozenset[str] | None = None
    product_interest_any: frozenset[str] | None = None
    has_product_interest: bool | None = None
    estimated_value_at_least: int | None = None
    attribute_equals: tuple[tuple[str, Any], ...] | None = None
    high_potential: bool | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Condition:
        values: dict[str, Any] = {}
        for key, value in data.items():
            if isinstance(value, list):
                value = frozenset(value)
            elif key == "attribute_equals":
                value = tuple(sorted(value.items()))
            values[key] = value
        return cls(**values)


@dataclass(frozen=True)
class FilterRule:
    field: str
    flag: str | None = None
    minimum: float | None = None
    when: Condition | None = None


@dataclass(frozen=True)
class NeedRule:
    dimension: str
    when: Condition


@dataclass(frozen=True)
class CoOwnerRule:
    applies_to: str
    threshold: float
    minimum: float
    level: str


@dataclass(frozen=True)
class RelaxationStep:
    drop: str
    after_minutes: float | None = None
    after_attempts: int | None = None


@dataclass(frozen=True)
class ExplorationRule:
    """Thompson sampling on the conversion posterior: the term is the estimate plus a draw's
    deviation from it, clipped to ±`max_bonus` (a win rate; ±`newcomer_bonus` for a rep with
    fewer than `newcomer_leads` decayed closed deals); never on high-potential leads.
    With `shrink_with_evidence` the bound is max_bonus × √(m / (m + n)) for a rep with n
    decayed closed deals (m: the rep pseudo-leads). `method` "none" turns it off."""

    method: str = "thompson"
    max_bonus: float = 0.05
    seed: int = 0
    newcomer_bonus: float = 0.2
    newcomer_leads: float = 5.0
    shrink_with_evidence: bool = False


@dataclass(frozen=True)
class DriftRule:
    """A rep whose wins over the last 1, 2, 4 … weeks (up to `recent_days`) fall `z` standard
    deviations or more below what their long-run estimate expects (with at least `min_leads`
    closed there) has drifted; their estimate is then multiplied by
    (recent wins + `pseudo_wins`) / (expected + `pseudo_wins`)."""

    recent_days: int = 28
    z: float = 2.0
    min_leads: int = 6
    pseudo_wins: float = 1.0


@dataclass(frozen=True)
class EstimateSettings:
    """The pooled win-rate estimate (see `coaching.routing.estimate`): outcomes weighted by
    0.5^(age / half_life_days), each level shrunk toward its parent with these pseudo-leads."""

    half_life_days: float = 90.0
    company: float = 20.0
    segment: float = 50.0
    source: float = 50.0
    unit: float = 50.0
    rep: float = 25.0
    rep_segment: float = 10.0
    rep_source: float = 30.0
    exploration: ExplorationRule = ExplorationRule()
    drift: DriftRule = DriftRule()
    term: str = "rate"
    """"rate": the conversion term is the estimate; "lift": the estimate ÷ (2 × the company's
    rate for the lead's segment and source), clipped to 0..1."""


@dataclass(frozen=True)
class Policy:
    version: str
    weights: tuple[tuple[str, float], ...]
    """(term, weight) in TERMS order, as written (not normalised)."""
    filters: tuple[FilterRule, ...]
    needs: tuple[NeedRule, ...]
    high_potential: tuple[Condition, ...]
    shrinkage_k: float
    conversion_window_days: int
    default_unit_rate: float
    fairness_window_days: int
    fairness_half_at: float
    co_owner: CoOwnerRule
    relaxation: tuple[RelaxationStep, ...]
    fallback_queue: str
    fallback_owner: str | None = None
    source: str = "<memory>"
    estimate: EstimateSettings = EstimateSettings()

    def weight(self, term: str) -> float:
        return dict(self.weights)[term]

    def has_filter(self, field: str) -> bool:
        return any(rule.field == field for rule in self.filters)


def load_policy(path: Path | str = DEFAULT_POLICY_PATH) -> Policy:
    """The policy in `path` (default: the shipped `default_policy.json`)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PolicyError([Problem(path, "$", f"cannot read the file: {error.strerror}")]) from None
    data, findings = parse_json(raw)
    if data is UNPARSED:
        raise PolicyError([Problem(path, json_path(parts), m) for parts, m in findings])
    return _checked(data, path, findings)


def parse_policy(data: Any, source: str = "<memory>") -> Policy:
    """The policy of an already parsed JSON document; problems are reported against `source`."""
    return _checked(data, Path(source), [])


def _checked(data: Any, path: Path, findings: list) -> Policy:
    findings = findings + schema_findings(_validator(), data)
    if not findings and isinstance(data, dict):
        findings += rule_findings(data)
    if findings:
        ordered = sorted(set(findings), key=lambda item: (json_path(item[0]), item[1]))
        raise PolicyError([Problem(path, json_path(parts), message) for parts, message in ordered])
    return _build(data, str(path))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def rule_findings(data: dict) -> list[tuple[tuple, str]]:
    """What the schema cannot say: the safety filters are there, each filter's parameters
    belong to it, relaxation drops a configured filter once and in time order, the high-potential
    rule does not refer to itself, and a co-owner is stronger than the gap that calls for one."""
    findings: list[tuple[tuple, str]] = []
    filters = data["filters"]
    fields = [rule["field"] for rule in filters]
    for name in SAFETY_FILTERS:
        if name not in fields:
            findings.append((("filters",), f"must include the {name!r} filter"))
    for i, rule in enumerate(filters):
        field = rule["field"]
        if field != "certification" and fields.index(field) != i:
            findings.append((("filters", i, "field"), f"the {field!r} filter is listed twice"))
        for key, owner in (
            ("flag", "certification"),
            ("when", "certification"),
            ("minimum", "capability_minimum"),
        ):
            if key in rule and field != owner:
                findings.append((("filters", i, key), f"applies only to the {owner!r} filter"))
    dropped: set[str] = set()
    last_minutes = 0.0
    for i, step in enumerate(data["relaxation"]):
        drop = step["drop"]
        if drop not in fields:
            findings.append((("relaxation", i, "drop"), f"no {drop!r} filter to drop"))
        if drop in dropped:
            findings.append((("relaxation", i, "drop"), f"{drop!r} is already dropped"))
        dropped.add(drop)
        minutes = step.get("after_minutes")
        if minutes is not None and minutes < last_minutes:
            findings.append(
                (
                    ("relaxation", i, "after_minutes"),
                    f"{minutes} is earlier than the step before ({last_minutes})",
                )
            )
        last_minutes = max(last_minutes, minutes or 0)
    for i, condition in enumerate(data["high_potential"]["any_of"]):
        if "high_potential" in condition:
            findings.append(
                (
                    ("high_potential", "any_of", i, "high_potential"),
                    "the high-potential rule cannot depend on itself",
                )
            )
    conversion = data["conversion"]
    recent_days = conversion.get("drift", {}).get("recent_days")
    if recent_days is not None and recent_days > conversion["window_days"]:
        findings.append(
            (
                ("conversion", "drift", "recent_days"),
                f"{recent_days} is longer than the window ({conversion['window_days']} days)",
            )
        )
    co_owner = data["co_owner"]
    if co_owner["minimum"] < co_owner["threshold"]:
        findings.append(
            (
                ("co_owner", "minimum"),
                f"{co_owner['minimum']} is below the threshold "
                f"({co_owner['threshold']}): the co-owner would share the gap",
            )
        )
    return findings


def _build(data: dict, source: str) -> Policy:
    weights = data["weights"]
    conversion, fairness, fallback = data["conversion"], data["fairness"], data["fallback"]
    return Policy(
        version=data["version"],
        weights=tuple((term, float(weights[term])) for term in TERMS),
        filters=tuple(
            FilterRule(
                field=rule["field"],
                flag=rule.get("flag"),
                minimum=rule.get("minimum"),
                when=Condition.from_json(rule["when"]) if "when" in rule else None,
            )
            for rule in data["filters"]
        ),
        needs=tuple(
            NeedRule(rule["dimension"], Condition.from_json(rule["when"])) for rule in data["needs"]
        ),
        high_potential=tuple(Condition.from_json(c) for c in data["high_potential"]["any_of"]),
        shrinkage_k=float(conversion["shrinkage_k"]),
        conversion_window_days=conversion["window_days"],
        default_unit_rate=float(conversion["default_unit_rate"]),
        fairness_window_days=fairness["window_days"],
        fairness_half_at=float(fairness["half_at"]),
        co_owner=CoOwnerRule(**data["co_owner"]),
        relaxation=tuple(RelaxationStep(**step) for step in _without_descriptions(data)),
        fallback_queue=fallback["queue"],
        fallback_owner=fallback.get("owner"),
        source=source,
        estimate=_estimate_settings(conversion),
    )


def _estimate_settings(conversion: dict) -> EstimateSettings:
    """The estimate's settings; a policy written before them gets the defaults (and its
    `shrinkage_k` as the rep × segment pseudo-leads)."""
    pseudo = conversion.get("pseudo_leads", {})
    defaults = EstimateSettings()
    exploration = conversion.get("exploration", {})
    drift = conversion.get("drift", {})
    return EstimateSettings(
        half_life_days=float(conversion.get("half_life_days", defaults.half_life_days)),
        company=float(pseudo.get("company", defaults.company)),
        segment=float(pseudo.get("segment", defaults.segment)),
        source=float(pseudo.get("source", defaults.source)),
        unit=float(pseudo.get("unit", defaults.unit)),
        rep=float(pseudo.get("rep", defaults.rep)),
        rep_segment=float(pseudo.get("rep_segment", conversion["shrinkage_k"])),
        rep_source=float(pseudo.get("rep_source", defaults.rep_source)),
        exploration=ExplorationRule(
            method=exploration.get("method", ExplorationRule.method),
            max_bonus=float(exploration.get("max_bonus", ExplorationRule.max_bonus)),
            seed=int(exploration.get("seed", ExplorationRule.seed)),
            newcomer_bonus=float(exploration.get("newcomer_bonus", ExplorationRule.newcomer_bonus)),
            newcomer_leads=float(exploration.get("newcomer_leads", ExplorationRule.newcomer_leads)),
            shrink_with_evidence=bool(exploration.get("shrink_with_evidence", False)),
        ),
        drift=DriftRule(
            recent_days=int(drift.get("recent_days", DriftRule.recent_days)),
            z=float(drift.get("z", DriftRule.z)),
            min_leads=int(drift.get("min_leads", DriftRule.min_leads)),
            pseudo_wins=float(drift.get("pseudo_wins", DriftRule.pseudo_wins)),
        ),
        term=conversion.get("term", defaults.term),
    )


def _without_descriptions(data: dict) -> list[dict]:
    return [{k: v for k, v in step.items() if k != "description"} for step in data["relaxation"]]
