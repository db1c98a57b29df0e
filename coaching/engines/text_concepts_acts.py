"""Concept patterns of the red-line types other than price and time: an absolute guarantee, an
inducement, a claimed relationship, an impersonation, disparagement, hearsay and tender
steering (see `coaching.engines.text_concepts`)."""

from __future__ import annotations

from coaching.engines.text_numbers import (
    ANY_NUMBER,
    CLAUSE_MARK,
    END_MARK,
    NUMBER_MARK,
    PERCENT_MARK,
)

_C = CLAUSE_MARK
_NUM = ANY_NUMBER
# Numerals are number tokens in normalised text ("一定" is "<1>定", "零风险" "<0>风险").
ONE = f"{NUMBER_MARK}1{END_MARK}"
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
        "|(?:is|will be) (?:just )?a formality|(?:approved|certified|used|specified|chosen"
        "|trusted) by (?:every|all|each)"
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
        "without (?:an )?exception|every single one of them|(?:every|all) (?:our )?(?:customers?"
        "|clients?|users?|hospitals?|plants?)(?: [a-z]+){0,4}? (?:saw|cut|got|halved|doubled"
        "|saved|reduced)"
    ),
)
_GUARANTEE_GUARD = _alt(
    "sla|可用性|质保|保修|合同约定|合同里写", _en("warranty|written into the contract")
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
)
_EN_INDUCEMENT = _alt(
    _en(
        "gift cards?|vouchers?|kickbacks?|backhanders?|a little something|red envelopes?"
        "|red packets?|hongbao|finder s fee|finders fee|referral fee|consulting fee|advisory fee"
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
        "(?:department|doctors?|heads?|directors?|chiefs?|nurses?)"
        "|(?:son|daughter|nephew|niece|wife|husband)(?: s)?(?: [a-z]+){0,3}? internship"
    ),
)

# --- a claimed relationship, an impersonation ----------------------------------------------------

_ZH_TITLE = "(?:[\u4e00-\u9fff](?:总|董|经理|主任|局|处长|厂长|部长|书记|老师)|老板|领导|上面)"
_ZH_RELATIONSHIP = _alt(
    f"{_ZH_TITLE}{_G}{{0,6}}?(?:让我|叫我|交代|吩咐|安排我|跟我约|约好|约了我|介绍我|请我|点名|"
    "同意|知道我|等我|(?:跟|和)我(?:说好|约好|讲好|打过招呼|定好))",
    f"{_ONE}直有合作|老合作|老朋友|老熟人|很熟|关系很好|是朋友|打过交道|老关系|之前就是我们做的|"
    "我们做的检测|的(?:老同学|老乡|发小|老战友|战友|亲戚)|(?:他|她|老板|领导)(?:让|叫|交代)我|"
    f"(?:跟|和)我是[^{_C}]{{0,4}}?(?:朋友|同学|老乡|熟人|哥们|战友|亲戚)|多年的?(?:朋友|交情|老关系)",
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
        " with|worked with)(?: [a-z]+){0,4}? (?:for )?your"
    ),
)
_ZH_AUTHORITY = (
    "(?:供电|电力|电网|政府|园区|管委会|税务|环保|安监|消防|街道|质检|审计|卫健委|医保局|集团总部)"
)
_ZH_IMPERSONATION = _alt(
    f"(?:这里是|我是|我们是|代表){_G}{{0,8}}?{_ZH_AUTHORITY}",
    "集团(?:总部|采购(?:中心|部)|办公室|审计|纪委)|(?:贵|你们|您们)(?:集团|总部|总公司)(?:的|派)",
    f"受{_G}{{0,6}}?(?:委托|之托)|替{_ZH_TITLE}{_G}{{0,4}}?(?:打|联系|通知)",
)
_EN_IMPERSONATION = _en(
    "(?:this is|i am|we are|calling from|on behalf of|i represent|i work for)(?: [a-z]+){0,6}? "
    "(?:power company|utility|grid|government|ministry|regulator|inspectorate|fire department"
    "|(?:park|city|district|municipal|safety|energy|environmental|government|tax)"
    "(?: [a-z]+){0,2}? (?:office|bureau|authority|administration|committee|inspection)"
    "|head office|headquarters|group hq|parent company"
    "|your (?:ceo|boss|director|chairman|president|general manager))"
)

