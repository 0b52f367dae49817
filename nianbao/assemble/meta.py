"""Agency, year and format of a report, from its title and its table headers."""
from __future__ import annotations

import re
from collections import Counter

from nianbao import schema
from nianbao.document import Line

from .normalize import compact, norm

TITLE_LINES = 20
YEAR_TITLE_RE = re.compile(r"((?:19|20)\d{2})年度?")
REPORT_WORDS = ("政府信息公开", "政务公开", "信息公开")
PLACE_SUFFIXES = ("自治区", "自治州", "自治县", "自治旗", "特别行政区", "省", "市", "区", "县", "州", "旗", "盟",
                  "镇", "乡", "街道")
ORGAN_WORDS = ("政府", "办公室", "办公厅", "局", "委员会", "委", "厅", "院", "中心", "所", "站", "队", "署", "会",
               "部", "办", "处", "馆", "社", "司", "行", "集团")
STRIP = "《》“”\"'「」【】[]:：,，、 "
# the publisher a web page prints beside the article (发布机构：…), used when no title names one
PUBLISHER_RE = re.compile(r"(?:发布机构|发文机关|发布单位|制发机关)[:：]([\u4e00-\u9fff()]{2,40})")


def _title_lines(lines: list[Line]) -> list[str]:
    out = []
    for ln in lines:
        t = compact(norm(ln.text))
        if t:
            out.append(t)
        if len(out) >= TITLE_LINES:
            break
    return out


def detect_year(lines: list[Line]) -> int | None:
    heads = _title_lines(lines)
    for t in heads:
        if any(w in t for w in REPORT_WORDS) and "报告" in t:
            m = YEAR_TITLE_RE.search(t)
            if m:
                return int(m.group(1))
    # a title split over lines: the year line just before the 报告 line
    for i, t in enumerate(heads):
        if "报告" in t and any(w in t for w in REPORT_WORDS) and i > 0:
            m = YEAR_TITLE_RE.search(heads[i - 1])
            if m:
                return int(m.group(1))
    text = compact(norm("\n".join(ln.text for ln in lines)))
    m = re.search(r"统计(?:数据|期限|时限)[^。]{0,30}?((?:19|20)\d{2})年", text)
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})年", text))
    return years.most_common(1)[0][0] if years else None


def normalise_agency(name: str) -> str | None:
    name = name.strip(STRIP)
    name = re.sub(r"^(?:标题|题目|文章标题)[:：]", "", name)  # a scraped page's metadata line
    name = re.sub(r"^关于", "", name)
    if len(name) < 2:
        return None
    if name.endswith(PLACE_SUFFIXES) and not any(w in name for w in ORGAN_WORDS):
        # a report titled with a bare place name is that place's people's government's report
        name += "人民政府"
    return name


def _join_split_titles(heads: list[str]) -> list[str]:
    """A title wrapped inside its report words (…人民政府2019年政府信息公 / 开工作年度报告) as one line."""
    out = list(heads)
    for i in range(len(out) - 1):
        t = out[i]
        if t.endswith("报") and out[i + 1].startswith("告") and any(w in t for w in REPORT_WORDS):
            out[i] = t + out[i + 1]  # …工作年度报 / 告
            continue
        if any(w in t for w in REPORT_WORDS):
            continue
        both = t + out[i + 1]
        hits = [both.find(w) for w in REPORT_WORDS if w in both]
        if hits and min(hits) < len(t) and "报告" in both:
            out[i] = both
    return out


def detect_agency(lines: list[Line]) -> str | None:
    heads = _join_split_titles(_title_lines(lines))
    for i, t in enumerate(heads):
        if not (any(w in t for w in REPORT_WORDS) and ("报告" in t or (i + 1 < len(heads) and "报告" in heads[i + 1]))):
            continue
        m = YEAR_TITLE_RE.search(t)
        prefix = t[:m.start()] if m else t[:t.find("政府信息公开")] if "政府信息公开" in t else ""
        prefix = prefix.strip(STRIP)
        if len(prefix) < 2 and m and m.start() <= 1:
            # the year first: 2019年上海市人民政府办公厅政府信息公开工作年度报告
            rest = t[m.end():]
            k = min((rest.find(w) for w in REPORT_WORDS if w in rest), default=-1)
            prefix = rest[:k].strip(STRIP) if k >= 2 else prefix
        if len(prefix) >= 2 and not re.search(r"[。；;]", prefix):
            return normalise_agency(prefix)
        for j in range(i - 1, max(-1, i - 3), -1):
            prev = heads[j]
            if 2 <= len(prev) <= 40 and not re.search(r"[。；;,，]", prev) and not YEAR_TITLE_RE.fullmatch(prev):
                return normalise_agency(prev)
        break
    text = compact(norm("\n".join(ln.text for ln in lines[:200])))
    m = PUBLISHER_RE.search(compact(norm("\n".join(heads))))
    if m:
        return normalise_agency(m.group(1))
    m = re.search(r"([\u4e00-\u9fff]{2,20}?(?:人民政府办公室|人民政府办公厅|人民政府|委员会|局))", text)
    return normalise_agency(m.group(1)) if m else None


def detect_format(text: str, year: int | None) -> tuple[str | None, dict[str, int]]:
    """Vote by the header wordings that differ between the formats; the year breaks ties."""
    votes = {fmt: sum(1 for cue in cues if cue in text) for fmt, cues in schema.format_cues().items()}
    best = max(votes.values())
    leaders = [f for f, v in votes.items() if v == best]
    if best > 0 and len(leaders) == 1:
        return leaders[0], votes
    return schema.format_for_year(year), votes
