"""Concept pattern of a fake deadline: an urgency claim tied to a date or to scarcity (see
`coaching.engines.text_concepts`)."""

from __future__ import annotations

from coaching.engines.text_concepts_acts import ONE, YOU, any_of, checked_gap, english, gap
from coaching.engines.text_numbers import ANY_MONEY, ANY_NUMBER, CLAUSE_MARK

_en, _alt = english, any_of
_C = CLAUSE_MARK
_NUM = ANY_NUMBER
_MONEY = ANY_MONEY
_ONE = ONE
_YOU = YOU
_gap, _cgap = gap, checked_gap
_WEEKDAY = f"(?:{_NUM}|[日末天])"

# --- a fake deadline ------------------------------------------------------------------------------

_ZH_TIME = (
    f"(?:今天|今晚|今日|明天|明早|后天|本周{_WEEKDAY}?|这周{_WEEKDAY}?|这个?礼拜{_WEEKDAY}?|"
    f"周{_WEEKDAY}|星期{_WEEKDAY}|礼拜{_WEEKDAY}|月底|月末|这个月|本月|下周|下个?月|下个?季度|"
    f"季度末|年底|年前|节前|月初|本季度|下半年|上半年|年中|这{_ONE}?期|{_NUM}月{_NUM}[号日]?|"
    f"{_NUM}[号日](?=前|之前|以前|以后|之后|起|就|{_ONE}过|截止|到期))"
)
_ZH_URGENT_VERB = (
    "(?:涨|调价|提价|上调|取消|截止|结束|停止|停(?!机|车|电|工|产检)|关|恢复原价|恢复|没有了|没了|作废|失效|清掉|清空|"
    "删|下架|收回|提到|提高|调到|调整|上涨|排到|排不上|拿不到|赶不上|来不及|收口)"
)
_ZH_DEADLINE = _alt(
    f"{_ZH_TIME}(?!的){_gap(10)}(?:就|便|起|会|要|将|都)?{_cgap(3)}{_ZH_URGENT_VERB}",
    f"过了{_ZH_TIME}",
    f"(?:留|保留|锁|压)(?:到|至){_ZH_TIME}",
    f"{_ZH_TIME}{_gap(4)}(?:签|下单|定|订|交定金|付款|打款|确认|决定)(?:的话|就)?{_gap(6)}"
    "(?:还能|才能|才有|还有|能享受|可以享受|能锁|锁定)",
    f"最后(?:{_NUM}?(?:天|台|辆|套|个名额|批|次机会|机会))",
    f"(?:仅剩|只剩|就剩|还剩){_gap(2)}{_NUM}?",
    "名额(?:有限|不多|快满|只剩|紧张)|限时|限量|手慢无|过了这个?村|错过(?:这次|今天|就)",
    "(?:马上|很快|就要|即将|快)(?:就)?涨|要涨价|涨价了",
    "(?:产能|排产|排期|库存|现车|货源)(?:很|非常|比较|已经)?(?:紧张|有限|不够|吃紧|排满|已满|不多)",
    f"(?:还有|另外|其他)(?:几|{_NUM})?(?:家|个)[^{_C}]{{0,6}}?(?:也在谈|在抢|排队|等着|盯着)",
    "(?:活动|优惠|政策|补贴|价格|名额|折扣|方案|金融|老客户价)([^\ue004]{0,6}?)"
    "(?:截止|结束|取消|停止|没了|作废|上调|调价|就没有)",
    f"{_ZH_TIME}(?:前|之前)?(?:{_YOU})?不(?:签|定|订|下单|确认|交|续|付|买|锁)(?![^{_C}]{{0,4}}?(?:也没关系|也行|也可以|"
    "没关系|不要紧|不急))|(?:预算|名额|额度|指标)(?:要|会|就)?(?:清零|作废|收回|过期)|"
    "(?:卖完|售完|订完|没货)了?就|(?:现在|今天|马上|这周)不(?:订|定|签|下单|买)(?:的话)?就?"
    "(?:来不及|没了|没有了|要等|排不上)|再不(?:订|定|签|下单|买)",
    f"(?:最好|务必|必须|赶紧|抓紧|尽快){_gap(3)}{_ZH_TIME}{_gap(6)}(?:签|下单|定|订|付|交)",
    f"(?:数据|记录|账号|资料|系统){_gap(8)}(?:就会|会|将|就|都)?{_cgap(2)}"
    "(?:清掉|清空|删除|删掉|停用|关停|找不回|丢失|作废)",
    f"(?:时间|期限|机会|窗口|名额|额度|档期|资源|优惠|价格)(?:就|只)?(?:到|给到|截止到|留到){_ZH_TIME}",
    f"只(?:做|办|开放|保留|留|有效)到{_ZH_TIME}|(?:就要|就会|会|要)开始收费|过了(?:就|这个)?[^{_C}]{{0,4}}?重新",
    f"{_ZH_TIME}(?:之后|以后|后)[^{_C}]{{0,4}}?(?:就)?(?:不|没)(?:执行|有|适用|再|能)|"
    f"只(?:到|有效到|保留到|留到)(?:本月|这个月|下个?月)?{_NUM}[号日]|(?:之后|以后|过后)[^{_C}]{{0,6}}?(?:涨价|调价|上调|提价)",
    f"只(?:接|做|剩|留)(?:{_NUM}|几)(?:个|家|台|套|单|项目)|已经(?:定|签|订|约)(?:了|出)?{_NUM}(?:个|家|台|套|单)",
    "过了这个?(?:时间点?|日子|期限|节点)",
    f"这(?:{_NUM}|几)天(?:内)?还(?:能|可以|有)",
    f"(?:活动|优惠|政策|补贴|名额|方案)(?:{_ONE})?(?:收|停|撤|结束)(?:了|掉)?(?:就|便)",
    f"(?:价格表|价目表|价格|报价|单价)([^{_C}]{{0,4}}?)(?:要|会|就要|将|马上)(?:调|涨|上调)",
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
    _en(
        "(?:only|just) today|(?:last|final) (?:day|chance|units?|slots?|opportunity|couple|handful)"
        "|(?:last|final) few(?! (?:yuan|dollars|bucks|kuai|cents|percent|points|words|years))"
    ),
    f"(?<![a-z])(?:last|final) {_ONE}(?! (?:year|month|week|time)s?)",
    _en(
        "(?:goes|going|go|will go|is going) up|(?:price|prices|pricing|rates?|list)"
        "((?: [a-z]+){0,2}?) (?:increase|rise|go up|jump|hike)[a-z]*"
    ),
    _en(
        f"(?:withdrawn|pulled|goes away|disappear[a-z]*|stop[a-z]* taking|reset[a-z]*|lapses)"
        f"[^{_C}]{{0,25}}?{_EN_TIME}"
    ),
    _en(f"{_EN_TIME}[^{_C}]{{0,25}}?(?:withdrawn|goes up|go up|resets?|stops|increases?|lapses)"),
    _en(
        "(?:offer|deal|promotion|promo|discount|price|prices|pricing|rate|scheme|subsidy|window"
        "|slot|program|programme|finance|quota|allocation|survey|thing)((?: [a-z]+){0,3}?)"
        " (?:ends|expires|closes|shuts|lapses|wraps up|winds down"
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
        "(?:data|records|history|account)(?: [a-z]+){0,3}? (?:will be|gets?|is|are)"
        " (?:wiped|deleted|lost|purged|erased|gone|closed|shut)"
        "|(?:data|records|history) (?:goes|go|disappears?|vanish[a-z]*) with it"
    ),
    _en(
        "(?:capacity|stock|inventory|slots?|availability|production|allocation|calendar"
        "|schedule|team)(?: [a-z]+){0,4}? (?:tight|limited|running out|running thin|running low"
        "|filling up|almost gone"
        "|nearly gone|fully booked|booked up|nearly (?:fully )?booked|almost (?:fully )?booked"
        "|sold out|scarce|booked solid|solidly booked)"
    ),
    _en(
        f"(?:only|just)(?: have| got| has)?(?: about| around| roughly)? {_NUM}[^{_C}]{{0,40}}?"
        " (?:left|remaining)"
        f"|only (?:taking|accepting|doing|have room for) {_NUM}|(?:expires?|ends|closes|lapses"
        f"|runs out)(?: [a-z]+){{0,2}}? {_EN_TIME}|after that(?: it is| it will be| they are)?"
        " (?:gone|over|off the table)|(?:becomes?|turns? into|will be) a paid"
        "|only (?:open|available|valid|running)(?: [a-z]+){0,2}? (?:for|until|till|through)"
        " (?:the next|another)"
        "|lock[a-z]* (?:it|this|that|them) in (?:today|now|tonight|this week)"
        f"|after that(?: it is)? back to (?:regular|normal|full|list|standard)|today is the day"
        f"|{_EN_TIME} is the (?:cut ?off|deadline|last day)|the (?:cut ?off|deadline) (?:is|for)"
        f"|(?:price|prices|pricing|list)(?: [a-z]+){{0,2}}? (?:goes|go|moves?|jumps?) (?:up )?to"
        f" {_MONEY}|only way to (?:hold|keep|lock|get)|wipes? (?:your|the|all) (?:data|records"
        "|history)"
        f"|(?:need|want)[^{_C}]{{0,15}}? (?:po|order|signature|deposit|decision|answer|payment)"
        f" by {_EN_TIME}|only (?:runs|lasts|holds|applies|stands)(?: [a-z]+){{0,2}}? (?:till|until"
        f"|through|to) {_EN_TIME}|(?:commit|sign|order|decide|book|confirm)[a-z]* (?:now|today"
        f"|this week)[ {_C}]{{0,2}}or (?:you|we|it)"
        f"|(?:selling|going) fast|now or never|(?:room|space|capacity) for {_NUM} more"
    ),
    _en(
        f"(?:other|another|{_NUM} other|several) (?:buyers?|customers?|distributors?|dealers?"
        "|companies|clients|parties)(?: [a-z]+){0,3}? (?:interested|looking at|lined up|waiting"
        "|in talks|asking)"
    ),
)

DEADLINE_PARTS: dict[str, tuple[str, str, str | None]] = {
    "deadline": (_ZH_DEADLINE, _EN_DEADLINE, None),
}
