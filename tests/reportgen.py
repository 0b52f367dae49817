"""Small report texts for tests, written from values, in the shapes real extractions take.

Not the synthetic corpus (training/synth): just enough text to put one hazard at a time
in front of the extractor, with the values known.
"""
from __future__ import annotations

import random

from nianbao import schema

PROSE = """{agency}
{year} 年政府信息公开工作年度报告

根据《中华人民共和国政府信息公开条例》规定，现发布本报告。本报告统计数据从 {year} 年 1 月 1 日至 12 月 31 日。联系电话：0951-5098596。

一、总体情况

（一）主动公开方面。{year}年，全年主动公开政府信息 {proactive} 条，其中政府门户网站 {website} 条，微信公众号 {wechat} 条。

（二）依申请公开方面。共收到政府信息公开申请 {received} 件。

"""
TAIL = """
五、存在的主要问题及改进情况

一是政策解读形式单一；二是更新不够及时。

六、其他需要报告的事项

本机关{year}年未收取信息处理费。
"""

ACTIVE_HEAD = {
    "2021": {"rules": "第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数",
             "licensing": "第二十条第（五）项\n信息内容 本年处理决定数量",
             "penalty": "第二十条第（六）项\n信息内容 本年处理决定数量",
             "fees": "第二十条第（八）项\n信息内容 本年收费金额（单位：万元）"},
    "2019": {"rules": "第二十条第（一）项\n信息内容 本年新制作数量 本年新公开数量 对外公开总数量",
             "licensing": "第二十条第（五）项\n信息内容 上一年项目数量 本年增/减 处理决定数量",
             "penalty": "第二十条第（六）项\n信息内容 上一年项目数量 本年增/减 处理决定数量",
             "fees": "第二十条第（八）项\n信息内容 上一年项目数量 本年增/减",
             "procurement": "第二十条第（九）项\n信息内容 采购项目数量 采购总金额"},
}
REQ_HEAD = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n申请人情况\n自然人 法人或其他组织 总计\n商业企业 科研机构 社会公益组织 法律服务机构 其他"
APPEALS_HEAD = "行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉\n" + \
    "结果维持 结果纠正 其他结果 尚未审结 总计 " * 2


def make_values(fmt: str, seed: int = 0, big: bool = False) -> dict:
    """Values for every key of `fmt` that satisfy every identity."""
    rnd = random.Random(seed)
    hi = 3000 if big else 6
    v = {}
    for r in schema.rows("active", fmt):
        for c in r.cols:
            t = schema.col_type("active", fmt, c)
            if t == "decimal":
                v[r.key(c)] = round(rnd.uniform(0, 900), 2) if rnd.random() < 0.5 else 0
            elif t == "signed":
                v[r.key(c)] = rnd.randint(-20, 40)
            else:
                v[r.key(c)] = rnd.randint(0, hi) if rnd.random() < 0.6 else 0
    parts = ["natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org"]
    results = schema.request_result_rows(fmt)
    for r in results:
        for c in parts:
            v[f"requests.{r}.{c}"] = rnd.randint(0, hi) if (c == "natural_person" or rnd.random() < 0.15) and rnd.random() < 0.6 else 0
    for c in parts:
        v[f"requests.result.total.{c}"] = sum(v[f"requests.{r}.{c}"] for r in results)
        v[f"requests.carried_forward.{c}"] = rnd.randint(0, 2)
        v[f"requests.carried_over.{c}"] = rnd.randint(0, 2)
        v[f"requests.new_received.{c}"] = (v[f"requests.result.total.{c}"] + v[f"requests.carried_forward.{c}"]
                                           - v[f"requests.carried_over.{c}"])
        if v[f"requests.new_received.{c}"] < 0:
            v[f"requests.carried_over.{c}"] += v[f"requests.new_received.{c}"]
            v[f"requests.new_received.{c}"] = 0
    for r in schema.rows("requests", fmt):
        v[r.key("total")] = sum(v[r.key(c)] for c in parts)
    for r in schema.rows("appeals", fmt):
        for c in ("upheld", "corrected", "other", "pending"):
            v[r.key(c)] = rnd.randint(0, 2) if rnd.random() < 0.3 else 0
        v[r.key("total")] = sum(v[r.key(c)] for c in ("upheld", "corrected", "other", "pending"))
    return v


