"""Concept placeholders of the phrase language: one red-line TYPE as a built-in pattern, shared
by every scenario (`{discount}`, `{deadline}`, `{guarantee}`, `{inducement}`, `{relationship}`,
`{impersonation}`, `{disparagement}`, `{allegation}`, `{hearsay}`, `{tender_steering}`).

A concept is written as a whole phrase ("{discount}") or inside one ("恒拓 … {disparagement}").
It stands for the forbidden act in general, in Chinese and English alike, not for a list of
sentences: an unauthorised discount is a concession act (给您让/降/减/抹/送/免/少收/打…折/返点,
give/take off/knock off/throw in/waive/cut the price) applied to a price, a fee or an amount; a
fake deadline is an urgency claim tied to a date or to scarcity (明天就涨, 月底截止, 名额只剩,
the offer is withdrawn on the 30th, only two units left); a guarantee is an absolute promise
attached to a result (保证能…, 绝对不会坏, guaranteed to, these just don't fail); an inducement
is money, a gift, a meal, a job or a commission offered to a person; a relationship or an
impersonation is a claim to know, be sent by, or be someone (陈总让我来的, calling on behalf of
your CEO, this is the power company); disparagement is a negative evaluation; an allegation is
an incident, lawsuit, recall, fake report or money trouble pinned on someone (it also counts
as disparagement: recall first); hearsay is gossip
presented as fact (据我所知, word is); tender steering is tailoring, splitting or getting around
a tender (控标, 量身定做, 拆成几个小合同, narrow the field). The judge applies its usual
negation scope to concept matches, so a refusal of the act is not a hit.

A concept may carry a guard: a pattern that, found in the same clause or the one before it,
means the act conforms to policy (a discount that needs approval or is the published one,
an SLA written in the contract), so the match does not count.
"""

from __future__ import annotations

import re

from coaching.engines.text_concepts_acts import (
    CONCEPT_PARTS,
    ONE,
    YOU,
    any_of,
    checked_gap,
    english,
    gap,
)
from coaching.engines.text_concepts_claims import CLAIM_PARTS
from coaching.engines.text_concepts_deadline import DEADLINE_PARTS
from coaching.engines.text_numbers import (
    ANY_MONEY,
    ANY_NUMBER,
    ANY_PERCENT,
    CLAUSE_MARK,
    END_MARK,
    NUMBER_MARK,
)

_en, _alt = english, any_of
_gap, _cgap = gap, checked_gap
_C = CLAUSE_MARK
_NUM = ANY_NUMBER
_PCT = ANY_PERCENT
_MONEY = ANY_MONEY
# Numerals are number tokens in normalised text: "一点" is "<1>点", "周五" is "周<5>", "抹零"
# is "抹<0>", so concept patterns write them as tokens.
_ONE = ONE
_BIT = f"(?:{_ONE})?(?:点|些)"
_PLAIN = f"{NUMBER_MARK}[0-9.]*{END_MARK}[万亿]?"
"""A number that is not a share."""


# --- an unauthorised discount -------------------------------------------------------------------

