"""Negation scope: whether a match sits under a negation or refusal in its clause (`negated`,
`negator_in`; see `coaching.engines.text`)."""

from __future__ import annotations

import re

from coaching.engines.text_normalise import _HAN
from coaching.engines.text_numbers import CLAUSE_MARK, END_MARK, NUMBER_MARK

# --- negation ---------------------------------------------------------------------------------

_ZH_NEGATOR = re.compile(
    "并非|绝非|无法|无权|无从|哪有|哪里有|哪能|怎么可能|谁能|谁敢|谁说|有人说|有人会说|号称|声称|"
    "如果有人|要是有人|您说|你说|您刚才说|您希望|您想要|您要求|您提的|您提到|您的意思是|"
    "别家说|他们说|对方说|客户说|"
    "没(?!问题|关系|错|事)|"
    "(?<![特区分级类告个识性差鉴判辨派])别(?!家|人|的|处|样|担心|着急|急)|"
    "未(?!来)|"
    "(?<!差|要)不(?!过|仅|但|管|论|少|错|断|久|如|妨|然|同|止|单|光|只|好意思|客气|要紧|"
    "用担心|必担心|要担心|用客气|低于|少于|超过|高于|多)|"
    "(?<=要)不(?=要)"
)
_EN_NEGATOR = re.compile(
    r"(?<![a-z])(?:(?:can|will|would|could|should|do|does|did|must) not|not(?! only| just)|never"
    r"|no(?! problem| worries| doubt| matter| later"
    r"| longer| sooner| strings| pressure| obligation)|nobody|none|nothing|neither|nor"
    r"|unable|impossible|dishonest|irresponsible|lying|rather than|instead of|anyone who"
    r"|if anyone|whoever|if someone|who can|who could|you want|you asked|you are asking"
    r"|you mentioned|you said|you would like|asking for|asked for|they claim|they say"
    r"|they said|some vendors|other vendors|claims? to)(?![a-z])"
)
_ZH_SCOPE_BREAK = re.compile("但是|但|可是|不过|然而|只是|而是|而且|并且|所以|因此|然后|反正|其实")
_EN_SCOPE_BREAK = re.compile(
    r"(?<![a-z])(?:but|however|though|although|yet|and|so|then|instead|actually)(?![a-z])"
)
_ZH_REFUSAL_AFTER = re.compile(
    "不可能|不现实|不负责任|骗人|是假的|不靠谱|不切实际|做不到|办不到|不敢保证|保证不了|没法保证|"
    "无法保证|不能保证|没人能|没有人能|谁也不|谁都不|是吹牛|是忽悠|不存在|给不了|批不了|做不了|"
    "不敢说|不好说|说不准|不能说|没法说|不敢打包票|"
    f"还没有|还不|暂不|暂时没有|尚未|没有确定|不行|不可以|不允许|严禁|禁止|{NUMBER_MARK}1{END_MARK}律不"
)
# The act named, then refused: "给医生按用量返钱这种事我们绝对不做",
# "礼品卡、旅游这些我们一律不安排".
_ZH_THIS_REFUSED = re.compile(
    "(?:这种|这样|这些|这类|此类|这个|这)[^\ue004]{0,6}?(?:不|没|无法|别)(?!过|仅|但|然|管|论|少|错)"
)
# Topic first, then the refusal: "完整源码我们不出售", "八折我给不了".
_ZH_TOPIC_REFUSAL = re.compile(
    # the rest of a topic first: "拆合同规避招标的事我们不做", "送礼请客也一概没有"
    "(?:[^\ue004]{0,6}?的事情?|[\u4e00-\u9fff]{1,3}(?=也|都))?"
    "(?:我们|我|这个|这|也|是|都|可|就|暂时|目前|还|并|确实|实在|真的|真|公司|门店|店里|这边|"
    f"这种事|{NUMBER_MARK}1{END_MARK}概|{NUMBER_MARK}1{END_MARK}律|全都|从来)*"
    "(?:无法|没法|没办法|不能|不会|不可|不出售|不卖|不提供|不给|不交|不开放|不支持|不包|不做|不含|不是|没有|未|"
    "没权限|无权)"
)
_EN_REFUSAL_AFTER = re.compile(
    r"(?<![a-z])(?:is impossible|is not possible|is not realistic|unrealistic|is not true"
    r"|not true|a lie|dishonest|irresponsible|no one can|nobody can|can not (?:promise|guarantee)"
    r"|can not be (?:promised|guaranteed)|is not something|would be lying|just marketing"
    r"|is a myth|does not exist|not on the table|off the table|not an option|can not do that"
    r"|not yet|no committed date|is not available|not available yet|out of the question"
    r"|is something (?:we|i) (?:will never|would never|never|do not|will not|can not)"
    r"|(?:is|are) not allowed|(?:is|are) (?:forbidden|prohibited))(?![a-z])"
)
# "Any fee to doctors, we neither pay nor allow": a clause about ANY such thing, then a refusal
# opening the next clause.
_ANY = re.compile("任何|一切|(?<![a-z])any(?![a-z])")
# The acts listed, then refused in the next clause:
# "拆分合同或者按我们的产品定参数，这些我们都不会做".
_THESE_REFUSED_NEXT = re.compile(
    "(?:这些|这种|这样|这类|此类)(?:事|做法|操作|情况)?(?:我们|我|公司)?(?:都|也|一律|绝对|从来)?"
    "(?:不|没|绝不|决不)(?!过|仅|但|然|管|论|少|错)"
)
_NEXT_CLAUSE_REFUSAL = re.compile(
    f"[^{CLAUSE_MARK}]{{0,6}}?(?:既不|也不|(?:一|{NUMBER_MARK}1{END_MARK})律不|绝不|决不|从不|从来不"
    "|都不|不允许|不承担|不提供)"
    r"|(?:[a-z]+ ){0,3}?(?:never|neither|will not|do not|does not|can not|is not allowed)(?![a-z])"
)
# A condition ("unless you sign this week", "今天不签的话") makes what follows its consequence,
# so a refusal after it ("…I can't promise delivery") is the threat, not a refusal of the match.
_CONDITION = re.compile(
    "的话|否则|要不然|不然|再不|(?<![a-z])(?:unless|otherwise|or else)(?![a-z])"
)
# "if we don't lock it in today": a negation inside a condition is not a refusal of the match.
_IF_BEFORE = re.compile(r"(?<![a-z])if(?![a-z])|如果|要是|假如")
# "10%行不行": a question (X不X) after the match, not a refusal of it.
_QUESTION_AFTER = re.compile(r"([\u4e00-\u9fff])[不没]\1")
_WINDOW_BEFORE = {"zh": 12, "en": 60}
_WINDOW_AFTER = {"zh": 14, "en": 50}


