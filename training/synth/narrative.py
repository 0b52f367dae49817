"""The prose of a report: sections 一 to 六 around the three tables.

Every paragraph is a list of (text, role) segments; a metric's number carries the role
`MET:<id>` so the token gold can label it. Each metric has many phrasings, and distractor
numbers (dates, phone numbers, 文号, other counts) sit close to them, so a metric has to be
found by meaning rather than by taking the first number in a sentence.
"""
from __future__ import annotations

import random

from .agencies import Agency, place_short
from .content import Content

Seg = tuple[str, str]
Para = list[Seg]

PHRASES: dict[str, list[str]] = {
    "proactive_total": [
        "全年主动公开政府信息{n}条", "全年通过各类平台公开信息{n}条", "共主动公开各类政府信息{n}条",
        "{y}年共发布政府信息{n}条", "主动公开信息总量达{n}条", "累计主动公开政府信息{n}条",
        "全年共主动公开政府信息{n}条（含转载）",
    ],
    "proactive_total@approx": ["全年主动公开政府信息{n}余条", "累计发布各类政务信息{n}多条",
                               "共主动公开政府信息{n}余条"],
    "website_items": [
        "政府门户网站{n}条", "通过{site}发布政府信息{n}条", "在门户网站公开信息{n}条",
        "政府网站发布信息{n}条", "通过政府网站发布{n}条", "{site}累计更新信息{n}条",
    ],
    "wechat_items": ["微信公众号{n}条", "“{wx}”微信公众号发布转载信息{n}条", "通过政务微信推送信息{n}条",
                     "政务微信公众号发布信息{n}条"],
    "weibo_items": ["微博{n}条", "政务微博发布信息{n}条", "“{wb}”微博发布转载信息{n}条", "官方微博发布{n}条"],
    "new_media_items": ["政务新媒体发布政府信息{n}条", "通过政务新媒体平台发布信息{n}条",
                        "政务新媒体累计推送信息{n}条"],
    "normative_docs_published": ["主动公开本年度制发的行政规范性文件{n}件", "公开规范性文件{n}件",
                                 "主动公开行政规范性文件{n}件", "新公开规范性文件{n}件"],
    # 2021 format: 发布 said of the year's 本年制发件数 (平潭 管委会办公室 2021: 2021年发布规范性文件20份)
    "normative_docs_published@issued_said_published": ["本年度发布规范性文件{n}件", "全年发布行政规范性文件{n}件"],
    "policy_interpretations": ["政策解读{n}件", "发布政策解读材料{n}篇", "解读政策文件{n}件",
                               "开展政策解读{n}次"],
    "requests_received": ["共受理政府信息公开申请{n}件", "共收到政府信息公开申请{n}件",
                          "收到新增公开政府信息的申请{n}件", "全年受理依申请公开事项{n}件",
                          "通过网络平台、信件邮寄等方式共收到政府信息公开申请{n}件"],
    "requests_received@with_carried_over": ["共受理政府信息公开申请{n}件（含上年结转{co}件）",
                                            "办理政府信息公开申请{n}件，其中上年结转{co}件"],
    "open_day_events": ["开展“政府开放日”活动{n}场次", "累计开展{n}次“政府开放日”活动",
                        "组织“政府开放日”活动{n}场", "举办“政府开放日”主题活动{n}期"],
}
FEE_NO = ["本机关{y}年未收取信息处理费。", "{y}年度未收取信息处理费用。", "全年未收取任何信息处理费。",
          "本年度依申请公开工作未收取信息处理费。"]
FEE_YES = ["本年度依法收取信息处理费。", "{y}年按规定收取信息处理费，收费标准已向社会公布。"]

