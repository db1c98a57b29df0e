"""Concept patterns of an absolute guarantee, an inducement, a claimed relationship and an
impersonation (see `coaching.engines.text_concepts`), and the helpers every concept module
shares."""

from __future__ import annotations

from coaching.engines.text_numbers import (
    ANY_NUMBER,
    ANY_PERCENT,
    CLAUSE_MARK,
    END_MARK,
    NUMBER_MARK,
    PERCENT_MARK,
)

_C = CLAUSE_MARK
_NUM = ANY_NUMBER
_PCT = ANY_PERCENT
# Numerals are number tokens in normalised text ("一定" is "<1>定", "零风险" "<0>风险").
ONE = f"(?:{NUMBER_MARK}1{END_MARK})"
_ONE = ONE
_ZERO = f"{NUMBER_MARK}0{END_MARK}"
_TEN = f"(?:十|{NUMBER_MARK}10{END_MARK})"
_ALL = f"{PERCENT_MARK}100{END_MARK}"
_G = f"[^{_C}]"


def english(pattern: str) -> str:
    """An English alternative on word boundaries (shared with `text_concepts`)."""
    return f"(?<![a-z])(?:{pattern})(?![a-z])"


def any_of(*patterns: str) -> str:
    """One group matching any of the patterns (shared with `text_concepts`)."""
    return "(?:" + "|".join(patterns) + ")"


def gap(chars: int) -> str:
    """A gap inside one clause; a negator in it is not looked for."""
    return f"[^{_C}]{{0,{chars}}}?"


def checked_gap(chars: int) -> str:
    """A gap inside one clause in which the judge looks for a negator."""
    return f"([^{_C}]{{0,{chars}}}?)"


YOU = "(?:您|你)们?"
_en, _alt = english, any_of


# --- an absolute guarantee of a result ------------------------------------------------------------

