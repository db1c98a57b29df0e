"""A routing decision in sentences, in one language: every record the routing writes (the
fallback reasons, tie-breaks, co-owner, notes, relaxations, the co-owner cover, the SLA note)
reads back in Chinese without an English sentence and in English without Chinese, and names
the reps by name (and external id)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.routing import DIMENSIONS, AppliedRelaxation, Decision, assign_batch, decide
from coaching.routing.policy import TERMS
from coaching.routing.sentences import RepLabel, explain, named_reps, note_reps, note_text
from tests.support.language import assert_chinese, assert_english
from tests.support.routing import (
    candidates,
    lead,
    leads,
    make_policy,
    rep,
    simple_policy,
)

NAMES = ["王芳", "李雷", "韩梅梅", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "吴敏"]
REPS = {i: RepLabel(name, f"R{i:03d}") for i, name in enumerate(NAMES, start=1)}
# Codes a Chinese sentence may show: queues and the reps' external ids.
CODES = ["routing-triage", "triage", *(f"R{i:03d}" for i in range(1000))]


def assert_one_language(decision: Decision, reps=REPS, cover: str | None = None) -> None:
    chinese = explain(decision, "zh", reps, cover)
    english = explain(decision, "en", reps, cover)
    assert chinese and len(chinese) == len(english), (chinese, english)
    names = [label.name for label in reps.values()]
    for line in chinese:
        assert_chinese(line, allowed=CODES)
    for line in english:
        assert_english(line, names=names)


def co_owner_reps():
    weak = dict.fromkeys(DIMENSIONS, 90) | {"negotiation": 45}
    return [
        rep(1, capability=weak, specialties={"smb": 5}, conversion={("smb", "web"): (9, 10)}),
        rep(2, level="senior", capability=dict.fromkeys(DIMENSIONS, 80), open_load=5),
        rep(3, level="senior", capability=dict.fromkeys(DIMENSIONS, 85), open_load=8),
    ]


ONLY_SPECIALTY = {"specialty": 1, "capability": 0, "load": 0, "conversion": 0, "fairness": 0}
CERTIFIED = make_policy(
    filters=[
        {"field": "active"},
        {"field": "not_on_leave"},
        {"field": "territory"},
        {"field": "capacity_left"},
        {"field": "certification", "flag": "strategic_accounts"},
        {"field": "capability_minimum", "minimum": 60},
    ],
    needs=[{"dimension": "negotiation", "when": {"segment_in": ["smb"]}}],
)
OWNER_POLICY = simple_policy(fallback={"owner": "R009", "queue": "triage"})

SCENARIOS = {
    "assigned": lambda: decide(lead(), [rep(1, specialties={"smb": 5}), rep(2, open_load=10)],
                               simple_policy()),
    "tie on recent": lambda: decide(
        lead(), [rep(1, recent_assignments=3), rep(2, recent_assignments=2, open_load=9)],
        simple_policy(weights=ONLY_SPECIALTY)),
    "tie on load": lambda: decide(
        lead(), [rep(1, open_load=5), rep(2, open_load=4)], simple_policy(weights=ONLY_SPECIALTY)),
    "tie on id": lambda: decide(lead(), [rep(7), rep(3)], simple_policy(weights=ONLY_SPECIALTY)),
    "all weights zero": lambda: decide(lead(), [rep(1), rep(2, recent_assignments=1)],
                                       simple_policy(weights=dict.fromkeys(TERMS, 0))),
    "relaxed": lambda: decide(lead(), [rep(1, capability=dict.fromkeys(DIMENSIONS, 50))],
                              CERTIFIED),
    "relaxation requested": lambda: decide(
        lead(), [rep(1, capability=dict.fromkeys(DIMENSIONS, 80))], CERTIFIED, relaxation_level=2),
    "queued": lambda: decide(lead(), [rep(1, open_load=10), rep(2, status="on_leave")],
                             make_policy()),
    "no candidates": lambda: decide(lead(), [], make_policy()),
    "fallback owner": lambda: decide(lead(), [rep(1, open_load=10), rep(9, territories={"x"})],
                                     OWNER_POLICY),
    "owner on leave": lambda: decide(lead(), [rep(1, open_load=10), rep(9, status="on_leave")],
                                     OWNER_POLICY),
    "owner inactive": lambda: decide(lead(), [rep(9, status="inactive")], OWNER_POLICY),
    "owner full": lambda: decide(lead(), [rep(9, open_load=10, territories={"x"})], OWNER_POLICY),
    "owner unknown": lambda: decide(lead(), [rep(1, open_load=10)], OWNER_POLICY),
    "owner excluded": lambda: decide(lead(), [rep(9)], OWNER_POLICY, exclude=frozenset({9})),
    "co-owner": lambda: decide(lead(estimated_value=60_000_000), co_owner_reps(),
                               simple_policy()),
    "no co-owner": lambda: decide(lead(estimated_value=60_000_000), co_owner_reps()[:1],
                                  simple_policy()),
    "no territory": lambda: decide(lead(territory=None), [rep(1)], simple_policy()),
    "excluded by every filter": lambda: decide(
        lead(estimated_value=300_000_000),
        [rep(1, status="inactive"), rep(2, status="on_leave"), rep(3, territories={"x"}),
         rep(4, open_load=10), rep(5), rep(6, capability={"negotiation": 10}), rep(7)],
        make_policy(relaxation=[]), exclude=frozenset({7})),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_decision_reads_in_one_language(name):
    decision = SCENARIOS[name]()
    assert_one_language(decision)
    stored = Decision.from_json(json.loads(json.dumps(decision.to_json())))
    assert explain(stored, "zh", REPS) == explain(decision, "zh", REPS)


def test_the_owner_is_named_by_name_and_external_id():
    decision = SCENARIOS["assigned"]()
    assert explain(decision, "zh", REPS)[0].startswith(
        "分配给王芳（R001）：得分 0.700 = 专长 1.00×0.15"
    )
    assert explain(decision, "en", REPS)[0].startswith("Assigned to 王芳 (R001): score 0.700 = ")
    assert explain(decision, "zh", REPS)[1:3] == [
        "2 名候选人中 1 名符合条件",
        "排除：负载已满 1 名",
    ]
    assert explain(decision, "zh", REPS)[3].startswith("预计赢单率 ")
    unnamed = explain(decision, "zh", {})
    assert unnamed[0].startswith("分配给销售 #1：") and "rep" not in unnamed[0]
    same = {1: RepLabel("R001", "R001")}
    assert explain(decision, "en", same)[0].startswith("Assigned to R001: ")


def test_the_runner_up_of_a_tie_is_named():
    decision = SCENARIOS["tie on recent"]()
    assert named_reps(decision) == {1, 2}
    zh, en = explain(decision, "zh", REPS), explain(decision, "en", REPS)
    assert zh[-1] == "与王芳（R001）同分（0.0000），因近期分配更少（2 < 3）胜出"
    assert en[-1] == "Tied with 王芳 (R001) at 0.0000; won on fewer recent assignments (2 < 3)"
    assert explain(SCENARIOS["tie on load"](), "zh", REPS)[-1].endswith(
        "因当前负载更低（4/10 < 5/10）胜出"
    )
    assert explain(SCENARIOS["tie on id"](), "zh", REPS)[-1] == (
        "与杨帆（R007）同分（0.0000），因内部编号更小胜出"
    )


def test_the_queue_and_the_fallback_owner():
    zh = explain(SCENARIOS["queued"](), "zh", REPS)
    assert zh[0] == "进入队列 routing-triage：放宽 2 步后仍无人符合条件"
    assert zh[2] == "排除：休假中 1 名，负载已满 1 名"
    assert zh[3] == "没有符合条件的销售专长于该线索所属的行业"  # the segment nobody covers
    assert zh[4] == "放宽第 1 步：因无人符合条件，不再要求所需认证，放宽后 0 名符合条件"
    owner = SCENARIOS["fallback owner"]()
    assert explain(owner, "zh", REPS)[:2] == [
        explain(owner, "zh", REPS)[0],
        "无人符合条件，由兜底负责人接手",
    ]
    assert explain(owner, "zh", REPS)[0].startswith("分配给兜底负责人吴敏（R009）：得分")
    assert explain(owner, "en", REPS)[0].startswith("Assigned to the fallback owner 吴敏 (R009):")
    on_leave = explain(SCENARIOS["owner on leave"](), "en", REPS)[0]
    assert (
        on_leave == "Sent to queue triage: nobody was eligible; the fallback owner R009 is on leave"
    )
    assert explain(SCENARIOS["owner full"](), "zh", REPS)[0] == (
        "进入队列 triage：无人符合条件；兜底负责人 R009 负载已满（10/10）"
    )


def test_a_batch_without_slots_left():
    policy = simple_policy(fallback={"owner": "R009", "queue": "triage"})
    reps = [rep(1, capacity=1), rep(9, territories={"beijing"}, capacity=2)]
    result = assign_batch([lead()] * 5, reps, policy)
    last = result.decision(4)
    assert last.outcome == "fallback_queue"
    assert explain(last, "zh", REPS)[0] == (
        "进入队列 triage：本批次中符合条件的销售已无名额；兜底负责人 R009 在本批次中已无名额"
    )
    assert_one_language(last)
    for index in range(5):
        assert_one_language(result.decision(index))
    relaxed = replace(last, relaxations=(AppliedRelaxation(0, "territory", "batch_capacity", 2),))
    assert explain(relaxed, "zh", REPS)[-1] == (
        "放宽第 1 步：因本批次中符合条件的销售已无名额，不再要求负责该区域，放宽后 2 名符合条件"
    )
    assert_one_language(relaxed)


def test_the_co_owner_and_its_cover():
    decision = SCENARIOS["co-owner"]()
    assert explain(decision, "zh", REPS)[-1] == (
        "负责人在「谈判张力」上得分 45，低于 60：由资深销售韩梅梅（R003，该项 85 分）共同跟进"
    )
    assert explain(decision, "en", REPS)[-1] == (
        "The owner scores 45 in negotiation, below 60: senior rep 韩梅梅 (R003, 85 there) "
        "co-owns the lead"
    )
    counted = "co-owned lead 2 of 3 for negotiation"
    assert explain(decision, "zh", REPS, counted)[-1] == (
        "这是负责人在「谈判张力」上由他人共同跟进的第 2 条线索（共 3 条）"
    )
    used = "the owner's 3 co-owned leads for negotiation are used"
    zh = explain(decision, "zh", REPS, used)[-1]
    assert "额度已用完，本条线索由其独自跟进" in zh and "韩梅梅" in zh
    for cover in (counted, used):
        assert_one_language(decision, cover=cover)
    assert "资深销售在该项达到 75 分" in explain(SCENARIOS["no co-owner"](), "zh", REPS)[-1]


def test_a_record_of_another_version_is_left_out_in_chinese_only():
    decision = replace(SCENARIOS["assigned"](), notes=("a note some later version writes",))
    assert explain(decision, "en", REPS)[-1] == "A note some later version writes"
    assert len(explain(decision, "zh", REPS)) == len(explain(decision, "en", REPS)) - 1


def test_the_sla_note():
    note = "not contacted within 24 h by rep 2"
    assert note_reps(note) == {2}
    assert note_text(note, "zh", REPS) == "李雷（R002）未在 24 小时内联系客户，线索已改派"
    assert note_text(note, "en", REPS) == "Not contacted within 24 h by 李雷 (R002): routed again"
    assert note_text("not contacted within 1.5 h by rep None", "zh") == (
        "原负责人未在 1.5 小时内联系客户，线索已改派"
    )
    assert note_text(None, "zh") is None
    assert note_text("something else", "en") == "something else"
    assert_chinese(note_text("something else", "zh") or "")


@settings(max_examples=60, deadline=None)
@given(
    leads(),
    candidates(max_size=10),
    st.sampled_from(["default", "simple", "owner"]),
    st.integers(0, 3),
)
def test_any_decision_reads_in_one_language(the_lead, reps, policy_name, level):
    policy = {
        "default": make_policy(),
        "simple": simple_policy(),
        "owner": make_policy(fallback={"owner": "R009", "queue": "triage"}),
    }[policy_name]
    labels = {r.rep_id: RepLabel(f"销售员{r.rep_id}号", r.external_id) for r in reps}
    decision = decide(the_lead, reps, policy, relaxation_level=level)
    assert_one_language(decision, labels)
    assert named_reps(decision) <= set(labels)