_YOU = YOU
_ZH_GIVER = f"(?:给{_YOU}|我们?|咱们?|算{_YOU}|帮{_YOU})"
_ZH_CUT_WORD = (
    "(?:让利|让价|降价|减价|少收|少算|少要|抹掉|打折|打个折|折扣|减免|免掉|免去|免了|特价|"
    f"内部价|员工价|成本价|底价|出厂价|返点|返利|便宜{_BIT}|优惠(?:{_BIT}|价)|"
    "(?:实在|良心|友情|跳楼|骨折|亏本|关系|熟人|特别|特殊)价)"
)
_ZH_CUT_VERB = "(?:降(?!低)|减(?!少|低|轻)|便宜|优惠|少收|少算|返|抹|再让|让利|让出|让)"
_AMOUNT = f"(?:{_MONEY}|{_PCT}|{_NUM}|{_BIT})"
_NOT_THIRD = f"((?:(?!主任|医生|科室|护士|院长|领导|他|她|比)[^{_C}]){{0,6}}?)"
"""A gap after the giver that hands nothing to a third person and compares nothing."""
_ZH_DISCOUNT = _alt(
    f"(?<!比){_ZH_GIVER}{_NOT_THIRD}{_ZH_CUT_WORD}",
    f"(?<!比){_ZH_GIVER}{_NOT_THIRD}{_ZH_CUT_VERB}(?:到|了|掉|个|您|你)?{_gap(3)}{_AMOUNT}",
    f"打{_gap(2)}{_NUM}折",
    f"{_NUM}折(?:给|成交|卖|算|拿|出)",
    f"(?:价格|价钱|单价|报价|总价|价)(?:(?!比)[^{_C}]){{0,4}}?(?:再)?"
    f"(?:降|减|让|便宜|打折|优惠|压)(?:到|了|掉)?{_gap(3)}{_AMOUNT}",
    "我自己(?:签字|签|担着|兜着|扛着)|我(?:来)?(?:兜着|扛着|担着)",
    f"{_MONEY}{_gap(6)}(?:能|可以)接受|底线是{_MONEY}",
    "(?:再|额外|另外|多|白|免费)(?:送|赠)",
    f"(?:先|再|直接|白)送{_YOU}",
    f"送{_YOU}{_gap(8)}(?:免费|保险|礼包|配件)",
    f"(?:头|前|首){_NUM}?个?(?:月|季度|年){_gap(4)}(?:免费|送|白用)",
    f"(?:额外|多加|多给|再加|再给){_gap(10)}免费",
    f"免费(?:给|送|帮){_YOU}|(?:给|送){_YOU}免费",
    "(?:先)?别(?:对外|跟别人|跟其他人|告诉别人|往外|跟其他经销商)说|别外传",
    "(?:别家|别人|其他人|其他客户)(?:都)?拿不到(?:这个价)?",
    f"算{_NUM}{_gap(3)}的钱|买{_NUM}送{_NUM}",
    f"给{_YOU}{_gap(4)}按[^{_C}]{{1,8}}?(?:收|算|结)(?!{_ONE}下|算看)",
    f"我们?(?:都|就|直接|统一|全部|全都)按{_gap(4)}{_PLAIN}{_gap(3)}(?:算|收|结|给)",
    f"按(?:老|原|旧|去年的?|上次的?)价|按{_gap(6)}{_PLAIN}(?:元|块)?给{_YOU}(?!报|算|看)",
    f"给{_YOU}{_gap(8)}按{_gap(4)}{_NUM}{_gap(2)}(?:算|收|结|给)",
    f"算{_YOU}{_gap(3)}{_NUM}",
    f"抹(?:掉|去|个|了)?{_NUM}",
    f"(?:实施费|安装费|服务费|运费|培训费|调试费|费用){_cgap(6)}"
    "(?:免了|免掉|全免|就免|不收了|不要了|减半|打折|算了|我包|我来出)",
    f"免(?:{_YOU})?(?:掉|去|了)?(?:实施费|安装费|服务费|运费|培训费|调试费)",
    # authority claimed over the price, free use for a period, a price or share set on the spot
    f"我[^{_C}]{{0,4}}?(?:说了算|做得了主|做得主|能做主|可以做主|能拍板|就能拍板|拍得了板)",
    f"给(?:{_YOU})?(?:打)?{_NUM}折",
    f"免费(?:给|帮|送)?[^{_C}]{{0,10}}?(?:装|用|使用|开通)[^{_C}]{{0,3}}?(?:{_NUM}|半)个?(?:年|月|季度)",
    f"按{_gap(2)}{_MONEY}{_gap(3)}(?:发|卖|供|出)(?:货|给)?",
    f"(?:直接|先)按{_gap(6)}{_PCT}{_gap(3)}(?:给|算|返|结)",
    f"给{_YOU}{_gap(3)}(?:做到|算到|让到|降到|放到|给到){_gap(2)}"
    f"(?:{_MONEY}|{_NUM}(?:折|个点|块|元)|{_NUM}(?=[{_C}]|$))",
    f"主我[^{_C}]{{0,2}}?(?:能做|可以做|来做|做得了|就做了)",
    f"(?:单独|额外|私下|多|再)(?:给{_YOU})?(?:加|给|返|让){_gap(2)}{_NUM}个?点",
    "(?:您|你)知我知|天知地知|就?咱俩知道|别声张|别让(?:别人|其他人|其他经销商|同行)知道",
    f"比(?:标价|原价|报价|价目表|价格表|定价|挂牌价|官方价)[^{_C}]{{0,3}}?(?:少|低|便宜|优惠)",
    f"按{_MONEY}{_gap(4)}(?:跟|和|与){_YOU}签",
    "(?:就|都|也|先|全)不收(?:费|钱|您钱|你钱)了?",
    f"(?:价|价格|报价|这个数)[^{_C}]{{0,6}}?(?:给|帮|替)[^{_C}]{{0,4}}?(?:锁住|锁死|定死|定了|锁)",
)
_EN_I = r"(?<![a-z])(?:i|we|let me|let us)((?: [a-z]+){0,3}?) "
"""The rep as the actor; the words before the verb are searched for a negator ("i can not")."""
_EN_PRICE = "(?:price|prices|rate|rates|quote|fee|fees|bill|invoice|pricing|unit price|list)"
_EN_DET = "(?:the|your|our|my|that|this|its|their|a|each|per seat)"
_EN_DISCOUNT = _alt(
    f"{_PCT} (?:off|discount|reduction)(?![a-z])",
    _en(
        "(?:knock|shave|chop|take|took|slic|trim)[a-z]* "
        "(?:it |them |another |an extra |a further |the )?"
        f"(?:{_MONEY}|{_PCT}|{_NUM}|a bit|a little|something|some) ?(?:more )?off"
    ),
    _en(f"(?:knock|shave)[a-z]* (?:{_EN_DET} )?(?:price|bill|invoice|quote|total) down"),
    _en(
        "(?:drop|cut|lower|reduc|slash|trim|bring|knock|shav)[a-z]*(?: down)? "
        f"{_EN_DET} (?:[a-z]+ )?{_EN_PRICE}"
    ),
    _en(
        "(?:bring|get|drop|take|come|go)[a-z]* (?:it|that|this|them|the price|us)? ?down (?:to|by)"
        f" (?:{_MONEY}|{_PCT}|{_NUM}|about|around)"
    ),
    f"{_PLAIN}[^{_C}]{{0,25}}?(?:instead of|rather than|down from) {_PLAIN}",
    f"{_PCT}[^{_C}]{{0,25}}?instead of (?:{_PCT}|{_NUM})",
    _en(
        f"(?:i|we)(?: [a-z]+){{0,2}}? (?:do|let you have) (?:it|them|these|those|each|you"
        f"|the [a-z]+|your [a-z]+)[^{_C}]{{0,20}}?(?:at|for) {_MONEY}"
    ),
    _en(
        "(?:at|for|on) (?:last year s|last years|the old|the previous|old) (?:rate|price|pricing"
        "|terms)"
    ),
    _en(
        "(?:fee|fees|cost|costs|implementation|installation|setup|shipping|delivery|training"
        "|month|months|quarter|year|seats?) (?:is|are|will be) (?:on me|on us|on the house)"
        "|sharpen[a-z]* (?:the |my )?pencil|half (?:price|off)|at cost"
        "|freez[a-z]* (?:your |the |our )?(?:price|rate|pricing)|at last year s level"
        "|at (?:the )?(?:standard series|basic|old|previous|lower|cheaper|distributor|cost"
        "|wholesale|staff|half) (?:rate|price|pricing|money)"
        "|(?:cover|pay for|pick up)[a-z]*(?: [a-z]+){0,3}? (?:insurance|registration|plates"
        "|delivery fee|shipping|installation fee|implementation fee)"
        f"|(?:take|bring|drop|get|put|set)[a-z]* (?:the |your |our )?(?:[a-z]+ )?(?:price|rate)"
        f" (?:down )?to {_MONEY}"
        f"|(?:can|could|will|willing to|happy to|able to|prepared to) (?:go|come|get|drop|do)"
        f" (?:down )?(?:to|as low as) {_MONEY}"
        "|let (?:[a-z]+ ){1,3}?go (?:at|for)"
    ),
    _en(
        "sweeten[a-z]* (?:it|the deal|the offer|things|this)|keep (?:that|this|it) (?:between us"
        "|quiet|off the record|to yourself)"
    ),
    _en(
        "(?:throw|toss|chuck|give|get|add)[a-z]* (?:in )?[^\ue004]{0,50}?"
        "(?:for free|free of charge|free|at no (?:extra )?(?:charge|cost)|on the house|on us"
        "|for nothing)"
    ),
    _en(
        "waiv[a-z]* (?:the |your |that |any |all )?[^\ue004]{0,40}?(?:fee|charge|cost"
        "|implementation|installation|setup|shipping|delivery)"
    ),
    _en(
        "(?:special|extra|additional|private|personal|internal|staff|insider|loyalty|friends"
        f"|vip|exclusive|{_ONE} off|{_ONE} time) (?:discount|price|pricing|rate|deal)"
    ),
    _EN_I
    + _en(
        "(?:give|offer|extend|apply|throw in|get|find|do)[a-z]* (?:you |your team |them )?"
        "(?:a |an |another |some |the )?(?:extra |additional |further |special |small |little "
        "|bigger |nice )?(?:discount|rebate|price break|credit|concession)"
    ),
    _en(
        "(?:match|beat|undercut)[a-z]*(?: [a-z]+){0,3}? (?:price|prices|pricing|quote|offer|bid"
        "|rate)"
    ),
    _en(f"{_NUM} (?:months?|quarters?|years?) (?:free|for free|on us)"),
    _en(
        f"(?:first|initial|opening) (?:{_NUM} )?(?:months?|quarters?|years?)[^\ue004]{{0,30}}?"
        "(?:free|on us|on the house|at no (?:extra )?(?:charge|cost)|no charge)"
    ),
    _en(
        "(?:put|move|bump|start|place)[a-z]* (?:you|your [a-z]+|them) (?:straight |right )?"
        f"(?:on|onto|up to|to|into|at|in) (?:the )?(?:top|highest|best|gold|premium|maximum|full"
        f"|{_PCT})"
        " (?:tier|rate|band|level|rebate|bracket)"
    ),
    _EN_I
    + _en(
        f"(?:take|bring|drop|knock|get)[a-z]* (?:[a-z0-9\ue000-\ue002.]+ ){{1,3}}?down to {_MONEY}"
    ),
    _en(
        f"(?:another|an extra|a further|additional) {_PCT}(?: [a-z]+){{0,3}}? (?:on top|off"
        "|discount|rebate|reduction)"
        "|(?:do not|does not|no one|nobody) needs? to (?:know|tell|hear)"
        "|without telling (?:anyone|anybody|upstairs|head office|my boss)"
    ),
    _EN_I
    + _en(
        "(?:drop|take|bring|cut|lower)[a-z]* (?:[a-z0-9\ue000-\ue002.]+ ){1,3}?(?:down )?to "
        + _MONEY
    ),
    _en(
        "meet (?:you|them) (?:part|half) ?way|(?:square|sort|clear|settle)[a-z]* (?:it|that|this)"
        " (?:out |up )?with (?:my side|my boss|head office|the office|my director|my manager)"
        "|on my own (?:say so|authority|call)|off the record|credit (?:it |you )?back"
        f"|(?:land|settle|close) at (?:about |around )?{_MONEY}"
        "|(?:give|let)[a-z]* you (?:have )?(?:the )?[^\ue004]{0,12}?(?:tier|partner|volume"
        "|distributor|vip) (?:price|rate|pricing)"
    ),
    _en(
        "sign[a-z]* (?:it|that|this) off (?:myself|personally|on my own)"
        "|sign[a-z]* off on (?:it|that|this) (?:myself|personally)"
        "|(?:sort|square|clear|settle|handle)[a-z]* (?:it|that|this) (?:out )?with (?:head office"
        "|hq|headquarters|my boss|the director|finance|management) (?:myself|personally)"
        "|(?:hold|lock|keep)[a-z]* (?:that|this|the|my) (?:price|number|quote|rate|figure) for"
        " (?:you|[a-z]+)"
    ),
    _en(
        f"{_PCT} (?:below|under|off) (?:our|the|your|its) (?:standard|list|normal|usual|published)"
        " (?:rate|price|pricing|fee)"
    ),
    _en("(?:just )?for you(?: alone)?(?: [a-z]+)? (?:i|we) (?:will|can|could) (?:make|do|give|go)"),
    _en(
        "(?:director|manager|boss|head office|finance|legal|company)(?: [a-z]+){0,2}? (?:does not"
        "|do not|will not|need not|needs not|would not|never)(?: need to| have to| has to)?"
        " (?:see|know|hear|find out)"
    ),
)
_DISCOUNT_GUARD = _alt(
    f"(?:需要|要|得|须|必须|经过?|报|提交|走|等){_gap(8)}(?:审批|批准|签字|同意|批)",
    "请示|价目表|价格表|公开政策|按政策|政策内|标准政策",
    _en(
        "(?:needs?|need to|requires?|required|subject to|pending|seek|ask for|check with|run it by"
        "|escalate|get)[^\ue004]{0,30}?(?:approv|sign off|director|manager)"
    ),
    _en("price list|list price|published|policy|if approved"),
    # A free pilot, trial or sample counts only in the match's own clause (the last one).
    "(?:试点|试用|试板|样品|(?<![a-z])(?:pilot|trial|sample|test panels?)(?![a-z]))(?=[^\ue004]*$)",
)

