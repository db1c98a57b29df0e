"""Concept patterns of what a rep says about others: disparagement, an allegation, hearsay, and
tender steering (see `coaching.engines.text_concepts`)."""

from __future__ import annotations

from coaching.engines.text_concepts_acts import ONE, any_of, english
from coaching.engines.text_numbers import ANY_NUMBER, CLAUSE_MARK, END_MARK, NUMBER_MARK

_en, _alt = english, any_of
_C = CLAUSE_MARK
_NUM = ANY_NUMBER
_ONE = ONE
_G = f"[^{_C}]"

# --- disparagement, an allegation, hearsay ------------------------------------------------------

_ZH_DISPARAGEMENT = (
    "(?:靠低价|低价抢单|打价格战|偷工减料|以次充好|不靠谱|靠不住|不怎么样|很差|太差|垃圾|山寨|"
    f"{NUMBER_MARK}3{END_MARK}流|"
    "抄来|抄袭|仿制|不达标|不合格|质量差|质量不行|根本不(?:行|耐|达标|合格|过关)|"
    f"小作坊|皮包公司|不专业|外行|没实力|没技术|不(?:在|是){_ONE}个档次|不入流|忽悠|骗人|坑人|"
    "扯皮|找不到人|没人管|不负责|售后(?:很)?差|没有售后|水分|注水|虚标|"
    "留个心眼|当心|被坑|不是(?:他们|他家)?的强项|火候|那[种个]档次|档次(?:不够|低|差)|"
    "冲量|走量的?路子|低端|低档|糙|不够格|不够看|(?:也就|只)配|上不了台面|差劲|糊弄|看悬|"
    f"闹着玩|开玩笑|靠嘴|不(?:太|够|怎么)专业|做做[^{_C}]{{0,6}}?还行|"
    f"(?:也就|只是)是?[^{_C}]{{0,10}}?(?:的水平|的档次|那个水平)|"
    "一分钱一分货|便宜没好货|"
    f"(?:小厂|小作坊|小钢构厂)[^{_C}]{{0,4}}?(?:用|刷)的)"
)
_EN_DISPARAGEMENT = _en(
    "falls? apart|everyone (?:in the [a-z]+ )?knows|cut price|cheap (?:one|stuff|kit|option|outfit)"
    "|bargain basement|shoddy|sloppy|junk|garbage"
    "|rubbish|fly by night|cowboys?|amateurs?|second rate|third rate|inferior|cut(?:ting)? corners"
    "|cutting (?:the )?[a-z]+ content|unreliable|can not be trusted|dodgy|shady"
    "|outfit|nobody gets fired|low end|budget (?:brand|outfit|option)|cheap for a reason"
    "|(?:not|is not|are not|is not really|are not really) (?:in )?(?:their|our) league"
    "|out of their depth|warehouse (?:racking|roofs?)"
    "|fine (?:if|for) (?:you are )?(?:painting )?(?:sheds|warehouses|fences|racking|a warehouse)"
    "|would not (?:trust|let) (?:them|their [a-z]+)"
    "|(?:just |really )?(?:do not|does not) (?:really )?(?:understand|get|know what)"
    "|price[- ]?fighters?|(?:than|not) a real"
)
_ZH_ALLEGATION = (
    f"(?:(?:出过|发生过|闹过|出了)[^{_C}]{{0,8}}?(?:事|问题|事故|返锈|起皮|起泡|开裂|脱落)|"
    "大面积(?:返锈|起皮|起泡|脱落|开裂)|召回|返工重刷|官司|起诉|被告|索赔|被罚|罚款|倒闭|破产|跑路|"
    f"资金链|拖欠|欠了?[^{_C}]{{0,6}}?(?:钱|款|货款)|断供|花钱(?:找|买)|造假|作假|假报告|"
    "代做|找人做的|买来的|外面做的|"
    f"(?:资金|现金流|钱)[^{_C}]{{0,3}}?(?:紧|吃紧|有问题|出问题)|赔了不少)"
)
_EN_ALLEGATION = _en(
    "(?:peel|crack|flak|fail|rust|blister)[a-z]* (?:within|after (?:only|just))"
    "|(?:had|has had|suffered|there (?:was|were))(?: [a-z]+){0,3}? (?:failures?|blistering"
    "|rust[a-z]*|peeling|cracking|delamination|lawsuits?|disputes?|recalls?|accidents?)"
    "|recall[a-z]*|strip and repaint|(?:had|forced|made) (?:them )?to repaint|struggling"
    "|stretched|in (?:real |serious |financial )?trouble|going under|bankrupt|lawsuits?|sued"
    "|fighting the owner|faked|fudged|bought (?:the|their|that) report|fake reports?"
    "|(?:have|has) not (?:been )?paid|unpaid suppliers|banks? (?:have|has) been chasing"
    "|(?:still )?(?:be )?around (?:to honou?r|for the warranty)"
    "|behind (?:on )?paying|(?:may|might|will) not (?:survive|last|make it)"
    "|(?:is|are|was|were) (?:basically |totally |completely )?(?:fake|forged|fabricated|made up)"
    "|bought (?:it|them|the report|that report) from"
)
_HEARSAY = _alt(
    "透个底|据我所知|我听说|听说|(?<!数)据说|传言|传闻|风声|小道消息|(?:圈里|业内|行业里)都(?:知道|传)|私下说|"
    "传遍了|都在传|您可能还不知道|你可能还不知道|内部消息|(?:圈里|业内|行业里|大家)其实都(?:知道|传)|"
    "听(?!您|你|我)[^\ue004]{1,10}?说",
    _en(
        "word is|i hear(?! you)|i heard|rumou?rs?|between us|between you and me|from what i hear"
        "|i happen to know|you may not know|you might not know|just so you are aware|insiders?"
        "|word (?:in|around|across) (?:the |our )?[a-z]+ is|everybody in the industry knows"
        "|did you hear"
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

CLAIM_PARTS: dict[str, tuple[str, str, str | None]] = {
    # Recall first: an allegation about a competitor also runs it down.
    "disparagement": (
        _alt(_ZH_DISPARAGEMENT, _ZH_ALLEGATION),
        _alt(_EN_DISPARAGEMENT, _EN_ALLEGATION),
        None,
    ),
    "allegation": (_ZH_ALLEGATION, _EN_ALLEGATION, None),
    "hearsay": (_HEARSAY, _HEARSAY, None),
    "tender_steering": (_ZH_TENDER, _EN_TENDER, None),
}
"""name → (Chinese pattern, English pattern, guard or None)."""
