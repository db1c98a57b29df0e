"""Policy 2026.2's two changes to the conversion term: it scores the lift over the company's
rate for such a lead (not the rate itself), and a rep's exploration bound fades as their
record grows; a policy without them scores as before."""

from __future__ import annotations

import numpy as np
import pytest

from coaching.routing import decide
from coaching.routing.lead_rules import profile_of
from coaching.routing.table import CandidateTable
from tests.support.routing import lead, make_policy, policy_data, rep


def policy(**conversion):
    return make_policy(conversion=policy_data()["conversion"] | conversion)


def estimate_of(reps, the_policy, the_lead=None):
    table = CandidateTable(reps)
    return table.lead_estimate(profile_of(the_lead or lead(), the_policy), the_policy)


def team(records: dict[int, tuple[int, int]]):
    return [rep(i, unit_id=1, conversion={("smb", "web"): record}) for i, record in records.items()]


def test_the_company_rate_scores_a_half_and_twice_it_scores_one_in_any_segment():
    quiet = {"exploration": {"method": "none"}}
    reps = team({1: (2, 10), 2: (2, 10), 3: (9, 10)})
    lift = estimate_of(reps, policy(term="lift", **quiet))
    rate = estimate_of(reps, policy(term="rate", **quiet))
    assert np.allclose(rate.term, rate.mean)  # "rate": the estimate itself
    assert np.allclose(lift.term, np.clip(lift.mean / (2 * lift.base), 0, 1))
    at_base = lift.mean[0] / lift.base
    assert lift.term[0] == pytest.approx(at_base / 2)
    # the strong rep's edge over the others weighs 1 / (2·base) times more than as a rate
    gap_lift, gap_rate = lift.term[2] - lift.term[0], rate.term[2] - rate.term[0]
    assert gap_lift == pytest.approx(gap_rate / (2 * lift.base))


def test_a_decision_says_how_the_term_was_read_in_both_languages():
    reps = team({1: (2, 10), 2: (6, 10)})
    decision = decide(lead(), reps, policy(term="lift"))
    scale = [n for n in decision.notes if n.startswith("conversion term = ")]
    assert len(scale) == 1
    assert any(line.startswith("Conversion scored as lift: ") for line in decision.explain("en"))
    assert any(line.startswith("转化率得分 =") for line in decision.explain("zh"))
    plain = decide(lead(), reps, policy(term="rate"))
    assert not [n for n in plain.notes if n.startswith("conversion term = ")]


def test_the_exploration_bound_fades_with_the_record():
    exploration = {"method": "thompson", "max_bonus": 0.05, "newcomer_leads": 0}
    reps = team({1: (1, 2), 2: (30, 150)})
    fading = estimate_of(reps, policy(exploration=exploration | {"shrink_with_evidence": True}))
    fixed = estimate_of(reps, policy(exploration=exploration))
    m = 25.0  # the default rep pseudo-leads
    bounds = 0.05 * np.sqrt(m / (m + np.array([2.0, 150.0])))
    assert np.all(np.abs(fading.bonus) <= bounds + 1e-12)
    assert np.all(np.abs(fixed.bonus) <= 0.05 + 1e-12)
    assert np.abs(fading.bonus[1]) <= 0.05 * np.sqrt(25 / 175) + 1e-12 < 0.05