def fmt_num(x, table_col_type="int") -> str:
    if table_col_type == "signed" and x > 0:
        return f"+{x}"
    return str(x)


def row_cells(fmt: str, table: str, row) -> list[tuple[str, str]]:
    out = []
    for c in row.cols:
        t = schema.col_type(table, fmt, c) if table == "active" else "int"
        out.append((row.key(c), t))
    return out


def report_text(fmt: str, values: dict, *, year: int | None = None, agency: str = "测试县人民政府办公室",
                sep: str = " ", label_numbers: str = "same", stray_total: bool = False,
                blank_zero: str | None = None, footer_in_requests: bool = False,
                vertical_header: bool = False, wrap_labels: bool = False, fullwidth: bool = False) -> str:
    """A report text. label_numbers: 'same' (label then numbers on one line), 'after' (numbers on
    the next line), 'before' (numbers on the line above the label), 'split' (numbers over two lines).
    blank_zero: None, 'tab' (zeros printed as empty tab fields)."""
    year = year or (2023 if fmt == "2021" else 2020)
    out = [PROSE.format(agency=agency, year=year, proactive=1954, website=679, wechat=867,
                        received=values["requests.new_received.total"]), "二、主动公开政府信息情况", ""]

    def cell(key, t):
        x = values[key]
        if blank_zero == "tab" and x == 0:
            return ""
        return fmt_num(x, t)

    def emit(label, cells):
        nums = [cell(k, t) for k, t in cells]
        joined = ("\t" if blank_zero == "tab" else sep).join(nums)
        if blank_zero == "tab":
            label = label + "\t"
        if wrap_labels and len(label) > 8:
            first, rest = label[:6], label[6:]
        else:
            first, rest = label, ""
        if label_numbers == "same":
            out.append(f"{first}{sep if blank_zero != 'tab' else ''}{joined}")
            if rest:
                out.append(rest)
        elif label_numbers == "after":
            out.append(first)
            if rest:
                out.append(rest)
            out.append(joined)
        elif label_numbers == "before":
            out.append(joined)
            out.append(first)
            if rest:
                out.append(rest)
        elif label_numbers == "split":
            half = len(nums) // 2 or 1
            out.append(first + sep + sep.join(nums[:half]))
            if rest:
                out.append(rest)
            if nums[half:]:
                out.append(sep.join(nums[half:]))
        out.append("")

    heads = ACTIVE_HEAD[fmt]
    for r in schema.rows("active", fmt):
        if r.id in heads:
            out.append(heads[r.id])
        emit(r.zh, row_cells(fmt, "active", r))
    out += ["三、收到和处理政府信息公开申请情况", ""]
    head = REQ_HEAD
    if vertical_header:
        head = head.replace("自然人", "自\n然\n人").replace("科研机构", "科\n研\n机\n构")
    out.append(head)
    rows = schema.rows("requests", fmt)
    for i, r in enumerate(rows):
        label = r.zh.replace("（三）不予公开 ", "").replace("（四）无法提供 ", "").replace(
            "（五）不予处理 ", "").replace("（六）其他处理 ", "")
        if r.id == "result.withheld.state_secret":
            out.append("（三）不予公开")
        if r.id == "result.unable.not_held":
            out.append("（四）无法提供")
        if r.id == "result.not_processed.petition":
            out.append("（五）不予处理")
        if r.id == "result.other.overdue_correction":
            out.append("（六）其他处理")
        cells = row_cells(fmt, "requests", r)
        if stray_total and r.id == "result.total":
            emit(label, cells[:1] + [("requests.result.total.enterprise", "int")] + cells[1:])
        else:
            emit(label, cells)
        if footer_in_requests and i == len(rows) // 2:
            out += ["", "-3-", "", head]
    out += ["四、政府信息公开行政复议、行政诉讼情况", APPEALS_HEAD]
    emit_keys = [(k, "int") for r in schema.rows("appeals", fmt) for k in (r.key(c) for c in r.cols)]
    nums = [cell(k, t) for k, t in emit_keys]
    out.append(("\t" if blank_zero == "tab" else sep).join(nums))
    out.append(TAIL.format(year=year))
    text = "\n".join(out)
    if fullwidth:
        text = text.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    return text
