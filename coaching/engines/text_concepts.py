"""Concept placeholders of the phrase language: one red-line TYPE as a built-in pattern, shared
by every scenario (`{discount}`, `{deadline}`, `{guarantee}`, `{inducement}`, `{relationship}`,
`{impersonation}`, `{disparagement}`, `{hearsay}`, `{tender_steering}`).

A concept is written as a whole phrase ("{discount}") or inside one ("恒拓 … {disparagement}").
It stands for the forbidden act in general, in Chinese and English alike, not for a list of
sentences: an unauthorised discount is a concession act (给您让/降/减/抹/送/免/少收/打…折/返点,
give/take off/knock off/throw in/waive/cut the price) applied to a price, a fee or an amount; a
fake deadline is an urgency claim tied to a date or to scarcity (明天就涨, 月底截止, 名额只剩,
the offer is withdrawn on the 30th, only two units left); a guarantee is an absolute promise
attached to a result (保证能…, 绝对不会坏, guaranteed to, these just don't fail); an inducement
is money, a gift, a meal, a job or a commission offered to a person; a relationship or an
impersonation is a claim to know, be sent by, or be someone (陈总让我来的, calling on behalf of
your CEO, this is the power company); disparagement is a negative evaluation; hearsay is gossip
presented as fact (据我所知, word is); tender steering is tailoring, splitting or getting around
a tender (控标, 量身定做, 拆成几个小合同, narrow the field). The judge applies its usual
negation scope to concept matches, so a refusal of the act is not a hit.

A concept may carry a guard: a pattern that, found in the same clause or the one before it,
means the act conforms to policy (a discount that needs approval or is the published one,
an SLA written in the contract), so the match does not count.
"""

from __future__ import annotations

import re

from coaching.engines.text_concepts_acts import CONCEPT_PARTS, ONE, any_of, english
from coaching.engines.text_numbers import (
    ANY_MONEY,
    ANY_NUMBER,
    ANY_PERCENT,
    CLAUSE_MARK,
    END_MARK,
    NUMBER_MARK,
)

_en, _alt = english, any_of
_C = CLAUSE_MARK
_NUM = ANY_NUMBER
_PCT = ANY_PERCENT
_MONEY = ANY_MONEY
# Numerals are number tokens in normalised text: "一点" is "<1>点", "周五" is "周<5>", "抹零"
# is "抹<0>", so concept patterns write them as tokens.
_ONE = ONE
_WEEKDAY = f"(?:{_NUM}|[日末天])"
_BIT = f"(?:{_ONE})?(?:点|些)"
_PLAIN = f"{NUMBER_MARK}[0-9.]*{END_MARK}[万亿]?"
"""A number that is not a share."""


def _gap(chars: int) -> str:
    """A gap inside one clause; a negator in it is not looked for."""
    return f"[^{_C}]{{0,{chars}}}?"


def _cgap(chars: int) -> str:
    """A gap inside one clause in which the judge looks for a negator."""
    return f"([^{_C}]{{0,{chars}}}?)"


# --- an unauthorised discount -------------------------------------------------------------------