# --- the registry ---------------------------------------------------------------------------------

from coaching.engines.text_prefilter import prefiltered  # noqa: E402

_PARTS: dict[str, tuple[str, str, str | None]] = {
    "discount": (_ZH_DISCOUNT, _EN_DISCOUNT, _DISCOUNT_GUARD),
    **DEADLINE_PARTS,
    **CONCEPT_PARTS,
    **CLAIM_PARTS,
}
CONCEPTS: dict[str, tuple[str, str | None]] = {
    name: (prefiltered(zh if zh == en else _alt(zh, en)), guard)
    for name, (zh, en, guard) in _PARTS.items()
}
"""Every concept placeholder's name → (pattern over normalised text, guard or None)."""
BY_SCRIPT: dict[str, tuple[str, str]] = {
    name: (prefiltered(zh), prefiltered(en)) for name, (zh, en, _) in _PARTS.items()
}
"""name → (the pattern's Chinese half, its English half): a phrase that is a concept alone is
searched only in the halves whose script the reply has."""

CONCEPT_PLACEHOLDERS = tuple(f"{{{name}}}" for name in CONCEPTS)


def concept_pattern(name: str) -> str:
    """The regular expression (over normalised text) of `{name}`."""
    return CONCEPTS[name][0]


def concept_guard(name: str) -> str | None:
    """The policy-conformity guard of `{name}`, if it has one."""
    return CONCEPTS[name][1]


_GUARDS: dict[str, re.Pattern[str]] = {}


def guard_of(phrase: str) -> re.Pattern[str] | None:
    """The guard of every concept a phrase names, as one compiled pattern (None: no guard)."""
    if phrase in _GUARDS:
        return _GUARDS[phrase]
    guards = [
        guard
        for name, (_, guard) in CONCEPTS.items()
        if guard is not None and f"{{{name}}}" in phrase
    ]
    compiled = re.compile(_alt(*guards)) if guards else None
    if compiled is not None:
        _GUARDS[phrase] = compiled
    return compiled


def guarded(guard: re.Pattern[str] | None, text: str, start: int, end: int) -> bool:
    """Whether the guard is found in the clause of text[start:end] or in the clause before it."""
    if guard is None:
        return False
    clause_start = text.rfind(_C, 0, start)
    if clause_start > 0:
        clause_start = text.rfind(_C, 0, clause_start)
    clause_end = text.find(_C, end)
    window = text[clause_start + 1 : clause_end if clause_end >= 0 else len(text)]
    return guard.search(window) is not None