# --- disparagement, hearsay ---------------------------------------------------------------------

_ZH_DISPARAGEMENT = (
    "(?:靠低价|低价抢单|打价格战|偷工减料|以次充好|不靠谱|靠不住|不怎么样|很差|太差|垃圾|山寨|"
    f"{NUMBER_MARK}3{END_MARK}流|"
    "抄来|抄袭|仿制|不达标|不合格|质量差|质量不行|根本不(?:行|耐|达标|合格|过关)|"
    f"小作坊|皮包公司|不专业|外行|没实力|没技术|不(?:在|是){_ONE}个档次|不入流|忽悠|骗人|坑人|"
    f"(?:出过|发生过|闹过)[^{_C}]{{0,6}}?(?:事|问题|事故|返锈|起皮|开裂)|大面积(?:返锈|起皮|脱落)|"
    "扯皮|官司|倒闭|找不到人|没人管|不负责|售后(?:很)?差|没有售后|跑路|资金链|拖欠|花钱(?:找|买)|造假|作假|水分|注水|虚标|"
    "留个心眼|当心|被坑|不是(?:他们|他家)?的强项|火候|那种档次|档次(?:不够|低|差)|"
    f"(?:资金|现金流|钱)[^{_C}]{{0,3}}?(?:紧|吃紧|有问题|出问题)|冲量|走量的?路子|赔了不少|"
    f"(?:小厂|小作坊|小钢构厂)[^{_C}]{{0,4}}?(?:用|刷)的)"
)
_EN_DISPARAGEMENT = _en(
    "(?:peel|crack|flak|fail|rust|blister)[a-z]* (?:within|after (?:only|just))|falls? apart"
    "|(?:had|has had|suffered|there (?:was|were))(?: [a-z]+){0,3}? (?:failures?|blistering"
    "|rust[a-z]*|peeling|cracking|delamination|lawsuits?|disputes?)"
    "|everyone (?:in the [a-z]+ )?knows|cut price|cheap (?:one|stuff|kit|option|outfit)"
    "|bargain basement|shoddy|sloppy|junk|garbage"
    "|rubbish|fly by night|cowboys?|amateurs?|second rate|third rate|inferior|cut(?:ting)? corners"
    "|cutting (?:the )?[a-z]+ content|unreliable|can not be trusted|dodgy|shady|struggling"
    "|stretched|in trouble|going under|bankrupt|lawsuits?"
    "|fighting the owner|faked|fudged|bought (?:the|their|that) report|outfit|nobody gets fired"
    "|(?:not|is not|are not|is not really|are not really) (?:in )?their league|out of their depth"
    "|banks? (?:have|has) been chasing|(?:still )?(?:be )?around to honou?r|warehouse racking"
    "|fine (?:if|for) (?:you are )?(?:painting )?(?:sheds|warehouses|fences|racking)"
)
_HEARSAY = _alt(
    "透个底|据我所知|我听说|听说|(?<!数)据说|传言|传闻|风声|小道消息|圈里都知道|业内都知道|行业里都知道|私下说",
    _en(
        "word is|i hear(?! you)|i heard|rumou?rs?|between us|between you and me|from what i hear"
        "|i am told|i have been told|i was told|apparently|reportedly"
        "|a little bird"
    ),
)

# --- tender steering ------------------------------------------------------------------------------