FILLER_GENERAL = [
    "坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实党中央、国务院关于政务公开工作的决策部署。",
    "围绕中心工作，全面落实政务公开工作要点，以公开促落实、促规范、促服务。",
    "不断提升政府信息公开的“含金量”，发布、解读、回应衔接配套的公开格局进一步健全。",
    "持续推进基层政务公开标准化规范化建设，政务公开质量和实效不断提升。",
]
FILLER_MGMT = [
    "一是严格落实“三审三校”制度，坚持先审后发，确保信息发布安全。",
    "二是定期开展政府信息公开保密审查，对拟公开信息逐条审核。",
    "三是购买第三方服务实时监测政府网站和政务新媒体，全年发现并整改问题{k}条。",
    "规范政府公报编发，全年出刊{k2}期，编校{k3}万余字。",
    "对{k4}件现行有效文件进行清理，及时公布清理结果。",
]
FILLER_PLATFORM = [
    "进一步优化政府门户网站建设，完成适老化和无障碍阅读改造。",
    "规范“政府信息公开专栏”设置，新增专题专栏{k}个。",
    "强化政务新媒体日常监管，建立网络工作群管理台账。",
    "在政务服务中心、档案馆、图书馆设立政府信息公开查阅点{k2}个。",
]
FILLER_SUPERVISION = [
    "将政务公开纳入效能目标考核，赋分{k}分。",
    "举办政务公开工作培训班{k2}期，培训{k3}人次。",
    "全年梳理问题{k4}条，要求限时整改，年底前已全部整改到位。",
    "认真接听政府信息公开咨询热线，全年累计接听电话{k5}余次。",
    "安排政务公开工作经费{d}万元，较上年度增长{p}%。",
]
PROBLEMS = [
    "一是政府网站部分栏目更新不够及时；二是政策解读质量有待进一步提高，解读形式较为单一；"
    "三是基层政务公开工作人员业务能力有待加强。",
    "存在的主要问题：一是政策文件的精准推送有待进一步探索；二是依申请公开答复的规范性还需加强；"
    "三是政务新媒体互动回应不够及时。",
    "对照上级要求和群众期盼，还存在一些差距：部分单位对政务公开重视程度不够，信息发布的及时性、"
    "准确性有待提升。",
]
IMPROVE = [
    "针对上述问题，{y1}年将重点做好以下工作：一是强化政府网站栏目管理，将更新情况纳入季度通报；"
    "二是提升政策解读质量，丰富解读形式；三是加强业务培训，提高依申请公开办理水平。",
    "下一步，将继续坚持“以公开为常态、不公开为例外”原则，进一步压实工作责任，推动政务公开工作再上新台阶。",
    "{y1}年，我们将加快建设政府文件库，做好分级分类展示，确保动态更新、查询便利。",
]
OTHER = [
    "{y}年，承办人大代表建议{k}件、政协委员提案{k2}件，办结率100%，答复率100%。",
    "按照《{y}年政务公开工作要点》要求，各项任务均已落实到位。",
    "全年办理回复网民留言、领导信箱{k3}件，有效回应群众关切。",
    "本单位{y}年未出现因政府信息公开不当导致的责任追究情况。",
]


class Writer:
    """Builds paragraphs from templates, keeping metric numbers as labelled segments."""

    def __init__(self, rng: random.Random, c: Content):
        self.rng = rng
        self.c = c
        self.space = rng.random() < 0.45     # "1687 条" vs "1687条", as in different sources

    def num(self, n) -> str:
        return f" {n} " if self.space else str(n)

    def fill(self, template: str) -> str:
        r = self.rng
        y = self.c.year
        vals = dict(y=y, y1=y + 1, k=r.randint(2, 60), k2=r.randint(2, 12), k3=r.randint(20, 2600),
                    k4=r.randint(10, 700), k5=r.randint(100, 3000), d=f"{r.randint(5, 90)}.{r.randint(1, 9)}",
                    p=f"{r.randint(2, 60)}.{r.randint(0, 9)}", site=self.c.agency.website,
                    wx=place_short(self.c.agency) + "发布", wb=place_short(self.c.agency) + "政务",
                    co=self.c.fields["requests.carried_over.total"])
        out = template
        for k, v in vals.items():
            if k in ("site", "wx", "wb"):
                out = out.replace("{" + k + "}", str(v))
            else:
                out = out.replace("{" + k + "}", self.num(v).strip() if not self.space else str(v))
        return out

    def metric(self, mid: str) -> Para:
        style = self.c.metric_style.get(mid)
        key = f"{mid}@{style}" if style and f"{mid}@{style}" in PHRASES else mid
        tpl = self.fill(self.rng.choice(PHRASES[key]))
        before, after = tpl.split("{n}")
        n = self.c.metrics[mid]
        segs: Para = [(before + (" " if self.space else ""), "O"), (str(n), f"MET:{mid}")]
        segs.append(((" " if self.space else "") + after, "O"))
        return segs


def _breakdown(w: "Writer", total: int, names: list[str], unit: str, open_: str, close: str) -> str:
    """A distractor that splits a metric into parts summing to it (新闻类 326 条，…)."""
    r = w.rng
    cuts = sorted(r.sample(range(1, total), len(names) - 1)) if total > len(names) else [1] * (len(names) - 1)
    parts = [b - a for a, b in zip([0] + cuts, cuts + [total])]
    body = "，".join(f"{n}{w.num(v).strip() if not w.space else w.num(v)}{unit}".replace("  ", " ")
                    for n, v in zip(names, parts) if v > 0)
    return f"{open_}{body}{close}"


