"""Figures of the `rules` judge on a labelled set of rep replies (tests/data/judge_*.json).

Used by tests/unit/practice/test_judge_accuracy.py (regression floors) and
tests/perf/bench_judge.py (prints them). An item targets some criteria: `expected` gives the
verdict of every check of those criteria, `red_lines` every red line the reply crosses; a
`refusal` item mentions a red-line subject but declines it, so it crosses none.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from coaching.engines.judge import judge_turn
from coaching.scenario import ScenarioSet

DATA = Path(__file__).resolve().parents[1] / "data"
SETS = {
    "labelled": DATA / "judge_labelled.json",
    "blind": DATA / "judge_blind.json",
    "red_lines": DATA / "judge_red_lines.json",
}
"""`labelled`: written by the people who wrote the indicators; `blind`: written by someone who
saw only each scenario's situation and the checks' questions, never the indicator phrases;
`red_lines`: replies that cross each red line, refuse it or only look risky, written blind by
nine writers (`set`: dev, dev_2 … dev_8, the ones the red-line concepts were written or
widened against; held_out, never read)."""


def load_items(name: str) -> list[dict]:
    return json.loads(SETS[name].read_text(encoding="utf-8"))["items"]


@dataclass
class Figures:
    checks: Counter[str] = field(default_factory=Counter)
    """TP / FP / TN / FN of check verdicts."""
    by_language: dict[str, Counter[str]] = field(default_factory=dict)
    red_lines: Counter[str] = field(default_factory=Counter)
    """TP / FP / TN / FN of (item, red line) verdicts."""
    refusals: int = 0
    refusals_hit: int = 0
    """Refusal replies on which the judge saw a red line crossed."""
    misses: list[tuple[str, str, bool]] = field(default_factory=list)
    red_line_misses: list[tuple[str, str, bool]] = field(default_factory=list)

    @staticmethod
    def accuracy(counts: Counter[str]) -> float:
        total = sum(counts.values())
        return (counts["TP"] + counts["TN"]) / total if total else 0.0

    @property
    def check_accuracy(self) -> float:
        return self.accuracy(self.checks)

    def language_accuracy(self, language: str) -> float:
        return self.accuracy(self.by_language.get(language, Counter()))

    @property
    def red_line_recall(self) -> float:
        found, missed = self.red_lines["TP"], self.red_lines["FN"]
        return found / (found + missed) if found + missed else 1.0

    def lines(self, name: str) -> list[str]:
        zh, en = self.language_accuracy("zh"), self.language_accuracy("en")
        return [
            f"{name}: {sum(self.checks.values())} check verdicts, accuracy "
            f"{self.check_accuracy:.3f} (zh {zh:.3f}, en {en:.3f}, gap {abs(zh - en) * 100:.1f} "
            f"points) TP={self.checks['TP']} FP={self.checks['FP']} TN={self.checks['TN']} "
            f"FN={self.checks['FN']}",
            f"{name}: red lines recall {self.red_line_recall:.3f} "
            f"({self.red_lines['TP']}/{self.red_lines['TP'] + self.red_lines['FN']}), "
            f"false hits {self.red_lines['FP']}, refusals with a false hit "
            f"{self.refusals_hit}/{self.refusals}",
        ]


def measure(items: list[dict], scenarios: ScenarioSet) -> Figures:
    figures = Figures()
    for item in items:
        scenario = scenarios[item["scenario"]]
        verdict = judge_turn(scenario, item["reply"])
        language = figures.by_language.setdefault(item["language"], Counter())
        for check_id, expected in item["expected"].items():
            check = verdict.check(check_id)
            assert check is not None, (item["id"], check_id)
            outcome = ("T" if check.passed == expected else "F") + ("P" if check.passed else "N")
            figures.checks[outcome] += 1
            language[outcome] += 1
            if check.passed != expected:
                figures.misses.append((item["id"], check_id, expected))
        hit = {line.red_line_id for line in verdict.red_lines}
        for line in scenario.red_lines:
            expected, got = line.id in item["red_lines"], line.id in hit
            figures.red_lines[("T" if got == expected else "F") + ("P" if got else "N")] += 1
            if got != expected:
                figures.red_line_misses.append((item["id"], line.id, expected))
        if item.get("kind") == "refusal":
            figures.refusals += 1
            figures.refusals_hit += bool(hit - set(item["red_lines"]))
    return figures
