"""Cue words of the report's prose: which words a clause must (and must not) hold to be about a
metric, and how a clause about the 信息处理费 reads.

They belong to the schema, not to one reader: the text path (nianbao.assemble.metrics) and the
token model's reader (nianbao.model.read_labels) both decide with them, so a clause counts as
about a metric by the same words whichever reader found its number.
"""
from __future__ import annotations

import re

CLAUSE_END = "，,；;。！!？?\n"


def number(s: str):
    return float(s) if "." in s else int(s)


FEE_NONE = re.compile(r"(?:未|没有|无|不|均未|并未|未曾)[^，,。；;]{0,8}?(?:收取|产生|收|涉及|发生)[^，,。；;]{0,12}?"
                      r"(?:(?:信息)?处理费|费用|收费)")
FEE_NONE2 = re.compile(r"(?:信息)?处理费[^，,。；;\d]{0,6}?(?:为零|为0(?!\d)|(?<!\d)0元|零元)")
FEE_AMOUNT = re.compile(r"(?:信息)?处理费[^，,。；;]{0,12}?(\d+(?:\.\d+)?)(万)?元")
# a clause is about the fee for information requests when it names the 信息处理费, or a fee or
# charge together with the requests (未收取申请人的任何费用, 未发生政府信息公开收费事项)
FEE_CUE = re.compile(r"处理费|(?:申请|信息公开)[^，,。；;]{0,16}?(?:费用|收费)|(?:费用|收费)[^，,。；;]{0,8}?(?:申请|信息公开)")
# the 2021 table's row 申请人逾期未按收费通知要求缴纳费用 is no statement about fees charged
FEE_NOT = ("逾期", "缴纳", "收费通知")

# a metric's clause must name the metric: a number in a clause about something else is not it
CUES: dict[str, tuple[str, ...]] = {
    "proactive_total": ("公开", "发布"),
    "website_items": ("网站", "上网", "网上"),
    "wechat_items": ("微信",),
    "weibo_items": ("微博",),
    "new_media_items": ("新媒体",),
    "normative_docs_published": ("规范性文件",),
    "policy_interpretations": ("解读",),
    "requests_received": ("申请",),
    "open_day_events": ("开放日",),
}


# …and not be about something else: a count of requests is no count of information published
CUES_NOT: dict[str, tuple[str, ...]] = {"proactive_total": ("申请",)}
# an audience is not a count of items (微博粉丝突破770万, 微信公众号用户已突破550万)
AUDIENCE = re.compile(r"粉丝|用户(?:数|量|总数)?(?:已|累计)?(?:突破|达到?|超过?|逾)|关注(?:量|人数|用户|度)|订阅|"
                      r"阅读量|浏览量|访问量|点击量|播放量")
ITEM_METRICS = ("proactive_total", "website_items", "wechat_items", "weibo_items", "new_media_items")


# a channel's count (微信公众号…发布各类信息600余条; 在政府网站平台主动发布各类政府信息2428条) is
# no total, unless the clause says the count spans the channels. Both readers ask has_cue: the
# token model tagged 洪泽's website count as the total (issue 28)
CHANNEL_WORDS = ("网站", "微信", "微博", "新媒体", "公众号", "客户端", "抖音", "头条", "公报", "小程序")
ACROSS_CHANNELS = re.compile(r"各类(?:渠道|平台|载体)|各渠道|各平台|多渠道|各种渠道")


def has_cue(mid: str, clause: str) -> bool:
    if mid == "fee_collected":
        return bool(FEE_CUE.search(clause)) and not any(w in clause for w in FEE_NOT)
    if mid in ITEM_METRICS and AUDIENCE.search(clause):
        return False
    if mid == "proactive_total" and any(w in clause for w in CHANNEL_WORDS) and not ACROSS_CHANNELS.search(clause):
        return False
    if mid == "proactive_total" and not ("信息" in clause or "条" in clause):
        return False  # 权威发布共计38次 counts releases of one kind, not the information published
    return any(w in clause for w in CUES.get(mid, ("",))) and not any(w in clause for w in CUES_NOT.get(mid, ()))


def clause_around(text: str, start: int, end: int) -> str:
    """The clause of `text` (cut at ，；。 and line ends) that holds text[start:end]."""
    a = max((text.rfind(c, 0, start) for c in CLAUSE_END), default=-1) + 1
    ends = [i for c in CLAUSE_END for i in [text.find(c, end)] if i >= 0]
    return text[a:(min(ends) + 1 if ends else len(text))].strip()


def read_fee(t: str) -> tuple[object, float] | None:
    """(value, confidence) of a clause about 信息处理费: False when none was charged, the
    amount in yuan when one is printed, True when charged without an amount; None when the
    clause says neither. Shared with the token model's reader, which tags the clause."""
    if not has_cue("fee_collected", t):
        return None
    if FEE_NONE.search(t) or FEE_NONE2.search(t):
        return False, 0.9
    m = FEE_AMOUNT.search(t)
    if m and "收取" in t:
        return number(m.group(1)) * (10000 if m.group(2) else 1), 0.8
    if re.search(r"收取[^，,。；;]{0,8}?处理费", t) and not re.search(r"(?:未|没有|无|不)[^，,。；;]{0,4}?收取", t):
        return True, 0.7  # charged, amount not stated
    return None
