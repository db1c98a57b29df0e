"""A small valid scenario, built in Python so each test can break exactly one thing."""

from __future__ import annotations

import json
from pathlib import Path


def text(name: str) -> dict:
    return {"zh": f"{name}（中文）", "en": f"{name} (English)"}


def phrases(zh: list[str], en: list[str]) -> dict:
    return {"zh": zh, "en": en}


def check(check_id: str, zh: str, en: str) -> dict:
    return {
        "id": check_id,
        "question": text(f"did the rep {check_id}?"),
        "indicators": phrases([zh], [en]),
    }


def minimal_scenario(scenario_id: str = "price_objection") -> dict:
    """Three personas, four objections, two criteria of two checks, one red line."""
    personas = [
        {
            "id": persona_id,
            "role": text(f"{persona_id} role"),
            "motivation": text("keep costs down"),
            "temperament": text("impatient"),
            "hidden_concerns": [text("last vendor failed")],
            "opening_lines": [text("Why so expensive?")],
        }
        for persona_id in ("cfo", "it_head", "buyer")
    ]
    personas[0]["objection_weights"] = {"price": 2, "timing": 0}
    objections = [
        {
            "id": objection_id,
            "topic": text(objection_id),
            "phrasings": [text(f"{objection_id} one"), text(f"{objection_id} two")],
            "pushbacks": [text("You did not answer.")],
            "addressed_by": [addressed_by],
            "acknowledgements": [text("Fair enough.")],
        }
        for objection_id, addressed_by in (
            ("price", "quantify_roi"),
            ("budget", "ask_budget"),
            ("timing", "ask_timeline"),
            ("risk", "offer_case"),
        )
    ]
    criteria = [
        {
            "id": "discovery",
            "capability": "needs_discovery",
            "weight": 40,
            "title": text("Needs discovery"),
            "checks": [
                check("ask_budget", "预算", "budget"),
                check("ask_timeline", "什么时候", "when"),
            ],
            "model_answer": text("What budget range and timeline do you have in mind?"),
        },
        {
            "id": "value",
            "capability": "objection_handling",
            "weight": 60,
            "title": text("Quantified value"),
            "checks": [
                check("quantify_roi", "回报{percent}", "ROI of {number}"),
                check("offer_case", "案例", "case study"),
            ],
            "model_answer": text("Customers like you saw a 30% return in a year."),
        },
    ]
    criteria[1]["checks"][0]["counter_indicators"] = phrases(["保证"], ["guarantee"])
    criteria[1]["checks"][0]["tip"] = text("Put a number on the return.")
    level = {"initial_trust": 40, "trust_to_agree": 70, "patience": 4, "objections": 2}
    return {
        "id": scenario_id,
        "version": 1,
        "title": {"zh": "软件价格异议", "en": "Price objection in B2B software"},
        "situation": text("A customer says the price is too high"),
        "goal": text("Confirm budget, quantify ROI, offer options"),
        "industry": "b2b_software",
        "difficulties": {
            "easy": {**level, "initial_trust": 60},
            "normal": level,
            "hard": {**level, "objections": 4},
        },
        "personas": personas,
        "objections": objections,
        "criteria": criteria,
        "red_lines": [
            {
                "id": "unauthorised_discount",
                "title": text("Unauthorised discount"),
                "indicators": phrases(
                    ["打{number}折", "我给您降{number}", "给您便宜{money}"],
                    ["{percent} off", "drop the price by {money}", "give you a discount"],
                ),
                "explanation": text("Only managers grant discounts."),
            }
        ],
        "closing_lines": {"agreed": [text("Send the contract.")], "declined": [text("Bye.")]},
        "turn_limits": {"min": 3, "max": 10},
    }


def write_scenario(directory: Path, data: dict, name: str | None = None) -> Path:
    path = directory / (name or f"{data['id']}.json")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
