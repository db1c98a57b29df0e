"""Issue 6, Proof: the `rules` judge's check-level accuracy on a labelled set of rep replies.

`tests/data/judge_labelled.json` holds replies written for this purpose across the eight
scenarios, in both languages, good / partial / bad, each with the expected verdict of every
check of the criteria it targets and the red lines it crosses. Run with `-s` to see the
figures.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from coaching.engines.judge import judge_turn
from coaching.scenario import load_scenarios

DATA = Path(__file__).resolve().parents[2] / "data" / "judge_labelled.json"
MIN_ACCURACY = 0.90


@pytest.fixture(scope="module")
def scenarios():
    return load_scenarios(strict=True)


@pytest.fixture(scope="module")
def items():
    return json.loads(DATA.read_text(encoding="utf-8"))["items"]


def confusion(items, scenarios, language=None):
    counts: Counter[str] = Counter()
    misses = []
    for item in items:
        if language and item["language"] != language:
            continue
        verdict = judge_turn(scenarios[item["scenario"]], item["reply"])
        for check_id, expected in item["expected"].items():
            got = verdict.check(check_id).passed
            counts[("T" if got == expected else "F") + ("P" if got else "N")] += 1
            if got != expected:
                misses.append((item["id"], check_id, expected))
    return counts, misses


def accuracy(counts) -> float:
    total = sum(counts.values())
    return (counts["TP"] + counts["TN"]) / total if total else 0.0


def test_the_set_is_what_the_proof_asks(items, scenarios):
    assert len(items) >= 120
    languages = Counter(item["language"] for item in items)
    assert min(languages["zh"], languages["en"]) >= 0.4 * len(items)
    assert {item["kind"] for item in items} == {"good", "partial", "bad"}
    assert {item["scenario"] for item in items} == set(scenarios.ids)
    assert len({item["id"] for item in items}) == len(items)
    for item in items:
        scenario = scenarios[item["scenario"]]
        targeted = {
            check.id
            for criterion in scenario.criteria
            if criterion.id in item["criteria"]
            for check in criterion.checks
        }
        assert set(item["expected"]) == targeted, item["id"]
        assert set(item["red_lines"]) <= {line.id for line in scenario.red_lines}, item["id"]


def test_check_level_accuracy(items, scenarios):
    counts, misses = confusion(items, scenarios)
    for language in ("zh", "en"):
        by_language, _ = confusion(items, scenarios, language)
        counted = dict(sorted(by_language.items()))
        print(f"\n{language}: accuracy {accuracy(by_language):.3f} {counted}")
    print(
        f"\nall: {sum(counts.values())} check verdicts, accuracy {accuracy(counts):.3f}, "
        f"TP={counts['TP']} FP={counts['FP']} TN={counts['TN']} FN={counts['FN']}"
    )
    for item_id, check_id, expected in misses:
        print(f"  miss {item_id} {check_id}: expected {expected}")
    assert accuracy(counts) >= MIN_ACCURACY


def test_red_line_detection(items, scenarios):
    counts: Counter[str] = Counter()
    for item in items:
        scenario = scenarios[item["scenario"]]
        hit = {line.red_line_id for line in judge_turn(scenario, item["reply"]).red_lines}
        for line in scenario.red_lines:
            expected, got = line.id in item["red_lines"], line.id in hit
            counts[("T" if got == expected else "F") + ("P" if got else "N")] += 1
            if got != expected:
                print(f"  red line miss {item['id']} {line.id}: expected {expected}")
    print(f"\nred lines: accuracy {accuracy(counts):.3f} {dict(sorted(counts.items()))}")
    assert counts["FP"] == 0
    assert accuracy(counts) >= MIN_ACCURACY