_ZH_RESULT = (
    "(?:能|会|可以|没问题|达到|做到|省|降|提升|提高|通过|进|中标|回本|拿到|上|用|跑|解决|不会|不出|"
    "没有)"
)
_ZH_GUARANTEE = _alt(
    f"(?:保证|担保|打包票|包票|拍胸脯|{_TEN}足把握|{_ALL}|绝对|铁定){_G}{{0,3}}?{_ZH_RESULT}",
    f"(?:肯定|{_ONE}定)(?:能|会|可以)?{_G}{{0,2}}?(?:省|降|提升|提高|达到|做到|通过|中标|回本|进|没问题|"
    "不会坏|不会出问题)",
    f"{_TEN}足把握|打包票|拍胸脯|包在我身上|我来搞定|{_ZERO}(?:风险|故障)|稳赚|板上钉钉|妥妥的|"
    "准没错|错不了|没跑|打好招呼|打过招呼|打点好|疏通好|关系都?(?:搞定|打通)|"
    "(?:就|肯定|保证|一准)能(?:进院|中标|挂网|入院|进医院|通过)|"
    "包(?:您|你)们?(?:满意|省|回本|通过|进|中)",
    "(?:不会|从不|永远不)(?:坏|出问题|停机|生锈|返锈|失效|掉链子|出故障|掉|衰减|漏|裂|脱落)",
    "没有例外|无一例外|完全不用担心|放一百个心|"
    f"(?:马上|很快|就要|即将|肯定)(?:就)?(?:要)?进[^{_C}]{{0,8}}?(?:集采|目录|医保|采购清单)|"
    "下(?:个|一)?版本(?:就|会|里)?(?:有|支持|上线|包含)(?!什么|哪些|没有)|"
    f"准确率(?:达到|高达|有|是)?{PERCENT_MARK}(?:9[5-9]|100)|"
    f"(?:降到|减到|做到|达到){_ZERO}(?!点)|{_ZERO}(?:停机|故障|投诉|返修)|"
    f"从来?没(?:出过|坏过|停过|有过)[^{_C}]{{0,4}}?(?:故障|问题|事故|投诉)|"
    f"(?:所有|每家|每个|全部)(?:客户|用户|医院|工厂)[^{_C}]{{0,6}}?(?:都|全)[^{_C}]{{0,4}}?"
    "(?:省|降|提|达到|翻)",
    f"(?:进院|中标|通过|进医院|入院|挂网|集采|准入|验收|审批){_G}{{0,4}}?(?:没问题|不成问题|不是问题|搞定)",
    f"(?:样本|报告|官方|手册|目录|标称|写的|写着){_G}{{0,8}}?(?:是|都|太|偏)?保守",
    f"(?:接口|对接|功能|模块|版本|连接器)[^{_C}]{{0,8}}?(?:{_NUM}月|下个?月|下个?季度|年底|很快|马上)"
    f"[^{_C}]{{0,3}}?(?:就)?(?:上线|发布|推出|能用|可以用|就有|支持)",
    f"(?:实际|其实|实测|真实)(?:上)?{_G}{{0,6}}?(?:能|可以)(?:做到|达到|跑到|用到|跑|用){_G}{{0,4}}?{_NUM}",
    f"(?:{_ONE}点|丝毫|半点)(?:锈|问题|故障|毛病|衰减)都(?:没有|没)|(?:跟|和)新的{_ONE}样|"
    "(?:就|再也|基本就)不用(?:再)?(?:管|维护)了?(?![^\ue004]{0,2}?(?:吗|呢))|"
    f"(?:肯定|{_ONE}定|保证)(?:会|能)?把[^{_C}]{{0,8}}?(?:纳入|纳进|放进|列入|选上)|"
    "(?:掉|降|衰减|少)不了多少|"
    f"内定|(?:已经|肯定|{_ONE}定|保证|稳)(?:能)?入围|已经在(?:名单|目录|入围名单)(?:里|上|中)|"
    f"(?:实际|其实|实测|跑下来)[^{_C}]{{0,10}}?{_NUM}倍|不止[^{_C}]{{0,8}}?(?:写的|标的|说的)|"
    f"告别[^{_C}]{{0,6}}?(?:停机|故障|问题|返修)|归(?:{_ZERO}|零)|"
    f"(?:降|省|提升|提高)[^{_C}]{{0,8}}?(?:是)?(?:很|挺|非常|肯定)稳|"
    "(?:研发|技术|产品)(?:那边)?(?:已经)?(?:在做了|做完了|快做完|基本做完)|稳进|{_TEN}拿{NUMBER_MARK}9{END_MARK}稳|"
    f"(?:电费|费用|成本|能耗)(?:直接|能|就)?(?:减半|砍半|降{_ONE}半|省{_ONE}半)",
)
_EN_GUARANTEE = _alt(
    _en(
        "(?:i |we )?(?:guarantee|guaranteed|promise|assure)[a-z]*(?: you)?(?: that)? "
        "(?:it |you |this |they |the [a-z]+ |your [a-z]+ )?(?:will|would|can|are|is|to|get|cut"
        "|save|reduce|pass|hit|achieve|double|increase|work|last|never)"
    ),
    _en(
        "(?:certainly|definitely|absolutely|100 ?%|for sure) (?:will|going to|get|cut|save"
        "|reduce|pass|hit|achieve|double|work|last)"
    ),
    _en(
        "forget about (?:unplanned |any |all )?(?:stops|downtime|breakdowns|failures|problems"
        "|maintenance|rust|corrosion|issues)"
    ),
    _en(
        "(?:just |simply )?(?:do not|does not|never|will not) (?:fail|break|rust|wear out"
        "|go down|break down|corrode)"
    ),
    _en(
        "zero (?:downtime|failures|defects|risk)|(?:will not|would not) be a problem"
        "|(?:repaint|replac|repair|fix|refund)[a-z]*(?: it| them)? (?:at our (?:own )?cost"
        "|for free)"
        "|no risk at all"
    ),
    _en(
        "(?:is|are) (?:just |only )?(?:the |a )?conservative|in (?:practice|real [a-z]+)"
        "[^\ue004]{0,30}?(?:gone past|exceeds?|lasts?|goes|reach[a-z]*|hits?|runs?)"
    ),
    _en("actually (?:lasts?|goes|gets|does|runs|hits|reaches)"),
    _en(
        "(?:i|we)(?: will| would| can| personally| absolutely| fully)* (?:guarantee|promise)[a-z]*"
    ),
    "(?<![a-z])guaranteed(?=\ue004|$)",
    _en(
        "(?:is|are) already in (?:beta|testing)|you will have it (?:by|before|in)|a done deal"
        "|(?:is|will be) (?:really )?(?:just )?a formality"
        "|(?:approved|certified|used|specified|chosen|trusted) by (?:every|all|each)"
        "|bank on it|take (?:that|it) to the bank|rock solid guarantee"
    ),
    _en(
        "(?:connector|integration|interface|feature|module|version|release|api)(?: [a-z]+){0,3}? "
        "(?:ships|launches|releases|is released|comes out|will be (?:ready|available|out|live)|goes"
        " live) (?:in|by|next|this) (?:january|february|march|april|may|june|july|august|september"
        "|october|november|december|q ?\ue000|next|the next|this|a few|spring|summer|autumn"
        "|winter)"
    ),
    _en("i (?:have|ve) already (?:talked|spoken|arranged|sorted)"),
    _en(
        f"{PERCENT_MARK}(?:9[5-9]|100)[0-9.]*{END_MARK} (?:accurate|accuracy|success|reliable)"
        "|(?:part of|in|included in|coming in) (?:the|our) next (?:release|version|update|sprint)"
    ),
    _en(
        "without (?:an )?exception|every single one of them|(?:every|all)(?: [a-z]+){0,3}?"
        " (?:customers?|clients?|users?|hospitals?|plants?|owners?|sites?)(?: [a-z]+){0,4}?"
        " (?:saw|cut|got|halved|doubled|saved|reduced)"
    ),
    _en(
        "(?:will not|would not|will never|never) (?:see|get|have|face|hit)(?: [a-z]+){0,3}?"
        " (?:rust|corrosion|failures?|breakdowns?|problems?|downtime|issues?|complaints?|leaks?"
        "|stoppages?)"
        "|never (?:have to |need to )?(?:change|replace|repaint|touch|service)[a-z]*"
        "(?: [a-z]+){0,3}? again|(?:barely|hardly|never) (?:degrade|lose|drop|wear|fade|age)[a-z]*"
        "|(?:put|stake|bet)[a-z]* my (?:name|job|reputation|house|life) (?:on|to)"
        "|as good as (?:guaranteed|done|certain|yours|in)|(?:that|it) is (?:already )?(?:been )?"
        "(?:decided|settled|a given|a sure thing)|guaranteed (?:volume|orders|sales|entry"
        "|approval|listing|returns?)|i will stand behind (?:that|it|this|those)"
        "|(?:personally )?make sure you(?: are| will be)? (?:driving|get it|have it|receive it)"
        "|(?:has|have) never (?:had to )?(?:touch|repaint|replac|repair|fix)[a-z]*"
        "|wave[a-z]* (?:it|them|us|you) through|(?:can not|could not) (?:lose|go wrong)"
        "|(?:about|going|set) to (?:get|receive|win)(?: [a-z]+){0,3}? (?:approval|certification"
        "|listing|registration)"
        "|(?:basically|practically|virtually|really|simply) (?:does not|do not|will not)"
        " (?:degrade|age|wear|fade|lose)"
        "|(?:is|are) (?:basically|almost|nearly|pretty much) (?:done|finished|ready)"
        "|(?:will|is going to) (?:match|hit|reach|replicate|repeat) (?:that|this|those|the same)"
        "|(?:get|put)[a-z]* (?:you|your [a-z]+|it|them|us) into (?:both|all|every|the|those"
        "|these)(?: [a-z]+){0,3}? within"
        "|committed (?:number|figure|target)|(?:volume|orders|sales)(?: [a-z]+){0,3}? locked in"
        "|(?:free|proof) forever|last[a-z]* forever|for life"
        "|(?:certain|sure|guaranteed|bound|going) to (?:make|win|get on|get into|be on|be selected"
        "|be included|be picked|be chosen|be listed)(?: [a-z]+){0,5}? (?:list|procurement|tender"
        "|catalog|catalogue|formulary"
        "|bid)|(?:we|it|this) (?:will )?(?:halve|double|triple)[a-z]* (?:the|your|their)"
        " (?:bill|costs?|energy|spend|savings)"
        f"|you(?: will| would)? (?:see|get|save|cut)(?: an?| at least| easily| a full)? {_PCT}"
    ),
)
_GUARANTEE_GUARD = _alt(
    "sla|可用性|质保|保修|合同约定|合同里|写进合同|合同上|保函",
    _en(
        "warranty|written into the contract|in the contract|under the contract|contractual"
        "|in writing|bank"
        "|payment guarantee|bond"
    ),
)

