"""Narrative metrics from prose: phrasings, approx, distractors, clause boundaries."""
import pytest

from nianbao.assemble.metrics import clauses, extract_metrics, extract_statements
from nianbao.document import Line


def metrics_of(text):
    lines = [Line(text=t, number=i) for i, t in enumerate(text.split("\n"), 1)]
    return extract_metrics(clauses(lines, set()), lines)


@pytest.mark.parametrize("text,mid,value,approx", [
    ("全年主动公开政府信息8331条，其中，", "proactive_total", 8331, False),
    ("全年通过各类平台公开信\n\n息 1687 条，其中，", "proactive_total", 1687, False),
    ("本年度共主动公开政府信息900多条。", "proactive_total", 900, True),
    ("其中，政府门户网站 679 条（新闻类 326 条）", "website_items", 679, False),
    ("通过政府网站发布政府信息4611条、政务新媒体发布政府信息3720条。", "new_media_items", 3720, False),
    ("“海原政务”微信公众号发布转载信息 47 条，", "wechat_items", 47, False),
    ("“海原县政务”微博发布转载信息 67 条。", "weibo_items", 67, False),
    ("主动公开本年度制发的行政规范性文件 3件。", "normative_docs_published", 3, False),
    ("政策解读43件（包括转发材料10件）", "policy_interpretations", 43, False),
    ("共受理政府信息公开\n申请 13 件，", "requests_received", 13, False),
    ("收到新增公开政府信息的申请 8 件，", "requests_received", 8, False),
    ("“政府开放日”活动 25 场\n\n次。", "open_day_events", 25, False),
    ("累计开展20次“政府开放日活动”，", "open_day_events", 20, False),
    ("共收到政府信息公开申请约120件。", "requests_received", 120, True),
])
def test_phrasings(text, mid, value, approx):
    m = metrics_of(text)[mid]
    assert m.value == value and m.approx is approx
    assert str(value) in m.evidence


@pytest.mark.parametrize("text", [
    "在政府网站开设专栏，公开发布信息78条。",  # not the website's total
    "及时答复政务微博后台私信留言7条、微信公众平台后台留言19条。",  # replies, not posts
    "全年办结并向申请人公开上年度结转的 3 项政府信息公开申请，",  # carried over, not received
    "清理规范性政策性文件215份，",
    "组织开展“政府开放日”活动，",
    "联系电话：0953-5098596；邮编：751999。",
    "视频解读政策 8期。",
])
def test_distractors_yield_nothing(text):
    assert metrics_of(text) == {}


def test_fee_collected():
    assert metrics_of("本机关 2023 年未收取信息处理费用。")["fee_collected"].value is False
    assert metrics_of("在办理政府信息公开申请中，没有产生信息处理费。")["fee_collected"].value is False
    assert metrics_of("全年收取信息处理费 300 元。")["fee_collected"].value == 300
    assert "fee_collected" not in metrics_of("加强政策解读。")


def test_first_mention_wins_over_later_distractor():
    m = metrics_of("全年主动公开政府信息1954条。\n共发布公开信息条数7569条，浏览量195198。")
    assert m["proactive_total"].value == 1954


def test_no_appeals_statements():
    lines = [Line(text="无因依申请公开引发的行政复议案件、行政诉讼案件，所有案件均按程序办理。", number=1)]
    st = extract_statements(clauses(lines, set()), lines)
    assert set(st) == {"no_review", "no_suit"}
    lines = [Line(text="未发生行政诉讼，行政复议 1 件。", number=1)]
    assert set(extract_statements(clauses(lines, set()), lines)) == {"no_suit"}


@pytest.mark.parametrize("text,mid,value", [
    ("2023年共发布政府信息1520条。", "proactive_total", 1520),
    ("主动公开信息总量达3210条，", "proactive_total", 3210),
    ("累计发布各类政务信息900多条。", "proactive_total", 900),
    ("全年受理依申请公开事项12件。", "requests_received", 12),
    ("共受理政府信息公开申请15件（含上年结转2件）。", "requests_received", 15),
    ("办理政府信息公开申请9件，其中上年结转1件。", "requests_received", 9),
    ("解读政策文件6件，", "policy_interpretations", 6),
    ("开展政策解读14次。", "policy_interpretations", 14),
    ("举办“政府开放日”主题活动3期。", "open_day_events", 3),
])
def test_more_phrasings(text, mid, value):
    assert metrics_of(text)[mid].value == value


def test_fee_charged_without_amount():
    assert metrics_of("本年度依法收取信息处理费。")["fee_collected"].value is True


@pytest.mark.parametrize("text,mid,value", [
    ("政务微信公众号发布信息\n1276.条。", "wechat_items", 1276),   # an OCR speck read as a mark
    ("政务微信公众号发布信息1276：条。", "wechat_items", 1276),
    ("全年主动公开政府信息83·条，", "proactive_total", 83),
])
def test_stray_mark_between_number_and_measure_word(text, mid, value):
    m = metrics_of(text)[mid]
    assert m.value == value and str(value) in m.evidence


