"""Generated report pages for OCR tests and benchmarks: ruled tables laid out like the national format.

`report_pdf` writes a digital PDF (reportlab, embedded CJK TrueType font) and returns the gold
cells; `scan` renders a page and degrades it like a scanner/phone would. These stand in for the
synthetic corpus (`nianbao synth`) where that is not available, and keep the OCR tests
self-contained.
"""
from __future__ import annotations

import io
import random
from pathlib import Path

from nianbao import schema

FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
FONT = "NBCJK"

PROSE = (
    "根据《中华人民共和国政府信息公开条例》规定，现发布本机关政府信息公开工作年度报告。"
    "本报告统计数据从1月1日至12月31日。本报告电子版可在政府门户网站查阅或下载。"
    "全年通过各类平台主动公开政府信息，及时回应社会关切，依申请公开工作依法依规办理。"
)


def font_path() -> str:
    for p in FONT_PATHS:
        if Path(p).exists():
            return p
    raise FileNotFoundError("no CJK TrueType font: install fonts-wqy-zenhei (scripts/apt-packages.txt)")


def register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, font_path(), subfontIndex=0))


def random_values(fmt: str, rng: random.Random) -> dict[str, int | float]:
    """Gold values for every key; requests/appeals totals add up like a real report."""
    vals: dict[str, int | float] = {}

    def num():
        r = rng.random()
        return 0 if r < 0.35 else rng.randint(1, 9) if r < 0.6 else rng.randint(10, 999) if r < 0.95 else rng.randint(1000, 99999)

    for r in schema.rows("active", fmt):
        for c in r.cols:
            t = schema.col_type("active", fmt, c)
            if t == "decimal":
                vals[r.key(c)] = round(rng.randint(0, 99999) / 100, 2) if rng.random() < 0.6 else 0
            elif t == "signed":
                vals[r.key(c)] = rng.randint(-50, 50)
            else:
                vals[r.key(c)] = num()
    parts = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org")
    for r in schema.rows("requests", fmt):
        for c in parts:
            vals[r.key(c)] = num()
        vals[r.key("total")] = sum(vals[r.key(c)] for c in parts)
    for r in schema.rows("appeals", fmt):
        for c in ("upheld", "corrected", "other", "pending"):
            vals[r.key(c)] = num()
        vals[r.key("total")] = sum(vals[r.key(c)] for c in ("upheld", "corrected", "other", "pending"))
    return vals


def fmt_value(v) -> str:
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".") if v else "0"
    return str(v)


def _styles():
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK", firstLineIndent=21)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=11, wordWrap="CJK", alignment=1)
    left = ParagraphStyle("left", parent=cell, alignment=0)
    head = ParagraphStyle("head", fontName=FONT, fontSize=12, leading=20)
    title = ParagraphStyle("title", fontName=FONT, fontSize=16, leading=24, alignment=1)
    return body, cell, left, head, title


def _table(data, widths, spans, header_rows):
    from reportlab.platypus import Table, TableStyle

    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.8, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ]
    style += [("SPAN", a, b) for a, b in spans]
    return Table(data, colWidths=widths, style=TableStyle(style), repeatRows=header_rows)


def active_table(fmt: str, vals, cell, left):
    from reportlab.platypus import Paragraph as P

    rows = schema.rows("active", fmt)
    cols = schema.columns("active", fmt)
    data, spans = [], []
    byid = {r.id: r for r in rows}

    def add_row(cells: list, n_values: int):
        # rows are padded to three value columns; the unused ones merge into the last value cell
        data.append(cells + [""] * (3 - n_values))
        if n_values < 3:
            spans.append(((n_values, len(data) - 1), (3, len(data) - 1)))

    def add_group(gcols, ids):
        """A 信息内容 header row and the rows under it."""
        add_row(["信息内容"] + [P(cols[c].zh, cell) for c in gcols], len(gcols))
        for rid in ids:
            r = byid[rid]
            add_row([P(r.zh, cell)] + [fmt_value(vals[r.key(c)]) for c in r.cols], len(r.cols))

    if fmt == "2021":
        groups = [("第二十条第（一）项", ["rules", "normative_docs"]), ("第二十条第（五）项", ["licensing"]),
                  ("第二十条第（六）项", ["penalty", "enforcement"]), ("第二十条第（八）项", ["fees"])]
        for title, ids in groups:
            rcols = byid[ids[0]].cols
            n = len(data)
            data.append([title] + [""] * 3)
            spans.append(((0, n), (3, n)))
            add_group(rcols, ids)
        return _table(data, [150, 115, 115, 115], spans, 0)
    # 2019: one table, three header groups as in the 试行 format
    groups = [(["made", "published", "total_published"], ["rules", "normative_docs"]),
              (["prev_items", "change", "decisions"], ["licensing", "other_services", "penalty", "enforcement"]),
              (["prev_items", "change"], ["fees"]), (["items", "amount"], ["procurement"])]
    for gcols, ids in groups:
        add_group(gcols, ids)
    return _table(data, [150, 115, 115, 115], spans, 0)