# --- an inducement offered to a person -----------------------------------------------------------

_ZH_PERSON = (
    "(?:您|你|他|她|医生|主任|护士|科室|大夫|领导|院长|老师|专家|助理|秘书|经办人|评委|几位)们?"
)
_ZH_INDUCEMENT = _alt(
    "红包|回扣|好处费|辛苦费|茶水费|感谢费|介绍费|劳务费|讲课费|购物卡|加油卡|礼品卡|京东卡|超市卡|"
    f"购物券|代金券|消费卡|表示{_ONE}下|意思意思|{_ONE}点心意|小礼物|小意思|"
    f"送(?:点|些|{_ONE}点)?(?:心意|小东西|土特产|礼)",
    f"(?:给|送|请|安排|准备|备|塞|包|发)(?:{_ZH_PERSON})?{_G}{{0,8}}?"
    "(?:礼品|礼物|礼盒|土特产|茶叶|烟酒|名酒|红酒|手机|平板|手表|现金|提成|佣金|顾问费|咨询费|返现|"
    "电影票|门票|球票|演唱会|充值卡|话费|月饼|奖金|补助|分红|红利)",
    f"(?:机票|酒店|住宿|差旅|行程|吃住)[^{_C}]{{0,6}}?(?:我们|都)(?:来)?(?:安排|出|包|报销|承担)",
    "(?:您|你)(?:和|带上?)(?:家人|家属|爱人|夫人|孩子)",
    f"(?:请|带){_ZH_PERSON}{_G}{{0,4}}?(?:吃饭|吃个饭|喝茶|喝酒|旅游|出国|打球|按摩|唱歌|泡脚|钓鱼)",
    f"(?:安排|组织){_G}{{0,4}}?(?:旅游|出国游|度假)",
    "(?:海外|出国|境外|国外)(?:考察|游|旅游|旅行|学习|培训)",
    f"(?:按|根据){_G}{{0,6}}?(?:用量|处方量|开单量|使用量){_G}{{0,6}}?(?:返|给|提成|奖励|补贴)",
    f"每(?:用|开|卖|走)?{_ONE}?(?:套|盒|台|支|例|单){_G}{{0,6}}?(?:给|返){_G}{{0,4}}?"
    "(?:主任|医生|科室|护士|大夫|院长|您|你)|统方",
    f"给(?:主任|医生|科室|护士|大夫|院长)们?{_G}{{0,4}}?(?:返|补贴|提成|奖励|回扣|好处)",
    f"(?:医生|主任|护士|大夫|科室)[^{_C}]{{0,10}}?(?:每人|每月|每季度)[^{_C}]{{0,6}}?"
    "(?:给|发|补贴|奖励)|开单[^\ue004]{0,10}?(?:给|返|奖励|补贴|提成)",
    f"(?:您|你)(?:家|的)?(?:孩子|儿子|女儿|爱人|家属|亲戚|家里人){_G}{{0,15}}?"
    "(?:过来|来我们|安排|工作|实习|上班|入职)",
    f"(?:顾问|兼职|挂名|职位|位置|岗位|名义){_G}{{0,10}}?(?:待遇|薪|好商量|补贴|津贴|报酬|工资)"
    "|待遇好商量|挂个?名|(?:顾问|兼职)的?名义",
    f"(?:费用|开销|花费|机票|酒店|吃住|差旅)[^{_C}]{{0,3}}?(?:都|全|全部)?(?:由我们|我们来|我们出|我们包|我们承担|"
    "算我们的|我们报)",
    f"(?:家里人|家人|亲戚|爱人|孩子|儿子|女儿|小舅子)(?:那边)?的?(?:公司|企业)?[^{_C}]{{0,8}}?"
    "(?:分包|合作|生意|供货|做项目)",
    f"(?:给|帮)(?:他|她|孩子|儿子|女儿)[^{_C}]{{0,4}}?(?:安排|介绍|找|留)[^{_C}]{{0,4}}?(?:岗位|工作|职位|实习|位置)",
    "推荐(?:奖励|奖金|费)|单独给(?:您|你)(?:一份|一点|一笔)|"
    "(?:星巴克|京东|天猫|超市|加油|购物|礼品|咖啡|话费|商场)卡|使用费|推广费|待遇好说|挂个?职",
)
_EN_INDUCEMENT = _alt(
    _en(
        "gift cards?|vouchers?|kickbacks?|backhanders?|a little something|red envelopes?"
        "|red packets?|hongbao|finder s fee|finders fee|referral fees?|consulting fees?"
        "|advisory fees?"
        "|speaking fees?|in cash|cash (?:in hand|gift|bonus|envelope)|make it worth your while"
    ),
    _en("paid (?:adviser|advisor|consultant|consultancy|role|position)|the fee would be"),
    _en(
        "(?:send|give|get|bring|drop)[a-z]*(?: [a-z]+){0,3}? (?:hamper|gift basket|gifts?|present"
        "|bottle|wine|whisky|mooncakes|tickets)(?: [a-z]+){0,2}? (?:your way|for you|to you)"
        "|(?:send|give|get|bring|drop)[a-z]* (?:you|your [a-z]+|him|her|them)(?: [a-z]+){0,4}? "
        "(?:hampers?|gift baskets?|gifts?|presents?|bottles?|wine|whisky|mooncakes|tickets"
        "|vouchers?)"
    ),
    _en(
        "(?:a|some|little|small|personal|nice)(?: [a-z]+)? commission"
        "|per (?:prescription|patient|use|kit|set|unit) (?:fee|bonus|payment)"
        "|usage by (?:doctor|physician|prescriber)"
        "|prescription data"
    ),
    _en(
        "(?:pay|give|offer)[a-z]* (?:the |each |your )?(?:doctors?|directors?|department heads?"
        "|head nurses?|nurses?|physicians?|chiefs?|head of [a-z]+)[^\ue004]{0,30}?(?:fee|cash"
        "|bonus|commission|per|for every|for each)"
    ),
    _en(
        "per (?:kit|set|unit|use|prescription)[^\ue004]{0,20}? (?:for|to) (?:the |each |your )?"
        "(?:doctors?|directors?|head|nurses?|departments?|physicians?|chief|you)"
    ),
    _en(
        "take you (?:out )?(?:to|for) (?:dinner|lunch|golf|drinks)|dinner on (?:us|me)"
        "|(?:a )?(?:trip|holiday) (?:to|for you)|(?:concert|football|match|game) tickets"
    ),
    _en(
        "(?:job|position|internship|place) for your|your (?:son|daughter|kid|child|children"
        "|wife|husband|family)(?: [a-z]+){0,4}? (?:job|work|role|position|internship)"
    ),
    _en(
        "(?:all|everything|the lot|flights?|hotels?|golf|dinners?|trips?|travel)(?: [a-z]+){0,3}?"
        " (?:on us|on me|our treat|at our expense|we will cover|we cover|we pay)"
        "|lecture fees?|speaker fees?|set aside[^\ue004]{0,40}?(?:for|per) (?:the |each |your )?"
        "(?:[a-z]+ )?"
        "(?:department|doctors?|heads?|directors?|chiefs?|nurses?)"
        "|(?:son|daughter|nephew|niece|wife|husband)(?: s)?(?: [a-z]+){0,3}? internship"
    ),
    _en(
        "(?:find|get|give|offer|arrange|line up)[a-z]* (?:him|her|them|your [a-z]+)"
        "(?: [a-z]+){0,2}? (?:a |an )?(?:good |nice |decent |paid )?"
        "(?:position|job|role|internship|place)"
        "|make sure (?:he|she|they) gets? (?:it|the job|the position|the role|the place|in)"
        "|(?:role|job|position|post|internship|opening) (?:we|i) (?:could|can|would) (?:offer|give"
        "|find)|(?:decent|nice|good|generous) (?:monthly )?(?:fee|retainer|salary|stipend)"
        "|in(?:to)? your (?:own )?pocket|referral bonus|all expenses (?:covered|paid)"
        "|for you and your (?:family|wife|husband|kids|partner)"
        "|(?:send|give|get)[a-z]* you (?:a |an )?[^\ue004]{0,25}?(?:card|voucher|coupon)"
        "|(?:thank[- ]?you|gift|cash|payment|bonus)(?: [a-z]+){0,6}? (?:based on|tied to|linked"
        " to|according to) (?:their |the )?(?:usage|use|prescriptions|volume)"
    ),
)

