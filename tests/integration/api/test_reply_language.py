"""One language per reply: every top-level error Pacer gives is all Chinese without
`Accept-Language` (zh-CN is the default) and all English with `Accept-Language: en`."""

from __future__ import annotations

import pytest

from tests.support.graphql import gid
from tests.support.language import assert_chinese, assert_english

NODE = "query($id: ID!) { node(id: $id) { id } }"


def nested_parents(depth: int) -> str:
    selection = "code"
    for _ in range(depth):
        selection = f"parent {{ {selection} }}"
    return f"{{ orgUnits {{ edges {{ node {{ {selection} }} }} }} }}"


# code → (document, variables, login, the codes and names its Chinese message may show)
REQUESTS = {
    "UNAUTHENTICATED": ("{ me { login } }", None, None, ["Authorization"]),
    "UNAUTHENTICATED (unknown token)": ("{ me { login } }", None, "bogus", []),
    "FORBIDDEN": ("{ orgUnits { totalCount } }", None, "intake", []),
    "INVALID_ID": (NODE, {"id": "garbage"}, "admin", ["garbage"]),
    "INVALID_ID (another type)": (
        "query($o: ID) { leads(ownerId: $o) { totalCount } }",
        {"o": gid("User", 1)},
        "admin",
        [],
    ),
    "INVALID_PAGE_SIZE": ("{ reps(first: 101) { totalCount } }", None, "admin", []),
    "INVALID_CURSOR": ('{ reps(after: "bm9wZQ==") { totalCount } }', None, "admin", []),
    "GRAPHQL_VALIDATION_FAILED (depth)": (nested_parents(12), None, "admin", []),
    "GRAPHQL_VALIDATION_FAILED (aliases)": (
        "{ " + " ".join(f"a{i}: me {{ login }}" for i in range(31)) + " }",
        None,
        "admin",
        [],
    ),
    "GRAPHQL_PARSE_FAILED (tokens)": (
        "{ " + " ".join("__typename" for _ in range(6000)) + " }",
        None,
        None,
        [],
    ),
}


async def ask(api, name: str, language: str | None) -> dict:
    document, variables, login, _ = REQUESTS[name]
    headers = {"Accept-Language": language} if language else {}
    if login == "bogus":
        return await api(document, variables, as_=None, token="pacer_bogus", headers=headers)
    return await api(document, variables, as_=login, headers=headers)


@pytest.mark.parametrize("name", sorted(REQUESTS))
async def test_each_top_level_error_in_one_language(api, name):
    code = name.split(" ")[0]
    allowed = REQUESTS[name][3]
    chinese, english, explicit = (
        await ask(api, name, None),
        await ask(api, name, "en-US,en;q=0.9"),
        await ask(api, name, "zh-CN,zh;q=0.9,en;q=0.8"),
    )
    for body in (chinese, english, explicit):
        assert [error["extensions"]["code"] for error in body["errors"]] == [code], body
    assert_chinese(chinese["errors"][0]["message"], allowed=allowed)
    assert explicit["errors"][0]["message"] == chinese["errors"][0]["message"]
    assert_english(english["errors"][0]["message"])


INTAKE = "mutation($i: IntakeLeadInput!) { intakeLead(input: $i) { errors { code } } }"
LEAD = {
    "externalId": "web-1",
    "source": "website",
    "segment": "smb",
    "region": "sh",
    "contact": {"phone": "+86 138 0000 0001"},
}
DATED = "query($day: Date!) { funnel(from: $day, to: $day) { __typename } }"
LITERAL = """mutation { intakeLead(input: {externalId: "web-1", source: "website", segment: "smb",
  region: "sh", estimatedValue: "abc", contact: {phone: "+86 138 0000 0001"}}) {
  errors { code } } }"""
BIG_INT_ZH = "须为整数（-2^63 与 2^63 之间，最多 19 位数字）"


@pytest.mark.parametrize(
    ("document", "variables", "chinese"),
    [
        (
            INTAKE,
            {"i": LEAD | {"estimatedValue": "abc"}},
            f"变量 $i 中 .estimatedValue 的值无效：{BIG_INT_ZH}，收到 'abc'。",
        ),
        (LITERAL, None, f'参数值无效：{BIG_INT_ZH}，收到 "abc"。'),
        (
            DATED,
            {"day": "1800-01-01"},
            "变量 $day 的值无效：须为日期 YYYY-MM-DD（1970–2100 年），收到 '1800-01-01'。",
        ),
    ],
)
async def test_a_value_a_pacer_scalar_refuses_in_one_language(api, document, variables, chinese):
    body = await api(document, variables)
    english = await api(document, variables, headers={"Accept-Language": "en"})
    assert body["errors"][0]["message"] == chinese, body
    assert_chinese(chinese, allowed=["estimatedValue", "YYYY"])  # a field, a date's format
    assert_english(english["errors"][0]["message"])
    assert body["errors"][0]["extensions"] == english["errors"][0]["extensions"]


async def test_a_masked_failure_in_one_language(api, monkeypatch):
    from domain.org import queries

    async def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(queries, "list_reps", explode)
    headers = {"X-Request-ID": "req-7"}
    chinese = await api("{ reps { totalCount } }", headers=headers)
    english = await api("{ reps { totalCount } }", headers=headers | {"Accept-Language": "en"})
    assert chinese["errors"][0]["message"] == "服务器内部错误（请求编号 req-7）。"
    assert english["errors"][0]["message"] == "Unexpected error (request id req-7)."


async def test_a_payload_error_in_one_language(api, world):
    document = """mutation($i: CreateOrgUnitInput!) { createOrgUnit(input: $i) {
      errors { code field message } } }"""
    taken = {"code": "acme", "name": "Acme again", "kind": "COMPANY"}
    chinese = (await api(document, {"i": taken}))["data"]["createOrgUnit"]["errors"]
    english = (await api(document, {"i": taken}, headers={"Accept-Language": "en"}))["data"]
    assert chinese and chinese[0]["code"] == english["createOrgUnit"]["errors"][0]["code"]
    assert_chinese(chinese[0]["message"])
    assert_english(english["createOrgUnit"]["errors"][0]["message"])