_YOU = "(?:您|你)们?"
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
    f"(?:降|减|让|便宜|打折|优惠)(?:到|了|掉)?{_gap(3)}{_AMOUNT}",
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
)
_EN_I = r"(?<![a-z])(?:i|we|let me|let us)(?: [a-z]+){0,3}? "
_EN_PRICE = "(?:price|prices|rate|rates|quote|fee|fees|bill|invoice|pricing|unit price|list)"
_EN_DET = "(?:the|your|our|my|that|this|its|their|a|each|per seat)"
_EN_DISCOUNT = _alt(
    f"{_PCT} (?:off|discount|reduction)(?![a-z])",
    _en(
        "(?:knock|shave|chop|take|took|slic|trim)[a-z]* "
        "(?:it |them |another |an extra |a further )?"
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
        "waiv[a-z]* (?:the |your |that |any |all )?[^\ue004]{0,15}?(?:fee|charge|cost"
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
        "(?:on|onto|up to|into|at|in) (?:the )?(?:top|highest|best|gold|premium|maximum|full)"
        " (?:tier|rate|band|level|rebate|bracket)"
    ),
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

# --- a fake deadline ------------------------------------------------------------------------------

_ZH_TIME = (
    f"(?:今天|今晚|今日|明天|明早|后天|本周{_WEEKDAY}?|这周{_WEEKDAY}?|这个?礼拜{_WEEKDAY}?|"
    f"周{_WEEKDAY}|星期{_WEEKDAY}|礼拜{_WEEKDAY}|月底|月末|这个月|本月|下周|下个?月|下个?季度|"
    f"季度末|年底|年前|节前|月初|本季度|下半年|上半年|年中|这{_ONE}?期|{_NUM}月{_NUM}[号日]?|"
    f"{_NUM}[号日](?=前|之前|以前|以后|之后|起|就|{_ONE}过|截止|到期))"
)
_ZH_URGENT_VERB = (
    "(?:涨|调价|提价|上调|取消|截止|结束|停止|停(?!机|车|电|工|产检)|关|恢复原价|恢复|没有了|没了|作废|失效|清掉|清空|"
    "删|下架|收回|提到|提高|调到|调整|上涨|排到|排不上|拿不到|赶不上|来不及)"
)
_ZH_DEADLINE = _alt(
    f"{_ZH_TIME}(?!的){_gap(10)}(?:就|便|起|会|要|将|都)?{_cgap(3)}{_ZH_URGENT_VERB}",
    f"过了{_ZH_TIME}",
    f"(?:留|保留|锁|压)(?:到|至){_ZH_TIME}",
    f"{_ZH_TIME}{_gap(4)}(?:签|下单|定|订|交定金|付款|确认|决定)(?:的话|就)?{_gap(6)}"
    "(?:还能|才能|才有|还有|能享受|可以享受|能锁|锁定)",
    f"最后(?:{_NUM}?(?:天|台|辆|套|个名额|批|次机会|机会))",
    f"(?:仅剩|只剩|就剩|还剩){_gap(2)}{_NUM}?",
    "名额(?:有限|不多|快满|只剩|紧张)|限时|限量|手慢无|过了这个?村|错过(?:这次|今天|就)",
    "(?:马上|很快|就要|即将|快)(?:就)?涨|要涨价|涨价了",
    "(?:产能|排产|排期|库存|现车|货源)(?:很|非常|比较|已经)?(?:紧张|有限|不够|吃紧|排满|已满|不多)",
    f"(?:还有|另外|其他)(?:几|{_NUM})?(?:家|个)[^{_C}]{{0,6}}?(?:也在谈|在抢|排队|等着|盯着)",
    "(?:活动|优惠|政策|补贴|价格|名额|折扣|方案|金融|老客户价)([^\ue004]{0,6}?)"
    "(?:截止|结束|取消|停止|没了|作废|上调|调价|就没有)",
    f"{_ZH_TIME}(?:前|之前)?不(?:签|定|订|下单|确认|交|续|付|买|锁)(?![^{_C}]{{0,4}}?(?:也没关系|也行|也可以|"
    "没关系|不要紧|不急))|(?:预算|名额|额度|指标)(?:要|会|就)?(?:清零|作废|收回|过期)|"
    "(?:卖完|售完|订完|没货)了?就|(?:现在|今天|马上|这周)不(?:订|定|签|下单|买)(?:的话)?就?"
    "(?:来不及|没了|没有了|要等|排不上)|再不(?:订|定|签|下单|买)",
    f"(?:最好|务必|必须|赶紧|抓紧|尽快){_gap(3)}{_ZH_TIME}{_gap(6)}(?:签|下单|定|订|付|交)",
    f"(?:数据|记录|账号|资料|系统){_gap(8)}(?:就会|会|将|就|都)?{_cgap(2)}"
    "(?:清掉|清空|删除|删掉|停用|关停|找不回|丢失|作废)",
    f"(?:时间|期限|机会|窗口)(?:就|只)?(?:到|给到|截止到|留到){_ZH_TIME}",
    f"(?:价格表|价目表|价格|报价|单价)[^{_C}]{{0,4}}?(?:要|会|就要|将|马上)(?:调|涨|上调)",
    f"(?:大单|订单|别的单子?|其他单子?)[^{_C}]{{0,6}}?(?:排进来|插进来|排满|挤进来)",
)
_EN_TIME = (
    "(?:today|tonight|tomorrow|(?:this|next) (?:week|month|quarter|year)|(?:mon|tues|wednes|thurs"
    "|fri|satur|sun)day|(?:the )?end of (?:the |this )?(?:day|week|month|quarter|year)"
    f"|(?:month|quarter|year|week) end|on the {_NUM}(?:st|nd|rd|th)?|the {_NUM}(?:st|nd|rd|th)"
    f"|the first|q ?{_NUM}|next summer|next spring|midnight|(?:the |this )?weekend"
    "|close of business)"
)
_EN_DEADLINE = _alt(
    _en(f"(?:only|just) (?:until|till|through|for|valid)(?: [a-z]+){{0,2}}? {_EN_TIME}"),
    _en("(?:only|just) today|(?:last|final) (?:day|chance|week|few|units?|slots?|opportunity)"),
    f"(?<![a-z])(?:last|final) {_ONE}(?! (?:year|month|week|time)s?)",
    _en(
        "(?:goes|going|go|will go|is going) up|(?:price|prices|pricing|rates?|list)"
        "((?: [a-z]+){0,2}?) (?:increase|rise|change|go up|jump|hike)[a-z]*"
    ),
    _en(
        f"(?:withdrawn|pulled|goes away|disappear[a-z]*|stop[a-z]* taking|reset[a-z]*|lapses)"
        f"[^{_C}]{{0,25}}?{_EN_TIME}"
    ),
    _en(f"{_EN_TIME}[^{_C}]{{0,25}}?(?:withdrawn|goes up|go up|resets?|stops|increases?|lapses)"),
    _en(
        "(?:offer|deal|promotion|promo|discount|price|prices|pricing|rate|scheme|subsidy|window"
        "|slot|program|programme|finance)((?: [a-z]+){0,3}?) (?:ends|expires|closes|shuts|lapses"
        "|runs out"
        "|is withdrawn|goes away|finishes|stops|(?:is|are) (?:being )?(?:revised|changed|updated"
        "|raised))"
    ),
    _en("(?:will not|would not) be around (?:for )?(?:long|much longer)"),
    _en("(?:clos|shut)[a-z]* (?:the |our )?(?:order book|orders|books|window|allocation|list)"),
    _en(
        "(?:will be|get|gets|are|is) (?:locked out|cut off|shut off|switched off|suspended)"
        "|lose access"
    ),
    _en(
        f"if (?:[a-z]+ ){{0,3}}?(?:is not|are not|do not|does not|can not|will not)[^{_C}]{{0,30}}?"
        f"(?:by|before) {_EN_TIME}"
    ),
    _en(
        f"(?:can not|will not be able to) (?:hold|keep|reserve|save)[^{_C}]{{0,30}}?"
        "(?:past|after|beyond)"
    ),
    _en(
        f"(?:unless|if not|otherwise|or else)[^{_C}]{{0,40}}?{_EN_TIME}"
        f"|if (?:you|we) (?:do not|can not|will not)[^{_C}]{{0,40}}?(?:by|before) {_EN_TIME}"
    ),
    _en(
        f"(?:get|put)[a-z]*(?: [a-z]+){{0,3}}? (?:order|po|signature|deposit|contract)"
        f"(?: [a-z]+)? in (?:before |by )?{_EN_TIME}"
    ),
    _en(
        "(?:to|and|you|we|you can|you will) (?:lock|secure)[a-z]* (?:it|this|that|the price"
        "|the rate|the discount|the [a-z]+) in"
    ),
    _en(
        f"(?:hold|keep|reserve|save|park)[a-z]*[^{_C}]{{0,30}}? (?:until|till|through) {_EN_TIME}"
        "|tied to (?:our |the )?(?:quarter|month|year|fiscal year)[ -]?(?:end|close)"
    ),
    _en(
        "(?:data|records|history|account)(?: [a-z]+){0,3}? (?:will be|gets|is|are) (?:wiped|deleted"
        "|lost|purged|erased|gone|closed|shut)|(?:data|records|history) (?:goes|go|disappears?"
        "|vanish[a-z]*) with it"
    ),
    _en(
        "(?:capacity|stock|inventory|slots?|availability|production|allocation|calendar"
        "|schedule|team)(?: [a-z]+){0,4}? (?:tight|limited|running out|running thin|running low"
        "|filling up|almost gone"
        "|nearly gone|fully booked|booked up|nearly (?:fully )?booked|almost (?:fully )?booked"
        "|sold out|scarce)"
    ),
    _en(
        f"(?:only|just)(?: have| got| has)? {_NUM}(?: [a-z]+){{0,4}}? (?:left|remaining)"
        f"|(?:selling|going) fast|now or never|(?:room|space|capacity) for {_NUM} more"
    ),
    _en(
        f"(?:other|another|{_NUM} other|several) (?:buyers?|customers?|distributors?|dealers?"
        "|companies|clients|parties)(?: [a-z]+){0,3}? (?:interested|looking at|lined up|waiting"
        "|in talks|asking)"
    ),
)

# --- the registry ---------------------------------------------------------------------------------

from coaching.engines.text_prefilter import prefiltered  # noqa: E402

_PARTS: dict[str, tuple[str, str, str | None]] = {
    "discount": (_ZH_DISCOUNT, _EN_DISCOUNT, _DISCOUNT_GUARD),
    "deadline": (_ZH_DEADLINE, _EN_DEADLINE, None),
    **CONCEPT_PARTS,
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
