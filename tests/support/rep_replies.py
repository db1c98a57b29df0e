"""The replies of a strong rep (the scenario's own model answers) and of a weak one."""

from __future__ import annotations

from coaching.engines import customer

WEAK = {
    "zh": "好的，那您再考虑考虑吧。",
    "en": "Okay, I see. Take your time to think about it.",
}


def model_answers(scenario, language: str):
    """Each turn: the model answer of the criterion that addresses the objection on the
    table, together with the next criterion's not yet given — a strong rep covers the
    whole rubric by the time the customer is won."""
    script = customer.script_to_pass(scenario)
    unsaid = list(scenario.criteria)

    def reply(state) -> str:
        chosen = []
        if state.current_objection is not None:
            chosen.append(scenario.criterion_of(script[state.current_objection]))
        chosen += [c for c in unsaid if c not in chosen][:1]
        for criterion in chosen:
            if criterion in unsaid:
                unsaid.remove(criterion)
        return " ".join(c.model_answer.get(language) for c in chosen or scenario.criteria[:1])

    return reply