# --- a claimed relationship, an impersonation ----------------------------------------------------

_ZH_TITLE = "(?:[\u4e00-\u9fff](?:总|董|经理|主任|局|处长|厂长|部长|书记|老师)|老板|领导|上面)"
_ZH_RELATIONSHIP = _alt(
    f"{_ZH_TITLE}{_G}{{0,6}}?(?:让我|叫我|交代|吩咐|安排我|跟我约|约好|约了我|介绍我|请我|点名|"
    "同意|知道我|等我|(?:跟|和)我(?:说好|约好|讲好|打过招呼|定好))",
    f"{_ZH_TITLE}[^{_C}]{{0,6}}?(?:跟|和)(?:我|我们)[^{_C}]{{0,3}}?(?:见过|聊过|谈过|通过电话|吃过饭)|"
    "(?:交代|吩咐)我|让我直接(?:打|找|联系)|"
    f"{_ONE}直有合作|老合作|老朋友|老熟人|很熟|关系很好|是朋友|打过交道|老关系|之前就是我们做的|"
    "我们做的检测|的(?:老同学|老乡|发小|老战友|战友|亲戚)|(?:他|她|老板|领导)(?:让|叫|交代)我|"
    f"(?:跟|和)我是[^{_C}]{{0,4}}?(?:朋友|同学|老乡|熟人|哥们|战友|亲戚)|多年的?(?:朋友|交情|老关系)",
    f"合作(?:了|有)?(?:好|这么)?(?:{_NUM}|几|多)?年|老供应商|老客户了|(?:一直|向来|早就)是我们(?:在)?(?:做|跟|供|服务|负责)",
)
_EN_RELATIONSHIP = _alt(
    _en(
        "(?:asked|told) me to (?:call|ring|reach|get in touch|contact|speak)|is expecting (?:my"
        " call|me|to hear)|(?:set|lined) up (?:this|a|the) call|we spoke (?:last|earlier|on)"
        "|referred me|introduced (?:me |us )?by your|your [a-z]+ introduced (?:me|us)"
        "|old friends?|(?:and i|and me|we) go (?:way )?back|go back (?:years|a long"
        " way|ages|decades)|know (?:him|her|them) (?:well|personally)"
    ),
    _en(
        "we (?:already |have )?(?:look after|work with|handle|support|do work for|have worked"
        " with|worked with)(?: [a-z]+){0,6}? (?:for )?your"
    ),
    _en(
        "(?:we|i) (?:have )?been (?:looking after|working with|supplying|serving|handling"
        "|supporting|doing[a-z ]{0,25}? work with)(?: [a-z]+){0,4}? (?:for (?:a while|years"
        f"|some time|a long time|ages|a couple|a few|several|many|{_NUM})|since)"
        "|(?:one of|among) (?:[a-z]+ s|your|their) (?:[a-z]+ )?(?:suppliers|vendors|partners)"
        "|your (?:existing|current|long standing|longtime|old|regular) (?:supplier|vendor|partner)"
    ),
)
_ZH_AUTHORITY = (
    "(?:供电|电力|电网|政府|园区|管委会|税务|环保|安监|消防|街道|质检|审计|卫健委|医保局|集团总部)"
)
_ZH_IMPERSONATION = _alt(
    f"(?:这里是|我是|我们是|代表)({_G}{{0,8}}?){_ZH_AUTHORITY}",
    "集团(?:总部|采购(?:中心|部)|办公室|审计|纪委)|(?:贵|你们|您们)(?:集团|总部|总公司)(?:的|派)",
    f"受{_G}{{0,6}}?(?:委托|之托)|替{_ZH_TITLE}{_G}{{0,4}}?(?:打|联系|通知)",
)
_EN_IMPERSONATION = _en(
    "(?:this is|(?:i am|we are) (?:from|with|calling from|calling for|part of)|calling from"
    "|on behalf of|i represent|i work for)((?: [a-z]+){0,6}?) "
    "(?:power company|utility|grid|government|ministry|regulator|inspectorate|fire department"
    "|power (?:supply )?(?:company|bureau)|(?:supply|electricity|grid) (?:company|bureau)"
    "|(?:park|city|district|municipal|safety|energy|environmental|government|tax)"
    "(?: [a-z]+){0,2}? (?:office|bureau|authority|administration|committee|inspection)"
    "|head office|headquarters|group hq|parent company"
    "|your (?:ceo|boss|director|chairman|president|general manager))"
)

CONCEPT_PARTS: dict[str, tuple[str, str, str | None]] = {
    "guarantee": (_ZH_GUARANTEE, _EN_GUARANTEE, _GUARANTEE_GUARD),
    "inducement": (_ZH_INDUCEMENT, _EN_INDUCEMENT, None),
    "relationship": (_ZH_RELATIONSHIP, _EN_RELATIONSHIP, None),
    "impersonation": (_ZH_IMPERSONATION, _EN_IMPERSONATION, None),
}
"""name → (Chinese pattern, English pattern, guard or None)."""
