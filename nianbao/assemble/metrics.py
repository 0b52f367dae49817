"""The ten narrative metrics from the report's prose (rules; the model takes over later).

Prose is compacted (line breaks and spaces inside sentences removed) and cut into clauses
at ，；。 so that a metric's number must sit in the same clause as its subject: "在政府网站
开设…专栏，公开发布信息78条" does not count 78 as the website's total.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao import schema
from nianbao.document import Line, Metric

from nianbao.schema.cues import (  # noqa: F401 - the cue words live in the schema (model/ reads them too)
    AUDIENCE, CLAUSE_END, CUES, CUES_NOT, FEE_AMOUNT, FEE_CUE, FEE_NONE, FEE_NONE2, FEE_NOT, ITEM_METRICS,
    clause_around, has_cue, number as _number, read_fee)

from .normalize import norm

N = r"(约|近|超过|逾|共计|共|合计)?(\d+(?:\.\d+)?)(多|余)?"
EXCLUDE_REPLIES = ("留言", "私信", "来信", "回复", "答复", "咨询", "信箱")


@dataclass
class Clause:
    text: str
    lines: list[int]  # line index of each character


def clauses(lines: list[Line], skip: set[int]) -> list[Clause]:
    """Compact the prose (lines not in `skip`) and split it into clauses."""
    out: list[Clause] = []
    buf: list[str] = []
    idx: list[int] = []
    space = False

    def flush():
        nonlocal buf, idx
        if buf:
            keep = [i for i in range(len(buf)) if not _stray_mark(buf, i)]
            out.append(Clause("".join(buf[i] for i in keep), [idx[i] for i in keep]))
        buf, idx = [], []

    for li, ln in enumerate(lines):
        if li in skip:
            flush()
            continue
        for ch in norm(ln.text) + "\n":
            if ch.isspace():
                space = True
                continue
            # one space survives only between two ASCII words (www.x.cn 2023), never inside Chinese
            if space and buf and buf[-1].isascii() and buf[-1].isalnum() and ch.isascii() and ch.isalnum():
                buf.append(" ")
                idx.append(li)
            space = False
            buf.append(ch)
            idx.append(li)
            if ch in CLAUSE_END:
                flush()
    flush()
    return out


# OCR of noisy scans sometimes reads a speck between a number and its measure word as a
# mark ("1276.条", "1276：条"); no report prints a mark there, so it is not part of the clause
STRAY_MARKS = ".．:：·・'‘’`、"
MEASURE_WORDS = "条件篇次期个份宗项"


def _stray_mark(chars: list[str], i: int) -> bool:
    return (0 < i < len(chars) - 1 and chars[i] in STRAY_MARKS and chars[i - 1].isdigit()
            and chars[i + 1] in MEASURE_WORDS)


RULES: list[tuple[str, re.Pattern, tuple[str, ...], tuple[str, ...]]] = [
    # (metric, pattern with groups pre/number/post, clause must contain one of, words that must
    # not come before the match in its clause)
    ("proactive_total",
     # the information counted is all of it (政府信息, 各类信息), not one kind (征地信息61条)
     re.compile(r"(?:全年|本年度|本年|年内|共|累计|总计|\d{4}年)[^，,。；;]{0,25}?(?:主动)?(?:公开|发布|公布)"
                r"(?:[^，,。；;]{0,15}?(?:政府|政务|各类|各项))?信息(?:共|合计|总计)?" + N + r"条"),
     (), ("留言", "私信", "来信")),
    ("proactive_total",
     re.compile(r"主动公开[^，,。；;]{0,12}?(?:总量|总数)(?:达到|达|为|共)?" + N + r"条"), (), ()),
    ("proactive_total",
     # the year's part of a total made: 制作政府信息总数330条，其中主动公开政府信息90条; and a clause
     # that opens with it after its date (2023年，主动公开政府信息312条)
     re.compile(r"^(?:其中)?[,，]?(?:共)?主动公开(?:政府|政务|各类)?信息(?:共|合计|总计)?" + N + r"条"), (), ()),
    ("website_items",
     re.compile(r"(?:门户网站|政府网站|网站)[^，,。；;]{0,25}?" + N + r"条"), (), EXCLUDE_REPLIES),
    ("website_items",  # 上网发布的179条政府信息
     re.compile(r"(?:上网|网上)(?:发布|公开)(?:的|了)?" + N + r"条"), (), EXCLUDE_REPLIES),
    ("wechat_items",
     re.compile(r"微信(?:公众号|公众平台|号)?[^，,。；;]{0,20}?" + N + r"条"), (), EXCLUDE_REPLIES + ("小程序",)),
    ("weibo_items",
     re.compile(r"微博[^，,。；;]{0,20}?" + N + r"条"), (), EXCLUDE_REPLIES),
    ("new_media_items",
     re.compile(r"新媒体[^，,。；;]{0,20}?" + N + r"条"), (), EXCLUDE_REPLIES + ("微信", "微博")),
    ("normative_docs_published",
     re.compile(r"规范性文件(?:共)?" + N + r"(?:件|份|个)"), ("公开", "发布", "制发", "印发", "制定"), ("清理", "废止", "现行有效")),
    ("policy_interpretations",
     re.compile(r"(?:政策解读(?:类)?(?:信息|文件|稿件|材料|文章)?|解读政策文件|(?:政策)?文件解读)(?:共)?" + N
                + r"(?:件|篇|次|条|期|个)"),
     (), ()),
    ("policy_interpretations",  # 解读信息发布 7 条, 解读类信息发布 21 条
     re.compile(r"解读(?:类)?(?:信息|稿件|材料|文章)(?:发布|公开)?(?:共|累计)?" + N + r"(?:件|篇|次|条|个)"), (), ()),
    ("requests_received",
     re.compile(r"(?:收到|受理|接收|新收|接到|办理)[^，,。；;]{0,20}?申请[^，,。；;\d]{0,6}?" + N + r"(?:件|个|份|条|宗)"),
     (), ("结转", "上年度", "上一年")),
    ("open_day_events",
     re.compile(r"政府开放日[”\"」]?(?:活动|主题活动)?[^，,。；;]{0,6}?" + N + r"(?:场次|场|次|期)"), (), ()),
    ("open_day_events",
     re.compile(N + r"(?:场次|场|次|期)[^，,。；;]{0,4}?[“\"「]?政府开放日"), (), ()),
]

def _metric(mid: str, value, approx: bool, clause: Clause, lines: list[Line], conf: float = 0.9) -> Metric:
    ln = lines[clause.lines[0]] if clause.lines else None
    return Metric(value=value, approx=approx, unit=schema.metric_unit(mid), evidence=clause.text,
                  page=ln.page if ln else None, line=ln.number if ln else None, bbox=ln.bbox if ln else None,
                  confidence=conf)


def extract_metrics(cls: list[Clause], lines: list[Line]) -> dict[str, Metric]:
    found: dict[str, Metric] = {}
    lead = ""  # the sentence's earlier clauses: a list's verb is printed once (主动公开规章13件，行政规范性文件60件)
    for cl in cls:
        t = cl.text
        for mid, rx, need, avoid in RULES:
            if mid in found:
                continue
            if need and not any(w in lead + t for w in need):
                continue
            m = rx.search(t)
            if not m or any(w in t[:m.end()] for w in avoid) or not has_cue(mid, t):
                continue  # 上年结转的3项申请 is not this year's count; "(含上年结转2件)" after it is fine
            pre, num, post = m.group(1), m.group(2), m.group(3)
            cl_used = cl
            if mid == "proactive_total" and CUMULATIVE.search(t[:m.start(2)]):
                # 累计主动公开…1770条 counts every year when the year's own count follows it
                # (其中2019年度…202条); without one, 累计 is the year's running total (累计发布…900多条)
                year = _year_part(cls, cls.index(cl))
                if year is not None:
                    (pre, num, post), cl_used = year
            approx = bool(post) or pre in ("约", "近", "超过", "逾")
            found[mid] = _metric(mid, _number(num), approx, cl_used, lines)
        if "requests_received" not in found and NO_REQUESTS.search(t) and not NO_REQUESTS_NOT.search(t):
            found["requests_received"] = _metric("requests_received", 0, False, cl, lines)
        if "fee_collected" not in found:
            fee = read_fee(t)
            if fee is not None:
                found["fee_collected"] = _metric("fee_collected", fee[0], False, cl, lines, conf=fee[1])
        lead = lead + t if t.endswith(("，", ",", "、")) else ""
    return found


# a count over every year so far, not the year's: 累计 without 全年/本年/年内/a year before it
CUMULATIVE = re.compile(r"(?<!全年)(?<!本年)(?<!年内)(?<!年度)(?<!\d年)累计")
YEAR_PART = re.compile(r"其中[^，,。；;]{0,4}?\d{4}年(?:度)?[^，,。；;]{0,20}?" + N + r"条")


def _year_part(cls: list[Clause], i: int):
    """The year's own count printed after a cumulative one, in the same sentence:
    ((pre, number, post), clause) or None."""
    for cl in cls[i:i + 4]:
        m = YEAR_PART.search(cl.text)
        if m:
            return (m.group(1), m.group(2), m.group(3)), cl
        if cl.text.endswith(("。", "！", "？", "!", "?", ";", "；")):
            break
    return None


# 本年度未收到政府信息公开申请: the count stated is 0 (not a 行政复议 or 诉讼 application)
NO_REQUESTS = re.compile(r"(?:未|没有|无)(?:收到|受理|接到|接收)(?:任何|过)?[^，,。；;\d]{0,16}?(?:公开)?申请")
NO_REQUESTS_NOT = re.compile(r"复议|诉讼|结转|上年")


NO_APPEALS = [
    re.compile(r"(?:无|没有|未发生|未出现|未收到|未有|不存在|零)[^，,。；;]{0,30}?(?:行政复议|行政诉讼)[^，,。；;]{0,30}"),
    re.compile(r"(?:行政复议|行政诉讼)[^，,。；;]{0,30}?(?:均为0|均为零|为零|为0件|0件|零件)"),
]


# "no case was corrected or lost on appeal" speaks of outcomes, not of whether appeals happened
APPEAL_OUTCOME = re.compile(r"纠错|败诉|被纠正|撤销|确认违法")


def extract_statements(cls: list[Clause], lines: list[Line]) -> dict[str, Metric]:
    """Prose that says no 行政复议 (no_review) or no 行政诉讼 (no_suit) took place."""
    out: dict[str, Metric] = {}
    for cl in cls:
        for rx in NO_APPEALS:
            m = rx.search(cl.text)
            if not m or APPEAL_OUTCOME.search(m.group(0)):
                continue
            span = m.group(0)
            for word, sid in (("复议", "no_review"), ("诉讼", "no_suit")):
                if word in span and sid not in out:
                    ln = lines[cl.lines[0]]
                    out[sid] = Metric(value=True, evidence=cl.text, page=ln.page, line=ln.number,
                                      bbox=ln.bbox, confidence=0.8)
    return out
