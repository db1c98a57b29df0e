"""The API's own messages in one language: UNAUTHENTICATED with each reason the authenticator
gives, FORBIDDEN with the roles, INVALID_ID, and the document limits."""

from __future__ import annotations

import pytest
from strawberry import relay

from api.core.context import AUTH_FAILURES_ZH, unauthenticated
from api.core.errors import invalid_global_id, limit_in_chinese
from api.core.permissions import forbidden
from api.core.relay import decode_id
from domain.errors import InvalidInput
from domain.kernel.actor import Role
from tests.support.language import assert_chinese, assert_english

# Codes and names a Chinese message may carry: the HTTP header and scheme, a login, a claim.
CODES = ["Authorization", "Bearer", "alice", "preferred_username", "HS512"]

REASONS = [
    ("no Authorization header", "请求没有 Authorization 请求头"),
    ("the Authorization header must be 'Bearer <token>'", "须为 Bearer <令牌>"),
    ("unknown API token", "令牌不存在"),
    ("API token revoked", "令牌已被吊销"),
    ("API token expired", "令牌已过期"),
    ("API token user inactive", "账号已停用"),
    ("no active Pacer user with login 'alice'", "没有登录名为 'alice' 的在用账号"),
    ("JWT signed with an unknown key id", "签名密钥编号（kid）未知"),
    ("JWT algorithm 'HS512' is not accepted", "不接受 JWT 签名算法 'HS512'"),
    ("JWT expired", "JWT 已过期"),
    ("invalid JWT (Not enough segments)", "JWT 无效"),
    ("JWT has no 'preferred_username' claim naming a Pacer user", "'preferred_username' 声明"),
]


@pytest.mark.parametrize(("reason", "zh"), REASONS)
def test_unauthenticated_says_why_in_either_language(reason, zh):
    chinese, english = unauthenticated(reason, "zh"), unauthenticated(reason, "en")
    assert chinese.startswith("未认证：") and zh in chinese
    assert_chinese(chinese, allowed=CODES)
    assert english.startswith("Not authenticated: ") and reason in english
    assert_english(english)


def test_every_reason_pattern_is_tested():
    tested = {pattern.pattern for pattern, _ in AUTH_FAILURES_ZH if any(
        pattern.search(reason) for reason, _ in REASONS
    )}  # fmt: skip
    assert tested == {pattern.pattern for pattern, _ in AUTH_FAILURES_ZH}


def test_an_unknown_reason_is_not_shown_in_chinese():
    chinese = unauthenticated("the moon is in the wrong phase", "zh")
    assert chinese == "未认证：请提供有效的访问令牌。"
    assert (
        unauthenticated(None, "en")
        == "Not authenticated: no credential. Send a valid access token."
    )


def test_forbidden_names_the_roles_in_either_language():
    roles = (Role.ADMIN, Role.MANAGER)
    assert forbidden(roles, "zh") == "无权执行此操作：需要以下角色之一：管理员、销售经理。"
    assert (
        forbidden(roles, "en") == "Forbidden: this operation needs one of the roles admin, manager."
    )


def test_invalid_global_id_in_either_language():
    message = 'Value cannot represent a GlobalID: "garbage".'
    chinese = invalid_global_id(message, "zh")
    assert chinese == 'ID "garbage" 格式无效：ID 须是本接口返回的不透明字符串。'
    assert_chinese(chinese, allowed=["garbage"])
    english = invalid_global_id(message, "en")
    assert english == f"{message} IDs are the opaque strings this API returns."
    assert_english(english)


def test_an_id_of_another_type_names_the_expected_one():
    with pytest.raises(InvalidInput) as refused:
        decode_id(relay.GlobalID("User", "1"), "Rep", "rep_id")
    assert refused.value.message("zh") == "这不是有效的销售代表 ID"
    assert refused.value.message("en") == "Expected the ID of a Rep"
    with pytest.raises(InvalidInput) as refused:
        decode_id(relay.GlobalID("User", "1"), "Gadget", "gadget_id")
    assert refused.value.message("zh") == "这不是有效的 Gadget ID"


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("'anonymous' exceeds maximum operation depth of 10", "查询的嵌套深度超过上限 10"),
        ("'Board' exceeds maximum operation depth of 10", "操作 Board 的嵌套深度超过上限 10"),
        ("31 aliases found. Allowed: 30", "查询使用了 31 个别名，上限为 30"),
        (
            "Syntax Error: Document contains more than 5000 tokens. Parsing aborted.",
            "查询文档超过 5000 个词法单元",
        ),
    ],
)
def test_the_document_limits_in_chinese(english, chinese):
    message = limit_in_chinese(english)
    assert message is not None and message.startswith(chinese)
    assert_chinese(message, allowed=["Board"])


def test_other_messages_are_not_limits():
    assert limit_in_chinese("Cannot query field 'x' on type 'Query'.") is None