def requests_table(fmt: str, vals, cell, left, repeat_header: bool = True):
    from reportlab.platypus import Paragraph as P

    cols = ["natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org", "total"]
    data = [
        [P("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", cell), "", "", P("申请人情况", cell)] + [""] * 6,
        ["", "", "", P("自然人", cell), P("法人或其他组织", cell), "", "", "", "", P("总计", cell)],
        ["", "", ""] + [""] + [P(z, cell) for z in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")] + [""],
    ]
    spans = [((0, 0), (2, 2)), ((3, 0), (9, 0)), ((3, 1), (3, 2)), ((4, 1), (8, 1)), ((9, 1), (9, 2))]
    groups: dict[str, list[int]] = {}
    first_result = None
    for r in schema.rows("requests", fmt):
        y = len(data)
        nums = [fmt_value(vals[r.key(c)]) for c in cols]
        if not r.id.startswith("result."):
            data.append([P(r.zh, left), "", ""] + nums)
            spans.append(((0, y), (2, y)))
            continue
        if first_result is None:
            first_result = y
        head, _, item = r.zh.partition(" ")
        if item:
            groups.setdefault(head, []).append(y)
            data.append(["", P(head, left) if len(groups[head]) == 1 else "", P(item, left)] + nums)
        else:
            data.append(["", P(r.zh, left), ""] + nums)
            spans.append(((1, y), (2, y)))
        last_result = y
    data[first_result][0] = P("三、本年度办理结果", cell)
    spans.append(((0, first_result), (0, last_result)))
    for ys in groups.values():
        spans.append(((1, ys[0]), (1, ys[-1])))
    return _table(data, [50, 60, 130] + [36] * 7, spans, 3 if repeat_header else 0)


def appeals_table(fmt: str, vals, cell, left):
    from reportlab.platypus import Paragraph as P

    cols = ["upheld", "corrected", "other", "pending", "total"]
    heads = [P(z, cell) for z in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]
    data = [
        [P("行政复议", cell)] + [""] * 4 + [P("行政诉讼", cell)] + [""] * 9,
        [""] * 5 + [P("未经复议直接起诉", cell)] + [""] * 4 + [P("复议后起诉", cell)] + [""] * 4,
        heads + heads[:] + heads[:],
        [fmt_value(vals[f"appeals.{r}.{c}"]) for r in ("review", "suit_direct", "suit_after_review") for c in cols],
    ]
    spans = [((0, 0), (4, 1)), ((5, 0), (14, 0)), ((5, 1), (9, 1)), ((10, 1), (14, 1))]
    return _table(data, [33] * 15, spans, 0)


def report_pdf(path: str | Path | None = None, fmt: str = "2021", seed: int = 0, prose: bool = True,
               tables=("active", "requests", "appeals"), repeat_header: bool = True) -> tuple[bytes, dict]:
    """A report PDF (bytes, also written to `path` if given) and its gold {key: value} for `tables`."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    register_font()
    rng = random.Random(seed)
    vals = random_values(fmt, rng)
    body, cell, left, head, title = _styles()
    story = [Paragraph("某某市人民政府办公室政府信息公开工作年度报告", title), Spacer(1, 8)]
    if prose:
        story += [Paragraph("一、总体情况", head), Paragraph(PROSE, body)]
    makers = {"active": (active_table, "二、主动公开政府信息情况"),
              "requests": (requests_table, "三、收到和处理政府信息公开申请情况"),
              "appeals": (appeals_table, "四、政府信息公开行政复议、行政诉讼情况")}
    for t in tables:
        make, heading = makers[t]
        tbl = make(fmt, vals, cell, left, repeat_header) if t == "requests" else make(fmt, vals, cell, left)
        story += [Paragraph(heading, head), Spacer(1, 4), tbl, Spacer(1, 10)]
    buf = io.BytesIO()
    # uncompressed streams so tests can edit the text layer (ToUnicode) in place
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=50, rightMargin=50, topMargin=50, bottomMargin=50,
                            invariant=1, pageCompression=0)
    doc.build(story)
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    gold = {k: v for k, v in vals.items() if k.split(".", 1)[0] in tables}
    return data, gold


def scan(pdf_bytes: bytes, page: int = 0, dpi: int = 200, degrade: bool = False, seed: int = 0):
    """Render one page to a PIL image; `degrade` adds skew, blur, noise and JPEG loss like a poor scan."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        img = pdf[page].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()
    if not degrade:
        return img
    rng = random.Random(seed)
    img = img.rotate(rng.uniform(-1.5, 1.5), resample=Image.BILINEAR, expand=False, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    a = np.asarray(img, dtype=np.float32)
    a += np.random.default_rng(seed).normal(0, 12, a.shape)
    img = Image.fromarray(np.clip(a, 0, 255).astype("uint8"))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=55)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def wrong_hanzi(code: int) -> int:
    """The code point a scrambled ToUnicode map gives a common hanzi: another, mostly rare, one."""
    if 0x4E00 <= code <= 0x9FA5:
        return 0x4E00 + (code - 0x4E00 + 7919) % (0x9FA5 - 0x4E00)
    return code


def break_text_layer(pdf_bytes: bytes, how: str = "strip") -> bytes:
    """A copy whose text layer lies: 'strip' removes the ToUnicode maps, 'scramble' maps glyphs to wrong hanzi.

    Edits keep every byte offset (same-length replacements), so the xref table stays valid.
    Needs an uncompressed PDF such as `report_pdf` writes.
    """
    import re

    if how == "strip":
        out = pdf_bytes.replace(b"/ToUnicode", b"/ToUnicodX")
    elif how == "scramble":
        def shift(m):
            return m.group(1) + b"<%04X>" % wrong_hanzi(int(m.group(2), 16))

        out = re.sub(rb"(<[0-9A-F]{2}> )<([0-9A-F]{4})>", shift, pdf_bytes)
    else:
        raise ValueError(how)
    if out == pdf_bytes:
        raise ValueError("nothing to break: compressed or font-less PDF")
    return out