def _scope_language(text: str) -> str:
    return "zh" if _HAN.search(text) else "en"


def negator_in(fragment: str) -> bool:
    """Whether a gap of a matched phrase holds a negation ("独家授权不会因为您今天不签就…")."""
    if _HAN.search(fragment):
        for found in _ZH_NEGATOR.finditer(fragment):
            at = found.start()
            if (
                found.group() in "不没"
                and 0 < at < len(fragment) - 1
                and fragment[at - 1] == fragment[at + 1]
            ):
                continue
            return True
    return bool(_EN_NEGATOR.search(fragment))


def negated(text: str, start: int, end: int) -> bool:
    """Whether the match text[start:end] (normalised) is in the scope of a negation or a
    refusal within its clause (see the module's doc)."""
    if text[start] in "不没" and 0 < start < len(text) - 1 and text[start - 1] == text[start + 1]:
        return True  # 会不会开裂, 有没有风险: a question, not a claim
    if start >= 2 and text[start - 1] in "不没" and text[start - 2] == text[start]:
        return True  # 能不能进三甲医院: a question, not a claim
    clause_start = text.rfind(CLAUSE_MARK, 0, start) + 1
    clause_end = text.find(CLAUSE_MARK, end)
    if clause_end < 0:
        clause_end = len(text)
    for zh, scope, negators, breaks in (
        (True, _WINDOW_BEFORE["zh"], _ZH_NEGATOR, _ZH_SCOPE_BREAK),
        (False, _WINDOW_BEFORE["en"], _EN_NEGATOR, _EN_SCOPE_BREAK),
    ):
        offset = max(clause_start, start - scope)
        before = text[offset:start]
        if zh and not _HAN.search(before):
            continue
        cut = 0
        for found in breaks.finditer(before):
            cut = found.end()
        for found in negators.finditer(before, cut):
            if _IF_BEFORE.search(before, cut, found.start()):
                continue
            if zh and found.group() in "不没":
                at = found.start()
                # 是不是, 能不能, 有没有: a question, not a negation (looked up in the whole
                # clause, so a window that cuts "能不能" to "不能" does not read as a refusal).
                whole = offset + at
                if clause_start < whole < start - 1 and text[whole - 1] == text[whole + 1]:
                    continue
                if at == len(before) - 1 and at > 0 and before[at - 1] == text[start]:
                    continue
            return True
    if clause_end < len(text) and (
        (
            _ANY.search(text, clause_start, clause_end)
            and _NEXT_CLAUSE_REFUSAL.match(text, clause_end + 1)
        )
        or _THESE_REFUSED_NEXT.match(text, clause_end + 1)
    ):
        return True
    after = text[end : min(clause_end, end + max(_WINDOW_AFTER.values()))]
    if _CONDITION.search(text, start, end) or _QUESTION_AFTER.match(after):
        return False
    if after and (_ZH_TOPIC_REFUSAL.match(after) or _ZH_THIS_REFUSED.search(after)):
        return True
    if after:
        if _ZH_REFUSAL_AFTER.search(after[: _WINDOW_AFTER["zh"]]):
            return True
        if _EN_REFUSAL_AFTER.search(after[: _WINDOW_AFTER["en"]]):
            return True
    return False