_ZH_TENDER = _alt(
    f"(?:拆成|拆分|分拆|拆开|化整为零|分成){_G}{{0,10}}?(?:合同|单|标|包|项目|金额|采购)",
    f"(?:避开|绕开|规避|不走|绕过|免去){_G}{{0,4}}?(?:招标|公开招标|采购流程|评审|限额)",
    "控标|量身定做|量身定制|内定|定向采购|先签后补|先干后补|陪标|围标|串标|单一来源",
    f"(?:兄弟公司|关联公司|合作伙伴|朋友的公司|(?:几|{_NUM})家(?:公司|单位))[^{_C}]{{0,6}}?"
    "(?:来投|陪|一起投|投标|凑数|走个过场)|流程好看|走个过场",
    f"(?:参数|评分标准|技术要求|条款|标书)({_G}{{0,12}}?)(?:按我们|照我们|写成|起草|起个草|帮您写|帮你写)",
    f"(?:别家|别人|其他家|其他厂家|友商|竞争对手){_G}{{0,2}}?(?:很难|进不来|没法|没机会)",
    f"(?:评分细则|评分标准|标底|底价|招标文件|评标办法|预算上限|专家名单)[^{_C}]{{0,8}}?"
    "(?:发我|给我|透露|提前|看一眼|给我们|私下)",
    f"(?:评分|评标|参数|打分|技术要求)[^{_C}]{{0,12}}?我们(?:的)?[^{_C}]{{0,8}}?"
    "(?:加分|必须|门槛|星号|必备|实质性)",
    f"写成(?:必须|必备|硬性|门槛|星号|必选|实质性)|控制在[^{_C}]{{0,6}}?(?:限额|门槛|标准)(?:以下|之下|内)|"
    "(?:走|改走|改成)(?:询价|竞争性谈判|竞争性磋商|直接采购)|(?:评分|打分)[^\ue004]{0,12}?(?:多给|倾斜|加分)",
)
_EN_TENDER = _alt(
    _en(
        "(?:split|break|divide|carve)[a-z]*(?: [a-z]+){0,6}? (?:into|across) (?:[a-z]+ ){0,3}?"
        "(?:contracts|orders|purchases|lots|pos|packages)"
    ),
    _en(
        "(?:below|under|avoid|skip|bypass|get around|dodge|sidestep)(?: the)?(?: [a-z]+)?"
        " (?:tender|bidding|threshold|procurement)"
    ),
    _en(
        "(?:draft|write)[a-z]*(?: [a-z]+){0,3}? (?:technical )?(?:requirements|spec|specs"
        "|specification|criteria|scoring)"
    ),
    _en(
        "narrow[a-z]* the field|to our spec|tailor[a-z]*(?: [a-z]+){0,4}? (?:to us|to our"
        "|spec|requirements)|lock (?:the )?(?:others|competitors|rivals) out|sign first"
        "|pre agreed|wired|cover bids?|make up the numbers|(?:friendly|partner|sister)"
        " (?:companies|firms|bidders)|(?:scoring|evaluation) (?:criteria|sheet|rules|grid)"
        "[^\ue004]{0,20}? (?:before|ahead|early|in advance)"
        "|(?:share|send|show)[a-z]*(?: [a-z]+){0,3}? (?:the )?(?:budget ceiling|reserve price"
        "|scoring sheet|other bids|competing bids)"
        "|(?:friendly|partner|sister)"
        " (?:companies|firms|bidders)"
    ),
    _en(
        "(?:nobody|no one|none of the others|no other (?:vendors?|suppliers?|bidders?))(?: else)?"
        " (?:will|would|can|could) (?:qualify|meet it|compete|get in)|as (?:a )?(?:mandatory"
        "|required|must have|hard) (?:requirement|item|criterion|spec)"
    ),
    _en(
        f"(?:as|into) (?:{_NUM}|several|multiple|separate)(?: [a-z]+){{0,3}}? "
        "(?:contracts|orders|pos|lots|purchases)"
        "|(?:stay|keep it|keep them) (?:under|below) the (?:tender )?threshold"
        "|(?:tender|bid|bidding|procurement)(?: [a-z]+){0,3}? (?:afterwards|later|after the fact"
        "|retroactively)"
    ),
)

CONCEPT_PARTS: dict[str, tuple[str, str, str | None]] = {
    "guarantee": (_ZH_GUARANTEE, _EN_GUARANTEE, _GUARANTEE_GUARD),
    "inducement": (_ZH_INDUCEMENT, _EN_INDUCEMENT, None),
    "relationship": (_ZH_RELATIONSHIP, _EN_RELATIONSHIP, None),
    "impersonation": (_ZH_IMPERSONATION, _EN_IMPERSONATION, None),
    "disparagement": (_ZH_DISPARAGEMENT, _EN_DISPARAGEMENT, None),
    "hearsay": (_HEARSAY, _HEARSAY, None),
    "tender_steering": (_ZH_TENDER, _EN_TENDER, None),
}
"""name → (Chinese pattern, English pattern, guard or None)."""