APPLICANTS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org")


def _requests_breakdown(c) -> str:
    """其中自然人申请26件，法人或其他组织申请4件，予以公开12件，: the requests received by applicant and
    those disclosed, as real reports state them (synth --variants; no random draw)."""
    f = c.fields
    person = f["requests.new_received.natural_person"]
    legal = sum(f[f"requests.new_received.{a}"] for a in APPLICANTS[1:])
    disclosed = sum(f[f"requests.result.disclosed.{a}"] for a in APPLICANTS)
    return f"其中自然人申请{person}件，法人或其他组织申请{legal}件，予以公开{disclosed}件，"


def _appeals_said(c) -> str:
    """因政府信息公开工作被申请行政复议7件，被提起行政诉讼9件，均获维持。: the year's appeals and how they
    ended, as real reports state them (synth --variants; no random draw). 均获维持 where none was
    corrected or ended otherwise, even with some 尚未审结 (as 上海 2019 says it)."""
    f = c.fields
    groups = ("review", "suit_direct", "suit_after_review")
    review = f["appeals.review.total"]
    suits = f["appeals.suit_direct.total"] + f["appeals.suit_after_review.total"]
    said = [f"被申请行政复议{review}件"] if review else []
    if suits:
        said.append(f"被提起行政诉讼{suits}件")
    corrected = sum(f[f"appeals.{g}.corrected"] for g in groups)
    other = sum(f[f"appeals.{g}.other"] for g in groups)
    if not corrected and not other:
        said.append("均获维持")
    elif corrected:
        said.append(f"其中被纠正{corrected}件")
    return "因政府信息公开工作" + "，".join(said) + "。"


def _pick(r: random.Random, items: list[str], k: int) -> list[str]:
    """k items in their original order (一是 before 二是)."""
    return [items[i] for i in sorted(r.sample(range(len(items)), k))]


def _join(parts: list) -> Para:
    out: Para = []
    for p in parts:
        if isinstance(p, str):
            out.append((p, "O"))
        else:
            out.extend(p)
    return out


def intro(w: Writer) -> Para:
    c, r = w.c, w.rng
    a: Agency = c.agency
    if c.fmt == "2021":
        basis = ("根据《中华人民共和国政府信息公开条例》规定和《国务院办公厅政府信息与政务公开办公室关于印发"
                 "〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求，")
    else:
        basis = "根据新修订《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式（试行）》规定，"
    phone = f"0{r.randint(900, 999)}-{r.randint(4000000, 8999999)}"
    fax = f"0{r.randint(900, 999)}-{r.randint(4000000, 8999999)}"
    post = f"{r.randint(100000, 860000)}"
    street = r.choice(["金水街", "人民路", "解放路", "建设大道", "文化街", "府前路"])
    return _join([basis, f"现发布《{a.name}{c.year}年政府信息公开工作年度报告》。",
                  f"本报告统计数据从{c.year}年1月1日至{c.year}年12月31日。",
                  f"本报告电子版可在{a.website}查阅或下载。如对报告有疑问或意见建议，请与{a.name}联系"
                  f"（地址：{a.county or a.city or a.province}{street}{r.randint(1, 300):03d}号；邮编：{post}；"
                  f"电话：{phone}；传真：{fax}）。"])


