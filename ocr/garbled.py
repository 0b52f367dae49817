"""Is a page's text layer worth trusting? Cheap checks that catch the usual breakages.

A PDF whose font lacks a ToUnicode map yields glyph codes (Latin-1 soup or U+FFFD); a
scrambled map yields valid but wrong characters, mostly rare hanzi. Real report pages are
dense in common hanzi (GB2312 level 1 holds ~3,755 characters that cover > 99% of running
Chinese text) and contain the report's fixed vocabulary. A page failing these is OCR'd.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

MIN_CHARS = 10  # fewer printed characters: no text layer worth the name (a scan)
MAX_BAD = 0.05  # share of U+FFFD / private-use / control / unassigned / unmapped characters
MIN_HANZI_SHARE = 0.3  # hanzi among non-digit, non-space characters on a Chinese report page
MIN_COMMON_HANZI = 0.85  # common (GB2312 level-1) hanzi among hanzi
MIN_VOCAB_HITS = 1  # report words found, on pages with enough hanzi to expect one
VOCAB_PAGE_HANZI = 80


@dataclass
class Verdict:
    ok: bool
    reason: str
    chars: int = 0
    hanzi_share: float = 0.0
    common_share: float = 0.0
    bad_share: float = 0.0
    vocab_hits: int = 0


def is_hanzi(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF or 0xF900 <= o <= 0xFAFF


def is_common_hanzi(ch: str) -> bool:
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xB0 <= b[0] <= 0xD7


def is_bad(ch: str) -> bool:
    if ch == "\ufffd":
        return True
    cat = unicodedata.category(ch)
    return cat in ("Co", "Cn", "Cs") or (cat == "Cc" and ch not in "\t\n\r")


@functools.cache
def vocabulary() -> frozenset[str]:
    """Words every report prints: schema labels and match phrases, plus the report's stock phrases."""
    from nianbao import schema

    words = {"政府信息", "信息公开", "公开", "年度报告", "政府", "工作", "申请", "情况", "办理", "行政"}
    raw = schema.raw()
    for t in schema.TABLES:
        for fmt in schema.FORMATS:
            for r in schema.rows(t, fmt):
                words.update(m for m in r.match if len(m) >= 2)
            for c in schema.columns(t, fmt).values():
                words.update(m for m in c.match if len(m) >= 2)
    for phrases in raw.get("sections", {}).values():
        words.update(phrases)
    for cues in raw.get("format_cues", {}).values():
        words.update(cues)
    return frozenset(w for w in words if any(is_hanzi(c) for c in w))


def judge(text: str, map_errors: int = 0) -> Verdict:
    chars = [c for c in text if not c.isspace()]
    n = len(chars)
    if n < MIN_CHARS:
        return Verdict(False, f"no text layer ({n} characters)", chars=n)
    bad = sum(1 for c in chars if is_bad(c)) + map_errors
    hanzi = [c for c in chars if is_hanzi(c)]
    letters = [c for c in chars if not c.isdigit()]
    hanzi_share = len(hanzi) / max(1, len(letters))
    common = sum(1 for c in hanzi if is_common_hanzi(c)) / max(1, len(hanzi))
    joined = "".join(chars)
    hits = sum(1 for w in vocabulary() if w in joined)
    v = Verdict(True, "text layer ok", n, hanzi_share, common, bad / n, hits)
    if v.bad_share > MAX_BAD:
        v.ok, v.reason = False, f"unmapped or invalid characters ({v.bad_share:.0%})"
    elif len(letters) >= MIN_CHARS and hanzi_share < MIN_HANZI_SHARE:
        v.ok, v.reason = False, f"too few hanzi for a Chinese report ({hanzi_share:.0%} of letters)"
    elif len(hanzi) >= MIN_CHARS and common < MIN_COMMON_HANZI:
        v.ok, v.reason = False, f"rare characters dominate ({common:.0%} common hanzi): scrambled ToUnicode?"
    elif len(hanzi) >= VOCAB_PAGE_HANZI and hits < MIN_VOCAB_HITS:
        v.ok, v.reason = False, "none of the report's vocabulary found"
    return v
