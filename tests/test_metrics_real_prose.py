"""Narrative metrics as real prose states them (issue 24, item 10): the year's count and not a
cumulative one, interpretations of policy documents, no requests received, audiences that are
no counts, releases of one kind that are no total, prose printed between a heading and its table."""
import pytest

from nianbao.assemble.metrics import clauses, extract_metrics
from nianbao.document import Line
from nianbao.pipeline import extract_text

from reportgen import make_values, report_text


def metrics_of(text: str) -> dict:
    lines = [Line(text=t, number=i + 1) for i, t in enumerate(text.split("\n"))]
    return {k: m.value for k, m in extract_metrics(clauses(lines, set()), lines).items()}


@pytest.mark.parametrize("text,mid,value", [
    # the year's part of a cumulative count
    ("累计主动公开政府信息1770条，其中2019年度主动公开政府信息202条。", "proactive_total", 202),
    # the year's part of the information made (平潭 2019, 2021)
    ("2019年制作、获取政府信息总数330条，其中主动公开政府信息90条，作为依申请公开信息数161条。", "proactive_total", 90),
    ("全年共制作政府信息总数110条，其中主动公开信息20条，依申请公开政府信息86条。", "proactive_total", 20),
    # the clause opens with it after its date (平潭 2023)
    ("2023年，主动公开政府信息312条，重大建设项目类信息280条。", "proactive_total", 312),
    ("全年发布政策文件解读96篇。", "policy_interpretations", 96),
    ("本年度未收到政府信息公开申请。", "requests_received", 0),
    ("2022年，上网发布的179条公安政府信息，均进行了发布登记备案。", "website_items", 179),
    ("2023年，我局制定规范性文件5件，全部完成图文解读。", "normative_docs_published", 5),
])
def test_what_real_prose_states(text, mid, value):
    assert metrics_of(text).get(mid) == value


@pytest.mark.parametrize("text,mid", [
    ("“上海发布”微信公众号用户已突破550万条，月影响力稳居第一。", "wechat_items"),
    ("微博粉丝突破770万条。", "weibo_items"),
    ("对市政府常务会议的重要议题进行权威发布共计38次。", "proactive_total"),
    # a channel's count over 各类信息 is no total (平潭 2024: 局微信公众号…发布各类信息600余条)
    ("局微信公众号公开累计发布各类信息600余条，其中产业政策栏目共发布各类政策10条。", "proactive_total"),
    ("本年度未收到行政复议申请。", "requests_received"),
])
def test_what_is_no_such_metric(text, mid):
    assert mid not in metrics_of(text)


def test_prose_between_a_heading_and_its_table_is_read():
    """平潭 2024 prints `2024年，共收到政府信息公开申请3条。` between the requests heading and its
    table: a sentence there is prose, not table text."""
    values = make_values("2021", seed=12)
    text = report_text("2021", values)
    said = f"共收到政府信息公开申请 {values['requests.new_received.total']} 件。"
    assert said in text
    text = text.replace(said, "").replace("三、收到和处理政府信息公开申请情况\n",
                                         "三、收到和处理政府信息公开申请情况\n2024年，共收到政府信息公开申请3条。\n")
    doc = extract_text(text)
    assert doc.metrics["requests_received"].value == 3
    assert all(doc.fields[k].value == v for k, v in values.items())  # the table is read as before