def section_one(w: Writer) -> list[tuple[str, object]]:
    c, r = w.c, w.rng
    m = c.metrics
    blocks: list[tuple[str, object]] = [("heading", "一、总体情况")]
    blocks.append(("para", _join([f"{c.year}年，{c.agency.short}" + r.choice(FILLER_GENERAL)])))
    # （一）主动公开: metrics interleaved with distractor counts
    parts: list = [f"（一）主动公开方面。{c.year}年，{c.agency.short}紧紧围绕中心工作全面推进信息公开，"]
    if "normative_docs_published" in m:
        parts += [w.metric("normative_docs_published"), "；"]
    if "proactive_total" in m:
        parts += [w.metric("proactive_total"), "，其中，" if r.random() < 0.7 else "。"]
    chan = [k for k in ("website_items", "wechat_items", "weibo_items", "new_media_items") if k in m]
    for i, k in enumerate(chan):
        parts.append(w.metric(k))
        if k == "website_items" and r.random() < 0.5 and m[k] >= 10:
            parts.append(_breakdown(w, m[k], ["新闻类", "文件类", "其他领域信息"], "条", "（", "）"))
        parts.append("，" if i < len(chan) - 1 else "。")
    if not chan:
        parts.append(w.fill("更新专题专栏{k}个。"))
    if "policy_interpretations" in m:
        parts += ["围绕重要政策文件，", w.metric("policy_interpretations")]
        if m["policy_interpretations"] >= 4 and r.random() < 0.6:
            parts.append(_breakdown(w, m["policy_interpretations"], ["文字解读", "图解", "视频解读"], "件", "，其中", ""))
        parts.append("。")
    parts.append(w.fill("公开财政预决算信息{k4}条，公开重大项目信息{k}条。"))
    blocks.append(("para", _join(parts)))
    # （二）依申请公开
    parts = [f"（二）依申请公开方面。严格履行法定职责，依法依规办理政府信息公开申请。{c.year}年，"]
    if "requests_received" in m and c.metric_style.get("requests_received") == "none" and not m["requests_received"]:
        # states requests_received 0: the clause is the metric's evidence, as for the fee
        parts += [[("未收到政府信息公开申请", "MET:requests_received")], "。"]
    elif "requests_received" in m:
        parts += [w.metric("requests_received"), "，"]
        if c.says_breakdown:
            parts.append(_requests_breakdown(c))
        parts.append(r.choice(["全部在法定期限内办结。", "办结率和答复率均为100%。", "均已按时答复。"]))
    elif c.fields["requests.new_received.total"] == 0:
        parts.append("未收到政府信息公开申请。")
    else:
        parts.append("依申请公开工作规范有序开展。")
    if c.says_appeals:
        parts.append(_appeals_said(c))
    if c.prose_no_appeals:
        parts.append(r.choice(["无因政府信息公开引发的行政复议、行政诉讼案件。",
                               "未发生因政府信息公开工作被申请行政复议和提起行政诉讼的情况。"]))
    blocks.append(("para", _join(parts)))
    blocks.append(("para", _join(["（三）政府信息管理方面。"] + [w.fill(s) for s in _pick(r, FILLER_MGMT, 3)])))
    blocks.append(("para", _join(["（四）平台建设方面。"] + [w.fill(s) for s in _pick(r, FILLER_PLATFORM, 3)])))
    parts = ["（五）监督保障方面。"] + [w.fill(s) for s in _pick(r, FILLER_SUPERVISION, 3)]
    if "open_day_events" in m and r.random() < 0.6:
        parts += ["邀请人大代表、政协委员、群众代表走进行政机关，", w.metric("open_day_events"), "。"]
        c.metric_style["open_day_events"] = "placed"
    blocks.append(("para", _join(parts)))
    return blocks


def section_five(w: Writer) -> list[tuple[str, object]]:
    r = w.rng
    return [("heading", "五、存在的主要问题及改进情况"),
            ("para", _join([w.fill(r.choice(PROBLEMS))])),
            ("para", _join([w.fill(r.choice(IMPROVE))]))]


def section_six(w: Writer) -> list[tuple[str, object]]:
    c, r = w.c, w.rng
    blocks: list[tuple[str, object]] = [("heading", "六、其他需要报告的事项")]
    parts: list = [w.fill(s) for s in r.sample(OTHER, 2)]
    if "open_day_events" in c.metrics and c.metric_style.get("open_day_events") != "placed":
        parts += ["深入开展“政府开放日”活动，", w.metric("open_day_events"), "，切实增进公众对政府工作的认同和支持。"]
    blocks.append(("para", _join(parts)))
    if "fee_collected" in c.metrics:
        tpl = r.choice(FEE_YES if c.metrics["fee_collected"] else FEE_NO)
        text = w.fill(tpl)
        # The whole statement is the metric's evidence; there is no number to label.
        blocks.append(("para", [(text, "MET:fee_collected")]))
    return blocks


def build(c: Content, rng: random.Random) -> list[tuple[str, object]]:
    """The report as blocks: ('title', lines), ('para', segs), ('heading', text), ('table', name)."""
    if c.metric_style.get("open_day_events") == "placed":
        # a second rendering of the same content (web page, Word file) places the metric anew
        del c.metric_style["open_day_events"]
    w = Writer(rng, c)
    title = [c.agency.name, f"{c.year}年政府信息公开工作年度报告"]
    if rng.random() < 0.3:
        title = [f"{c.agency.name}{c.year}年政府信息公开工作年度报告"]
    blocks: list[tuple[str, object]] = [("title", title), ("para", intro(w))]
    blocks += section_one(w)
    blocks += [("heading", "二、主动公开政府信息情况"), ("table", "active")]
    blocks += [("heading", "三、收到和处理政府信息公开申请情况"), ("table", "requests")]
    blocks += [("heading", "四、政府信息公开行政复议、行政诉讼情况"), ("table", "appeals")]
    blocks += section_five(w)
    blocks += section_six(w)
    return blocks