def test_a_decimal_point_stays():
    assert metrics_of("全年收取信息处理费 12.5 元。")["fee_collected"].value == 12.5
    c = clauses([Line(text="公开信息12.5条。", number=1)], set())
    assert c[0].text == "公开信息12.5条。"


# phrasings met in real reports (../shared/real: hongze_2024, pingtan_*, shanghai_*)
@pytest.mark.parametrize("text,mid,value", [
    ("公开政府常务会议 7\n期，解读信息发布 7 条。", "policy_interpretations", 7),
    ("解读类信息发布 21 条，", "policy_interpretations", 21),
    ("全年发布政策解读117篇。", "policy_interpretations", 117),
    ("发布文字、图解、H5等多形式政策解读82篇。", "policy_interpretations", 82),
    ("通过“中国上海”门户网站发布政策解读共132件。", "policy_interpretations", 132),
    ("本机关未收取申请人的任何费用。", "fee_collected", False),
    ("全年收取政府信息公开信息处理费0元。", "fee_collected", False),
    ("2021年，无收取信息处理费情况。", "fee_collected", False),
    ("市科委未发生政府信息公开收费事项。", "fee_collected", False),
    ("2025 年度本机关未收取信息公开处理费。", "fee_collected", False),
    # a list prints its verb once: 公开 belongs to every item (上海 2019)
    ("主动公开规章13件，行政规范性文件60件，市政府其他文件162件。", "normative_docs_published", 60),
])
def test_real_phrasings(text, mid, value):
    m = metrics_of(text)[mid]
    assert m.value is value if isinstance(value, bool) else m.value == value


@pytest.mark.parametrize("text,absent", [
    # hongze 2024: a count of requests is no count of open days (no 开放日 in the clause)
    ("区政府办代表区政府受理政府\n信息公开申请 17 件，均已在法定期限内予以答复。", "open_day_events"),
    # the 2021 table's row label speaks of fees but states nothing charged or not
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "fee_collected"),
    ("四是做好减税降费信息公开。", "fee_collected"),
    ("召开68海里景区观光区收费标准定价听证会并将相关信息上网公开。", "fee_collected"),
    ("视频解读政策 8期。", "policy_interpretations"),
    # the verb of an earlier sentence does not carry over
    ("主动公开规章13件。清理行政规范性文件60件。", "normative_docs_published"),
    ("主动公开信息。行政规范性文件60件。", "normative_docs_published"),
])
def test_a_metric_needs_its_cue_in_the_clause(text, absent):
    assert absent not in metrics_of(text)


def test_every_metric_has_a_cue_and_a_clause_without_it_is_refused():
    from nianbao import schema
    from nianbao.assemble.metrics import CUES, has_cue
    assert set(CUES) | {"fee_collected"} == set(schema.metric_ids())
    assert has_cue("open_day_events", "开展“政府开放日”活动3场")
    assert not has_cue("open_day_events", "信息公开申请17件")
    assert has_cue("fee_collected", "未收取申请人的任何费用") and not has_cue("fee_collected", "减税降费")
    assert not has_cue("proactive_total", "通过网络平台、信件邮寄等方式共收到政府信息公开申请25件")


def test_the_models_metric_needs_its_cue_in_the_clause():
    """hongze 2024: the model tagged 17 of 信息公开申请 17 件 as open days; the clause, over the
    line break, holds no 开放日, so the number is no open-day count (the rules read it as requests)."""
    from nianbao.document import Document, Page, Source, Token
    from nianbao.model import read_labels

    def line(text, y, n, tags=None):
        ln = Line(text=text, number=n, page=1, bbox=(50, y, 500, y + 10))
        for i, ch in enumerate(text):
            tag = (tags or {}).get(i, "O")
            ln.tokens.append(Token(ch, (50 + 9 * i, y, 58 + 9 * i, y + 10), label=tag, label_conf=0.99))
        return ln
    first = "2024年，区政府办代表区政府受理政府"
    second = "信息公开申请17件，均已在法定期限内予以答复。"
    i = second.index("17")
    lines = [line(first, 100, 1), line(second, 114, 2, {i: "B-MET:open_day_events", i + 1: "I-MET:open_day_events"})]
    doc = Document(source=Source("x.pdf", kind="digital_pdf"),
                   pages=[Page(number=1, width=600.0, height=800.0, lines=lines, source="text_layer")])
    assert "open_day_events" not in read_labels.metrics(doc)
    lines[1].tokens[i].label, lines[1].tokens[i + 1].label = "B-MET:requests_received", "I-MET:requests_received"
    m = read_labels.metrics(doc)["requests_received"]
    assert m.value == 17 and m.evidence == "区政府办代表区政府受理政府信息公开申请17件，"
