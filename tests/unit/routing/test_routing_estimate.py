"""The pooled win-rate estimate: shrinkage toward the parents, decay, uncertainty, drift,
bounded and reproducible exploration (no database)."""

from __future__ import annotations

import numpy as np
import pytest

from coaching.routing import decide
from coaching.routing.estimate import decay_weight
from coaching.routing.lead_rules import profile_of
from coaching.routing.table import CandidateTable, rank
from tests.support.routing import lead, make_policy, policy_data, rep, simple_policy

QUIET = {"exploration": {"method": "none"}}


def policy(**conversion):
    data = policy_data()
    return make_policy(conversion=data["conversion"] | conversion)


def fitted(reps, the_policy=None, the_lead=None):
    the_policy = the_policy or policy(**QUIET)
    table = CandidateTable(reps)
    the_lead = the_lead or lead()
    return table, table.lead_estimate(profile_of(the_lead, the_policy), the_policy)


def crowd(**extra):
    """Ten reps of unit 1 who won 2 of 10 smb/web leads each, and rep 99 with `extra`."""
    reps = [rep(i, unit_id=1, conversion={("smb", "web"): (2, 10)}) for i in range(1, 11)]
    return [*reps, rep(99, unit_id=1, **extra)]


def test_a_rep_without_history_gets_the_team_rate_and_a_strong_record_is_shrunk_toward_it():
    _, blank = fitted(crowd())
    assert blank.mean[-1] == pytest.approx(blank.base * blank.unit[-1], rel=1e-9)
    assert blank.mean[-1] == pytest.approx(0.2, abs=0.02)  # the company's 20%
    _, lucky = fitted(crowd(conversion={("smb", "web"): (3, 3)}))
    _, proven = fitted(crowd(conversion={("smb", "web"): (30, 30)}))
    assert 0.2 < lucky.mean[-1] < proven.mean[-1] < 1  # 3 of 3 is shrunk hard, 30 of 30 less
    assert lucky.mean[-1] < 0.55  # each of three levels sees the 3 wins: see the module


def test_each_level_is_shrunk_toward_its_parent():
    # the unit is good (4 of 10 each), the company (the other unit) average: a new rep of the
    # good unit starts above the company, a new rep of the average unit at it
    good = [rep(i, unit_id=1, conversion={("smb", "web"): (4, 10)}) for i in range(1, 11)]
    plain = [rep(i, unit_id=2, conversion={("smb", "web"): (2, 10)}) for i in range(11, 21)]
    reps = [*good, *plain, rep(98, unit_id=1), rep(99, unit_id=2)]
    table, estimate = fitted(reps)
    new_good, new_plain = table.index[98], table.index[99]
    assert estimate.unit[new_good] > 1 > estimate.unit[new_plain]
    assert estimate.mean[new_good] > estimate.base > estimate.mean[new_plain]
    # a rep's record in one segment carries into another, shrunk: the rep factor
    star = [*crowd(conversion={("rental", "web"): (8, 10)})]
    table, in_smb = fitted(star)
    assert in_smb.rep[-1] > 1 and in_smb.rep_segment[-1] == pytest.approx(1.0, abs=0.1)
    assert in_smb.mean[-1] > in_smb.mean[0]


def test_decay_halves_the_weight_at_the_half_life():
    assert decay_weight(0, 90) == 1
    assert decay_weight(90, 90) == pytest.approx(0.5)
    assert decay_weight(180, 90) == pytest.approx(0.25)
    assert decay_weight(-5, 90) == 1  # never more than today


def test_the_uncertainty_shrinks_with_data():
    sds = []
    for n in (0, 5, 20, 100):
        _, estimate = fitted(crowd(conversion={("smb", "web"): (n * 0.2, n)} if n else {}))
        sds.append(estimate.sd[-1])
        alpha, beta = estimate.alpha[-1], estimate.beta[-1]
        assert alpha > 0 and beta > 0
        assert alpha / (alpha + beta) == pytest.approx(estimate.mean[-1])
    assert sds == sorted(sds, reverse=True) and sds[-1] < sds[0] / 2


