"""Render a test report to a real PDF (ReportLab, built-in CID font STSong-Light).

Tables are drawn as positioned cells with ruling lines, labels wrapped inside a narrow
label column, so pdftotext sees what it sees in real reports: multi-line labels, numbers in
columns, page footers, tables that run over a page break.
"""
from __future__ import annotations

from pathlib import Path

from nianbao import schema

FONT = "STSong-Light"


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def render_report(path: Path, fmt: str, values: dict, *, agency="测试市人民政府办公室", year=2023,
                  blank_zero=False, label_width=12, aligned_header=False) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    W, H = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    state = {"y": H - 60, "page": 1}

    def newpage():
        c.setFont(FONT, 9)
        c.drawCentredString(W / 2, 30, f"-{state['page']}-")
        c.showPage()
        state["page"] += 1
        state["y"] = H - 60

    def line(text, size=11, x=50, dy=18, center=False):
        if state["y"] < 70:
            newpage()
        c.setFont(FONT, size)
        if center:
            c.drawCentredString(W / 2, state["y"], text)
        else:
            c.drawString(x, state["y"], text)
        state["y"] -= dy

    def para(text):
        for t in _wrap(text, 38):
            line(t)
        state["y"] -= 6

    line(agency, size=16, center=True, dy=26)
    line(f"{year}年政府信息公开工作年度报告", size=16, center=True, dy=30)
    para(f"本报告统计数据从{year}年1月1日至12月31日。")
    line("一、总体情况")
    para(f"（一）主动公开方面。{year}年，全年主动公开政府信息1954条，其中政府门户网站679条，微信公众号867条。")
    para(f"（二）依申请公开方面。共收到政府信息公开申请{values['requests.new_received.total']}件。")

    def table_row(label: str, cells: list[str], col_x: list[float], label_x=50):
        parts = _wrap(label, label_width)
        h = 14 * len(parts) + 6
        if state["y"] - h < 60:
            newpage()
        top = state["y"] + 12
        c.line(label_x - 4, top, W - 40, top)
        c.setFont(FONT, 10)
        for i, p in enumerate(parts):
            c.drawString(label_x, top - 14 * (i + 1), p)
        mid = top - h / 2 - 4
        for x, t in zip(col_x, cells):
            if t:
                c.drawRightString(x, mid, t)
        state["y"] -= h

    def cell_text(key, ctype="int"):
        v = values[key]
        if blank_zero and v == 0:
            return ""
        return f"+{v}" if ctype == "signed" and v > 0 else str(v)

    line("二、主动公开政府信息情况", dy=24)
    heads = {"2021": "信息内容 本年制发件数 本年废止件数 现行有效件数", "2019": "信息内容 本年新制作数量 本年新公开数量 对外公开总数量"}
    line(heads[fmt], size=10)
    for r in schema.rows("active", fmt):
        cells = [cell_text(r.key(col), schema.col_type("active", fmt, col)) for col in r.cols]
        table_row(r.zh, cells, [300, 400, 500][:len(cells)])
    state["y"] -= 10
    line("三、收到和处理政府信息公开申请情况", dy=24)
    col_x = [260 + 45 * i for i in range(7)]
    if aligned_header:  # each label centred over its column, as real tables print them
        c.setFont(FONT, 7)
        for x, t in zip(col_x, ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]):
            c.drawCentredString(x - 5, state["y"], t)
        state["y"] -= 18
    else:
        line("申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计", size=9)
    for r in schema.rows("requests", fmt):
        label = r.zh.split()[-1]
        table_row(label, [cell_text(r.key(col)) for col in r.cols], col_x)
    state["y"] -= 10
    line("四、政府信息公开行政复议、行政诉讼情况", dy=24)
    line("行政复议 行政诉讼（未经复议直接起诉 复议后起诉） 结果维持 结果纠正 其他结果 尚未审结 总计", size=8)
    keys = schema.table_keys("appeals", fmt)
    table_row("", [cell_text(k) for k in keys], [60 + 34 * i for i in range(15)], label_x=50)
    state["y"] -= 10
    line("五、存在的主要问题及改进情况", dy=24)
    para("一是政策解读形式单一；二是部分栏目更新不够及时。")
    line("六、其他需要报告的事项", dy=24)
    para(f"本机关{year}年未收取信息处理费。")
    c.setFont(FONT, 9)
    c.drawCentredString(W / 2, 30, f"-{state['page']}-")
    c.save()
    return path
