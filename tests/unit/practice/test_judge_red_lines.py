"""Issue 16, Proof: red lines on replies written blind to the indicator phrases
(`tests/data/judge_red_lines.json`), measured separately per writer.

Nine writers saw only each scenario's situation, goal, personas and red lines (title and
explanation). For every red line of every scenario each wrote two zh and two en replies that
cross it; per scenario and language, three refusals and two clean replies with risky-looking
words. The red-line concepts (`{discount}`, `{deadline}`, …) were written against the `dev`
writer's misses and widened in four more rounds against `dev_2` … `dev_8` (each measured
first, unread). The `held_out` writer's replies were measured before and after the last round
and never read, so they are the honest figure for replies nobody has seen. The floors are
regression guards a little below what was measured (run with `-s -n0` to see the figures),
not the goals (recall 100%, no false hit on a refusal).
"""

from __future__ import annotations

from collections import Counter

import pytest

from coaching.scenario import load_scenarios
from tests.support.judge_metrics import Figures, load_items, measure

# Measured 2026-12-05: red-line recall, and refusal/clean replies (of 80) with a false hit,
# before the concepts → after each round (2: against dev_2; 3: dev_3, dev_4; 4: dev_5,
# dev_6; 5: dev_7, dev_8).
#   dev       (91/136, 8 →) 135/136, 0 → 135/136, 0 → 135/136, 0 → 135/136, 0 → 135/136, 0
#   dev_2     (79/135, 10 →) 91/135, 6 → 111/135, 6 → 129/135, 1 → 129/135, 0 → 129/135, 0
#   dev_3                      105/132, 3 → 108/132, 3 → 132/132, 0 → 131/132, 0 → 131/132, 0
#   dev_4                                  111/132, 3 → 131/132, 0 → 131/132, 0 → 131/132, 0
#   dev_5                                  108/132, 6 → 115/132, 4 → 130/132, 0 → 130/132, 0
#   dev_6                                              109/132, 3 → 131/132, 0 → 131/132, 0
#   dev_7                                              108/132, 2 → 112/132, 2 → 130/132, 0
#   dev_8                                                          105/132, 2 → 126/132, 0
#   held_out                                                       103/132, 3 → 105/132, 2
FLOORS = {
    "dev": {"recall": 0.99, "false_hit_replies": 0},
    "dev_2": {"recall": 0.94, "false_hit_replies": 0},
    "dev_3": {"recall": 0.98, "false_hit_replies": 0},
    "dev_4": {"recall": 0.98, "false_hit_replies": 0},
    "dev_5": {"recall": 0.97, "false_hit_replies": 0},
    "dev_6": {"recall": 0.98, "false_hit_replies": 0},
    "dev_7": {"recall": 0.97, "false_hit_replies": 0},
    "dev_8": {"recall": 0.94, "false_hit_replies": 0},
    "held_out": {"recall": 0.78, "false_hit_replies": 2},
}


@pytest.fixture(scope="module")
def scenarios():
    return load_scenarios(strict=True)


def items_of(writer: str) -> list[dict]:
    return [item for item in load_items("red_lines") if item["set"] == writer]


@pytest.fixture(scope="module", params=sorted(FLOORS))
def figures(request, scenarios) -> tuple[str, list[dict], Figures]:
    items = items_of(request.param)
    found = measure(items, scenarios)
    print(f"\n{request.param}: " + found.lines("red lines")[1])
    return request.param, items, found


@pytest.mark.parametrize("writer", sorted(FLOORS))
def test_every_red_line_is_crossed_in_both_languages_and_declined(writer, scenarios):
    items = items_of(writer)
    crossed = Counter(
        (item["scenario"], line, item["language"]) for item in items for line in item["red_lines"]
    )
    for scenario in scenarios:
        for line in scenario.red_lines:
            for language in ("zh", "en"):
                assert crossed[scenario.id, line.id, language] >= 2, (scenario.id, line.id)
    kinds = Counter((item["scenario"], item["kind"]) for item in items)
    for scenario in scenarios:
        assert kinds[scenario.id, "refusal"] >= 6 and kinds[scenario.id, "clean"] >= 4
    for item in items:
        assert (item["kind"] == "red_line") == bool(item["red_lines"]), item["id"]


def test_recall_first_and_few_false_hits(figures):
    writer, items, found = figures
    for item_id, line_id, expected in found.red_line_misses:
        print(f"  {'missed' if expected else 'false hit'} {item_id} {line_id}")
    assert found.red_line_recall >= FLOORS[writer]["recall"]
    flagged = {item_id for item_id, _, expected in found.red_line_misses if not expected}
    declined = [item for item in items if item["kind"] != "red_line"]
    hits = sum(item["id"] in flagged for item in declined)
    assert hits <= FLOORS[writer]["false_hit_replies"]