def test_drift_fires_when_recent_wins_fall_far_below_the_estimate():
    long_run = {("smb", "web"): (60, 100)}
    fallen = {("smb", "web", 0): (1, 12), ("smb", "web", 1): (5, 10)}
    steady = {("smb", "web", 0): (7, 12), ("smb", "web", 1): (6, 10)}
    _, estimate = fitted(crowd(conversion=long_run, recent_conversion=fallen))
    assert estimate.drifted[-1] and estimate.drift_z[-1] <= -2
    assert estimate.recent_weeks[-1] == 1  # the last week alone shows it most sharply
    assert estimate.drift_factor[-1] == pytest.approx((1 + 1) / (estimate.recent_expected[-1] + 1))
    _, without = fitted(crowd(conversion=long_run))
    assert estimate.mean[-1] == pytest.approx(without.mean[-1] * estimate.drift_factor[-1])
    note = estimate.drift_note(len(estimate.mean) - 1)
    assert note is not None and "1 won of 12 closed" in note
    _, calm = fitted(crowd(conversion=long_run, recent_conversion=steady))
    assert not calm.drifted[-1] and calm.drift_factor[-1] == 1
    assert calm.drift_note(len(calm.mean) - 1) is None
    # too few recent leads: no judgement
    _, thin = fitted(crowd(conversion=long_run, recent_conversion={("smb", "web", 0): (0, 3)}))
    assert not thin.drifted[-1]


def test_exploration_is_bounded_reproducible_and_off_for_high_value_leads():
    reps = crowd(conversion={("smb", "web"): (1, 2)})
    the_policy = policy(exploration={"method": "thompson", "max_bonus": 0.03, "newcomer_leads": 0})
    _, first = fitted(reps, the_policy)
    _, again = fitted(reps, the_policy)
    assert first.exploration == "thompson" and first.seed == again.seed
    assert np.array_equal(first.bonus, again.bonus)  # same lead, same state: same draw
    assert np.abs(first.bonus).max() <= 0.03 and np.abs(first.bonus).max() > 0
    assert first.scale == "lift"  # the default policy scores the lift over the company rate
    assert np.allclose(first.term, np.clip((first.mean + first.bonus) / (2 * first.base), 0, 1))
    _, other = fitted(reps, the_policy, lead(source="event"))
    assert other.seed != first.seed
    _, valuable = fitted(reps, the_policy, lead(estimated_value=60_000_000))
    assert valuable.exploration == "off (high-potential lead)" and not valuable.bonus.any()
    _, fresh = fitted([rep(1), rep(2)], the_policy)  # nothing closed anywhere yet
    assert fresh.exploration == "off (no outcomes yet)" and not fresh.bonus.any()
    # a newcomer (fewer than newcomer_leads closed) may get the wider bound
    wide = policy(exploration={"max_bonus": 0.01, "newcomer_bonus": 0.3, "newcomer_leads": 5})
    bonuses = [fitted(reps, wide, lead(lead_id=i, territory=t))[1].bonus for i, t in enumerate(
        ["shanghai", "chengdu", "beijing", None])]  # fmt: skip
    assert max(abs(b[-1]) for b in bonuses) <= 0.3
    assert max(abs(b[0]) for b in bonuses) <= 0.01 + 1e-12


def test_the_ranking_carries_the_estimate_and_its_arithmetic():
    reps = crowd(conversion={("smb", "web"): (8, 10)})
    the_policy = simple_policy()
    table = CandidateTable(reps)
    ranking = rank(table, profile_of(lead(), the_policy), the_policy)
    assert ranking.estimate is not None
    winner = int(ranking.order[0])
    assert table.rep_ids[winner] == 99
    assert ranking.terms["conversion"][winner] == pytest.approx(ranking.estimate.term[winner])
    line = ranking.estimate.arithmetic(winner)
    assert line.startswith(f"win estimate {ranking.estimate.mean[winner]:.3f} ±")
    assert "× rep in smb" in line and "× rep from web" in line
    assert decide(lead(), reps, the_policy).rep_id == 99


def test_an_old_policy_without_the_new_settings_gets_the_defaults():
    data = policy_data()
    data["conversion"] = {"shrinkage_k": 7, "window_days": 180, "default_unit_rate": 0.2}
    old = make_policy(conversion=data["conversion"])
    assert old.estimate.half_life_days == 90 and old.estimate.rep_segment == 7
    assert old.estimate.exploration.method == "thompson" and old.estimate.drift.recent_days == 28
